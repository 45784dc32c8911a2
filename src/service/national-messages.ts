/**
 * The national platform's msgid is the idempotency key of every write
 * (national-platform.md §5): the same msgid with the same input answers the
 * stored output again; with another input it fails; 2601 (冲正) undoes a message
 * by its msgid, and succeeds, idempotently, if it never took effect.
 *
 * A write first records its message as pending (SET NX, with what an undo
 * needs), then does its work (every transaction's work is idempotent by
 * itself: derived ids, the stay's requestId), then marks it done with its
 * output (compare-and-set). A 2601 that arrives while the original is still
 * working marks the message reversed: the original then undoes its own effect
 * and fails. Records live HSA_MESSAGE_TTL_DAYS (the platform only undoes recent calls).
 */
import { hash } from 'node:crypto';
import { AppError } from '../domain/errors.js';
import type { Store } from '../store/store.js';

export const DEFAULT_MESSAGE_TTL_DAYS = 30;

export type MessageState = 'pending' | 'done' | 'reversed';

export interface MessageRecord {
  /** input hash */
  i: string;
  /** infno */
  n: string;
  s: MessageState;
  /** what an undo needs (ids of the effect), known before the work starts */
  u: Record<string, string | string[]>;
  /** output, once done */
  o?: unknown;
  at: string;
}

/** A message the platform's face cannot take: msgid reused with another input, or reversed. */
export class MessageError extends AppError {
  constructor(message: string) {
    super('IDEMPOTENCY_CONFLICT', message);
  }
}

export function inputHash(infno: string, input: unknown): string {
  return hash('sha256', `${infno}\n${JSON.stringify(input)}`, 'base64url');
}

export class NationalMessages {
  private readonly ttlSeconds: number;

  constructor(
    private readonly store: Store,
    private readonly now: () => Date = () => new Date(),
    ttlDays = DEFAULT_MESSAGE_TTL_DAYS,
  ) {
    this.ttlSeconds = ttlDays * 86_400;
  }

  /**
   * Runs a write once per msgid. `undo` is what 2601 needs to take its effect
   * back; `compensate` is run when a 2601 overtook the work.
   */
  async once<T>(
    hospitalId: string,
    msgid: string,
    infno: string,
    input: unknown,
    undo: Record<string, string | string[]>,
    work: () => Promise<T>,
    compensate: (undo: Record<string, string | string[]>) => Promise<void>,
  ): Promise<T> {
    const pending: MessageRecord = { i: inputHash(infno, input), n: infno, s: 'pending', u: undo, at: this.now().toISOString() };
    const pendingRaw = JSON.stringify(pending);
    let raw = await this.store.claimMessage(hospitalId, msgid, pendingRaw, this.ttlSeconds);
    if (raw !== null) {
      const known = JSON.parse(raw) as MessageRecord;
      if (known.i !== pending.i || known.n !== infno) throw new MessageError(`msgid ${msgid} was used for another input (${known.n})`);
      if (known.s === 'done') return known.o as T;
      if (known.s === 'reversed') throw new MessageError(`msgid ${msgid} was reversed (2601)`);
      // pending: an earlier try died or is still working; the work is idempotent, so do it (again).
    } else {
      raw = pendingRaw;
    }
    const output = await work();
    const done: MessageRecord = { ...(JSON.parse(raw) as MessageRecord), s: 'done', o: output };
    const outcome = await this.store.updateMessage(hospitalId, msgid, raw, JSON.stringify(done), this.ttlSeconds);
    if (outcome.kind === 'changed') {
      const now = outcome.current === null ? null : (JSON.parse(outcome.current) as MessageRecord);
      if (now?.s === 'done') return now.o as T; // a concurrent retry finished first, with the same work
      if (now?.s === 'reversed') {
        await compensate(undo);
        throw new MessageError(`msgid ${msgid} was reversed (2601) while it was being processed; its effect was undone`);
      }
    }
    return output;
  }

  /**
   * 2601: undoes the message `omsgid` if it took effect; a message never seen
   * is marked reversed so that it can never take effect later.
   */
  async reverse(hospitalId: string, omsgid: string, oinfno: string, undo: (record: MessageRecord) => Promise<void>): Promise<'reversed' | 'never-took-effect' | 'already-reversed'> {
    for (let round = 0; round < 5; round++) {
      const raw = await this.store.getMessage(hospitalId, omsgid);
      if (raw === null) {
        const tombstone: MessageRecord = { i: '-', n: oinfno, s: 'reversed', u: {}, at: this.now().toISOString() };
        if ((await this.store.claimMessage(hospitalId, omsgid, JSON.stringify(tombstone), this.ttlSeconds)) === null) return 'never-took-effect';
        continue;
      }
      const record = JSON.parse(raw) as MessageRecord;
      if (record.n !== oinfno) throw new MessageError(`msgid ${omsgid} was a ${record.n}, not a ${oinfno}`);
      if (record.s === 'reversed') return 'already-reversed';
      // Mark first: a still-running original then compensates itself; then undo what is done.
      const reversed: MessageRecord = { ...record, s: 'reversed' };
      const outcome = await this.store.updateMessage(hospitalId, omsgid, raw, JSON.stringify(reversed), this.ttlSeconds);
      if (outcome.kind === 'changed') continue;
      try {
        await undo(record);
      } catch (error) {
        // Not undoable now (e.g. a settled stay's admission): the message stands as it was.
        await this.store.updateMessage(hospitalId, omsgid, JSON.stringify(reversed), raw, this.ttlSeconds);
        throw error;
      }
      return 'reversed';
    }
    throw new MessageError(`msgid ${omsgid} kept changing; retry the 2601`);
  }
}
