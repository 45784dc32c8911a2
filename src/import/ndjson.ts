/**
 * NDJSON read from a byte stream a line at a time, in bounded memory: a line
 * longer than the limit is skipped to its newline without being kept, and
 * reported; the last line is marked when the stream ended without its
 * newline (a body cut off mid-line, or a file whose writer left it out).
 */
import type { ErrorDetail } from '../domain/errors.js';

export type NdjsonItem =
  | { line: number; value: unknown }
  | { line: number; errors: ErrorDetail[] };

const NEWLINE = 0x0a;

interface RawLine {
  line: number;
  text: string | null;
  /** Bytes of a line over the limit (its text is not kept). */
  overLimit: number;
  terminated: boolean;
}

async function* rawLines(source: AsyncIterable<Buffer | string>, maxLineBytes: number): AsyncGenerator<RawLine> {
  let parts: Buffer[] = [];
  let size = 0;
  let skipping = false;
  let line = 0;
  const finish = (terminated: boolean): RawLine => {
    line++;
    const out: RawLine = skipping
      ? { line, text: null, overLimit: size, terminated }
      : { line, text: Buffer.concat(parts, size).toString('utf8'), overLimit: 0, terminated };
    parts = [];
    size = 0;
    skipping = false;
    return out;
  };
  const take = (piece: Buffer) => {
    if (!skipping && size + piece.length > maxLineBytes) {
      skipping = true;
      parts = [];
    }
    if (!skipping) parts.push(piece);
    size += piece.length;
  };
  for await (const chunk of source) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    let start = 0;
    for (let at = bytes.indexOf(NEWLINE, start); at !== -1; at = bytes.indexOf(NEWLINE, start)) {
      take(bytes.subarray(start, at));
      yield finish(true);
      start = at + 1;
    }
    if (start < bytes.length) take(bytes.subarray(start));
  }
  if (size > 0 || skipping) yield finish(false);
}

/** JSON values of an NDJSON stream with their line numbers; blank lines are skipped (and counted). */
export async function* ndjsonRows(source: AsyncIterable<Buffer | string>, maxLineBytes: number): AsyncGenerator<NdjsonItem> {
  for await (const raw of rawLines(source, maxLineBytes)) {
    if (raw.text === null) {
      yield { line: raw.line, errors: [{ path: '(row)', message: `the line is ${raw.overLimit} bytes, over the limit of ${maxLineBytes}` }] };
      continue;
    }
    const text = raw.text.endsWith('\r') ? raw.text.slice(0, -1) : raw.text;
    if (text.trim() === '') continue;
    try {
      yield { line: raw.line, value: JSON.parse(text) as unknown };
    } catch {
      yield {
        line: raw.line,
        errors: [
          {
            path: '(row)',
            message: raw.terminated ? 'the line is not valid JSON' : 'the input ended in the middle of this line (cut off): not applied; send it again',
          },
        ],
      };
    }
  }
}
