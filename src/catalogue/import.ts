/**
 * Imports a province's catalogue export (Chinese or canonical English headers)
 * into the canonical catalogue CSV. Streams the input; every row that cannot
 * be imported is reported with its line number and reason, never stopping at
 * the first; the same input always gives the same output, byte for byte.
 *
 * Values as provinces write them: level 甲/乙/丙, 甲类… or 01–03; self-pay
 * ratio "10%" or "0.1"; ceiling "12.5", "12.50元", "1,200" or empty/无/-;
 * category by name (西药费, 西药) or code (09, 9); dates 2019-01-01,
 * 2019/1/1, 20190101 or with a time.
 */
import { createReadStream, createWriteStream, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parse, type Options } from 'csv-parse';
import { stringify } from 'csv-stringify';
import { stringify as stringifySync } from 'csv-stringify/sync';
import { chargeLevelOf, feeCategoryOf } from '../domain/code-tables.js';
import { isIsoDate } from '../domain/dates.js';
import { Decimal } from '../domain/money.js';
import { Catalogue } from './catalogue.js';
import { CATALOGUE_COLUMNS, UNIT_PRICE_PATTERN, catalogueRowOf, formatPrice, parseCatalogueRow, type CatalogueColumn } from './row.js';

/** Export headers → canonical columns, in one table. Compared without spaces, English case-insensitively. */
export const IMPORT_HEADERS: Record<CatalogueColumn, readonly string[]> = {
  code: ['code', '医保目录编码', '医保编码', '国家医保编码', '目录编码', '医保目录代码', 'med_list_codg'],
  name: ['name', '名称', '项目名称', '药品名称', '医保目录名称', '通用名'],
  level: ['level', '收费项目等级', '收费等级', '项目等级', '医保等级', 'chrgitm_lv'],
  selfPayRatio: ['selfPayRatio', '自付比例', '先行自付比例', '个人自付比例', 'selfpay_prop'],
  priceCeiling: ['priceCeiling', '限价', '支付标准', '最高限价', '限价/支付标准', '医保支付标准', 'pric_uplmt_amt'],
  category: ['category', '收费类别', '费用类别', '医疗收费项目类别', '收费项目类别', 'med_chrgitm_type'],
  validFrom: ['validFrom', '开始日期', '生效日期', '有效期起', '开始时间', 'begndate'],
  validTo: ['validTo', '结束日期', '失效日期', '有效期止', '终止日期', '结束时间', 'enddate'],
};
const REQUIRED: readonly CatalogueColumn[] = ['code', 'name', 'level', 'category'];

const normalHeader = (text: string) => text.replace(/[\s\uFEFF]/g, '').toLowerCase();
const HEADER_INDEX = new Map<string, CatalogueColumn>(
  (Object.entries(IMPORT_HEADERS) as [CatalogueColumn, readonly string[]][]).flatMap(([column, names]) => names.map((name) => [normalHeader(name), column] as const)),
);

export class CatalogueImportError extends Error {
  override name = 'CatalogueImportError';
}

export interface ImportOptions {
  input: string;
  id: string;
  out: string;
  rejects: string;
  /** Text encoding of the input, e.g. gb18030; default utf-8. */
  encoding?: string;
  /** Called every few thousand rows and at the end. */
  onProgress?: (progress: { rows: number; bytes: number; totalBytes: number }) => void;
}

export interface ImportResult {
  rows: number;
  written: number;
  rejected: number;
  /** Export columns that map to no canonical column. */
  ignoredHeaders: string[];
  seconds: number;
}

export interface Rejection {
  line: number;
  code: string;
  column: string;
  reason: string;
}

/** The export's header → the index of each canonical column in a row (or -1). */
export function mapHeaders(header: readonly string[]): { indexOf: Record<CatalogueColumn, number>; ignored: string[] } {
  const indexOf = Object.fromEntries(CATALOGUE_COLUMNS.map((column) => [column, -1])) as Record<CatalogueColumn, number>;
  const ignored: string[] = [];
  header.forEach((cell, index) => {
    const column = HEADER_INDEX.get(normalHeader(cell));
    if (column === undefined) {
      if (cell.trim()) ignored.push(cell.trim());
      return;
    }
    if (indexOf[column] !== -1) {
      throw new CatalogueImportError(`columns "${header[indexOf[column]]}" and "${cell}" both map to ${column}: keep one`);
    }
    indexOf[column] = index;
  });
  const missing = REQUIRED.filter((column) => indexOf[column] === -1);
  if (missing.length > 0) {
    throw new CatalogueImportError(
      `no column for ${missing.join(', ')} in the header (${header.join(', ')}); accepted names: ${missing.map((c) => `${c}: ${IMPORT_HEADERS[c].join(' / ')}`).join('; ')}`,
    );
  }
  return { indexOf, ignored };
}

