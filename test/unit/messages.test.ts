import { describe, expect, it } from 'vitest';
import { langOf, say, sayBoth } from '../../src/messages/index.js';

describe('message catalogue', () => {
  it('answers in Chinese by default and fills placeholders', () => {
    expect(say('common.internal')).toBe('服务内部错误，请稍后重试');
    expect(sayBoth('common.internal').en).toBe('internal error');
  });
  it('reads Accept-Language', () => {
    expect(langOf(undefined)).toBe('zh');
    expect(langOf('en-US,en;q=0.9')).toBe('en');
    expect(langOf('en;q=0.5, zh-CN;q=0.8')).toBe('zh');
    expect(langOf('fr')).toBe('zh');
  });
});

describe('every error code speaks Chinese', () => {
  it('has a message and a label in the catalogue for each code the HTTP layer maps', async () => {
    const { STATUS_OF } = await import('../../src/http/errors.js');
    const { hasMessage } = await import('../../src/messages/index.js');
    const missing = Object.keys(STATUS_OF)
      .flatMap((code) => ['errors.code.', 'errors.label.'].map((prefix) => prefix + code))
      .filter((key) => !hasMessage(key));
    expect(missing).toEqual([]);
  });
});
