/**
 * Where a closed year's settlements are read from, as a stream (never the
 * year whole): an archive directory written by `npm run archive`, its
 * checksums verified first, or Redis, read-only (SCAN on a single Redis or on
 * every master of a cluster). Items stay undecoded here: the replay workers
 * parse them, so the reading thread only moves bytes.
 */
import { createReadStream, existsSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { checkFiles, readManifest } from '../ops/archive-files.js';
import type { Manifest, SettlementLine } from '../service/archive.js';
import { decodeSettlementInputs, settlementInputsOf } from '../service/settlement-inputs.js';
import type { SettlementView } from '../service/settlement-view.js';
import type { ArchiveStore } from '../store/archive-store.js';
import { decodeSettlementRecord } from '../store/codec/settlement-record.js';
import type { RecordedSettlement } from './person-replay.js';

/** One settlement as read: an archive line (text), or a Redis record (bytes). */
export type RawSettlement = { card: string; line: string } | { card: string; settlementId: string; record: Uint8Array };

export interface YearSource {
  /** What it reads, for the report. */
  name: string;
  /** How many settlements it holds, when known beforehand (an archive's manifest). */
  expected: number | null;
  manifest: Manifest | null;
  items(): AsyncGenerator<RawSettlement>;
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
    async *items() {
      const lines = createInterface({ input: createReadStream(file, { highWaterMark: 1 << 20 }).pipe(createGunzip()), crlfDelay: Infinity });
      for await (const line of lines) if (line) yield { card: cardOfLine(line), line };
    },
  };
}

/** The card of an archive line without parsing it (`"card":"…"` comes second). */
function cardOfLine(line: string): string {
  const start = line.indexOf('"card":"') + 8;
  if (start < 8) throw new SourceError(`an archive line without a card: ${line.slice(0, 80)}`);
  return line.slice(start, line.indexOf('"', start));
}

/** Redis, read-only: every person with settlements of the year, their records in list order. */
export function redisSource(store: ArchiveStore, year: number, name: string): YearSource {
  return {
    name,
    expected: null,
    manifest: null,
    async *items() {
      // SCAN may return a key twice; a card is read once (memory: one short string per person).
      const seen = new Set<string>();
      for await (const cards of store.cardsWithSettlements(year)) {
        const fresh = cards.filter((card) => !seen.has(card));
        for (const card of fresh) seen.add(card);
        const people = await Promise.all(fresh.map((card) => store.readPersonYear(card, year)));
        for (const person of people) {
          for (let i = 0; i < person.ids.length; i++) {
            const record = person.records[i];
            // A compact copy: a Buffer may view a larger pooled one, which a message to a worker would carry whole.
            if (record) yield { card: person.card, settlementId: person.ids[i]!, record: new Uint8Array(record) };
          }
        }
      }
    },
  };
}

function givenOf(view: SettlementView): RecordedSettlement['given'] {
  return { payments: view.payments, fundTotal: view.fundTotal, patientTotal: view.patientTotal, total: view.total, accumulatorsBefore: view.accumulatorsBefore };
}

/** The JSON value (an object without nested objects, or a string) after `"key":` from `from` on, or null. */
function flatValueAfter(line: string, key: string, from: number, until: number): string | null {
  const at = line.indexOf(key, from);
  if (at < 0 || at >= until) return null;
  const start = at + key.length;
  const end = line[start] === '{' ? line.indexOf('}', start) + 1 : line.indexOf('"', start + 1) + 1;
  return end > start && end <= until ? line.slice(start, end) : null;
}

/**
 * An archive line without parsing the stored response whole (its steps and
 * lines are most of the line and the replay reads none of them): the line's
 * keys come in the order archive.ts writes them, inputs last, and a key
 * pattern `"name":` cannot occur inside a JSON string (its quotes are escaped).
 * Any other shape is parsed whole.
 */
function fromArchiveLine(text: string): RecordedSettlement {
  const response = text.indexOf(',"response":{');
  const inputs = text.lastIndexOf(',"inputs":');
  const meta = text.indexOf(',"meta":{');
  if (text.startsWith('{"settlementId":"') && meta > 0 && response > meta && inputs > response) {
    const parts = [
      flatValueAfter(text, '"card":', 0, meta),
      flatValueAfter(text, '"s":', meta, response),
      flatValueAfter(text, '"total":', response, inputs),
      flatValueAfter(text, '"payments":', response, inputs),
      flatValueAfter(text, '"fundTotal":', response, inputs),
      flatValueAfter(text, '"patientTotal":', response, inputs),
      flatValueAfter(text, '"accumulatorsBefore":', response, inputs),
    ];
    if (parts.every((part) => part !== null)) {
      const [card, status, total, payments, fundTotal, patientTotal, before] = parts.map((part) => JSON.parse(part!) as unknown);
      const recorded = JSON.parse(text.slice(inputs + 10, -1)) as unknown;
      return {
        settlementId: text.slice(17, text.indexOf('"', 17)),
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
  const line = JSON.parse(text) as SettlementLine & { meta: { s: string }; response: SettlementView };
  return {
    settlementId: line.settlementId,
    card: line.card,
    reversed: line.meta.s === 'reversed',
    given: givenOf(line.response),
    inputs: line.inputs ? settlementInputsOf(line.inputs) : null,
  };
}

/** A raw item parsed into what the replay needs (in a worker). */
export function recordedSettlementOf(raw: RawSettlement): RecordedSettlement {
  if ('line' in raw) return fromArchiveLine(raw.line);
  const { meta, response, inputs } = decodeSettlementRecord(Buffer.from(raw.record.buffer, raw.record.byteOffset, raw.record.byteLength));
  return {
    settlementId: raw.settlementId,
    card: raw.card,
    reversed: meta.s === 'reversed',
    given: givenOf(JSON.parse(response.toString('utf8')) as SettlementView),
    inputs: inputs ? decodeSettlementInputs(inputs) : null,
  };
}
