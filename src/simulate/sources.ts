/**
 * Where a closed year's settlements are read from, as a stream (never the
 * year whole): an archive directory written by `npm run archive`, its
 * checksums verified first, or Redis, read-only (SCAN on a single Redis or on
 * every master of a cluster). Items stay undecoded here: the replay workers
 * parse them, so the reading thread only moves bytes.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { checkFiles, readManifest } from '../ops/archive-files.js';
import type { Manifest, SettlementLine } from '../service/archive.js';
import { decodeSettlementInputs, settlementInputsOf } from '../service/settlement-inputs.js';
import { storedView, type SettlementView } from '../service/settlement-view.js';
import type { ArchiveStore } from '../store/archive-store.js';
import { decodeSettlementRecord } from '../store/codec/settlement-record.js';
import { gunzipInto } from './gunzip-into.js';
import type { RecordedSettlement } from './person-replay.js';

/** One settlement as read: an archive line (text), or a Redis record (bytes). */
export type RawSettlement = { card: string; line: string } | { card: string; settlementId: string; record: Uint8Array };
/** A Redis record as read: its bytes own their buffer, so a message to a worker can move it instead of copying. */
export type RawRecord = { card: string; settlementId: string; record: Uint8Array };

/**
 * Settlements of whole persons (a person is never split over two batches), so
 * any worker can replay a batch alone: archive lines still as bytes (the
 * reading thread never decodes them), or Redis records.
 */
export type RawBatch = { kind: 'lines'; bytes: Uint8Array } | { kind: 'records'; items: RawRecord[] };

export interface YearSource {
  /** What it reads, for the report. */
  name: string;
  /** How many settlements it holds, when known beforehand (an archive's manifest). */
  expected: number | null;
  manifest: Manifest | null;
  /**
   * Batches of about `targetBytes` (larger when one person alone is larger), in the source's order.
   * `into` gives memory of at least `size` bytes an archive batch is written into as it is read (by default a buffer of its own).
   */
  batches(targetBytes: number, into?: (size: number) => Buffer): AsyncGenerator<RawBatch>;
}

export class SourceError extends Error {
  override name = 'SourceError';
}

/** An archive's settlements file: `<dir>` is the archive itself, or the --out directory holding benefit-year-<year>/. */
export async function archiveSource(directory: string, year: number): Promise<YearSource> {
  const dir = existsSync(path.join(directory, 'manifest.json')) ? directory : path.join(directory, `benefit-year-${year}`);
  if (!existsSync(path.join(dir, 'manifest.json'))) throw new SourceError(`${directory} holds no archive of ${year} (no manifest.json there, nor in benefit-year-${year}/)`);
  const { manifest } = readManifest<Manifest>(dir);
  if (manifest.benefitYear !== year) throw new SourceError(`${dir} is the archive of ${manifest.benefitYear}, not ${year}`);
  const damaged = await checkFiles(dir, manifest.files);
  if (damaged) throw new SourceError(`archive ${dir} is damaged (${damaged})`);
  const file = path.join(dir, 'settlements.ndjson.gz');
  return {
    name: dir,
    expected: manifest.counts.settlements,
    manifest,
    async *batches(targetBytes: number, into?: (size: number) => Buffer) {
      const inflater = await gunzipInto(file);
      try {
        // Without a lender, one buffer of its own is written into and each batch leaves in an exact copy.
        const lend = into ?? ownBuffer;
        let batch: Buffer | null = null;
        let size = 0;
        // What follows the last cut: the next batch starts with it (its memory is chosen when it starts).
        let carry = Buffer.allocUnsafeSlow(0);
        let carried = 0;
        const room = (more: number): Buffer => {
          const needed = size + more;
          if (batch && needed <= batch.length) return batch;
          const bigger = lend(Math.max(needed, 2 * targetBytes, 2 * (batch?.length ?? 0)));
          if (bigger.length < needed) throw new SourceError(`no memory for a batch of ${needed} bytes`);
          bigger.set(batch ? batch.subarray(0, size) : carry.subarray(0, carried));
          batch = bigger;
          return bigger;
        };
        for (;;) {
          const bytes = room(WINDOW_BYTES);
          const read = await inflater.into(bytes, size, size + WINDOW_BYTES);
          if (read === 0) break;
          size += read;
          if (size < targetBytes) continue;
          const cut = lastPersonStart(bytes.subarray(0, size));
          // One person so far: wait for the next one.
          if (cut === 0) continue;
          if (!into) {
            const own = ownCopy(bytes.subarray(0, cut));
            bytes.copyWithin(0, cut, size);
            size -= cut;
            yield { kind: 'lines', bytes: own };
            continue;
          }
          carried = size - cut;
          if (carry.length < carried) carry = Buffer.allocUnsafeSlow(Math.max(carried, 2 * carry.length));
          // Copied before the batch's memory goes to a worker.
          bytes.copy(carry, 0, cut, size);
          yield { kind: 'lines', bytes: bytes.subarray(0, cut) };
          batch = null;
          size = carried;
        }
        if (size > 0) yield { kind: 'lines', bytes: into ? room(0).subarray(0, size) : ownCopy(room(0).subarray(0, size)) };
      } finally {
        await inflater.close();
      }
    },
  };
}

