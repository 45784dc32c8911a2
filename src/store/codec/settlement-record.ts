/**
 * A settlement as stored: one Redis string `<meta line>\n<deflated response>`,
 * optionally followed by the settlement's inputs (deflated JSON; `r` in the
 * meta is then the response's deflated length), so that a closed year can be
 * settled again exactly (a replay under a draft policy, an audit).
 *
 * The meta line is what the Lua scripts read and change (status, the deltas a
 * reversal takes off, the stay it lists, the reversal's who and why); the rest
 * is the response as first answered, deflated with a preset dictionary of
 * typical responses, so that a replay is byte for byte the first answer while a
 * settlement costs a few hundred bytes instead of ~2.7 kB.
 *
 * The dictionaries of a version must never change once records were written
 * with it: `v` in the meta names the pair to inflate with (the response's,
 * and the inputs' where that version has one; version 1 had none).
 *
 * A compact meta line (written since 2026-12) holds only what the answer does
 * not: no hospital, year or requestId (read from the answer), no status while
 * settled, and the stay and occupancy members without the settlement id (the
 * key or field name holds it; scripts/include/settlement-members.lua puts it
 * back), and the deltas under the person's hash's short names (whole names in
 * earlier lines: the reversal takes either). Earlier lines, with `h`, still
 * read as written.
 *
 * From version 4 on, the answer and inputs are deflated with the
 * settlement's own settlementId and card hidden (known-ids.ts): a reader
 * passes them in, from the field or key name and the key's hash tag.
 *
 * From version 5 on (version 4's dictionaries), the meta line names no stay
 * or occupancy member: the scripts find the settlement's own by its id
 * (scripts/include/settlement-members.lua). A settled one's line is terse,
 * not JSON: `<v> [<r>] <delta>…`, each delta `<name><integer>` when the
 * name is letters only (the short names), else `<name>=<integer>`, e.g.
 * `5 241 a1 be4601567 bp1787145 cs2139288` (`r` all digits, a delta never;
 * lines written before hold `-` where there is no `r`). A reversal rewrites it as JSON,
 * `d` kept as that terse string. A JSON line starts with '{', a terse one
 * with its version's digits.
 *
 * From version 5 on, a line without `r` says the answer
 * and its inputs are one deflate stream, `<answer>\n<inputs>` (JSON.stringify
 * never writes a raw newline), with the version's answer dictionary followed
 * by its inputs dictionary: the inputs find the answer's dates, amounts and
 * names. A large bill keeps two streams and its `r`.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { CorruptRecordError } from '../../domain/errors.js';
import { checkStored, settlementRecordMetaSchema } from '../record-schemas.js';
import { canHide, hideKnownIds, type KnownIds, restoreKnownIds } from './known-ids.js';
import { keptRawDeflate, type RawDeflate } from './kept-deflate.js';
import { CURRENT_DICTIONARY, INPUT_DICTIONARIES, RESPONSE_DICTIONARIES } from './response-dictionaries.js';

/** The reversal's who and why, as recorded. */
export interface ReversalMeta {
  at: string;
  reason: string | null;
  operator: { id: string | null; name: string | null; keyId: string | null };
}

export interface SettlementRecordMeta {
  /** Dictionary (format) version. */
  v: number;
  /** status; a compact line leaves it out while settled */
  s?: 'settled' | 'reversed';
  /** hospital id (earlier lines only: a compact line has it in the answer) */
  h?: string;
  /** benefit year (earlier lines only) */
  y?: number;
  /** request id (earlier lines only) */
  rq?: string;
  /** accumulator deltas as integer strings (fen or counts), field → delta; a compact line names them as the person's hash does (codec/person-hash.ts) */
  d: Record<string, string>;
  /** the stays member this settlement listed, if any (removed on reversal); compact: without its leading settlement id; from version 5 on never written */
  st?: string;
  /** the occupancy member of its stay's days, if any (removed on reversal); compact: its settlement id field empty; from version 5 on never written */
  oc?: string;
  /** reversal */
  x?: ReversalMeta;
  /** bytes of the deflated response when the inputs follow it */
  r?: number;
}

