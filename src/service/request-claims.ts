/**
 * A requestId is unique per hospital across all persons (api.md "Errors"),
 * but a settlement commits in its person's slot, and on Redis Cluster one
 * script cannot also touch a hospital-wide key. So a settlement first claims
 * `req:{hospitalId:requestId}` for its card and body (SET NX), and commits
 * only under that claim:
 *
 * - no claim yet → this request's claim is set; it goes on to commit;
 * - the same card and body hold it → a retry: it commits (or replays) under
 *   the existing claim's token;
 * - another card or body holds it → 409 IDEMPOTENCY_CONFLICT, unless that
 *   claim is older than the lease and never committed (a crash between claim
 *   and commit): then the old claim is fenced in its person's slot (its
 *   idempotency record becomes `void <token>`, so a late commit of it fails)
 *   and replaced by this one (compare-and-set). No requestId stays stuck, and
 *   no two settlements slip through: a commit checks that its claim was not
 *   voided in the same script that writes the settlement.
 * - a request refused by the rules (422) or found invalid records nothing: it
 *   releases its claim at once (release()), so the corrected bill may reuse
 *   the requestId.
 * - a claim commits within MAX_CLAIM_AGE_MS of being made or is fenced by the
 *   commit script (the service then claims afresh): so a void mark need live
 *   only that long, however late ioredis re-sends a commit.
 */
import { ConflictError, UnavailableError } from '../domain/errors.js';
import { pooledRandomBytes } from '../ops/random-pool.js';
import type { Repositories } from '../store/repositories.js';

/** 6 random bytes as base64url (8 characters), as randomBytes(6).toString('base64url') gives. */
export function claimToken(): string {
  return pooledRandomBytes(6).toString('base64url');
}

/** How long a claim that has not committed protects its requestId from another body. */
export const CLAIM_LEASE_MS = 15_000;
const MAX_ROUNDS = 5;

export interface Claim {
  token: string;
  /** The claim as stored (for compare-and-set). */
  raw: string;
  /** When it was made on the wall clock (the commit script fences a claim too old: MAX_CLAIM_AGE_MS). */
  atWallMs: number;
}

interface ClaimHolder {
  card: string;
  bodyHash: string;
  token: string;
  atMs: number;
}

export interface ClaimSubject {
  hospitalId: string;
  requestId: string;
  card: string;
}

/**
 * `<card> <body hash> <token> <ms in base36>`: with a social-security card
 * number (社会保障卡卡号, 9 characters) that is 44 bytes, which Redis keeps in
 * one allocation with its object (136 → 120 B a claim); decimal ms made it 49.
 */
function encode(holder: ClaimHolder, previousFormat: boolean): string {
  // The release before reads decimal ms only (STORE_WRITE_FORMAT=previous while it runs).
  const at = Math.trunc(holder.atMs);
  return `${holder.card} ${holder.bodyHash} ${holder.token} ${previousFormat ? String(at) : at.toString(36)}`;
}

/** Claims written before base36 kept the ms in decimal (13 digits); base36 ms stay ≤ 9 characters until the year 5138. */
function claimMs(text: string | undefined): number {
  if (text === undefined) return Number.NaN;
  return text.length >= 12 && /^\d+$/.test(text) ? Number(text) : Number.parseInt(text, 36);
}

/** The token of a sealed claim (sealedClaim): never a claimToken's (8 base64url characters). */
const SEALED = '-';
/** The body hash an archived settlement's idempotency record keeps (archive-settlement-5.lua): none, its sealed claim holds it. */
export const ARCHIVED_BODY = '-';

/**
 * An archived settlement's claim: its card and body hash only, no token and
 * no time, so it is never taken over and is ≤ 44 bytes (one allocation in
 * Redis: 136 → ~112 B). null when the claim is not this card's.
 */
export function sealedClaim(raw: string, card: string): string | null {
  const holder = decode(raw);
  return holder.card === card ? `${holder.card} ${holder.bodyHash} ${SEALED}` : null;
}

function decode(raw: string): ClaimHolder {
  const [card, bodyHash, token, atMs] = raw.split(' ');
  return { card: card!, bodyHash: bodyHash!, token: token!, atMs: claimMs(atMs) };
}

/** Characters of the request hash (settlements.ts requestHash). */
export const REQUEST_HASH_LENGTH = 16;

/** A stored body hash and a request's, each whole (43 characters, as early releases kept them), 22 or 16: the same body when the shorter starts the longer. */
export function sameBody(stored: string, bodyHash: string): boolean {
  const n = Math.min(stored.length, bodyHash.length);
  return n > 0 && stored.slice(0, n) === bodyHash.slice(0, n);
}

