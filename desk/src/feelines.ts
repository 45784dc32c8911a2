/**
 * Fee lines from the HIS: a CSV file it exported, or rows pasted from a
 * spreadsheet (tab-separated), parsed by Papa Parse. Headers may be the API's
 * names or the Chinese ones HIS exports use; without a known header the
 * columns are taken in the order 医保编码, 名称, 数量, 单价, 金额.
 * Files in GB18030 (what most Chinese HIS write) are read as such.
 */
import Papa from 'papaparse';
import type { FeeLineInput } from './bill.js';

const ALIASES: Record<keyof FeeLineInput, string[]> = {
  lineId: ['lineid', '明细流水号', '流水号', '序号', '行号', 'feedetl_sn'],
  code: ['code', '医保编码', '医保目录编码', '国家编码', '医保项目编码', 'med_list_codg'],
  hospitalCode: ['hospitalcode', '院内编码', '医院编码', '医院项目编码', 'medins_list_codg'],
  name: ['name', '名称', '项目名称', '药品名称', '医疗目录名称'],
  quantity: ['quantity', '数量', 'cnt'],
  unitPrice: ['unitprice', '单价', 'pric'],
  amount: ['amount', '金额', '明细金额', '总金额', 'det_item_fee_sumamt'],
  time: ['time', '费用发生时间', '发生时间', '时间', 'fee_ocur_time'],
};

const POSITIONAL: (keyof FeeLineInput)[] = ['code', 'name', 'quantity', 'unitPrice', 'amount'];

function fieldOf(header: string): keyof FeeLineInput | null {
  const name = header.trim().toLowerCase().replace(/\s+/g, '');
  for (const [field, aliases] of Object.entries(ALIASES) as [keyof FeeLineInput, string[]][]) {
    if (aliases.includes(name)) return field;
  }
  return null;
}

export interface ParsedLines {
  lines: FeeLineInput[];
  problems: string[];
}

function blankLine(): FeeLineInput {
  return { lineId: '', code: '', hospitalCode: '', name: '', quantity: '', unitPrice: '', amount: '', time: '' };
}

export function parseFeeLines(text: string): ParsedLines {
  const parsed = Papa.parse<string[]>(text.replace(/^\uFEFF/, '').trim(), { skipEmptyLines: 'greedy' });
  const rows = parsed.data.filter((row) => row.some((cell) => cell.trim() !== ''));
  const problems = parsed.errors.slice(0, 5).map((error) => `第 ${(error.row ?? 0) + 1} 行：${error.message}`);
  if (rows.length === 0) return { lines: [], problems: [...problems, '没有费用明细'] };
  const headerFields = rows[0]!.map(fieldOf);
  const hasHeader = headerFields.filter((field) => field !== null).length >= 2;
  const columns = hasHeader ? headerFields : POSITIONAL;
  const body = hasHeader ? rows.slice(1) : rows;
  if (hasHeader && !headerFields.includes('code')) problems.push('缺少“医保编码”列');
  const lines = body.map((row) => {
    const line = blankLine();
    row.forEach((cell, index) => {
      const field = columns[index];
      if (field) line[field] = cell.trim();
    });
    return line;
  });
  return { lines, problems };
}

/** File bytes → text: UTF-8 when valid, else GB18030. */
export function decodeHisFile(bytes: ArrayBuffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('gb18030').decode(bytes);
  }
}

/** Generic rows with a header (for reconciliation uploads): header → value maps. */
export function parseTable(text: string): { header: string[]; rows: Record<string, string>[] } {
  const parsed = Papa.parse<string[]>(text.replace(/^\uFEFF/, '').trim(), { skipEmptyLines: 'greedy' });
  const [header = [], ...rest] = parsed.data;
  const names = header.map((cell) => cell.trim());
  return {
    header: names,
    rows: rest.map((row) => Object.fromEntries(names.map((name, index) => [name, (row[index] ?? '').trim()]))),
  };
}
