/** Lua script replies, mapped to typed outcomes in one place (see the headers in ./scripts). */

export type CommitOutcome =
  | { kind: 'committed' }
  /** This requestId and body were committed before, as settlementId. */
  | { kind: 'replay'; settlementId: string }
  | { kind: 'conflict' }
  | { kind: 'stale'; version: string }
  /** The claim this commit held was voided by a takeover: claim the requestId again. */
  | { kind: 'fenced' };

export function commitOutcome(reply: [number, string?]): CommitOutcome {
  switch (reply[0]) {
    case 1:
      return { kind: 'committed' };
    case 2:
      return { kind: 'replay', settlementId: reply[1]! };
    case 3:
      return { kind: 'conflict' };
    case 4:
      return { kind: 'stale', version: reply[1]! };
    case 5:
      return { kind: 'fenced' };
    default:
      throw new Error(`commit-settlement returned ${JSON.stringify(reply)}`);
  }
}

export type ReversalOutcome = 'not-found' | 'reversed' | 'already-reversed';

export function reversalOutcome(reply: [number]): ReversalOutcome {
  switch (reply[0]) {
    case 0:
      return 'not-found';
    case 1:
      return 'reversed';
    case 2:
      return 'already-reversed';
    default:
      throw new Error(`reverse-settlement returned ${JSON.stringify(reply)}`);
  }
}

export type FilingOutcome = 'stored' | 'exists' | 'limit-reached';

export function filingOutcome(reply: number): FilingOutcome {
  switch (reply) {
    case 1:
      return 'stored';
    case 0:
      return 'exists';
    case -1:
      return 'limit-reached';
    default:
      throw new Error(`put-filing returned ${JSON.stringify(reply)}`);
  }
}

export type RevokeOutcome = 'not-found' | 'revoked' | 'changed';

export function revokeOutcome(reply: number): RevokeOutcome {
  switch (reply) {
    case 0:
      return 'not-found';
    case 1:
      return 'revoked';
    case 2:
      return 'changed';
    default:
      throw new Error(`revoke-filing returned ${JSON.stringify(reply)}`);
  }
}

/** fence-claim: the stale claim can never commit now, or it had committed (its idempotency record). */
export type FenceOutcome = { kind: 'fenced' } | { kind: 'committed'; record: string };

export function fenceOutcome(reply: [number, string?]): FenceOutcome {
  switch (reply[0]) {
    case 1:
      return { kind: 'fenced' };
    case 0:
      return { kind: 'committed', record: reply[1]! };
    default:
      throw new Error(`fence-claim returned ${JSON.stringify(reply)}`);
  }
}

/** replace-claim: replaced, or the claim as it is now (null: gone). */
export type ReplaceOutcome = { kind: 'replaced' } | { kind: 'changed'; current: string | null };

export function replaceOutcome(reply: [number, (string | null)?]): ReplaceOutcome {
  switch (reply[0]) {
    case 1:
      return { kind: 'replaced' };
    case 0:
      return { kind: 'changed', current: typeof reply[1] === 'string' ? reply[1] : null };
    default:
      throw new Error(`replace-claim returned ${JSON.stringify(reply)}`);
  }
}

/** A registry write of the bulk import: new, replaced with other content, or already exactly so. */
export type WriteOutcome = 'created' | 'updated' | 'unchanged';

export function putEnrolleeOutcome(reply: number): WriteOutcome {
  switch (reply) {
    case 1:
      return 'created';
    case 2:
      return 'updated';
    case 0:
      return 'unchanged';
    default:
      throw new Error(`put-enrollees returned ${JSON.stringify(reply)} for a record`);
  }
}
