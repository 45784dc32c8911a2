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
 *
 * msgids are one hospital's namespace: before any work, the msgid is bound to
 * the person it is about (messageOwner), so one msgid never serves two
 * persons, and a 2601 finds the message whatever psn_no it names. A message
 * refused (a 4xx: it changed nothing) keeps neither its record nor its
 * binding: it records nothing, so a 2601 of it undoes nothing. A 2601 of an
 * unknown or expired msgid answers that (NOT_FOUND), never success.
 */
import { hash } from 'node:crypto';
import { AppError, NotFoundError, UnavailableError } from '../domain/errors.js';
import type { MessageScope } from '../store/keys.js';
import { checkStored, messageRecordSchema } from '../store/record-schemas.js';
import type { Repositories } from '../store/repositories.js';

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
  /** output as the face serialised it, once done */
  o?: string;
  at: string;
}

/** A message the platform's face cannot take: msgid reused with another input, or reversed. */
export class MessageError extends AppError {
  constructor(message: string) {
    super('IDEMPOTENCY_CONFLICT', message);
  }
}

/**
 * What a settlement's own message record says, written by the commit itself
 * (the platform's 2304: no window between the settlement and its record).
 */
export function settledMessageRecord(infno: string, input: unknown, undo: Record<string, string>, at: string): MessageRecord {
  return { i: inputHash(infno, input), n: infno, s: 'done', u: undo, at };
}

/** A known message: the stored record if it is this input's, else why it cannot be taken. */
export function knownMessage(raw: string, msgid: string, infno: string, input: unknown): MessageRecord {
  const known = messageRecordOf(raw);
  if (known.s === 'reversed') throw new MessageError(`msgid ${msgid} was reversed (2601)`);
  if (known.i !== inputHash(infno, input) || known.n !== infno) throw new MessageError(`msgid ${msgid} was used for another input (${known.n})`);
  return known;
}

/** A stored message record, checked against its schema. */
export function messageRecordOf(raw: string): MessageRecord {
  return checkStored<MessageRecord>(messageRecordSchema, raw, 'message record');
}

export function inputHash(infno: string, input: unknown): string {
  return hash('sha256', `${infno}\n${JSON.stringify(input)}`, 'base64url');
}

/** Whom a message is about, as its msgid's binding records it. */
export const ownerOf = (scope: MessageScope): string => ('card' in scope ? scope.card : '@');

/** The work refused the message (a 4xx): nothing of it took effect. An outage may have left part of it done. */
export function changedNothing(error: unknown): boolean {
  return error instanceof AppError && !(error instanceof UnavailableError) && error.code !== 'INTERNAL';
}

export class NationalMessages {
  private readonly ttlSeconds: number;

  constructor(
    private readonly repos: Pick<Repositories, 'platform'>,
    private readonly now: () => Date = () => new Date(),
    ttlDays = DEFAULT_MESSAGE_TTL_DAYS,
  ) {
    this.ttlSeconds = ttlDays * 86_400;
  }

  /** Seconds a message record lives. */
  get recordSeconds(): number {
    return this.ttlSeconds;
  }

  /**
   * Runs a write once per msgid and answers its output (text, serialised by
   * the face). `undo` is what 2601 needs to take its effect back;
   * `compensate` is run when a 2601 overtook the work.
   */
  async once(
    scope: MessageScope,
    hospitalId: string,
    msgid: string,
    infno: string,
    input: unknown,
    undo: Record<string, string | string[]>,
    work: () => Promise<string>,
    compensate: (undo: Record<string, string | string[]>) => Promise<void>,
  ): Promise<string> {
    return this.bound(scope, hospitalId, msgid, () => this.recorded(scope, hospitalId, msgid, infno, input, undo, work, compensate));
  }

  /**
   * Runs `work` with the msgid bound to the person `scope` names: refused if
   * the hospital used the msgid for another person; a refusal of the work
   * unbinds it again (when this call bound it).
   */
  async bound<T>(scope: MessageScope, hospitalId: string, msgid: string, work: () => Promise<T>): Promise<T> {
    return this.boundAlongside(scope, hospitalId, msgid, async (binding) => {
      await binding;
      return work();
    });
  }