type Normalised = { ok: true; value: string } | { ok: false; reason: string };
const ok = (value: string): Normalised => ({ ok: true, value });
const bad = (reason: string): Normalised => ({ ok: false, reason });
const NONE = new Set(['', '无', '-', '—', '/', '不限', 'null', 'NULL']);

function ratioOf(text: string): Normalised {
  if (NONE.has(text)) return ok('');
  const percent = /^(\d+(?:\.\d+)?)\s*%$/.exec(text);
  const value = percent ? new Decimal(percent[1]!).dividedBy(100) : /^\d+(\.\d+)?$/.test(text) ? new Decimal(text) : null;
  if (value === null || value.gt(1)) return bad(`self-pay ratio "${text}" is not a share between 0 and 1 (10% or 0.1)`);
  return ok(value.toString());
}

function ceilingOf(text: string): Normalised {
  const plain = text.replace(/元$/, '').replace(/,/g, '').trim();
  if (NONE.has(plain)) return ok('');
  if (!UNIT_PRICE_PATTERN.test(plain)) return bad(`price ceiling "${text}" is not yuan per unit with at most 6 decimals`);
  const value = new Decimal(plain);
  // Exports write 0 where an item has no ceiling.
  return ok(value.isZero() ? '' : formatPrice(value));
}

function dateOf(text: string): Normalised {
  if (NONE.has(text)) return ok('');
  const match = /^(\d{4})[-/.]?(\d{1,2})[-/.]?(\d{1,2})(?:[ T].*)?$/.exec(text);
  const date = match ? `${match[1]}-${match[2]!.padStart(2, '0')}-${match[3]!.padStart(2, '0')}` : '';
  if (!match || !isIsoDate(date)) return bad(`date "${text}" is not a calendar date (2019-01-01, 2019/1/1 or 20190101)`);
  return ok(date);
}

/** One export row → canonical fields, or the first column at fault. */
export function normaliseRow(record: readonly string[], indexOf: Record<CatalogueColumn, number>): { fields: string[] } | { column: string; reason: string } {
  const raw = (column: CatalogueColumn) => (indexOf[column] === -1 ? '' : (record[indexOf[column]] ?? '').trim());
  const level = chargeLevelOf(raw('level'));
  if (level === null) return { column: 'level', reason: `level "${raw('level')}" is not 甲/乙/丙 or 01–03` };
  const category = feeCategoryOf(raw('category'));
  if (category === null) return { column: 'category', reason: `category "${raw('category')}" is not a national fee category (name or code 01–14)` };
  const ratio = ratioOf(raw('selfPayRatio'));
  if (!ratio.ok) return { column: 'selfPayRatio', reason: ratio.reason };
  // Exports give 甲 a ratio of 0 and 丙 one of 0 or 100%: only 乙 carries one in the catalogue.
  let selfPayRatio = ratio.value;
  if (level === '01' && selfPayRatio !== '' && new Decimal(selfPayRatio).isZero()) selfPayRatio = '';
  if (level === '03' && selfPayRatio !== '' && (new Decimal(selfPayRatio).isZero() || new Decimal(selfPayRatio).eq(1))) selfPayRatio = '';
  const ceiling = ceilingOf(raw('priceCeiling'));
  if (!ceiling.ok) return { column: 'priceCeiling', reason: ceiling.reason };
  const from = dateOf(raw('validFrom'));
  if (!from.ok) return { column: 'validFrom', reason: from.reason };
  const to = dateOf(raw('validTo'));
  if (!to.ok) return { column: 'validTo', reason: to.reason };
  return { fields: [raw('code'), raw('name'), level, selfPayRatio, ceiling.value, category, from.value, to.value] };
}

