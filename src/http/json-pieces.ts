/**
 * JSON.parse(bytes.toString('utf8')) for a large body, without the one large
 * string: a 400 kB bill decoded whole is an 800 kB two-byte string in V8's
 * large-object space, fresh pages every request (on this machine ~10 µs a
 * page faulted in, most of the decode's 4 ms). The body's largest array is
 * decoded and parsed PIECE_BYTES at a time instead, each piece a young
 * string, and put in place of a mark in the rest. Whenever a piece, the rest
 * or the mark's place is not as expected, the whole text is parsed as before
 * (the same value, or the same error).
 */

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;

/** Bodies from this size are parsed in pieces (a smaller string stays out of the large-object space). */
export const PIECES_FROM_BYTES = 64 * 1024;
/** Bytes of elements a piece holds: at most 32 k characters, a 64 kB string. */
const PIECE_BYTES = 32 * 1024;
/** Stands for the large array while the rest is parsed; a body holding these bytes is parsed whole. */
const MARK = '"\\u0000pieces\\u0000"';
const MARK_VALUE = '\u0000pieces\u0000';
const MARK_BYTES = Buffer.from(MARK);
/** Commas noted at most (array elements): beyond, the scan notes none and the body is parsed whole. */
const MAX_COMMAS = 100_000;

/** The scan: the deepest nesting, the largest array's brackets and the commas directly inside it. */
export interface JsonScan {
  depth: number;
  open: number;
  close: number;
  commas: number[];
}

/**
 * One pass over JSON bytes (strings skipped): the deepest nesting and, when
 * at most `trackDepth` deep, the array spanning most bytes with the positions
 * of its own commas. The text is not validated here (JSON.parse does).
 */
export function scanJson(bytes: Uint8Array, trackDepth: number): JsonScan {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  // Per depth: where the open container began (arrays only; -1 for objects), and where its commas start in `commas`.
  const opens = new Int32Array(trackDepth + 2);
  const firstComma = new Int32Array(trackDepth + 2);
  const commas: number[] = [];
  const commaDepths: number[] = [];
  let best = { open: -1, close: -1, depth: 0, from: 0, to: 0 };
  const length = bytes.length;
  for (let i = 0; i < length; i++) {
    const byte = bytes[i]!;
    if (inString) {
      if (byte === BACKSLASH) i++;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) inString = true;
    else if (byte === COMMA) {
      if (depth >= 1 && depth <= trackDepth && opens[depth]! >= 0 && commas.length < MAX_COMMAS) {
        commas.push(i);
        commaDepths.push(depth);
      }
    } else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
      if (++depth > deepest) deepest = depth;
      if (depth <= trackDepth) {
        opens[depth] = byte === OPEN_BRACKET ? i : -1;
        firstComma[depth] = commas.length;
      }
    } else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
      if (depth >= 1 && depth <= trackDepth && opens[depth]! >= 0 && i - opens[depth]! > best.close - best.open) {
        best = { open: opens[depth]!, close: i, depth, from: firstComma[depth]!, to: commas.length };
      }
      depth--;
    }
  }
  // Past MAX_COMMAS (2 MB of "[1,1,…]") the text is parsed whole: a bill has at most 5,000 lines.
  if (commas.length >= MAX_COMMAS) return { depth: deepest, open: -1, close: -1, commas: [] };
  const own: number[] = [];
  // Only the array's own commas: a nested array's are deeper.
  for (let c = best.from; c < best.to; c++) if (commaDepths[c] === best.depth) own.push(commas[c]!);
  return { depth: deepest, open: best.open, close: best.close, commas: own };
}

/** JSON.parse(bytes.toString('utf8')), the largest array in pieces when worth it (see the top). */
export function parseJsonBytes(bytes: Buffer, scan: JsonScan): unknown {
  if (bytes.length < PIECES_FROM_BYTES || scan.open < 0 || scan.close - scan.open < PIECES_FROM_BYTES || bytes.indexOf(MARK_BYTES) >= 0) return parseWhole(bytes);
  const elements = parsePieces(bytes, scan);
  if (elements === null) return parseWhole(bytes);
  let rest: unknown;
  try {
    rest = JSON.parse(`${bytes.toString('utf8', 0, scan.open)}${MARK}${bytes.toString('utf8', scan.close + 1)}`);
  } catch {
    return parseWhole(bytes);
  }
  if (rest === MARK_VALUE) return elements;
  return putInPlace(rest, elements) ? rest : parseWhole(bytes);
}

function parseWhole(bytes: Buffer): unknown {
  return JSON.parse(bytes.toString('utf8'));
}

/** The array's elements, parsed a piece of whole elements at a time; null when a piece is not JSON. */
function parsePieces(bytes: Buffer, scan: JsonScan): unknown[] | null {
  const { open, close, commas } = scan;
  // Element k spans (bounds[k], bounds[k+1]): bounds are the brackets and the array's own commas.
  const bounds = [open, ...commas, close];
  const elements: unknown[] = [];
  const piece = Buffer.allocUnsafe(PIECE_BYTES + 2);
  let k = 0;
  while (k < bounds.length - 1) {
    let end = k + 1;
    while (end < bounds.length - 1 && bounds[end + 1]! - bounds[k]! <= PIECE_BYTES) end++;
    // Elements k..end-1: the bytes between bounds[k] and bounds[end], bracketed.
    const from = bounds[k]! + 1;
    const to = bounds[end]!;
    const size = to - from;
    let text: string;
    if (size <= PIECE_BYTES) {
      piece[0] = OPEN_BRACKET;
      bytes.copy(piece, 1, from, to);
      piece[size + 1] = CLOSE_BRACKET;
      text = piece.toString('utf8', 0, size + 2);
    } else text = `[${bytes.toString('utf8', from, to)}]`; // one element larger than a piece
    let parsed: unknown[];
    try {
      parsed = JSON.parse(text) as unknown[];
    } catch {
      return null;
    }
    // An empty element ("[1,,2]", "[ ]") parses as fewer elements or not at all: the whole parse answers it.
    if (parsed.length !== end - k) return null;
    for (const element of parsed) elements.push(element);
    k = end;
  }
  return elements;
}

/** Replaces the one mark in `value` (objects and arrays, any depth) by `elements`; false unless exactly one was found and replaced. */
function putInPlace(value: unknown, elements: unknown[]): boolean {
  let found = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const node = stack.pop();
    if (node === null || typeof node !== 'object') continue;
    const record = node as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      const child = record[key];
      if (child === MARK_VALUE) {
        if (++found > 1 || key === '__proto__') return false;
        record[key] = elements;
      } else if (child !== null && typeof child === 'object') stack.push(child);
    }
  }
  return found === 1;
}
