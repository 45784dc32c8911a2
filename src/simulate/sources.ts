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
            if (record) yield { card: person.card, settlementId: person.ids[i]!, record };
          }
        }
      }
    },
  };
}

function givenOf(view: SettlementView): RecordedSettlement['given'] {
  return { payments: view.payments, fundTotal: view.fundTotal, patientTotal: view.patientTotal, total: view.total, accumulatorsBefore: view.accumulatorsBefore };
}

/** A raw item parsed into what the replay needs (in a worker). */
export function recordedSettlementOf(raw: RawSettlement): RecordedSettlement {
  if ('line' in raw) {
    const line = JSON.parse(raw.line) as SettlementLine & { meta: { s: string }; response: SettlementView };
    return {
      settlementId: line.settlementId,
      card: line.card,
      reversed: line.meta.s === 'reversed',
      given: givenOf(line.response),
      inputs: line.inputs ? settlementInputsOf(line.inputs) : null,
    };
  }
  const { meta, response, inputs } = decodeSettlementRecord(Buffer.from(raw.record.buffer, raw.record.byteOffset, raw.record.byteLength));
  return {
    settlementId: raw.settlementId,
    card: raw.card,
    reversed: meta.s === 'reversed',
    given: givenOf(JSON.parse(response.toString('utf8')) as SettlementView),
    inputs: inputs ? decodeSettlementInputs(inputs) : null,
  };
}
