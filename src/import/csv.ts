/**
 * CSV rows of a registry file, streamed (csv-parse) in bounded memory: the
 * header row picks the mapping (mapping.ts), each later record becomes a
 * wire row with the line it ends on. A record with the wrong number of cells
 * is reported, not guessed at.
 */
import type { Readable } from 'node:stream';
import { parse, type Options } from 'csv-parse';
import type { NdjsonItem } from './ndjson.js';
import { mapHeaders, type HeaderMapping } from './mapping.js';
import type { ImportKind } from './rows.js';

export interface CsvOptions {
  delimiter?: string;
  /** Called once with the header mapping, before the first row. */
  onHeader?: (mapping: HeaderMapping) => void;
  /** A cell longer than this is refused (and the file with it): bounded memory whatever the quoting. */
  maxRecordBytes?: number;
}

export async function* csvRows(kind: ImportKind, input: Readable, options: CsvOptions = {}): AsyncGenerator<NdjsonItem> {
  const csvOptions: Options = {
    delimiter: options.delimiter ?? ',',
    bom: true,
    relax_column_count: true,
    skip_empty_lines: true,
    max_record_size: options.maxRecordBytes ?? 65_536,
    // Each record carries the line it ends on (typed as the records csv-parse would emit without it).
    on_record: ((record: string[], context: { lines: number }) => ({ line: context.lines, cells: record })) as unknown as Options['on_record'],
  };
  const parser = input.pipe(parse(csvOptions));
  // A read error of the file ends the parse with it.
  input.once('error', (error) => parser.destroy(error));
  let mapping: HeaderMapping | null = null;
  let width = 0;
  try {
    for await (const { line, cells } of parser as AsyncIterable<{ line: number; cells: string[] }>) {
      if (mapping === null) {
        mapping = mapHeaders(kind, cells);
        width = cells.length;
        options.onHeader?.(mapping);
        continue;
      }
      if (cells.length !== width) {
        yield { line, errors: [{ path: '(row)', message: `expected ${width} cells as in the header, found ${cells.length}` }] };
        continue;
      }
      yield { line, value: mapping.mapper(cells) };
    }
  } finally {
    parser.destroy();
    input.destroy();
  }
}
