/**
 * One row of a catalogue file (api.md "Fee lines and the catalogue"): the
 * canonical columns and their rules, shared by the loader (which stops at the
 * first bad row) and the importer (which reports every bad row).
 */
import { z } from 'zod';
import { CHARGE_LEVEL_CODES, FEE_CATEGORY_CODES, type ChargeLevel, type FeeCategory } from '../domain/code-tables.js';
import { isIsoDate, type IsoDate } from '../domain/dates.js';
import { Decimal, type Money } from '../domain/money.js';

export const CATALOGUE_COLUMNS = ['code', 'name', 'level', 'selfPayRatio', 'priceCeiling', 'category', 'validFrom', 'validTo'] as const;
export type CatalogueColumn = (typeof CATALOGUE_COLUMNS)[number];
export const CATALOGUE_HEADER = CATALOGUE_COLUMNS.join(',');

/** National codes: drugs "XJ01CAA040A001010101445", services "001102000010000-110200001", materials "C0301010010000000000". */
export const CATALOGUE_CODE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,49}$/;
/** A self-pay ratio in [0, 1], at most 4 decimals ("0.1", "0.15", "1"). */
export const RATIO_PATTERN = /^(0(\.\d{1,4})?|1(\.0{1,4})?)$/;
/** Yuan per unit, at most 6 decimals (unit prices are 16,6 on the national platform). */
export const UNIT_PRICE_PATTERN = /^(0|[1-9]\d{0,8})(\.\d{1,6})?$/;

export interface CatalogueEntry {
  code: string;
  name: string;
  level: ChargeLevel;
  /** 乙 only: the share the patient pays first (先行自付比例). */
  selfPayRatio: Money | null;
  /** Yuan per unit (限价 / 支付标准); null: no ceiling. */
  priceCeiling: Money | null;
  category: FeeCategory;
  validFrom: IsoDate | null;
  validTo: IsoDate | null;
}

// Few distinct ratios and ceilings recur across tens of thousands of rows: share their Decimals.
const interned = new Map<string, Money>();
function decimalOf(text: string): Money {
  let value = interned.get(text);
  if (value === undefined) {
    value = new Decimal(text);
    if (interned.size < 10_000) interned.set(text, value);
  }
  return value;
}

const optionalDate = z.union([z.literal(''), z.string().refine(isIsoDate, 'expected a date YYYY-MM-DD or nothing')]);

export const catalogueRowSchema = z
  .strictObject({
    code: z.string().regex(CATALOGUE_CODE_PATTERN, 'expected a catalogue code of 1–50 letters, digits, ".", "_" or "-"'),
    name: z
      .string()
      .min(1, 'required')
      .max(200, 'at most 200 characters')
      .regex(/^[^\u0000-\u001f\u007f]*$/, 'no control characters'),
    level: z.enum(CHARGE_LEVEL_CODES as [ChargeLevel, ...ChargeLevel[]], 'expected 01 (甲), 02 (乙) or 03 (丙)'),
    selfPayRatio: z.union([z.literal(''), z.string().regex(RATIO_PATTERN, 'expected a ratio between 0 and 1, e.g. 0.1')]),
    priceCeiling: z.union([z.literal(''), z.string().regex(UNIT_PRICE_PATTERN, 'expected yuan per unit with at most 6 decimals, or nothing')]),
    category: z.enum(FEE_CATEGORY_CODES as [FeeCategory, ...FeeCategory[]], 'expected a national fee category 01–14'),
    validFrom: optionalDate,
    validTo: optionalDate,
  })
  .superRefine((row, ctx) => {
    if (row.level === '02' && row.selfPayRatio === '') {
      ctx.addIssue({ code: 'custom', path: ['selfPayRatio'], message: 'a 乙 (02) item needs its self-pay ratio' });
    }
    if (row.level !== '02' && row.selfPayRatio !== '') {
      ctx.addIssue({ code: 'custom', path: ['selfPayRatio'], message: 'only 乙 (02) items carry a self-pay ratio; leave it empty' });
    }
    if (row.validFrom && row.validTo && row.validFrom > row.validTo) {
      ctx.addIssue({ code: 'custom', path: ['validTo'], message: `validTo ${row.validTo} is before validFrom ${row.validFrom}` });
    }
  });

export type RowOutcome = { ok: true; entry: CatalogueEntry } | { ok: false; column: string; message: string };

/** Fields in canonical column order → an entry, or the first column at fault. */
export function parseCatalogueRow(fields: readonly string[]): RowOutcome {
  if (fields.length !== CATALOGUE_COLUMNS.length) {
    const at = Math.min(fields.length, CATALOGUE_COLUMNS.length);
    return fields.length < CATALOGUE_COLUMNS.length
      ? { ok: false, column: CATALOGUE_COLUMNS[at]!, message: `missing (the row has ${fields.length} of ${CATALOGUE_COLUMNS.length} columns)` }
      : { ok: false, column: `${at + 1}`, message: `unexpected extra column (the row has ${fields.length}, the header ${CATALOGUE_COLUMNS.length})` };
  }
  const raw: Record<string, string> = {};
  CATALOGUE_COLUMNS.forEach((column, index) => (raw[column] = fields[index]!));
  const result = catalogueRowSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    return { ok: false, column: String(issue.path[0] ?? 'code'), message: issue.message };
  }
  const row = result.data;
  return {
    ok: true,
    entry: {
      code: row.code,
      name: row.name,
      level: row.level,
      selfPayRatio: row.selfPayRatio === '' ? null : decimalOf(row.selfPayRatio),
      priceCeiling: row.priceCeiling === '' ? null : decimalOf(row.priceCeiling),
      category: row.category,
      validFrom: row.validFrom || null,
      validTo: row.validTo || null,
    },
  };
}

/** The entry as a canonical row (the importer's output; the loader reads it back unchanged). */
export function catalogueRowOf(entry: CatalogueEntry): string[] {
  return [
    entry.code,
    entry.name,
    entry.level,
    entry.selfPayRatio === null ? '' : entry.selfPayRatio.toString(),
    entry.priceCeiling === null ? '' : formatPrice(entry.priceCeiling),
    entry.category,
    entry.validFrom ?? '',
    entry.validTo ?? '',
  ];
}

/** Prices keep two decimals at least ("12.50", "0.123456"). */
export function formatPrice(value: Money): string {
  return value.toFixed(Math.max(2, value.decimalPlaces()));
}
