import { describe, expect, it } from 'vitest';
import { claimToken, RequestClaims, sealedClaim } from '../../src/service/request-claims.js';

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

describe('a claim as stored', () => {
  const subject = { hospitalId: 'H001', requestId: 'REQ-1', card: 'A12345678' };
  const hash = 'h'.repeat(16);
  const at = 1_800_000_000_123;
  const claimsHolding = (held: string | null) => {
    const made: string[] = [];
    const claimRequest = async (_hospitalId: string, _requestId: string, raw: string) => {
      made.push(raw);
      return held;
    };
    const repos = { settlements: { claimRequest } };
    return {
      made,
      claims: new RequestClaims(
        repos as never,
        () => at,
        15_000,
        () => at,
      ),
    };
  };

  it('keeps its ms in base36: 44 bytes with a 9-character card number, one Redis allocation', async () => {
    const { made, claims } = claimsHolding(null);
    const claim = await claims.claim(subject, hash);
    expect(claim.raw).toBe(`A12345678 ${hash} ${claim.token} ${at.toString(36)}`);
    expect(Buffer.byteLength(claim.raw)).toBeLessThanOrEqual(44);
    expect(claim.atWallMs).toBe(at);
    expect(made).toEqual([claim.raw]);
  });

  it('reads its own base36 ms and the decimal ms of claims made before', async () => {
    for (const ms of [at.toString(36), String(at)]) {
      const held = `A12345678 ${hash} tok12345 ${ms}`;
      const claim = await claimsHolding(held).claims.claim(subject, hash);
      expect(claim).toEqual({ token: 'tok12345', raw: held, atWallMs: at });
    }
  });
});
