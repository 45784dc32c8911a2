/**
 * Builds the preset deflate dictionary for stored settlement responses
 * (src/store/codec/response-dictionaries.ts), deterministically, from
 * representative responses of all three regions and their visit types:
 *
 * 1. The worked examples and a seeded representative workload
 *    (scripts/lib/representative-settlements.ts) are settled by the real,
 *    pure engine and rendered by the real view, person by person with the
 *    accumulators carried forward: the responses the service would store,
 *    with fixed ids and times instead of random ones.
 * 2. Half of them train, the other half only judge. The dictionary is picked
 *    greedily from training responses (a few per policy × visit type ×
 *    hospital): each round adds the response that shrinks a training sample
 *    most, placed in front of the ones already picked (zlib finds the strings
 *    nearest the end of the dictionary cheapest, and the first picks are the
 *    most common), until the next pick gains too little or the window is full.
 * 3. The sizes on the held-out half are printed (no dictionary, the current
 *    file's dictionary, the new one) and the file is written.
 *
 *   npm run make:dictionary                 writes version CURRENT_DICTIONARY
 *   npm run make:dictionary -- --check      exits 1 when the file is not what this script makes
 *
 * The same sources give the same bytes. Until the first release the current
 * version may be regenerated in place (e.g. when responses gain fields); after
 * it, records written with a version exist forever: add a new version instead
 * (--version N writes version N and makes it current, keeping the others).
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { deflateRawSync } from 'node:zlib';
import { applyDeltas, emptyAccumulators } from '../src/domain/accumulators.js';
import type { Accumulators, Enrollee, Filing, Hospital } from '../src/domain/types.js';
import { settle } from '../src/engine/settle.js';
import { enrolleeSchema, toEnrollee } from '../src/contract/registry.js';
import { parseSettlementRequest } from '../src/contract/settlement.js';
import { loadPolicyDirectory } from '../src/policy/loader.js';
import { settlementView } from '../src/service/settlement-view.js';
import { slotOfCard } from '../src/store/keys.js';
import { CURRENT_DICTIONARY, RESPONSE_DICTIONARIES } from '../src/store/codec/response-dictionaries.js';
import { DEFLATE_LEVEL } from '../src/store/codec/settlement-record.js';
import { representativeWorkload, seededRandom, workedExamplesFixture, type RequestBody } from './lib/representative-settlements.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUTPUT = path.join(ROOT, 'src/store/codec/response-dictionaries.ts');
/** deflate's window is 32 KiB: dictionary and the response being compressed share it. */
const MAX_DICTIONARY = 32 * 1024 - 4 * 1024;
/** Stop when the next pick shrinks the training sample by less than this share. */
const MIN_GAIN = 0.004;
const TRAINING_SAMPLE = 240;
const CANDIDATES_PER_CLASS = 2;

const { values } = parseArgs({
  options: {
    check: { type: 'boolean', default: false },
    version: { type: 'string' },
    persons: { type: 'string', default: '900' },
  },
});

interface Sample {
  /** policy, visit type, hospital: the shape of the response */
  shape: string;
  bytes: Buffer;
}

function hex(random: () => number, length: number): string {
  let out = '';
  while (out.length < length)
    out += Math.floor(random() * 0x100000000)
      .toString(16)
      .padStart(8, '0');
  return out.slice(0, length);
}

/** The responses the service would store for these persons, with deterministic ids and times. */
function responses(): Sample[] {
  const catalog = loadPolicyDirectory(path.join(ROOT, 'config/policies'));
  const random = seededRandom(7);
  const workload = representativeWorkload({ persons: Number(values.persons), seed: 20190101 });
  const hospitals = new Map<string, Hospital>(workload.hospitals.map((h) => [h.hospitalId, h]));

  // The worked examples, with their filing, then the workload.
  const persons: { enrollee: Enrollee; filings: Filing[]; requests: RequestBody[] }[] = [];
  const worked = new Map<string, RequestBody[]>();
  for (const { request, expect } of workedExamplesFixture.cases) {
    if (expect.status !== 'settled') continue;
    worked.set(request.card, [...(worked.get(request.card) ?? []), request as RequestBody]);
  }
  for (const [card, requests] of worked) {
    const filings = (workedExamplesFixture as unknown as { referrals: Omit<Filing, 'referralId' | 'status'>[] }).referrals
      .filter((r) => r.card === card)
      .map((r, i) => ({
        ...r,
        referralId: `R-${slotOfCard(card).toString(16).padStart(4, '0')}-${hex(random, 32)}`,
        status: 'active' as const,
        createdAt: `2019-01-0${i + 1}T01:00:00.000Z`,
      }));
    persons.push({ enrollee: toEnrollee(card, enrolleeSchema.parse(workedExamplesFixture.enrollees[card])), filings, requests });
  }
  for (const person of workload.persons) persons.push({ ...person, filings: [] });

  const samples: Sample[] = [];
  for (const { enrollee, filings, requests } of persons) {
    let accumulators: Accumulators = emptyAccumulators();
    for (const body of requests) {
      const request = parseSettlementRequest(body);
      const outcome = settle({
        catalog,
        request,
        hospital: hospitals.get(request.hospitalId)!,
        enrollee,
        filings,
        previousStays: [],
        accumulators,
        accumulatorsYear: Number(request.dischargeDate.slice(0, 4)),
      });
      if (!outcome.ok) continue;
      const settlementId = `S-${slotOfCard(enrollee.card).toString(16).padStart(4, '0')}-${hex(random, 32)}`;
      const view = settlementView(outcome.settlement, request, accumulators, {
        settlementId,
        status: 'settled',
        settledAt: workload.settledAtOf(body).toISOString(),
        actor: { operator: workload.operatorOf(body), keyId: `billing-${request.hospitalId}` },
      });
      accumulators = applyDeltas(accumulators, outcome.settlement.deltas);
      samples.push({ shape: `${view.policyId} ${view.visitType} ${view.hospitalId}`, bytes: Buffer.from(JSON.stringify(view)) });
    }
  }
  return samples;
}

