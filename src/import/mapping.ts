/**
 * CSV columns → the wire fields of a registry row, one table per kind, with
 * the Chinese headers an insurer's export uses and the English field names
 * beside them. Cells are converted to the wire form (dates to YYYY-MM-DD,
 * 男/女 to M/F, 一级 to 1, 是/否 to booleans, category names to codes); a cell
 * that cannot be converted is passed on as written, so the row's schema
 * rejects it with the field's name.
 */
import type { PERSON_CATEGORIES } from '../domain/types.js';
import { say } from '../messages/index.js';
import type { ImportKind } from './rows.js';

type Cell = string;
type Row = Record<string, unknown>;

interface Column {
  /** The wire field (or a helper field combined into one, e.g. coverageFrom). */
  field: string;
  /** Headers that name it (compared without case, spaces, '_', '-' and brackets). */
  headers: string[];
  required?: boolean;
  convert?: (cell: Cell) => unknown;
}

export function normalizeHeader(header: string): string {
  return header
    .replace(/^\uFEFF/, '')
    .trim()
    .toLowerCase()
    .replace(/[\s_\-()（）[\]【】]/g, '');
}

/** YYYY-MM-DD from 2019-03-01, 2019/3/1, 2019.03.01, 20190301 or 2019年3月1日. */
export function toIsoDate(cell: Cell): string {
  const match = /^(\d{4})[-/.年]?(\d{1,2})[-/.月]?(\d{1,2})日?$/.exec(cell.trim());
  if (!match) return cell.trim();
  return `${match[1]}-${match[2]!.padStart(2, '0')}-${match[3]!.padStart(2, '0')}`;
}

const TRUE = new Set(['是', '有', '参保', 'y', 'yes', 'true', '1', 't']);
const FALSE = new Set(['否', '无', '未参保', 'n', 'no', 'false', '0', 'f']);

export function toBoolean(cell: Cell): unknown {
  const value = cell.trim().toLowerCase();
  if (TRUE.has(value)) return true;
  if (FALSE.has(value)) return false;
  return cell;
}

/** 男/M/1 → M, 女/F/2 → F (GB/T 2261.1 codes 1 and 2). */
export function toSex(cell: Cell): unknown {
  const value = cell.trim().toUpperCase();
  if (value === '男' || value === 'M' || value === '1' || value === 'MALE') return 'M';
  if (value === '女' || value === 'F' || value === '2' || value === 'FEMALE') return 'F';
  return cell;
}

const LIST_SEPARATOR = /[;；,，、|]/;

function list(cell: Cell, item: (value: string) => string = (v) => v): string[] {
  return cell
    .split(LIST_SEPARATOR)
    .map((v) => v.trim())
    .filter(Boolean)
    .map(item);
}

/** The person categories of policies.md by their Chinese names; codes pass as they are. */
const CATEGORY_NAMES: Record<string, (typeof PERSON_CATEGORIES)[number]> = {
  医疗救助对象: 'medical-aid',
  医疗救助: 'medical-aid',
  低保: 'low-income-assistance',
  低保对象: 'low-income-assistance',
  城市三无: 'destitute',
  三无人员: 'destitute',
  特困供养: 'destitute',
  农村特困供养: 'rural-destitute',
  五保: 'rural-destitute',
  五保户: 'rural-destitute',
  建档立卡贫困人口: 'registered-poor',
  建档立卡: 'registered-poor',
  重度残疾: 'severely-disabled',
  重度残疾人: 'severely-disabled',
  农村计生独女户: 'rural-only-daughter',
  独女户: 'rural-only-daughter',
  农村计生二女户: 'rural-two-daughters',
  二女户: 'rural-two-daughters',
  困难党员: 'poor-party-member',
  第二代残疾人证持有人: 'disability-card',
  残疾人证: 'disability-card',
  离休干部无工作遗偶: 'retired-cadre-surviving-spouse',
  离休干部遗偶: 'retired-cadre-surviving-spouse',
};