/** An exact copy in a buffer of its own. */
function ownCopy(bytes: Buffer): Buffer {
  const copy = ownBuffer(bytes.length);
  copy.set(bytes);
  return copy;
}

/** Inflated at a time: a batch overshoots its target by less. */
const WINDOW_BYTES = 1 << 17;

/** A buffer of its own (never a slice of Node's pool, which a transfer would take whole). */
function ownBuffer(size: number): Buffer {
  return Buffer.from(new ArrayBuffer(size));
}

const CARD_KEY = Buffer.from('"card":"');
const NEWLINE = 10;
const QUOTE = 34;

/** Where the card of the line starting at `start` is (`"card":"…"` comes second in a line). */
function cardAt(bytes: Buffer, start: number, end: number): [number, number] {
  const at = bytes.indexOf(CARD_KEY, start);
  if (at < 0 || at >= end) throw new SourceError(`an archive line without a card: ${bytes.toString('utf8', start, Math.min(end, start + 80))}`);
  const from = at + CARD_KEY.length;
  return [from, bytes.indexOf(QUOTE, from)];
}

/**
 * Where the last person whose lines are all complete in `bytes` starts
 * (the archive writes a person's settlements together): the batch ends
 * before them, as their stays may go on in the next bytes. 0 when there is no
 * such boundary yet.
 */
function lastPersonStart(bytes: Buffer): number {
  const lastNewline = bytes.lastIndexOf(NEWLINE);
  if (lastNewline <= 0) return 0;
  let start = bytes.lastIndexOf(NEWLINE, lastNewline - 1) + 1;
  const [cardFrom, cardTo] = cardAt(bytes, start, lastNewline);
  while (start > 0) {
    const previous = bytes.lastIndexOf(NEWLINE, start - 2) + 1;
    const [from, to] = cardAt(bytes, previous, start - 1);
    if (bytes.compare(bytes, cardFrom, cardTo, from, to) !== 0) return start;
    start = previous;
  }
  return 0;
}

/** Redis, read-only: every person with settlements of the year, their records in list order. */
export function redisSource(store: ArchiveStore, year: number, name: string): YearSource {
  return {
    name,
    expected: null,
    manifest: null,
    async *batches(targetBytes: number) {
      // SCAN may return a key twice; a card is read once (memory: one short string per person).
      const seen = new Set<string>();
      let items: RawRecord[] = [];
      let size = 0;
      for await (const cards of store.cardsWithSettlements(year)) {
        const fresh = cards.filter((card) => !seen.has(card));
        for (const card of fresh) seen.add(card);
        const people = await Promise.all(fresh.map((card) => store.readPersonYear(card, year)));
        for (const person of people) {
          for (let i = 0; i < person.ids.length; i++) {
            const record = person.records[i];
            if (!record) continue;
            // A compact copy: a Buffer may view a larger pooled one, which a message to a worker would carry whole.
            items.push({ card: person.card, settlementId: person.ids[i]!, record: new Uint8Array(record) });
            size += record.length;
          }
          // Cut between persons only.
          if (size >= targetBytes) {
            yield { kind: 'records', items };
            items = [];
            size = 0;
          }
        }
      }
      if (items.length) yield { kind: 'records', items };
    },
  };
}

function givenOf(view: SettlementView): RecordedSettlement['given'] {
  return { payments: view.payments, fundTotal: view.fundTotal, patientTotal: view.patientTotal, total: view.total, accumulatorsBefore: view.accumulatorsBefore };
}

const LINE_START = Buffer.from('{"settlementId":"');
const INPUTS_KEY = Buffer.from(',"inputs":');
const META_KEY = Buffer.from(',"meta":{');
const RESPONSE_KEY = Buffer.from(',"response":{');
const KEYS = {
  card: Buffer.from('"card":'),
  status: Buffer.from('"s":'),
  total: Buffer.from('"total":'),
  payments: Buffer.from('"payments":'),
  fundTotal: Buffer.from('"fundTotal":'),
  patientTotal: Buffer.from('"patientTotal":'),
  before: Buffer.from('"accumulatorsBefore":'),
};
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const BACKSLASH = 92;

/**
 * The JSON value (an object without nested objects, or a string) after
 * `"key":` in `line` from `from` to `until`, parsed, or undefined. Searched in
 * the bytes (UTF-8 never codes a multi-byte character with an ASCII byte), so
 * a line is never decoded whole: a line is mostly the response's steps, which
 * the replay does not read.
 */
