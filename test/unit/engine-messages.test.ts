/** The engine's fast template filler writes exactly what the message catalogue's say() writes. */
import { describe, expect, it } from 'vitest';
import { zh } from '../../src/engine/explanation.js';
import { engineMessages } from '../../src/messages/engine.js';
import { say } from '../../src/messages/index.js';

describe('engine step texts', () => {
  it('zh(key, params) = say(key, params, "zh") for every engine message, with and without params', () => {
    for (const key of Object.keys(engineMessages) as (keyof typeof engineMessages)[]) {
      const names = [...engineMessages[key].zh.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
      const params = Object.fromEntries(names.map((name, i) => [name, `v${i}`]));
      expect(zh(key, params)).toBe(say(key, params, 'zh'));
      expect(zh(key)).toBe(say(key, {}, 'zh'));
      expect(engineMessages[key].en.length).toBeGreaterThan(0);
    }
  });
});
