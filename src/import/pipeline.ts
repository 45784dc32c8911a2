/**
 * The import loop shared by `npm run import` and POST /v1/enrollees:bulk:
 * rows in (CSV or NDJSON), each validated, valid ones written in batches
 * through the registry's bulk use-case, a result per row out, in line order.
 *
 * One batch is written while the next is read and validated, and the source
 * is not read further while two are pending (backpressure: the file or the
 * request body waits for Redis). Asked to stop, it stops reading, writes what
 * it has read, and answers with `interrupted` set: every row read has a
 * result, none is half-written (each record is one command).
 */
import type { ErrorDetail } from '../domain/errors.js';
import type { RegistryBulk } from '../service/registry-bulk.js';
import type { WriteOutcome } from '../store/script-results.js';
import { say } from '../messages/index.js';
import type { NdjsonItem } from './ndjson.js';
import { validateRow, valueAt, type ImportKind, type ValidRow } from './rows.js';

export interface RowResult {
  line: number;
  /** The row's card or hospitalId, as far as it could be read. */
  key: string | null;
  outcome: WriteOutcome | 'rejected';
  /** The filing id a referral row got (derived from the row). */
  referralId?: string;
  errors?: ErrorDetail[];
  /** For the import report, beside each error: the reason in Chinese and the bad value as the row held it. */
  reasons?: { zh: string; value: string }[];
}

export interface ImportSummary {
  kind: ImportKind;
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
  /** The last line read (every row up to it has a result). */
  lastLine: number;
  interrupted: boolean;
  /** Why the source stopped early (the rows read before were written), or null. */
  sourceError: string | null;
}

export interface ImportOptions {
  batchSize: number;
  /** A batch is also written once its rows reach this many bytes (default 4 MiB): memory stays bounded whatever the rows' size. */
  batchBytes?: number;
  /** Checked after every row: true stops reading (the rows read are still written). */
  shouldStop?: () => boolean;
  /** Results of each batch, in line order (awaited: a slow consumer slows the import). */
  onResults: (results: RowResult[]) => void | Promise<void>;
}

type Pending = { result: RowResult; row?: ValidRow };

async function apply(kind: ImportKind, bulk: RegistryBulk, pending: Pending[]): Promise<RowResult[]> {
  const valid = pending.filter((p) => p.row !== undefined);
  if (valid.length > 0) {
    if (kind === 'enrollees') {
      const outcomes = await bulk.putEnrollees(valid.map((p) => (p.row as Extract<ValidRow, { kind: 'enrollees' }>).record));
      valid.forEach((p, i) => (p.result.outcome = outcomes[i]!));
    } else if (kind === 'hospitals') {
      const outcomes = await bulk.putHospitals(valid.map((p) => (p.row as Extract<ValidRow, { kind: 'hospitals' }>).record));
      valid.forEach((p, i) => (p.result.outcome = outcomes[i]!));
    } else {
      const filed = await bulk.fileReferrals(valid.map((p) => (p.row as Extract<ValidRow, { kind: 'referrals' }>).record));
      valid.forEach((p, i) => {
        const { referralId, outcome } = filed[i]!;
        p.result.referralId = referralId;
        if (typeof outcome === 'string') p.result.outcome = outcome;
        else {
          p.result.outcome = 'rejected';
          const unknownPerson = outcome.rejected.code === 'ENROLLEE_NOT_FOUND';
          p.result.errors = [{ path: unknownPerson ? 'card' : '(row)', message: outcome.rejected.message }];
          const card = p.result.key ?? '';
          p.result.reasons = [{ zh: unknownPerson ? say('import.enrolleeUnknown', { card }) : outcome.rejected.message, value: unknownPerson ? card : '' }];
        }
      });
    }
  }
  return pending.map((p) => p.result);
}

export async function importRows(kind: ImportKind, bulk: RegistryBulk, source: AsyncIterable<NdjsonItem[]>, options: ImportOptions): Promise<ImportSummary> {
  const summary: ImportSummary = { kind, rows: 0, created: 0, updated: 0, unchanged: 0, rejected: 0, lastLine: 0, interrupted: false, sourceError: null };
  let batch: Pending[] = [];
  let batchBytes = 0;
  const maxBatchBytes = options.batchBytes ?? 4 * 1024 * 1024;
  let inFlight: Promise<void> | null = null;

  const count = (results: RowResult[]) => {
    for (const result of results) summary[result.outcome]++;
  };
  const flush = async () => {
    const taken = batch;
    batch = [];
    batchBytes = 0;
    // Batches are written in order on one connection; the next is read meanwhile, never more than one ahead.
    const previous = inFlight;
    const write = (async () => {
      const results = await apply(kind, bulk, taken);
      if (previous) await previous;
      count(results);
      await options.onResults(results);
    })();
    write.catch(() => undefined); // awaited below or by the next flush; not an unhandled rejection meanwhile
    inFlight = write;
    if (previous) await previous;
  };

  const iterator = source[Symbol.asyncIterator]();
  try {
    reading: for (;;) {
      let next: IteratorResult<NdjsonItem[]>;
      try {
        next = await iterator.next();
      } catch (error) {
        // The source failed (a cut connection, a malformed file): what was read before is still written.
        summary.sourceError = (error as Error).message;
        break;
      }
      if (next.done) break;
      for (const item of next.value) {
        summary.rows++;
        summary.lastLine = item.line;
        if ('errors' in item) {
          batch.push({
            result: { line: item.line, key: null, outcome: 'rejected', errors: item.errors, ...(item.zh ? { reasons: item.zh.map((zh) => ({ zh, value: '' })) } : {}) },
          });
        } else {
          batchBytes += item.bytes;
          const checked = validateRow(kind, item.value);
          if (checked.ok) batch.push({ result: { line: item.line, key: checked.row.key, outcome: 'created' }, row: checked.row });
          else {
            const reasons = checked.errors.map((error, i) => ({ zh: checked.zh[i]!, value: valueAt(item.value, error.path) }));
            batch.push({ result: { line: item.line, key: checked.key, outcome: 'rejected', errors: checked.errors, reasons } });
          }
        }
        if (batch.length >= options.batchSize || batchBytes >= maxBatchBytes) await flush();
        if (options.shouldStop?.()) {
          summary.interrupted = true;
          await iterator.return?.();
          break reading;
        }
      }
    }
    if (batch.length > 0) await flush();
    if (inFlight) await inFlight;
  } catch (error) {
    // A write failed: nothing more is written; the batch in flight is waited for, not retried.
    await (inFlight as Promise<void> | null)?.catch(() => undefined);
    await Promise.resolve(iterator.return?.()).catch(() => undefined);
    throw error;
  }
  return summary;
}