export interface DecodedRecord {
  meta: SettlementRecordMeta;
  response: Buffer;
  /** The inputs JSON (UTF-8) recorded with the settlement; null for records written before inputs were kept. */
  inputs: Buffer | null;
}

const NEWLINE = 0x0a;
/** zlib level of stored responses: 9 cost ~11 µs more than 6 a settlement for 5 B less (held-out 240 vs 245 B); any level inflates the same. */
export const DEFLATE_LEVEL = 6;
/**
 * Output chunk of the deflates: zlib's default 16 kB is a fresh ArrayBuffer
 * each call (GC work) for a ~250 B answer; 2 kB comes from Buffer's pool.
 * The bytes are the same (a larger output takes more chunks).
 */
const CHUNK_SIZE = 2048;

/**
 * The inputs (≈740 B of JSON) deflate to ≈460 B alone but to ≈90 B with
 * their own small dictionary of representative inputs (a few kB, cheap to
 * hash, unlike the response's 27 kB). Read only by a replay.
 */
export const INPUTS_DEFLATE_LEVEL = 6;

/**
 * A part larger than this (a bill of some hundreds of lines) deflates at
 * LARGE_DEFLATE_LEVEL in 64 kB chunks: a 2,000-line bill's answer and inputs
 * (~860 kB) took ~17 ms at level 6, ~5 ms at 3 and ~4 ms at 1, for ~133,
 * ~148 and ~161 kB stored (docs/benchmarks.md). Any level inflates the
 * same: no format change.
 */
const LARGE_PART_BYTES = 64 * 1024;
const LARGE_DEFLATE_LEVEL = 1;
const LARGE_CHUNK_SIZE = 64 * 1024;

/** The first version whose parts are deflated with the settlement's own ids hidden (known-ids.ts). */
export const FIRST_HIDING_VERSION = 4;
/** What STORE_WRITE_FORMAT=previous writes: the version the previous release reads (ids not hidden). */
export const PREVIOUS_FORMAT_VERSION = 3;
/** The first version whose meta line names no members and, while settled, is terse (header above). */
export const FIRST_TERSE_VERSION = 5;

/** The first version whose answer and inputs are one stream when its meta line has no `r` (header above). */
export const FIRST_ONE_STREAM_VERSION = 5;

/** A one-stream version's dictionary: its answer dictionary, then its inputs dictionary. */
const oneStreamDictionaries = new Map<number, Buffer>();
function oneStreamDictionary(version: number): Buffer {
  let dictionary = oneStreamDictionaries.get(version);
  if (!dictionary) {
    dictionary = Buffer.concat([RESPONSE_DICTIONARIES[version]!, INPUT_DICTIONARIES[version] ?? Buffer.alloc(0)]);
    oneStreamDictionaries.set(version, dictionary);
  }
  return dictionary;
}

/** Each written version's deflates, each with its zlib state kept between records (kept-deflate.ts), made on first use. */
const keptByVersion = new Map<number, { answer: RawDeflate; inputs: RawDeflate; both: RawDeflate | null }>();
function keptDeflates(version: number): { answer: RawDeflate; inputs: RawDeflate; both: RawDeflate | null } {
  let kept = keptByVersion.get(version);
  if (!kept) {
    const options = { chunkSize: CHUNK_SIZE, maxPartBytes: LARGE_PART_BYTES };
    kept = {
      answer: keptRawDeflate({ level: DEFLATE_LEVEL, dictionary: RESPONSE_DICTIONARIES[version], ...options }),
      inputs: keptRawDeflate({ level: INPUTS_DEFLATE_LEVEL, dictionary: INPUT_DICTIONARIES[version], ...options }),
      both: version >= FIRST_ONE_STREAM_VERSION ? keptRawDeflate({ level: DEFLATE_LEVEL, dictionary: oneStreamDictionary(version), ...options }) : null,
    };
    keptByVersion.set(version, kept);
  }
  return kept;
}

const SEPARATOR = Buffer.from('\n');