  /**
   * bound() with the binding on its way while `work` starts (a write whose
   * first step is a read saves a round trip): `work` awaits `binding` before
   * anything it does takes effect. A refused binding is the answer, whatever
   * the work met meanwhile.
   */
  async boundAlongside<T>(scope: MessageScope, hospitalId: string, msgid: string, work: (binding: Promise<void>) => Promise<T>): Promise<T> {
    const owner = ownerOf(scope);
    const claim = this.repos.platform.claimMessageOwner(hospitalId, msgid, owner, this.ttlSeconds);
    const binding = claim.then((held) => {
      if (held !== null && held !== owner) throw new MessageError(`msgid ${msgid} was used by this hospital for another ${held === '@' ? 'kind of message' : 'person'}`);
    });
    binding.catch(() => undefined); // awaited by the work, or below
    try {
      return await work(binding);
    } catch (error) {
      await binding;
      if ((await claim) === null && changedNothing(error)) await this.repos.platform.dropMessageOwner(hospitalId, msgid, owner);
      throw error;
    }
  }

  private async recorded(
    scope: MessageScope,
    hospitalId: string,
    msgid: string,
    infno: string,
    input: unknown,
    undo: Record<string, string | string[]>,
    work: () => Promise<string>,
    compensate: (undo: Record<string, string | string[]>) => Promise<void>,
  ): Promise<string> {
    const pending: MessageRecord = { i: inputHash(infno, input), n: infno, s: 'pending', u: undo, at: this.now().toISOString() };
    const pendingRaw = JSON.stringify(pending);
    let raw = await this.repos.platform.claimMessage(scope, hospitalId, msgid, pendingRaw, this.ttlSeconds);
    const mine = raw === null;
    if (raw !== null) {
      const known = knownMessage(raw, msgid, infno, input);
      if (known.s === 'done') return known.o!;
      // pending: an earlier try died or is still working; the work is idempotent, so do it (again).
    } else {
      raw = pendingRaw;
    }
    let output: string;
    try {
      output = await work();
    } catch (error) {
      // Refused: it changed nothing, so it keeps no record (a 2601 of it must not undo another message's work).
      if (mine && changedNothing(error)) await this.repos.platform.dropMessage(scope, hospitalId, msgid, pendingRaw);
      throw error;
    }
    const done: MessageRecord = { ...messageRecordOf(raw), s: 'done', o: output };
    const outcome = await this.repos.platform.updateMessage(scope, hospitalId, msgid, raw, JSON.stringify(done), this.ttlSeconds);
    if (outcome.kind === 'changed') {
      const now = outcome.current === null ? null : messageRecordOf(outcome.current);
      if (now?.s === 'done') return now.o!; // a concurrent retry finished first, with the same work
      if (now?.s === 'reversed') {
        await compensate(undo);
        throw new MessageError(`msgid ${msgid} was reversed (2601) while it was being processed; its effect was undone`);
      }
    }
    return output;
  }

  /**
   * 2601: undoes the message `omsgid` of this hospital if it took effect. A
   * msgid the hospital never used (or whose record expired) answers NOT_FOUND;
   * one about another person than `scope` names is refused.
   */
  async reverse(scope: MessageScope, hospitalId: string, omsgid: string, oinfno: string, undo: (record: MessageRecord) => Promise<void>): Promise<'reversed' | 'already-reversed'> {
    const unknown = () => new NotFoundError(`msgid ${omsgid} is unknown to this hospital, or its record expired (kept ${this.ttlSeconds / 86_400} days): nothing was undone`);
    const owner = await this.repos.platform.getMessageOwner(hospitalId, omsgid);
    if (owner === null) throw unknown();
    if (owner !== ownerOf(scope)) throw new MessageError(`msgid ${omsgid} was not about ${'card' in scope ? `person ${scope.card}` : 'the hospital'}: nothing was undone`);
    for (let round = 0; round < 5; round++) {
      const raw = await this.repos.platform.getMessage(scope, hospitalId, omsgid);
      if (raw === null) throw unknown();
      const record = messageRecordOf(raw);
      if (record.n !== oinfno) throw new MessageError(`msgid ${omsgid} was a ${record.n}, not a ${oinfno}`);
      if (record.s === 'reversed') return 'already-reversed';
      // Mark first: a still-running original then compensates itself; then undo what is done.
      const reversed: MessageRecord = { ...record, s: 'reversed' };
      const outcome = await this.repos.platform.updateMessage(scope, hospitalId, omsgid, raw, JSON.stringify(reversed), this.ttlSeconds);
      if (outcome.kind === 'changed') continue;
      try {
        await undo(record);
      } catch (error) {
        // Not undoable now (e.g. a settled stay's admission): the message stands as it was.
        await this.repos.platform.updateMessage(scope, hospitalId, omsgid, JSON.stringify(reversed), raw, this.ttlSeconds);
        throw error;
      }
      return 'reversed';
    }
    throw new MessageError(`msgid ${omsgid} kept changing; retry the 2601`);
  }
}