function compressedSize(samples: Buffer[], dictionary: Buffer | null): number {
  let total = 0;
  for (const sample of samples) total += deflateRawSync(sample, dictionary ? { level: DEFLATE_LEVEL, dictionary } : { level: DEFLATE_LEVEL }).length;
  return total;
}

function build(training: Sample[]): Buffer {
  // Candidates: the first few responses of every shape; the greedy judge: an even spread of the training half.
  const perShape = new Map<string, number>();
  const candidates: Buffer[] = [];
  for (const sample of training) {
    const n = perShape.get(sample.shape) ?? 0;
    if (n < CANDIDATES_PER_CLASS) candidates.push(sample.bytes);
    perShape.set(sample.shape, n + 1);
  }
  const step = Math.max(1, Math.floor(training.length / TRAINING_SAMPLE));
  const judge = training.filter((_, i) => i % step === 0).map((s) => s.bytes);

  let dictionary = Buffer.alloc(0);
  let size = compressedSize(judge, null);
  const remaining = [...candidates];
  for (;;) {
    let best: { index: number; size: number } | null = null;
    remaining.forEach((candidate, index) => {
      if (candidate.length + dictionary.length > MAX_DICTIONARY) return;
      const trial = compressedSize(judge, Buffer.concat([candidate, dictionary]));
      if (best === null || trial < best.size) best = { index, size: trial };
    });
    const chosen = best as { index: number; size: number } | null;
    if (chosen === null || (size - chosen.size) / size < MIN_GAIN) break;
    dictionary = Buffer.concat([remaining[chosen.index]!, dictionary]);
    size = chosen.size;
    remaining.splice(chosen.index, 1);
    process.stderr.write(`  picked ${dictionary.length} B of dictionary: judge sample ${(size / judge.length).toFixed(0)} B per response\n`);
  }
  return dictionary;
}

function render(dictionaries: Map<number, Buffer>, current: number): string {
  const entries = [...dictionaries]
    .sort(([a], [b]) => a - b)
    .map(([version, bytes]) => {
      const sha = createHash('sha256').update(bytes).digest('hex');
      return `  // ${bytes.length} bytes, sha256 ${sha}\n  ${version}: Buffer.from(\n    ${JSON.stringify(bytes.toString('base64'))},\n    'base64',\n  ),`;
    })
    .join('\n');
  return `/**
 * Preset deflate dictionaries for stored settlement responses, by version.
 * GENERATED by scripts/make-response-dictionary.ts (npm run make:dictionary):
 * representative responses of the three regions and their visit types, as the
 * real engine and view render them. Never edit by hand. Once records were
 * written with a version (after the first release) it must never change: add a
 * new version and raise CURRENT_DICTIONARY; records name their version.
 */
export const CURRENT_DICTIONARY = ${current};

export const RESPONSE_DICTIONARIES: Record<number, Buffer> = {
${entries}
};
`;
}

function main(): void {
  const samples = responses();
  const training = samples.filter((_, i) => i % 2 === 0);
  const heldOut = samples.filter((_, i) => i % 2 === 1).map((s) => s.bytes);
  process.stderr.write(`${samples.length} responses (${new Set(samples.map((s) => s.shape)).size} shapes); building from ${training.length}, judging on ${heldOut.length}\n`);
  const dictionary = build(training);
  const version = values.version ? Number(values.version) : CURRENT_DICTIONARY;
  const dictionaries = new Map<number, Buffer>(Object.entries(RESPONSE_DICTIONARIES).map(([v, bytes]) => [Number(v), bytes]));
  dictionaries.set(version, dictionary);
  const text = render(dictionaries, Math.max(version, CURRENT_DICTIONARY));

  const raw = heldOut.reduce((sum, s) => sum + s.length, 0) / heldOut.length;
  const row = (name: string, dict: Buffer | null) => {
    const bytes = compressedSize(heldOut, dict) / heldOut.length;
    process.stderr.write(`  ${name.padEnd(34)} ${bytes.toFixed(0).padStart(5)} B  (${((bytes / raw) * 100).toFixed(1)} % of ${raw.toFixed(0)} B)\n`);
  };
  process.stderr.write('held-out responses, deflated:\n');
  row('no dictionary', null);
  row(`version ${CURRENT_DICTIONARY} as in the file now`, RESPONSE_DICTIONARIES[CURRENT_DICTIONARY] ?? null);
  row(`version ${version} as built (${dictionary.length} B)`, dictionary);

  const existing = readFileSync(OUTPUT, 'utf8');
  if (values.check) {
    if (existing !== text) {
      process.stderr.write(`${path.relative(ROOT, OUTPUT)} is not what this script makes: run npm run make:dictionary\n`);
      process.exit(1);
    }
    process.stderr.write(`${path.relative(ROOT, OUTPUT)} is up to date\n`);
    return;
  }
  writeFileSync(OUTPUT, text);
  process.stderr.write(`wrote ${path.relative(ROOT, OUTPUT)} (version ${version}, ${dictionary.length} B)\n`);
}

main();
