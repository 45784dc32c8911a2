/**
 * Reads catalogue files (config/catalogues/<catalogueId>.csv, or CATALOGUE_DIR)
 * named by the loaded policies. A bad file fails with one line naming the
 * file, the row (the file's line, header = row 1) and the column; on SIGHUP a
 * bad new file keeps the catalogue already loaded.
 */
import { createReadStream } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { parse, type Options } from 'csv-parse';
import { parse as parseSync } from 'csv-parse/sync';
import type { PolicyCatalog } from '../policy/catalog.js';
import { Catalogue, type CatalogueSet } from './catalogue.js';
import { CATALOGUE_COLUMNS, CATALOGUE_HEADER, parseCatalogueRow } from './row.js';

export class CatalogueFileError extends Error {
  override name = 'CatalogueFileError';
}

const CSV_OPTIONS: Options = { bom: true, relax_column_count: true, skip_empty_lines: true, info: true };

interface ParsedRecord {
  record: string[];
  info: { lines: number };
}

/** Feeds records (with their line numbers) into a catalogue, failing at the first fault. */
class CatalogueBuilder {
  readonly catalogue: Catalogue;
  private sawHeader = false;

  constructor(
    id: string,
    private readonly file: string,
  ) {
    this.catalogue = new Catalogue(id, file);
  }

  private fail(row: number, column: string | null, message: string): never {
    throw new CatalogueFileError(`catalogue file ${this.file}: row ${row}${column ? `, column ${column}` : ''}: ${message}`);
  }

  add({ record, info }: ParsedRecord): void {
    if (!this.sawHeader) {
      this.sawHeader = true;
      if (record.join(',') !== CATALOGUE_HEADER) this.fail(info.lines, null, `the header must be ${CATALOGUE_HEADER}`);
      return;
    }
    const outcome = parseCatalogueRow(record);
    if (!outcome.ok) this.fail(info.lines, outcome.column, outcome.message);
    const clash = this.catalogue.add(outcome.entry);
    if (clash) this.fail(info.lines, 'validFrom', clash);
  }

  finish(): Catalogue {
    if (!this.sawHeader) throw new CatalogueFileError(`catalogue file ${this.file}: empty (expected the header ${CATALOGUE_HEADER})`);
    return this.catalogue;
  }

  csvError(error: unknown): never {
    if (error instanceof CatalogueFileError) throw error;
    // csv-parse's CsvError, by shape: its ESM and CommonJS builds are different classes.
    const csv = error as { code?: unknown; lines?: unknown; column?: unknown; message: string };
    if (typeof csv.code === 'string' && typeof csv.lines === 'number') {
      const column = typeof csv.column === 'number' ? (CATALOGUE_COLUMNS[csv.column] ?? String(csv.column + 1)) : null;
      this.fail(csv.lines, column, csv.message);
    }
    throw new CatalogueFileError(`catalogue file ${this.file}: ${(error as Error).message.split('\n')[0]}`);
  }
}

/** Parses a catalogue held in memory (tests, tools). */
export function parseCatalogueText(id: string, file: string, text: string): Catalogue {
  const builder: CatalogueBuilder = new CatalogueBuilder(id, file);
  let records: ParsedRecord[];
  try {
    records = parseSync(text, CSV_OPTIONS) as unknown as ParsedRecord[];
  } catch (error) {
    builder.csvError(error);
  }
  for (const record of records) builder.add(record);
  return builder.finish();
}

/** Streams one catalogue file into memory. */
export async function loadCatalogueFile(id: string, file: string): Promise<Catalogue> {
  const builder: CatalogueBuilder = new CatalogueBuilder(id, file);
  // A fault found while the file is still being read aborts the pipeline: report the fault, not the abort.
  let fault: unknown;
  try {
    await pipeline(createReadStream(file), parse(CSV_OPTIONS), async (records: AsyncIterable<ParsedRecord>) => {
      try {
        for await (const record of records) builder.add(record);
      } catch (error) {
        fault = error;
        throw error;
      }
    });
  } catch (error) {
    builder.csvError(fault ?? error);
  }
  return builder.finish();
}

export function catalogueFile(directory: string, id: string): string {
  return path.join(directory, `${id}.csv`);
}

/** The catalogue ids the policies name, each once (a catalogue is shared by the policies that name it). */
export function catalogueIdsOf(policies: PolicyCatalog): string[] {
  return [...new Set(policies.policies.map((policy) => policy.catalogue.id))].sort();
}

/** Every catalogue the policies name; the first bad file fails the whole load. */
export async function loadCatalogues(directory: string, policies: PolicyCatalog): Promise<Map<string, Catalogue>> {
  const loaded = new Map<string, Catalogue>();
  for (const id of catalogueIdsOf(policies)) loaded.set(id, await loadCatalogueFile(id, catalogueFile(directory, id)));
  return loaded;
}

/**
 * SIGHUP: reads every catalogue again; a file that fails keeps the catalogue
 * already loaded (and says why), the others take effect.
 */
export async function reloadCatalogues(directory: string, policies: PolicyCatalog, current: CatalogueSet): Promise<{ catalogues: Map<string, Catalogue>; errors: string[] }> {
  const catalogues = new Map<string, Catalogue>();
  const errors: string[] = [];
  for (const id of catalogueIdsOf(policies)) {
    try {
      catalogues.set(id, await loadCatalogueFile(id, catalogueFile(directory, id)));
    } catch (error) {
      errors.push((error as Error).message);
      const previous = current.get(id);
      if (previous) catalogues.set(id, previous);
    }
  }
  return { catalogues, errors };
}
