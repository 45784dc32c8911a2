/**
 * The settlement record's deflates in process: the held-out representative
 * answers and inputs (scripts/lib/response-samples.ts) deflated by each
 * option in turn, the options interleaved round by round so that a busy
 * machine weighs on all alike. CPU time of the process (GC threads
 * included) per record, median of the rounds, and mean bytes; every option's
 * output is inflated back as the codec reads it (windowBits 15, the
 * version's dictionary) and compared. Versions up to 3 deflate the parts as
 * they are, version 4 on with the settlement's own ids hidden
 * (codec/known-ids.ts): each option is given the parts its version stores.
 *
 *   npx tsx bench/record-codec.ts [--rounds 15] [--only answer|inputs]
 */
import { parseArgs } from 'node:util';
import { constants, createDeflateRaw, deflateRawSync, inflateRawSync } from 'node:zlib';
import { responseSamples, splitSamples } from '../scripts/lib/response-samples.js';
import { CURRENT_DICTIONARY, INPUT_DICTIONARIES, RESPONSE_DICTIONARIES } from '../src/store/codec/response-dictionaries.js';
import { keptRawDeflate } from '../src/store/codec/kept-deflate.js';
import { DEFLATE_LEVEL, FIRST_HIDING_VERSION, INPUTS_DEFLATE_LEVEL, decodeSettlementRecord, encodeSettlementRecord } from '../src/store/codec/settlement-record.js';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '15' }, only: { type: 'string' } } });
const rounds = Number(values.rounds);

interface Deflater {
  name: string;
  /** the version whose parts it is given (ids hidden from FIRST_HIDING_VERSION on) */
  version: number;
  /** what the codec inflates it with */
  dictionary: Buffer | undefined;
  deflate(part: Buffer): Buffer;
}

interface Step {
  writeSync(flush: number, input: Buffer, inOff: number, inLen: number, out: Buffer, outOff: number, outLen: number): void;
  reset(): void;
}

/** What `deflateRawSync` does, with a fresh zlib state per call. */
function fresh(name: string, version: number, dictionary: Buffer | undefined, level: number, windowBits = 15, memLevel = 8): Deflater {
  const options = { ...(dictionary ? { dictionary } : {}), level, windowBits, memLevel, chunkSize: 2048 };
  return { name, version, dictionary, deflate: (part) => deflateRawSync(part, options) };
}