/** Bytes → text for encodings other than UTF-8 (provinces often export GB18030). */
function decoder(encoding: string): Transform {
  const textDecoder = new TextDecoder(encoding);
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      callback(null, textDecoder.decode(chunk, { stream: true }));
    },
    flush(callback) {
      callback(null, textDecoder.decode());
    },
  });
}

export async function importCatalogue(options: ImportOptions): Promise<ImportResult> {
  const started = process.hrtime.bigint();
  let totalBytes: number;
  try {
    totalBytes = statSync(options.input).size;
  } catch (error) {
    throw new CatalogueImportError(`${options.input}: ${(error as Error).message}`);
  }
  const encoding = (options.encoding ?? 'utf-8').toLowerCase();
  if (encoding !== 'utf-8' && encoding !== 'utf8') {
    try {
      new TextDecoder(encoding);
    } catch {
      throw new CatalogueImportError(`unknown encoding ${options.encoding}`);
    }
  }

  const rejections: Rejection[] = [];
  const catalogue = new Catalogue(options.id, options.input);
  let mapping: ReturnType<typeof mapHeaders> | null = null;
  let rows = 0;
  let written = 0;
  const source = createReadStream(options.input);
  const report = () => options.onProgress?.({ rows, bytes: source.bytesRead, totalBytes });

  const csvOptions: Options = {
    bom: true,
    relax_column_count: true,
    skip_empty_lines: true,
    info: true,
    skip_records_with_error: true,
    on_skip: (error) => {
      const e = error as unknown as { lines?: number; message?: string } | undefined;
      rows++;
      rejections.push({ line: e?.lines ?? 0, code: '', column: '', reason: e?.message ?? 'unreadable row' });
      return undefined;
    },
  };

  async function* canonicalRows(records: AsyncIterable<{ record: string[]; info: { lines: number } }>): AsyncGenerator<string[]> {
    yield [...CATALOGUE_COLUMNS];
    for await (const { record, info } of records) {
      if (mapping === null) {
        mapping = mapHeaders(record);
        continue;
      }
      rows++;
      if (rows % 5000 === 0) report();
      const reject = (column: string, reason: string) =>
        rejections.push({ line: info.lines, code: mapping!.indexOf.code === -1 ? '' : (record[mapping!.indexOf.code] ?? '').trim(), column, reason });
      const normalised = normaliseRow(record, mapping.indexOf);
      if ('reason' in normalised) {
        reject(normalised.column, normalised.reason);
        continue;
      }
      const parsed = parseCatalogueRow(normalised.fields);
      if (!parsed.ok) {
        reject(parsed.column, parsed.message);
        continue;
      }
      const clash = catalogue.add(parsed.entry);
      if (clash) {
        reject('validFrom', clash);
        continue;
      }
      written++;
      yield catalogueRowOf(parsed.entry);
    }
    if (mapping === null) throw new CatalogueImportError(`${options.input}: empty (no header row)`);
  }

  // Written next to the target and renamed into place: a server reloading on SIGHUP never reads half a file.
  const temporary = `${options.out}.${process.pid}.tmp`;
  try {
    let text: NodeJS.ReadableStream = source;
    if (encoding !== 'utf-8' && encoding !== 'utf8') {
      const decoding = decoder(encoding);
      source.on('error', (error) => decoding.destroy(error));
      text = source.pipe(decoding);
    }
    await pipeline(text, parse(csvOptions), canonicalRows, stringify({ record_delimiter: '\n' }), createWriteStream(temporary));
  } catch (error) {
    rmSync(temporary, { force: true });
    if (error instanceof CatalogueImportError) throw error;
    throw new CatalogueImportError(`${options.input}: ${(error as Error).message.split('\n')[0]}`);
  }
  renameSync(temporary, options.out);
  rejections.sort((a, b) => a.line - b.line);
  writeFileSync(
    options.rejects,
    stringifySync([['line', 'code', 'column', 'reason'], ...rejections.map((r) => [String(r.line), r.code, r.column, r.reason])], { record_delimiter: '\n' }),
  );
  report();
  return {
    rows,
    written,
    rejected: rejections.length,
    ignoredHeaders: mapping === null ? [] : (mapping as ReturnType<typeof mapHeaders>).ignored,
    seconds: Number(process.hrtime.bigint() - started) / 1e9,
  };
}
