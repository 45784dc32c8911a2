/**
 * The national platform's transactions by infno, and the one way each is
 * run: the envelope's facility and the key, the input read with the field
 * readers, a write done once per msgid (service/national-messages.ts), and
 * the use-cases' field names turned into the platform's paths. The route
 * only reads the body and writes the envelope. 2601 (冲正) undoes a message.
 */
import { stringify } from 'lossless-json';
import type { z } from 'zod';
import { AppError, AuthError, ValidationError } from '../domain/errors.js';
import type { Actor, Hospital } from '../domain/types.js';
import type { Caller } from '../ops/api-keys.js';
import type { MessageRecord } from '../service/national-messages.js';
import type { Envelope } from './envelope.js';
import { INPATIENT } from './handlers/inpatient.js';
import { OTHER } from './handlers/other.js';
import { OUTPATIENT } from './handlers/outpatient.js';
import { reverseMessageInput } from './inputs/other.js';
import type { NationalDependencies, Transaction, TransactionContext } from './transaction.js';

export type { NationalDependencies, Transaction, TransactionContext } from './transaction.js';

/** A message as 2601 needs it: its transaction and the ids of its effect. */
interface DoneMessage {
  infno: string;
  undo: Record<string, string | string[]>;
}

/** The record's one-letter fields read in one place (service/national-messages.ts owns the record). */
function doneMessageOf(record: MessageRecord): DoneMessage {
  return { infno: record.n, undo: record.u };
}

/** What 2601 does to undo each kind of message (the ids come from the message's record). */
export async function undoMessage(deps: NationalDependencies, hospitalId: string, actor: Actor, message: DoneMessage): Promise<void> {
  const u = message.undo as Record<string, string> & { lines?: string[] };
  switch (message.infno) {
    case '2401':
    case '2201':
      await deps.encounters.cancelAdmission(u.card!, u.mdtrtId!, hospitalId).catch(ignoreMissing);
      return;
    case '2402':
      await deps.encounters.cancelDischarge(u.card!, u.mdtrtId!, hospitalId).catch(ignoreMissing);
      return;
    case '2301':
    case '2204':
      for (const lineId of u.lines ?? []) await deps.encounters.withdrawLines(u.card!, u.mdtrtId!, hospitalId, lineId);
      return;
    case '2304':
    case '2207':
      // Its record was written with the settlement's commit: it names the settlement.
      await deps.encounters.reverse(u.card!, u.mdtrtId!, hospitalId, u.settlementId!, actor, '2601 冲正');
      return;
    case '2501':
      await deps.referrals.revoke(u.referralId!, actor, '2601 冲正').catch(ignoreMissing);
      return;
    case '2503':
      await deps.specialDiseases.revoke(u.card!, u.filingId!, actor, '2601 冲正').catch(ignoreMissing);
      return;
    case '2303':
    case '2206':
    case '2203': // the visit's description: the next 2203 replaces it
    case '3201':
    case '3202':
      return; // nothing stood to undo
    default:
      throw new ValidationError(`a ${message.infno} cannot be undone by 2601`, [{ path: 'input.data.oinfno', message: `${message.infno} is not undoable` }]);
  }
}

function ignoreMissing(error: unknown): void {
  if ((error as { code?: string }).code !== 'NOT_FOUND') throw error;
}

const T2601 = {
  roles: ['billing'],
  write: true,
  person: ({ data }) => data.psn_no,
  input: reverseMessageInput,
  async run(ctx, { data }) {
    const scope = data.oinfno === '3201' || data.oinfno === '3202' ? { hospital: true as const } : { card: data.psn_no };
    await ctx.deps.messages.reverse(scope, ctx.hospital.hospitalId, data.omsgid, data.oinfno, (record) =>
      undoMessage(ctx.deps, ctx.hospital.hospitalId, ctx.actor, doneMessageOf(record)),
    );
    return null;
  },
} satisfies Transaction<z.infer<typeof reverseMessageInput>>;

/** infno → transaction. */
export const TRANSACTIONS: Record<string, Transaction<any>> = { ...OTHER, ...INPATIENT, ...OUTPATIENT, '2601': T2601 };

/** A use-case's field path as the transaction names it (`lines.3.code` → `input.feedetail.3.med_list_codg`). */
export function platformPath(fields: Record<string, string> | undefined, path: string): string {
  if (!fields || path.startsWith('input') || path === 'msgid' || path === 'infno') return path;
  const indices = path.match(/\d+/g) ?? [];
  const pattern = path.replace(/\.\d+(?=\.|$)/g, '.N');
  const mapped = fields[pattern];
  if (mapped === undefined) return path;
  let i = 0;
  return mapped.replace(/\bN\b/g, () => indices[i++] ?? 'N');
}

function withPlatformPaths(error: unknown, fields: Record<string, string> | undefined): never {
  if (error instanceof AppError && fields) {
    const mapped = error.details.map((d) => ({ ...d, path: platformPath(fields, d.path) }));
    error.details.splice(0, error.details.length, ...mapped);
  }
  throw error;
}

/** Runs one transaction for a caller on the envelope's facility; answers its output serialised. */
export async function runTransaction(
  deps: NationalDependencies,
  caller: Caller,
  hospital: Hospital,
  envelope: Envelope,
  input: unknown,
  transaction: Transaction<any>,
): Promise<string> {
  const ctx: TransactionContext = {
    hospital,
    caller,
    actor: { operator: { id: envelope.opter ?? null, name: envelope.opter_name ?? null }, keyId: caller.id },
    msgid: envelope.msgid ?? null,
    deps,
  };
  const run = async () => stringify(await transaction.run(ctx, input).catch((error: unknown) => withPlatformPaths(error, transaction.fields))) ?? 'null';
  if (!transaction.write) return run();
  if (!envelope.msgid) throw new ValidationError(`msgid is required: it is the idempotency key of a ${envelope.infno}`, [{ path: 'msgid', message: 'required' }]);
  const scope = transaction.person ? { card: transaction.person(input) } : { hospital: true as const };
  // A message that records itself (2304, with its commit) is still bound to its person before it takes effect.
  if (transaction.recordsOwnMessage) {
    return deps.messages.boundAlongside(scope, hospital.hospitalId, envelope.msgid, (binding) => {
      ctx.binding = binding;
      return run();
    });
  }
  return deps.messages.once(scope, hospital.hospitalId, envelope.msgid, envelope.infno, input, transaction.undo?.(ctx, input) ?? {}, run, (undo) =>
    undoMessage(deps, hospital.hospitalId, ctx.actor, { infno: envelope.infno, undo }),
  );
}

/** The transaction an envelope names, if the caller may send it. */
export function transactionFor(caller: Caller, infno: string): Transaction<any> {
  const transaction = TRANSACTIONS[infno];
  if (!transaction)
    throw new ValidationError(`infno ${infno} is not a transaction this service speaks`, [{ path: 'infno', message: `one of ${Object.keys(TRANSACTIONS).join(', ')}` }]);
  if (caller.role !== 'admin' && !transaction.roles.includes(caller.role)) throw new AuthError('FORBIDDEN', `role ${caller.role} may not send ${infno}`);
  return transaction;
}
