/**
 * NDJSON read from a byte stream a line at a time, in bounded memory: a line
 * longer than the limit is skipped to its newline without being kept, and
 * reported; the last line is marked when the stream ended without its
 * newline (a body cut off mid-line, or a file whose writer left it out).
 */
import type { ErrorDetail } from '../domain/errors.js';

export type NdjsonItem =
  /** `bytes`: the row's size as read, so batches can be bounded in bytes as well as rows. */
  | { line: number; value: unknown; bytes: number }
  /** `zh`: the reasons in Chinese for the import report, one per error, where known. */
  | { line: number; errors: ErrorDetail[]; zh?: string[] };

const NEWLINE = 0x0a;

/**
 * JSON values of an NDJSON stream with their line numbers, a chunk's worth at
 * a time (one await per chunk, not per row); blank lines are skipped (and counted).
 */
export async function* ndjsonRows(source: AsyncIterable<Buffer | string>, maxLineBytes: number): AsyncGenerator<NdjsonItem[]> {
  let parts: Buffer[] = [];
  let size = 0;
  let skipping = false;
  let line = 0;
  const finish = (out: NdjsonItem[], terminated: boolean) => {
    line++;
    if (skipping) {
      out.push({ line, errors: [{ path: '(row)', message: `the line is ${size} bytes, over the limit of ${maxLineBytes}` }] });
    } else {
      let text = parts.length === 1 ? parts[0]!.toString('utf8') : Buffer.concat(parts, size).toString('utf8');
      if (text.endsWith('\r')) text = text.slice(0, -1);
      if (text.trim() !== '') out.push(parse(line, text, terminated));
    }
    parts = [];
    size = 0;
    skipping = false;
  };
  const take = (piece: Buffer) => {
    if (!skipping && size + piece.length > maxLineBytes) {
      skipping = true;
      parts = [];
    }
    if (!skipping && piece.length > 0) parts.push(piece);
    size += piece.length;
  };
  for await (const chunk of source) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    const out: NdjsonItem[] = [];
    let start = 0;
    for (let at = bytes.indexOf(NEWLINE, start); at !== -1; at = bytes.indexOf(NEWLINE, start)) {
      take(bytes.subarray(start, at));
      finish(out, true);
      start = at + 1;
    }
    if (start < bytes.length) take(bytes.subarray(start));
    if (out.length > 0) yield out;
  }
  if (size > 0 || skipping) {
    const out: NdjsonItem[] = [];
    finish(out, false);
    if (out.length > 0) yield out;
  }
}

function parse(line: number, text: string, terminated: boolean): NdjsonItem {
  try {
    return { line, value: JSON.parse(text) as unknown, bytes: text.length };
  } catch {
    return {
      line,
      errors: [
        {
          path: '(row)',
          message: terminated ? 'the line is not valid JSON' : 'the input ended in the middle of this line (cut off): not applied; send it again',
        },
      ],
    };
  }
}