/** One zlib state kept and reset between parts (zlib's sync step, as gunzip-into.ts drives it). */
function kept(name: string, version: number, dictionary: Buffer | undefined, level: number, windowBits = 15, memLevel = 8): Deflater {
  const stream = createDeflateRaw({ ...(dictionary ? { dictionary } : {}), level, windowBits, memLevel });
  const internals = stream as unknown as { _handle: Step; _writeState: Uint32Array };
  const handle = internals._handle;
  const state = internals._writeState;
  const out = Buffer.allocUnsafeSlow(64 * 1024);
  return {
    name,
    version,
    dictionary,
    deflate(part) {
      handle.writeSync(constants.Z_FINISH, part, 0, part.length, out, 0, out.length);
      if (state[1] !== 0 || state[0] === 0) throw new Error('part larger than the scratch');
      const bytes = Buffer.from(out.subarray(0, out.length - state[0]!));
      handle.reset();
      return bytes;
    },
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function cpuMicros(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

function codec(name: string, version: number, dictionary: Buffer | undefined, level: number): Deflater {
  return { name, version, dictionary, deflate: keptRawDeflate({ level, dictionary, chunkSize: 2048, maxPartBytes: 65536 }) };
}

function run(title: string, hidden: Buffer[], plain: Buffer[], options: Deflater[]): void {
  const partsOf = (o: Deflater) => (o.version >= FIRST_HIDING_VERSION ? hidden : plain);
  const parts = plain;
  const bytes = new Map<string, number>();
  for (const o of options) {
    let total = 0;
    for (const part of partsOf(o)) {
      const d = o.deflate(part);
      const back = inflateRawSync(d, o.dictionary ? { dictionary: o.dictionary } : {});
      if (!back.equals(part)) throw new Error(`${o.name}: does not inflate back`);
      total += d.length;
    }
    bytes.set(o.name, total / parts.length);
  }
  const times = new Map<string, number[]>(options.map((o) => [o.name, []]));
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? options : [...options].reverse();
    for (const o of order) {
      const t = cpuMicros();
      for (const part of partsOf(o)) o.deflate(part);
      times.get(o.name)!.push((cpuMicros() - t) / parts.length);
    }
  }
  process.stdout.write(`\n${title}: ${parts.length} held-out parts, mean ${(parts.reduce((a, p) => a + p.length, 0) / parts.length).toFixed(0)} B, ${rounds} rounds\n`);
  const base = median(times.get(options[0]!.name)!);
  for (const o of options) {
    const m = median(times.get(o.name)!);
    process.stdout.write(`  ${o.name.padEnd(46)} ${m.toFixed(1).padStart(7)} µs CPU/part  ${(m / base).toFixed(2)}×  ${bytes.get(o.name)!.toFixed(1).padStart(6)} B\n`);
  }
}

const { heldOut, heldOutInputs, heldOutPlain, heldOutInputsPlain, heldOutIds } = splitSamples(responseSamples());
const answerDictionary = RESPONSE_DICTIONARIES[CURRENT_DICTIONARY]!;
const inputsDictionary = INPUT_DICTIONARIES[CURRENT_DICTIONARY];
process.stdout.write(`node ${process.version}, dictionary v${CURRENT_DICTIONARY} (answer ${answerDictionary.length} B, inputs ${inputsDictionary?.length ?? 0} B)\n`);

// The version before the current one: what the codec deflated with before it.
const previous = CURRENT_DICTIONARY - 1;
if (values.only !== 'inputs') {
  const L = DEFLATE_LEVEL;
  const before = RESPONSE_DICTIONARIES[previous];
  const now = CURRENT_DICTIONARY;
  run('answers', heldOut, heldOutPlain, [
    fresh(`deflateRawSync L${L}, dictionary v${previous}`, previous, before, L),
    fresh(`deflateRawSync L${L}, dictionary v${now}`, now, answerDictionary, L),
    kept(`kept state L${L}, dictionary v${previous}`, previous, before, L),
    codec(`the codec: kept state, dictionary v${now}`, now, answerDictionary, L),
    kept(`kept L${L} w15 m6, dictionary v${now}`, now, answerDictionary, L, 15, 6),
    kept(`kept L9, dictionary v${now}`, now, answerDictionary, 9),
    kept(`kept L4, dictionary v${now}`, now, answerDictionary, 4),
    fresh('no dictionary L6', 0, undefined, 6),
  ]);
}
if (values.only !== 'answer') {
  const L = INPUTS_DEFLATE_LEVEL;
  const before = INPUT_DICTIONARIES[previous];
  run('inputs', heldOutInputs, heldOutInputsPlain, [
    fresh(`deflateRawSync L${L}, dictionary v${previous}`, previous, before, L),
    kept(`kept state L${L}, dictionary v${previous}`, previous, before, L),
    codec(`the codec: kept state, dictionary v${CURRENT_DICTIONARY}`, CURRENT_DICTIONARY, inputsDictionary, L),
  ]);
}

// The whole encode and decode as the store calls them, for scale: the previous version and the current one, interleaved.
const n = Math.min(heldOutPlain.length, heldOutInputsPlain.length);
const whole = new Map<number, { encode: number[]; decode: number[]; bytes: number }>();
for (const version of new Set([previous, CURRENT_DICTIONARY])) {
  let bytes = 0;
  for (let i = 0; i < n; i++) bytes += encodeSettlementRecord({ d: {} }, heldOutPlain[i]!, heldOutInputsPlain[i]!, heldOutIds[i]!, version).length;
  whole.set(version, { encode: [], decode: [], bytes: bytes / n });
}
for (let r = 0; r < Math.max(3, Math.ceil(rounds / 3)); r++) {
  for (const [version, figures] of r % 2 === 0 ? [...whole] : [...whole].reverse()) {
    const records: Buffer[] = [];
    let t = cpuMicros();
    for (let i = 0; i < n; i++) records.push(encodeSettlementRecord({ d: {} }, heldOutPlain[i]!, heldOutInputsPlain[i]!, heldOutIds[i]!, version));
    figures.encode.push((cpuMicros() - t) / n);
    t = cpuMicros();
    for (let i = 0; i < n; i++) decodeSettlementRecord(records[i]!, heldOutIds[i]!);
    figures.decode.push((cpuMicros() - t) / n);
  }
}
process.stdout.write('\n');
for (const [version, figures] of whole) {
  const label = version === CURRENT_DICTIONARY ? 'encodeSettlementRecord (answer + inputs):' : `encodeSettlementRecord v${version} (answer + inputs):`;
  process.stdout.write(
    `${label} ${median(figures.encode).toFixed(1)} µs CPU per record; decode ${median(figures.decode).toFixed(1)} µs; ${figures.bytes.toFixed(1)} B per record (meta {"d":{}})\n`,
  );
}
