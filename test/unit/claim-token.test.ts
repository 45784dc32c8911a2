import { describe, expect, it } from 'vitest';
import { claimToken } from '../../src/service/request-claims.js';

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
