import { describe, expect, it } from 'vitest';
import { claimToken, sealedClaim } from '../../src/service/request-claims.js';

describe('claim tokens', () => {
  it('are 6 random bytes in base64url, distinct across pool refills', () => {
    const tokens = Array.from({ length: 2000 }, () => claimToken());
    for (const token of tokens) {
      expect(token).toMatch(/^[A-Za-z0-9_-]{8}$/);
      expect(Buffer.from(token, 'base64url')).toHaveLength(6);
    }
    expect(new Set(tokens).size).toBe(tokens.length);
  });
});

describe('a sealed claim (an archived settlement)', () => {
  it('keeps card and body hash, fits one Redis allocation with an 18-digit card, and is only made for its own card', () => {
    const raw = `330326198001010001 ${'h'.repeat(22)} ${claimToken()} 1575275271111`;
    const sealed = sealedClaim(raw, '330326198001010001');
    expect(sealed).toBe(`330326198001010001 ${'h'.repeat(22)} -`);
    expect(Buffer.byteLength(sealed!)).toBeLessThanOrEqual(44);
    expect(sealedClaim(sealed!, '330326198001010001')).toBe(sealed);
    expect(sealedClaim(raw, '330326198001010002')).toBeNull();
  });
});