export function toCategory(value: string): string {
  return CATEGORY_NAMES[value.replace(/["“”]/g, '')] ?? value;
}

/** Region names and division codes → region id: what the loaded policies say (regionNamesOf). */
export type RegionNames = ReadonlyMap<string, string>;

const ADMINISTRATIVE_SUFFIX = /(?:自治县|自治州|新区|县|市|区|州|盟|旗)$/;

/**
 * The place a policy's name starts with: "平阳县2019年城乡居民基本医疗保险" →
 * 平阳县, "宿迁市城乡居民医保" → 宿迁市; null when the name starts otherwise.
 */
export function placeOf(policyName: string): string | null {
  const match = /^(\D+?)(?:\d|城乡|城镇|居民|基本|医疗|医保)/.exec(policyName.trim());
  return match ? match[1]!.replace(/[（(].*$/, '').trim() || null : null;
}

/**
 * Every way an export names a loaded region: its id, its insurance division
 * code (参保地医保区划), the place its policies' names start with, with and
 * without 县/市/区. A name two regions share names neither (the row then
 * fails validation on the region, rather than going to the wrong one).
 */
export function regionNamesOf(regions: readonly { region: string; names: readonly string[]; admdvs: string }[]): RegionNames {
  const found = new Map<string, Set<string>>();
  const add = (name: string, region: string) => {
    if (!name) return;
    const set = found.get(name) ?? new Set<string>();
    set.add(region);
    found.set(name, set);
  };
  for (const { region, names, admdvs } of regions) {
    add(region, region);
    add(admdvs, region);
    for (const name of names) {
      const place = placeOf(name);
      if (!place) continue;
      add(place, region);
      const short = place.replace(ADMINISTRATIVE_SUFFIX, '');
      if (short.length >= 2) add(short, region);
    }
  }
  const names = new Map<string, string>();
  for (const [name, ids] of found) if (ids.size === 1) names.set(name, [...ids][0]!);
  return names;
}

/** A region by name or division code as the loaded policies know it; anything else passes as written (lower case). */
export function toRegion(cell: Cell, regions: RegionNames = new Map()): string {
  const value = cell.trim();
  return regions.get(value) ?? value.toLowerCase();
}

/** 1–3, or 一级 / 二级甲等 / 三甲 … by their first character. */
export function toLevel(cell: Cell): unknown {
  const value = cell.trim();
  if (/^[123]$/.test(value)) return Number(value);
  const first = { 一: 1, 二: 2, 三: 3 }[value.charAt(0)];
  if (first !== undefined && /^[一二三](级|甲|乙|丙)/.test(value)) return first;
  const digit = /^([123])级/.exec(value);
  return digit ? Number(digit[1]) : cell;
}

export function toHospitalKind(cell: Cell): string {
  const value = cell.trim();
  if (value.includes('中医')) return 'tcm';
  if (value.includes('社区')) return 'community-health-center';
  if (value.includes('卫生院')) return 'township-health-center';
  if (value === '综合' || value.startsWith('综合医院') || value === '医院') return 'general';
  return value.toLowerCase();
}

export function toFilingKind(cell: Cell): string {
  const value = cell.trim();
  if (value.includes('安置')) return 'relocation';
  if (value.includes('异地')) return 'out-of-area';
  if (value.includes('转诊') || value.includes('转院')) return 'referral';
  return value.toLowerCase();
}

/** "2019-01-01~2019-12-31; 2020-01-01~2020-06-30" (also "..", "至", "—" between the dates). */
export function toCoverage(cell: Cell): unknown[] {
  return list(cell).map((period) => {
    const [from, to, ...rest] = period.split(/\s*(?:~|～|\.\.|至|—|–)\s*/);
    return rest.length > 0 || to === undefined ? { from: toIsoDate(period) } : { from: toIsoDate(from!), to: toIsoDate(to) };
  });
}

const text = (cell: Cell) => cell.trim();
const CARD: Column = { field: 'card', headers: ['card', 'cardNo', 'cardNumber', '社会保障卡号', '社保卡号', '卡号', '社会保障号码'], required: true, convert: text };

export const COLUMNS: Record<ImportKind, Column[]> = {
  enrollees: [
    CARD,
    { field: 'region', headers: ['region', '统筹区', '统筹地区', '参保地'], required: true, convert: toRegion },
    { field: 'sex', headers: ['sex', 'gender', '性别'], required: true, convert: toSex },
    { field: 'birthDate', headers: ['birthDate', 'birthday', 'dateOfBirth', '出生日期'], required: true, convert: toIsoDate },
    { field: 'coverage', headers: ['coverage', '参保期间', '参保期'], convert: toCoverage },
    { field: 'coverageFrom', headers: ['coverageFrom', '参保开始', '参保开始日期', '参保起始日期'], convert: toIsoDate },
    { field: 'coverageTo', headers: ['coverageTo', '参保结束', '参保结束日期', '参保截止日期'], convert: toIsoDate },
    { field: 'categories', headers: ['categories', 'category', '人员类别', '人员类型'], convert: (cell) => list(cell, toCategory) },
    { field: 'specialDiseases', headers: ['specialDiseases', 'specialDisease', '特殊病种', '门诊特殊病种', '慢特病'], convert: (cell) => list(cell) },
    { field: 'maternityInsured', headers: ['maternityInsured', 'maternity', '生育保险'], convert: toBoolean },
  ],
  hospitals: [
    { field: 'hospitalId', headers: ['hospitalId', 'id', '医院编码', '医疗机构编码', '机构编码', '医院代码'], required: true, convert: text },
    { field: 'name', headers: ['name', '医院名称', '机构名称', '名称'], required: true, convert: text },
    { field: 'admdvs', headers: ['admdvs', '行政区划', '行政区划代码', '区划代码'], required: true, convert: text },
    { field: 'level', headers: ['level', '医院等级', '等级', '级别'], required: true, convert: toLevel },
    { field: 'kind', headers: ['kind', 'type', '类型', '机构类型', '医院类型'], required: true, convert: toHospitalKind },
    { field: 'countyRun', headers: ['countyRun', '县属', '是否县属'], required: true, convert: toBoolean },
    { field: 'consortium', headers: ['consortium', '医联体', '医共体'], convert: text },
    { field: 'fixmedinsCode', headers: ['fixmedinsCode', '国家机构编码', '定点医药机构编码', '定点机构编码'], convert: (cell) => cell.trim().toUpperCase() },
  ],
  referrals: [
    CARD,
    { field: 'kind', headers: ['kind', 'type', '备案类型', '类型'], required: true, convert: toFilingKind },
    { field: 'validFrom', headers: ['validFrom', 'from', '开始日期', '有效期开始', '备案开始日期'], required: true, convert: toIsoDate },
    { field: 'validTo', headers: ['validTo', 'to', '结束日期', '有效期结束', '备案结束日期'], required: true, convert: toIsoDate },
    { field: 'toHospitalId', headers: ['toHospitalId', 'hospitalId', '转往医院', '转往医院编码', '就医医院编码'], convert: text },
    { field: 'diagnosis', headers: ['diagnosis', '诊断', '疾病诊断', '诊断编码'], convert: text },
  ],
};

export class HeaderError extends Error {
  override name = 'HeaderError';
  constructor(
    message: string,
    /** The same in Chinese, for the operator running the import. */
    readonly zh: string,
  ) {
    super(message);
  }
}

/** The column's Chinese header (the first one its table lists), for the report; the field itself when it has none. */
export function chineseHeaderOf(kind: ImportKind, field: string): string {
  const top = field.split('.')[0]!;
  const column = COLUMNS[kind].find((c) => c.field === top) ?? (top === 'coverage' ? COLUMNS[kind].find((c) => c.field === 'coverageFrom') : undefined);
  return column?.headers.find((h) => /[^\x00-\x7f]/.test(h)) ?? field;
}

/** Turns a CSV record (cells in header order) into a wire row. */
export type RowMapper = (cells: readonly string[]) => Row;

export interface HeaderMapping {
  mapper: RowMapper;
  /** Column → field, as matched. */
  matched: { header: string; field: string }[];
  /** Headers no field claimed (their cells are not read). */
  ignored: string[];
  /** The source column of a wire field, for the report. */
  columnOf(field: string): string | null;
}

export function mapHeaders(kind: ImportKind, headers: readonly string[], regions: RegionNames = new Map()): HeaderMapping {
  const byHeader = new Map<string, Column>();
  for (const listed of COLUMNS[kind]) {
    // The region column reads names against the loaded policies.
    const column = listed.field === 'region' ? { ...listed, convert: (cell: Cell) => toRegion(cell, regions) } : listed;
    for (const header of column.headers) byHeader.set(normalizeHeader(header), column);
  }
  const slots: { index: number; column: Column }[] = [];
  const matched: HeaderMapping['matched'] = [];
  const ignored: string[] = [];
  const seen = new Map<string, string>();
  headers.forEach((header, index) => {
    const column = byHeader.get(normalizeHeader(header));
    if (!column) {
      ignored.push(header);
      return;
    }
    const before = seen.get(column.field);
    if (before !== undefined) {
      throw new HeaderError(`columns "${before}" and "${header}" both name ${column.field}`, say('import.header.twice', { first: before, second: header, field: column.field }));
    }
    seen.set(column.field, header);
    slots.push({ index, column });
    matched.push({ header, field: column.field });
  });
  const missing = COLUMNS[kind].filter((c) => c.required && !seen.has(c.field));
  if (missing.length > 0) {
    throw new HeaderError(
      `no column for ${missing
        .map(
          (c) =>
            `${c.field} (${c.headers
              .filter((h) => /[^\x00-\x7f]/.test(h))
              .slice(0, 2)
              .concat(c.field)
              .join(' / ')})`,
        )
        .join(', ')}`,
      say('import.header.missing', { columns: missing.map((c) => `“${chineseHeaderOf(kind, c.field)}”（${c.field}）`).join('、') }),
    );
  }
  if (kind === 'enrollees' && !seen.has('coverage') && !(seen.has('coverageFrom') && seen.has('coverageTo'))) {
    throw new HeaderError(
      'no column for coverage: a coverage column (参保期间 / coverage) or both 参保开始 / coverageFrom and 参保结束 / coverageTo',
      say('import.header.coverage'),
    );
  }
  const hasFromTo = seen.has('coverageFrom') || seen.has('coverageTo');
  const mapper: RowMapper = (cells) => {
    const row: Row = {};
    for (const { index, column } of slots) {
      const cell = cells[index];
      if (cell === undefined || cell.trim() === '') continue;
      row[column.field] = column.convert ? column.convert(cell) : cell;
    }
    if (kind === 'enrollees') {
      // One period from the two date columns, unless a coverage column lists the periods.
      const from = row.coverageFrom;
      const to = row.coverageTo;
      delete row.coverageFrom;
      delete row.coverageTo;
      if (row.coverage === undefined) row.coverage = hasFromTo && (from !== undefined || to !== undefined) ? [{ from, to }] : [];
    }
    return row;
  };
  const fieldColumn = new Map(matched.map((m) => [m.field, m.header]));
  return {
    mapper,
    matched,
    ignored,
    columnOf(field: string) {
      const top = field.split('.')[0]!;
      if (top === 'coverage' && !fieldColumn.has('coverage')) {
        return [fieldColumn.get('coverageFrom'), fieldColumn.get('coverageTo')].filter(Boolean).join('/') || null;
      }
      return fieldColumn.get(top) ?? null;
    },
  };
}
