/**
 * A loaded catalogue in memory: code → the entries of its validity periods.
 * Pure (no I/O): the engine looks codes up here; the loader fills it.
 */
import type { IsoDate } from '../domain/dates.js';
import type { CatalogueEntry } from './row.js';

export class Catalogue {
  private readonly byCode = new Map<string, CatalogueEntry | CatalogueEntry[]>();
  private rows = 0;

  constructor(
    readonly id: string,
    /** Where it was read from, for messages. */
    readonly source: string,
  ) {}

  get size(): number {
    return this.rows;
  }

  get codes(): number {
    return this.byCode.size;
  }

  /**
   * Adds an entry; a code may recur with another validity period (a new
   * ceiling from a date), never with an overlapping one. Returns why not, or null.
   */
  add(entry: CatalogueEntry): string | null {
    const existing = this.byCode.get(entry.code);
    if (existing === undefined) {
      // One entry per code is the common case: store it without an array.
      this.byCode.set(entry.code, entry);
    } else {
      const list = Array.isArray(existing) ? existing : [existing];
      const clash = list.find((other) => overlaps(other, entry));
      if (clash) {
        return `code ${entry.code} is already valid ${period(clash)}, which overlaps ${period(entry)}`;
      }
      list.push(entry);
      if (!Array.isArray(existing)) this.byCode.set(entry.code, list);
    }
    this.rows++;
    return null;
  }

  /** The entry of `code` valid on `date`, if any. */
  lookup(code: string, date: IsoDate): CatalogueEntry | undefined {
    const found = this.byCode.get(code);
    if (found === undefined) return undefined;
    if (!Array.isArray(found)) return validOn(found, date) ? found : undefined;
    return found.find((entry) => validOn(entry, date));
  }

  /** Every period of a code (for saying why a code is not valid on a date). */
  periodsOf(code: string): readonly CatalogueEntry[] {
    const found = this.byCode.get(code);
    return found === undefined ? [] : Array.isArray(found) ? found : [found];
  }
}

/** Catalogues by id, as the engine sees them. */
export type CatalogueSet = ReadonlyMap<string, Catalogue>;

/** A holder the server swaps on SIGHUP: a settlement keeps the set it started with. */
export class CatalogueHolder {
  constructor(public current: CatalogueSet = new Map()) {}
}

export function validOn(entry: CatalogueEntry, date: IsoDate): boolean {
  return (entry.validFrom === null || entry.validFrom <= date) && (entry.validTo === null || date <= entry.validTo);
}

function overlaps(a: CatalogueEntry, b: CatalogueEntry): boolean {
  const aFrom = a.validFrom ?? '0000-01-01';
  const aTo = a.validTo ?? '9999-12-31';
  const bFrom = b.validFrom ?? '0000-01-01';
  const bTo = b.validTo ?? '9999-12-31';
  return aFrom <= bTo && bFrom <= aTo;
}

export function period(entry: CatalogueEntry): string {
  return `${entry.validFrom ?? '(open)'}..${entry.validTo ?? '(open)'}`;
}