function deflated(part: Buffer, level: number, dictionary: Buffer | undefined, kept?: RawDeflate): Buffer {
  const large = part.length > LARGE_PART_BYTES;
  if (kept && !large) return kept(part);
  return deflateRawSync(part, {
    ...(dictionary ? { dictionary } : {}),
    level: large ? LARGE_DEFLATE_LEVEL : level,
    chunkSize: large ? LARGE_CHUNK_SIZE : CHUNK_SIZE,
  });
}

/**
 * The record of a settlement. `ids` are its own settlementId and card (hidden
 * from version 4 on); `version` is CURRENT_DICTIONARY, or
 * PREVIOUS_FORMAT_VERSION while the previous release still reads the store.
 */
export function encodeSettlementRecord(
  meta: Omit<SettlementRecordMeta, 'v' | 'r'>,
  response: Buffer,
  inputs: Buffer | undefined,
  ids: KnownIds,
  version: number = CURRENT_DICTIONARY,
): Buffer {
  // A part holding a sentinel byte (never JSON.stringify's output) is written as the previous version, ids in the clear.
  const hides = version >= FIRST_HIDING_VERSION;
  const v = hides && !(canHide(response) && (!inputs || canHide(inputs))) ? PREVIOUS_FORMAT_VERSION : version;
  const part = (bytes: Buffer) => (v >= FIRST_HIDING_VERSION ? hideKnownIds(bytes, ids) : bytes);
  const kept = keptDeflates(v);
  // One stream unless the bill is large (its parts deflate faster apart) or the answer holds a raw newline (never JSON.stringify's).
  if (kept.both && response.length + (inputs?.length ?? 0) < LARGE_PART_BYTES && !response.includes(NEWLINE)) {
    const whole = inputs ? Buffer.concat([part(response), SEPARATOR, part(inputs)]) : part(response);
    return Buffer.concat([Buffer.from(`${metaLine(v, meta, undefined)}\n`), kept.both(whole)]);
  }
  const body = deflated(part(response), DEFLATE_LEVEL, RESPONSE_DICTIONARIES[v]!, kept.answer);
  // From version 5 on a line without `r` means one stream: two streams always name `r`, with or without inputs.
  const head = Buffer.from(`${metaLine(v, meta, inputs || kept.both ? body.length : undefined)}\n`);
  if (!inputs) return Buffer.concat([head, body]);
  const tail = deflated(part(inputs), INPUTS_DEFLATE_LEVEL, INPUT_DICTIONARIES[v], kept.inputs);
  return Buffer.concat([head, body, tail]);
}

const LETTERS = /^[A-Za-z]+$/;
const INTEGER = /^-?\d+$/;
/** A name a terse delta can hold: no separator of the line (' ', '=', newline). */
const TERSE_NAME = /^[^\s=]+$/;

/** The meta line of version `v`: terse when it can be (a settled line of version 5 on), else JSON; members only before version 5. */
function metaLine(v: number, meta: Omit<SettlementRecordMeta, 'v' | 'r'>, r: number | undefined): string {
  if (v < FIRST_TERSE_VERSION) return JSON.stringify(r === undefined ? { v, ...meta } : { v, ...meta, r });
  const { st: _st, oc: _oc, ...kept } = meta;
  const tokens: string[] = [];
  for (const name in meta.d) {
    const delta = meta.d[name]!;
    if (!INTEGER.test(delta) || !TERSE_NAME.test(name)) return JSON.stringify(r === undefined ? { v, ...kept } : { v, ...kept, r });
    tokens.push(LETTERS.test(name) ? `${name}${delta}` : `${name}=${delta}`);
  }
  const settledOnly = Object.keys(kept).length === 1;
  if (!settledOnly) return JSON.stringify(r === undefined ? { v, ...kept, d: tokens.join(' ') } : { v, ...kept, d: tokens.join(' '), r });
  // `r` only when there are two streams: a delta token is never all digits. Lines written before hold '-' for none.
  return [String(v), ...(r === undefined ? [] : [String(r)]), ...tokens].join(' ');
}

