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
 *    Then every segment whose removal leaves the training sample no larger
 *    than the picks gave it is cut, 1 kB down to 32 B segments: a deflate
 *    hashes the whole dictionary first, so each kB cut is CPU saved on every
 *    settlement (version 3: 27.6 kB → ~18 kB for the same bytes).
 * 3. The sizes on the held-out half are printed (no dictionary, the current
 *    file's dictionary, the new one) and the file is written, with the
 *    held-out size of the new version (HELD_OUT_BYTES): the staleness test
 *    (test/unit/response-dictionary.test.ts) fails when today's answers
 *    deflate more than STALE_MARGIN worse than that.
 *
 *   npm run make:dictionary -- --version N  writes version N and makes it current, keeping the others
 *                                           (and DICTIONARY_ALIASES: a version that changed only the meta line
 *                                           names an earlier version's dictionaries; it is never rebuilt)
 *   npm run make:dictionary -- --check      exits 1 when a fresh dictionary would beat the current one by more than STALE_MARGIN
 *
 * The same sources give the same bytes. Records written with a version exist
 * forever (they name it in their meta line): never rewrite a version that may
 * have been stored, add the next one.
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as generated from '../src/store/codec/response-dictionaries.js';
import { FIRST_HIDING_VERSION } from '../src/store/codec/settlement-record.js';
import { compressedSize, DEFLATE_LEVEL, INPUTS_DEFLATE_LEVEL, responseSamples, SAMPLE_PERSONS, STALE_MARGIN, splitSamples, type Sample } from './lib/response-samples.js';

const { CURRENT_DICTIONARY, RESPONSE_DICTIONARIES } = generated;
// What the file holds beyond the responses' dictionaries (absent for versions built before they were kept).
const previous = generated as {
  INPUT_DICTIONARIES?: Record<number, Buffer>;
  DICTIONARY_ALIASES?: Record<number, number>;
  HELD_OUT_BYTES?: Record<number, number>;
  HELD_OUT_INPUT_BYTES?: Record<number, number>;
};
/** Versions written as another's dictionaries (kept as they are: the file renders them as aliases, not copies). */
const ALIASES = previous.DICTIONARY_ALIASES ?? {};

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUTPUT = path.join(ROOT, 'src/store/codec/response-dictionaries.ts');
/** deflate's window is 32 KiB: dictionary and the response being compressed share it. */
const MAX_DICTIONARY = 32 * 1024 - 4 * 1024;
/** The inputs' dictionary stays small: zlib hashes the whole dictionary on every deflate. */
const MAX_INPUTS_DICTIONARY = 6 * 1024;
/** Stop when the next pick shrinks the training sample by less than this share. */
const MIN_GAIN = 0.004;
const TRAINING_SAMPLE = 240;
const CANDIDATES_PER_CLASS = 2;
/** Segment sizes of the pruning passes, coarse to fine. */
const PRUNE_SEGMENTS = [1024, 256, 64, 32];

const { values } = parseArgs({
  options: {
    check: { type: 'boolean', default: false },
    version: { type: 'string' },
    persons: { type: 'string', default: String(SAMPLE_PERSONS) },
  },
});

/** A dictionary of at most `maxBytes`, picked greedily from the training samples' `part`, judged at `level`. */
function build(training: Sample[], part: 'bytes' | 'inputs', maxBytes: number, level: number): Buffer {
  // Candidates: the first few responses of every shape; the greedy judge: an even spread of the training half.
  const perShape = new Map<string, number>();
  const candidates: Buffer[] = [];
  for (const sample of training) {
    const n = perShape.get(sample.shape) ?? 0;
    if (n < CANDIDATES_PER_CLASS) candidates.push(sample[part]);
    perShape.set(sample.shape, n + 1);
  }
  const step = Math.max(1, Math.floor(training.length / TRAINING_SAMPLE));
  const judge = training.filter((_, i) => i % step === 0).map((s) => s[part]);

  let dictionary = Buffer.alloc(0);
  let size = compressedSize(judge, null, level);
  const remaining = [...candidates];
  for (;;) {
    let best: { index: number; size: number } | null = null;
    remaining.forEach((candidate, index) => {
      if (candidate.length + dictionary.length > maxBytes) return;
      const trial = compressedSize(judge, Buffer.concat([candidate, dictionary]), level);
      if (best === null || trial < best.size) best = { index, size: trial };
    });
    const chosen = best as { index: number; size: number } | null;
    if (chosen === null || (size - chosen.size) / size < MIN_GAIN) break;
    dictionary = Buffer.concat([remaining[chosen.index]!, dictionary]);
    size = chosen.size;
    remaining.splice(chosen.index, 1);
    process.stderr.write(`  picked ${dictionary.length} B of ${part} dictionary: judge sample ${(size / judge.length).toFixed(0)} B each\n`);
  }
  return prune(dictionary, judge, size, level, part);
}

/** Cuts what the judge sample does not miss: each segment whose removal keeps it within `limit` bytes in all. */
function prune(picked: Buffer, judge: Buffer[], limit: number, level: number, part: string): Buffer {
  let dictionary = picked;
  for (const segment of PRUNE_SEGMENTS) {
    for (let at = dictionary.length - segment; at >= 0; at -= segment) {
      const trial = Buffer.concat([dictionary.subarray(0, at), dictionary.subarray(at + segment)]);
      if (compressedSize(judge, trial, level) <= limit) dictionary = trial;
    }
    process.stderr.write(`  pruned ${part} dictionary in ${segment} B segments: ${dictionary.length} B\n`);
  }
  return dictionary;
}

function entriesOf(dictionaries: Map<number, Buffer>): string {
  return [...dictionaries]
    .sort(([a], [b]) => a - b)
    .map(([version, bytes]) => {
      const sha = createHash('sha256').update(bytes).digest('hex');
      return `  // ${bytes.length} bytes, sha256 ${sha}\n  ${version}: Buffer.from(\n    ${JSON.stringify(bytes.toString('base64'))},\n    'base64',\n  ),`;
    })
    .join('\n');
}

function figures(byVersion: Record<number, number>): string {
  return `{ ${Object.entries(byVersion)
    .map(([version, bytes]) => `${version}: ${bytes}`)
    .join(', ')} }`;
}

interface Generated {
  responses: Map<number, Buffer>;
  aliases: Record<number, number>;
  inputs: Map<number, Buffer>;
  heldOut: Record<number, number>;
  heldOutInputs: Record<number, number>;
}

function render(current: number, g: Generated): string {
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
${entriesOf(g.responses)}
};

/** The inputs' dictionaries (the replay's copy of what the engine read), by the same version; none: deflated alone. */
export const INPUT_DICTIONARIES: Record<number, Buffer> = {
${entriesOf(g.inputs)}
};

/**
 * Versions that changed only the record's meta line (codec/settlement-record.ts):
 * each deflates with an earlier version's dictionaries, the same buffers.
 */
export const DICTIONARY_ALIASES: Record<number, number> = ${figures(g.aliases)};
for (const [version, of] of Object.entries(DICTIONARY_ALIASES)) {
  RESPONSE_DICTIONARIES[Number(version)] = RESPONSE_DICTIONARIES[of]!;
  INPUT_DICTIONARIES[Number(version)] = INPUT_DICTIONARIES[of]!;
}

/**
 * Mean bytes of the held-out representative answers (and inputs) deflated
 * with each version when it was built: the staleness test holds today's to it.
 */
export const HELD_OUT_BYTES: Record<number, number> = ${figures(g.heldOut)};
export const HELD_OUT_INPUT_BYTES: Record<number, number> = ${figures(g.heldOutInputs)};
`;
}

function main(): void {
  const samples = responseSamples(Number(values.persons));
  const { training, heldOut, heldOutInputs, heldOutPlain, heldOutInputsPlain } = splitSamples(samples);
  // The samples are built with the settlement's own ids hidden (version 4 on); an earlier current version is judged on them as they are.
  const hidden = CURRENT_DICTIONARY >= FIRST_HIDING_VERSION;
  process.stderr.write(`${samples.length} responses (${new Set(samples.map((s) => s.shape)).size} shapes); building from ${training.length}, judging on ${heldOut.length}\n`);
  const dictionary = build(training, 'bytes', MAX_DICTIONARY, DEFLATE_LEVEL);
  const inputsDictionary = build(training, 'inputs', MAX_INPUTS_DICTIONARY, INPUTS_DEFLATE_LEVEL);
  const version = values.version ? Number(values.version) : CURRENT_DICTIONARY;
  if (version in ALIASES) throw new Error(`version ${version} is version ${ALIASES[version]}'s dictionaries under a new meta line: build the next version`);

  const report = (what: string, set: Buffer[], currentSet: Buffer[], level: number, current: Buffer | null, fresh: Buffer) => {
    const raw = set.reduce((sum, s) => sum + s.length, 0) / set.length;
    const mean = (dict: Buffer | null, parts = set) => Math.round(compressedSize(parts, dict, level) / parts.length);
    const row = (name: string, bytes: number) =>
      process.stderr.write(`  ${name.padEnd(34)} ${String(bytes).padStart(5)} B  (${((bytes / raw) * 100).toFixed(1)} % of ${raw.toFixed(0)} B)\n`);
    const now = mean(current, currentSet);
    const built = mean(fresh);
    process.stderr.write(`held-out ${what}, deflated:\n`);
    row('no dictionary', mean(null));
    row(`version ${CURRENT_DICTIONARY} as in the file now`, now);
    row(`version ${version} as built (${fresh.length} B)`, built);
    return { now, built };
  };
  const responses = report('responses', heldOut, hidden ? heldOut : heldOutPlain, DEFLATE_LEVEL, RESPONSE_DICTIONARIES[CURRENT_DICTIONARY] ?? null, dictionary);
  const inputs = report(
    'inputs',
    heldOutInputs,
    hidden ? heldOutInputs : heldOutInputsPlain,
    INPUTS_DEFLATE_LEVEL,
    previous.INPUT_DICTIONARIES?.[CURRENT_DICTIONARY] ?? null,
    inputsDictionary,
  );

  if (values.check) {
    const stale = [
      ['responses', responses],
      ['inputs', inputs],
    ].filter(([, f]) => (f as typeof responses).now > (f as typeof responses).built * (1 + STALE_MARGIN));
    if (stale.length > 0) {
      process.stderr.write(
        `the dictionaries are stale (${stale.map(([what]) => what).join(', ')}: a fresh one deflates more than ${STALE_MARGIN * 100} % smaller): run npm run make:dictionary -- --version ${CURRENT_DICTIONARY + 1}\n`,
      );
      process.exit(1);
    }
    process.stderr.write(`${path.relative(ROOT, OUTPUT)} is fresh enough\n`);
    return;
  }
  const own = ([v]: [string, Buffer]) => !(v in ALIASES);
  const generatedNow: Generated = {
    responses: new Map(
      Object.entries(RESPONSE_DICTIONARIES)
        .filter(own)
        .map(([v, bytes]) => [Number(v), bytes]),
    ),
    aliases: ALIASES,
    inputs: new Map(
      Object.entries(previous.INPUT_DICTIONARIES ?? {})
        .filter(own)
        .map(([v, bytes]) => [Number(v), bytes]),
    ),
    heldOut: { ...previous.HELD_OUT_BYTES, [version]: responses.built },
    heldOutInputs: { ...previous.HELD_OUT_INPUT_BYTES, [version]: inputs.built },
  };
  generatedNow.responses.set(version, dictionary);
  generatedNow.inputs.set(version, inputsDictionary);
  writeFileSync(OUTPUT, render(Math.max(version, CURRENT_DICTIONARY), generatedNow));
  process.stderr.write(`wrote ${path.relative(ROOT, OUTPUT)} (version ${version}: responses ${dictionary.length} B, inputs ${inputsDictionary.length} B)\n`);
}

main();