export function idempotencyField(subject: { hospitalId: string; requestId: string }): string {
  return `${subject.hospitalId}:${subject.requestId}`;
}

export function conflictError(subject: { hospitalId: string; requestId: string }): ConflictError {
  return new ConflictError('IDEMPOTENCY_CONFLICT', `requestId ${subject.requestId} was already used by hospital ${subject.hospitalId} with a different body`);
}

export class RequestClaims {
  constructor(
    private readonly repos: Pick<Repositories, 'settlements'>,
    /** The service's clock (a test's may stand still or lie in the past): claims store it, the lease reads it. */
    private readonly nowMs: () => number,
    private readonly leaseMs = CLAIM_LEASE_MS,
    /** The wall clock, which Redis TIME keeps too. */
    private readonly wallMs: () => number = Date.now,
    /** Claims as the release before writes them (STORE_WRITE_FORMAT=previous). */
    private readonly previousFormat = false,
  ) {}

  /** Claims the subject's requestId for its card and body, or throws IDEMPOTENCY_CONFLICT. */
  async claim(subject: ClaimSubject, bodyHash: string): Promise<Claim> {
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const mine = this.fresh(subject, bodyHash);
      const held = await this.repos.settlements.claimRequest(subject.hospitalId, subject.requestId, mine.raw);
      if (held === null) return mine;
      const holder = decode(held);
      if (holder.token === SEALED) {
        // An archived settlement's: the same card and body go on to its idempotency record (ARCHIVED); any other is a conflict for ever.
        if (holder.card === subject.card && sameBody(holder.bodyHash, bodyHash)) return { token: SEALED, raw: held, atWallMs: 0 };
        throw conflictError(subject);
      }
      if (holder.card === subject.card && sameBody(holder.bodyHash, bodyHash)) return { token: holder.token, raw: held, atWallMs: this.onWallClock(holder.atMs) };
      if (this.nowMs() - holder.atMs < this.leaseMs) throw conflictError(subject);
      // A stale claim of another body: if it never committed, void it and take its place.
      const fence = await this.repos.settlements.fenceClaim(holder.card, idempotencyField(subject), holder.token);
      if (fence.kind === 'committed') throw conflictError(subject);
      const replaced = await this.repos.settlements.replaceClaim(subject.hospitalId, subject.requestId, held, mine.raw);
      if (replaced.kind === 'replaced') return mine;
      // Someone else replaced it meanwhile: look again.
    }
    throw new UnavailableError(`requestId ${subject.requestId} is contended; nothing was recorded, retry with the same requestId`, 1);
  }

  /**
   * This request's claim was voided (a takeover fenced it, and may or may not
   * have replaced it yet). Replace it if it is still current, else claim anew.
   */
  async reclaim(subject: ClaimSubject, bodyHash: string, voided: Claim): Promise<Claim> {
    // A sealed claim is never replaced: its settlement is archived.
    if (voided.token === SEALED) throw conflictError(subject);
    const mine = this.fresh(subject, bodyHash);
    const replaced = await this.repos.settlements.replaceClaim(subject.hospitalId, subject.requestId, voided.raw, mine.raw);
    return replaced.kind === 'replaced' ? mine : this.claim(subject, bodyHash);
  }

  /**
   * A request that will not commit (refused by the rules, invalid) lets its
   * requestId go, so that the corrected bill may use it at once: its token is
   * voided first (a concurrent retry of the same body holding that claim then
   * claims afresh instead of committing under a claim that is gone), then the
   * claim is deleted if it is still this one.
   */
  async release(subject: ClaimSubject, claim: Claim): Promise<void> {
    if (claim.token === SEALED) return; // an archived settlement's claim stays
    const fence = await this.repos.settlements.fenceClaim(subject.card, idempotencyField(subject), claim.token);
    if (fence.kind === 'committed') return; // a retry of the same body settled meanwhile: the claim stays
    await this.repos.settlements.dropClaim(subject.hospitalId, subject.requestId, claim.raw);
  }

  private fresh(subject: ClaimSubject, bodyHash: string): Claim {
    const token = claimToken();
    const atMs = this.nowMs();
    return { token, raw: encode({ card: subject.card, bodyHash, token, atMs }, this.previousFormat), atWallMs: this.onWallClock(atMs) };
  }

  /** A claim's time (service clock) as wall-clock ms: the same in production, where the service clock is the wall clock. */
  private onWallClock(atMs: number): number {
    return Number.isFinite(atMs) ? atMs - this.nowMs() + this.wallMs() : 0;
  }
}
