/**
 * CSV rows of a registry file, streamed (csv-parse) in bounded memory: the
 * header row picks the mapping (mapping.ts), each later record becomes a
 * wire row with the line it ends on. A record with the wrong number of cells
 * is reported, not guessed at.
 */
import type { Readable } from 'node:stream';
import { parse, type Options } from 'csv-parse';
import type { NdjsonItem } from './ndjson.js';
import { mapHeaders, type HeaderMapping, type RegionNames } from './mapping.js';
import type { ImportKind } from './rows.js';
import { say } from '../messages/index.js';

export interface CsvOptions {
  delimiter?: string;
  /** Called once with the header mapping, before the first row. */
  onHeader?: (mapping: HeaderMapping) => void;
  /** A cell longer than this is refused (and the file with it): bounded memory whatever the quoting. */
  maxRecordBytes?: number;
  /** Region names and division codes of the loaded policies (regionNamesOf). */
  regions?: RegionNames;
}

/** The records a stream holds now, then the next ones when they come: one await per batch, not per record. */
async function* recordBatches<T>(stream: Readable): AsyncGenerator<T[]> {
  let failure: Error | null = null;
  let ended = false;
  stream.once('error', (error: Error) => (failure = error));
  stream.once('end', () => (ended = true));
  for (;;) {
    const batch: T[] = [];
    for (let record = stream.read() as T | null; record !== null; record = stream.read() as T | null) batch.push(record);
    if (batch.length > 0) yield batch;
    if (failure) throw failure;
    if (ended) return;
    await new Promise<void>((resolve) => {
      const wake = () => {
        stream.off('readable', wake);
        stream.off('end', wake);
        stream.off('error', wake);
        resolve();
      };
      stream.on('readable', wake);
      stream.on('end', wake);
      stream.on('error', wake);
    });
  }
}

export async function* csvRows(kind: ImportKind, input: Readable, options: CsvOptions = {}): AsyncGenerator<NdjsonItem[]> {
  const csvOptions: Options = {
    delimiter: options.delimiter ?? ',',
    bom: true,
    relax_column_count: true,
    skip_empty_lines: true,
    max_record_size: options.maxRecordBytes ?? 65_536,
  };
  // A deeper buffer of parsed records: fewer wake-ups per row.
  const parser = parse({ ...csvOptions, readableHighWaterMark: 1024 } as Options);
  // Each record leaves the parser with the line it ends on. csv-parse pushes a record the
  // moment it is complete, so its line counter is that record's; on_record would give the
  // same number but builds two context objects per record (a fifth of the parse time).
  const push = parser.push.bind(parser);
  parser.push = (record: unknown) => push(record === null ? null : { line: parser.info.lines, cells: record as string[] });
  input.pipe(parser);
  // A read error of the file ends the parse with it.
  input.once('error', (error) => parser.destroy(error));
  let mapping: HeaderMapping | null = null;
  let width = 0;
  try {
    for await (const records of recordBatches<{ line: number; cells: string[] }>(parser)) {
      const out: NdjsonItem[] = [];
      for (const { line, cells } of records) {
        if (mapping === null) {
          mapping = mapHeaders(kind, cells, options.regions);
          width = cells.length;
          options.onHeader?.(mapping);
        } else if (cells.length !== width) {
          out.push({
            line,
            errors: [{ path: '(row)', message: `expected ${width} cells as in the header, found ${cells.length}` }],
            zh: [say('import.row.cells', { width, found: cells.length })],
          });
        } else {
          let bytes = 0;
          for (const cell of cells) bytes += cell.length;
          out.push({ line, value: mapping.mapper(cells), bytes });
        }
      }
      if (out.length > 0) yield out;
    }
  } finally {
    parser.destroy();
    input.destroy();
  }
}
