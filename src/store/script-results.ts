/** Lua script replies, mapped to typed outcomes in one place (see the headers in ./scripts). */
import { dateOfDayNumber } from '../domain/dates.js';

export type CommitOutcome =
  | { kind: 'committed' }
  /** This requestId and body were committed before, as settlementId. */
  | { kind: 'replay'; settlementId: string }
  | { kind: 'conflict' }
  | { kind: 'stale'; version: string }
  /** The claim this commit held was voided by a takeover: claim the requestId again. */
  | { kind: 'fenced' }
  /** The message that asked for this settlement has a record already: nothing was written. */
  | { kind: 'message-recorded'; record: string }
  /** The stay overlaps a settled, unreversed stay of the person: nothing was written. */
  | { kind: 'overlap'; settlementId: string; hospitalId: string; admissionDate: string; dischargeDate: string }
  /** The new settlement id is indexed already (a random collision): nothing was written; name it anew. */
  | { kind: 'id-taken' };

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
    case 6:
      return { kind: 'message-recorded', record: reply[1]! };
    case 7: {
      const [admission, discharge, settlementId, hospitalId] = reply[1]!.split('|');
      return {
        kind: 'overlap',
        settlementId: settlementId!,
        hospitalId: hospitalId!,
        admissionDate: dateOfDayNumber(Number(admission)),
        dischargeDate: dateOfDayNumber(Number(discharge)),
      };
    }
    case 8:
      return { kind: 'id-taken' };
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

/** compare-and-set: replaced, or the value as it is now (null: gone). */
export type ReplaceOutcome = { kind: 'replaced' } | { kind: 'changed'; current: string | null };

export function replaceOutcome(reply: [number, (string | null)?]): ReplaceOutcome {
  switch (reply[0]) {
    case 1:
      return { kind: 'replaced' };
    case 0:
      return { kind: 'changed', current: typeof reply[1] === 'string' ? reply[1] : null };
    default:
      throw new Error(`compare-and-set returned ${JSON.stringify(reply)}`);
  }
}

/** Why a change of a stay was not made: settled, being settled (2304 at work), its settlement archived, or changed since read. */
export type StayRefusal = { kind: 'stay'; state: 'settled' | 'settling' | 'archived' | 'moved' };

function stayRefusal(state: string | number | undefined): StayRefusal {
  if (state === 'settled' || state === 'settling' || state === 'archived' || state === 'moved') return { kind: 'stay', state };
  throw new Error(`unsettled-stay check returned ${JSON.stringify(state)}`);
}

/** withdraw-fee-lines / replace-unsettled-encounter: done (lines withdrawn), no encounter, or refused by the stay's state. */
export type StayChangeOutcome = { kind: 'done'; count: number } | { kind: 'no-encounter' } | StayRefusal;

export function stayChangeOutcome(reply: [number, (number | string)?]): StayChangeOutcome {
  if (reply[0] === 1) return { kind: 'done', count: Number(reply[1] ?? 0) };
  if (reply[0] === 0) return { kind: 'no-encounter' };
  if (reply[0] === 9) return stayRefusal(reply[1]);
  throw new Error(`stay change returned ${JSON.stringify(reply)}`);
}

export type FeeLinesOutcome =
  | StayRefusal
  | { kind: 'stored' }
  | { kind: 'no-encounter' }
  | { kind: 'cancelled' }
  | { kind: 'too-many' }
  | { kind: 'line-conflict' | 'refund-of-nothing' | 'refund-of-refund' | 'refunded-already' | 'refund-partial'; lineId: string };

export function feeLinesOutcome(reply: [number, string?]): FeeLinesOutcome {
  const lineId = reply[1]!;
  switch (reply[0]) {
    case 1:
      return { kind: 'stored' };
    case 0:
      return { kind: 'no-encounter' };
    case 2:
      return { kind: 'line-conflict', lineId };
    case 3:
      return { kind: 'refund-of-nothing', lineId };
    case 4:
      return { kind: 'refund-of-refund', lineId };
    case 5:
      return { kind: 'refunded-already', lineId };
    case 6:
      return { kind: 'cancelled' };
    case 7:
      return { kind: 'too-many' };
    case 8:
      return { kind: 'refund-partial', lineId };
    case 9:
      return stayRefusal(reply[1]);
    default:
      throw new Error(`put-fee-lines returned ${JSON.stringify(reply)}`);
  }
}

/** archive-settlement, archive-ledger-entry: removed now, removed by an earlier run, or no longer what the archive holds. */
export type ArchiveRemovalOutcome = 'removed' | 'already-removed' | 'changed';

export function archiveRemovalOutcome(reply: number): ArchiveRemovalOutcome {
  switch (reply) {
    case 1:
      return 'removed';
    case 0:
      return 'already-removed';
    case -1:
      return 'changed';
    default:
      throw new Error(`archive removal returned ${JSON.stringify(reply)}`);
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