function flatValueAfter(line: Buffer, key: Buffer, from: number, until: number): unknown {
  const at = line.indexOf(key, from);
  if (at < 0 || at >= until) return undefined;
  const start = at + key.length;
  if (line[start] === OPEN_BRACE) {
    const end = line.indexOf(CLOSE_BRACE, start) + 1;
    return end > start && end <= until ? JSON.parse(line.toString('utf8', start, end)) : undefined;
  }
  if (line[start] !== QUOTE) return undefined;
  // The closing quote (a short string: an id, a card, an amount); one with an escape is left to JSON.
  let escaped = false;
  let end = start + 1;
  for (; end < until && line[end] !== QUOTE; end++) {
    if (line[end] === BACKSLASH) {
      escaped = true;
      end++;
    }
  }
  if (end >= until) return undefined;
  return escaped ? JSON.parse(line.toString('utf8', start, end + 1)) : line.toString('utf8', start + 1, end);
}

/** Whether a JSON string's bytes hold an escape (short strings: ids, cards, amounts). */
function escapes(line: Buffer, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (line[i] === BACKSLASH) return true;
  return false;
}

/**
 * An archive line (its UTF-8 bytes) without decoding the stored response
 * (its steps and lines are most of the line and the replay reads none of
 * them): the line's keys come in the order archive.ts writes them, inputs
 * last, and a key pattern `"name":` cannot occur inside a JSON string (its
 * quotes are escaped). Any other shape is parsed whole.
 */
export function fromArchiveLine(line: Buffer): RecordedSettlement {
  const meta = line.indexOf(META_KEY);
  const response = meta > 0 ? line.indexOf(RESPONSE_KEY, meta) : -1;
  const inputs = line.lastIndexOf(INPUTS_KEY);
  if (line.compare(LINE_START, 0, LINE_START.length, 0, LINE_START.length) === 0 && meta > 0 && response > meta && inputs > response) {
    const card = flatValueAfter(line, KEYS.card, 0, meta);
    const status = flatValueAfter(line, KEYS.status, meta, response);
    const total = flatValueAfter(line, KEYS.total, response, inputs);
    const payments = flatValueAfter(line, KEYS.payments, response, inputs);
    const fundTotal = flatValueAfter(line, KEYS.fundTotal, response, inputs);
    const patientTotal = flatValueAfter(line, KEYS.patientTotal, response, inputs);
    const before = flatValueAfter(line, KEYS.before, response, inputs);
    const idEnd = line.indexOf(QUOTE, LINE_START.length);
    if (
      card !== undefined &&
      status !== undefined &&
      total !== undefined &&
      payments !== undefined &&
      fundTotal !== undefined &&
      patientTotal !== undefined &&
      before !== undefined &&
      idEnd > 0 &&
      !escapes(line, LINE_START.length, idEnd)
    ) {
      const recorded = JSON.parse(line.toString('utf8', inputs + INPUTS_KEY.length, line.length - 1)) as unknown;
      return {
        settlementId: line.toString('utf8', LINE_START.length, idEnd),
        card: card as string,
        reversed: status === 'reversed',
        given: {
          payments: payments as Record<string, string>,
          fundTotal: fundTotal as string,
          patientTotal: patientTotal as string,
          total: total as string,
          accumulatorsBefore: before as SettlementView['accumulatorsBefore'],
        },
        inputs: recorded ? settlementInputsOf(recorded) : null,
      };
    }
  }
  const whole = JSON.parse(line.toString('utf8')) as SettlementLine & { meta: { s: string }; response: SettlementView };
  return {
    settlementId: whole.settlementId,
    card: whole.card,
    reversed: whole.meta.s === 'reversed',
    given: givenOf(whole.response),
    inputs: whole.inputs ? settlementInputsOf(whole.inputs) : null,
  };
}

/** Each line of a batch of archive bytes (whole lines), parsed. */
export function* archiveLines(bytes: Buffer): Generator<RecordedSettlement> {
  let start = 0;
  while (start < bytes.length) {
    let end = bytes.indexOf(NEWLINE, start);
    if (end < 0) end = bytes.length;
    // A line ended by CRLF ends before its CR.
    const last = end > start && bytes[end - 1] === 13 ? end - 1 : end;
    if (last > start) yield fromArchiveLine(bytes.subarray(start, last));
    start = end + 1;
  }
}

/** A raw item parsed into what the replay needs (in a worker). */
export function recordedSettlementOf(raw: RawSettlement): RecordedSettlement {
  if ('line' in raw) return fromArchiveLine(Buffer.from(raw.line));
  const { meta, response, inputs } = decodeSettlementRecord(Buffer.from(raw.record.buffer, raw.record.byteOffset, raw.record.byteLength), raw);
  return {
    settlementId: raw.settlementId,
    card: raw.card,
    reversed: meta.s === 'reversed',
    given: givenOf(storedView(response)),
    inputs: inputs ? decodeSettlementInputs(inputs) : null,
  };
}