/** A terse line's deltas ('a1 be4601567 l:key=-5'), by name. */
export function terseDeltas(text: string): Record<string, string> {
  const deltas: Record<string, string> = {};
  if (text === '') return deltas;
  for (const token of text.split(' ')) {
    const eq = token.indexOf('=');
    const match = eq < 0 ? /^([A-Za-z]+)(-?\d+)$/.exec(token) : null;
    const name = eq < 0 ? match?.[1] : token.slice(0, eq);
    const delta = eq < 0 ? match?.[2] : token.slice(eq + 1);
    if (!name || delta === undefined || !INTEGER.test(delta)) throw new CorruptRecordError('settlement record meta', `delta ${JSON.stringify(token)}`);
    deltas[name] = delta;
  }
  return deltas;
}

/** A meta line as stored: JSON (any version; `d` a terse string from version 5 on) or terse. */
export function parseMetaLine(line: string): SettlementRecordMeta {
  if (line.startsWith('{')) {
    const meta = checkStored<SettlementRecordMeta | (Omit<SettlementRecordMeta, 'd'> & { d: string })>(settlementRecordMetaSchema, line, 'settlement record meta');
    return typeof meta.d === 'string' ? { ...meta, d: terseDeltas(meta.d) } : (meta as SettlementRecordMeta);
  }
  const [head, second, ...rest] = line.split(' ');
  const v = Number(head);
  if (!/^\d+$/.test(head!) || v < FIRST_TERSE_VERSION) throw new CorruptRecordError('settlement record meta', 'neither JSON nor a terse line');
  // The second word: `r` (digits), '-' (none, as written before) or the first delta.
  const r = second !== undefined && /^\d+$/.test(second) ? Number(second) : undefined;
  const tokens = second === undefined || second === '-' || r !== undefined ? rest : [second, ...rest];
  const d = terseDeltas(tokens.join(' '));
  return r === undefined ? { v, d } : { v, d, r };
}

/** A stored record read back; `ids` are the settlement's own (its field or key name, its key's card). */
export function decodeSettlementRecord(record: Buffer, ids: KnownIds): DecodedRecord {
  const split = record.indexOf(NEWLINE);
  if (split < 0) throw new Error('settlement record without a meta line');
  const meta = parseMetaLine(record.subarray(0, split).toString('utf8'));
  const dictionary = RESPONSE_DICTIONARIES[meta.v];
  if (!dictionary) throw new Error(`settlement record of unknown version ${meta.v}`);
  const part = (bytes: Buffer) => (meta.v >= FIRST_HIDING_VERSION ? restoreKnownIds(bytes, ids) : bytes);
  const start = split + 1;
  if (meta.r === undefined && meta.v >= FIRST_ONE_STREAM_VERSION) {
    const whole = inflateRawSync(record.subarray(start), { dictionary: oneStreamDictionary(meta.v) });
    const end = whole.indexOf(NEWLINE);
    if (end < 0) return { meta, response: part(whole), inputs: null };
    return { meta, response: part(whole.subarray(0, end)), inputs: part(whole.subarray(end + 1)) };
  }
  // The answer alone: no `r` before version 5, or two streams without inputs.
  if (meta.r === undefined || start + meta.r === record.length) return { meta, response: part(inflateRawSync(record.subarray(start), { dictionary })), inputs: null };
  const inputsDictionary = INPUT_DICTIONARIES[meta.v];
  return {
    meta,
    response: part(inflateRawSync(record.subarray(start, start + meta.r), { dictionary })),
    inputs: part(inflateRawSync(record.subarray(start + meta.r), inputsDictionary ? { dictionary: inputsDictionary } : {})),
  };
}

/** The stays member as a compact meta line holds it: without the settlement id it starts with. */
export function compactStayMember(member: string, settlementId: string): string {
  if (!member.startsWith(`${settlementId}|`)) throw new Error('stay member does not start with its settlement id');
  return member.slice(settlementId.length);
}

/** The occupancy member "<admission>|<discharge>|<settlementId>|<hospitalId>" as a compact meta line holds it: the id left empty. */
export function compactOccupancyMember(admission: number, discharge: number, hospitalId: string): string {
  return `${admission}|${discharge}||${hospitalId}`;
}
