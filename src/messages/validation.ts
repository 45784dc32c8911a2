/**
 * The schemas' own sentences (src/contract/, English for developers) as
 * a clerk or import operator reads them. Matched by the English text; `{1}`
 * takes the sentence's variable part.
 */
import type { MessageEntry } from './index.js';

export const validationMessages = {
  'validation.required': { zh: '必填项缺失', en: 'required' },
  'validation.calendarDate': { zh: '不是真实存在的日期（应为 YYYY-MM-DD，如 2019-03-01）', en: 'expected a calendar date YYYY-MM-DD' },
  'validation.dateString': { zh: '应为 YYYY-MM-DD 格式的日期，如 2019-03-01', en: 'expected a date string YYYY-MM-DD' },
  'validation.dateRange': { zh: '日期须在 {1} 至 {2} 之间', en: 'dates run from {1} to {2}' },
  'validation.card': { zh: '社会保障卡号应为 1–32 位字母或数字', en: 'a card number is 1–32 letters and digits' },
  'validation.id': { zh: '编号应为 1–64 位字母、数字或“.”“_”“-”，以字母或数字开头', en: 'expected 1–64 letters, digits, ".", "_" or "-"' },
  'validation.money': { zh: '金额应为最多两位小数的数字，如 1234.50（以文字提交）', en: 'money is a decimal string' },
  'validation.moneyNotNumber': { zh: '金额应以文字提交，如 "1234.50"，不能是数字类型', en: 'money must be a string' },
  'validation.periodOrder': { zh: '结束日期不能早于开始日期', en: 'to must not be before from' },
  'validation.validityOrder': { zh: '有效期止不能早于有效期起', en: 'validTo must not be before validFrom' },
  'validation.stayOrder': { zh: '出院日期不能早于入院日期', en: 'dischargeDate must not be before admissionDate' },
  'validation.admdvs': { zh: '行政区划代码应为 6 位数字', en: 'a 6-digit administrative division code' },
  'validation.fixmedinsCode': { zh: '国家医保机构编码应为大写字母开头的 12 位编码，如 H35058200011', en: 'a national facility code such as H35058200011' },
  'validation.region': { zh: '统筹区应为已加载政策的统筹区（名称、编号或区划代码）', en: 'a region id such as "pingyang"' },
  'validation.codeNotInCatalogue': { zh: '医保编码 {1} 不在本统筹区的医保目录（{2}）中', en: 'code {1} is not in catalogue {2}' },
  'validation.codeNotValidOn': { zh: '医保编码 {1} 在 {2} 不在医保目录的有效期内', en: 'code {1} is not valid on {2}' },
  'validation.totalOrLines': { zh: '必填（或按费用明细提交）', en: 'required (or send the bill as lines)' },
  'validation.amountsOrLines': { zh: '四项金额与费用明细只能二选一', en: 'send the four amounts or the lines, never both' },
  'validation.partsOverTotal': { zh: '全自费、超限价自费、先行自付之和不能超过医疗费总额', en: 'the parts must not exceed total' },
  'validation.controlCharacters': { zh: '不能含控制字符', en: 'no control characters' },
  'validation.lineTwice': { zh: '明细行号 {1} 重复', en: 'lineId {1} occurs twice' },
  'validation.lineAmount': { zh: '金额须等于数量 × 单价（四舍五入到分）：{1}', en: 'amount must be quantity × unitPrice: {1}' },
  'validation.lineRounding': {
    zh: '数量 × 单价为 {1}，四舍五入到分会使其变动超过 10%：请合并拆分的明细',
    en: 'quantity × unitPrice is {1}: rounding it to the fen would change it by more than 10 %',
  },
  'validation.quantity': { zh: '数量须大于 0', en: 'quantity must be greater than 0' },
  'validation.rowKey': { zh: '每行须有结算单号或结算流水号', en: 'a row names its settlementId or its requestId' },
  'validation.catalogueCode': { zh: '医保编码应为 1–50 位字母、数字或“.”“_”“-”', en: 'expected a catalogue code' },
  'validation.code': { zh: '编码应为 1–64 位字母、数字或“.”“-”', en: 'expected a code' },
  'validation.birthFuture': { zh: '出生日期不能晚于今天', en: 'a birth date cannot be in the future' },
  'validation.year': { zh: '年度应为四位数字，如 2019', en: 'a year is four digits such as 2019' },
} as const satisfies Record<string, MessageEntry>;

/** The schemas' English sentences → their catalogue key (first match wins). */
export const VALIDATION_PATTERNS: readonly [RegExp, keyof typeof validationMessages][] = [
  [/^required$/, 'validation.required'],
  [/^code (\S+) is not in catalogue (\S+)$/, 'validation.codeNotInCatalogue'],
  [/^code (\S+) is not valid on (\S+) in catalogue/, 'validation.codeNotValidOn'],
  [/^expected a calendar date YYYY-MM-DD/, 'validation.calendarDate'],
  [/^expected a date string YYYY-MM-DD$/, 'validation.dateString'],
  [/^dates run from (\S+) to (\S+)$/, 'validation.dateRange'],
  [/^a card number is/, 'validation.card'],
  [/^expected 1–64 letters, digits/, 'validation.id'],
  [/^money must be a string/, 'validation.moneyNotNumber'],
  [/^money is a decimal string/, 'validation.money'],
  [/^to must not be before from$/, 'validation.periodOrder'],
  [/^validTo must not be before validFrom$/, 'validation.validityOrder'],
  [/^dischargeDate must not be before admissionDate$/, 'validation.stayOrder'],
  [/^a 6-digit administrative division code$/, 'validation.admdvs'],
  [/^a national facility code/, 'validation.fixmedinsCode'],
  [/^a region id/, 'validation.region'],
  [/^required \(or send the bill as lines\)$/, 'validation.totalOrLines'],
  [/^send the four amounts or the lines/, 'validation.amountsOrLines'],
  [/^fullSelfPay \+ overLimitSelfPay \+ preSelfPay must not exceed total/, 'validation.partsOverTotal'],
  [/no control characters$/, 'validation.controlCharacters'],
  [/^lineId (\S+) occurs twice$/, 'validation.lineTwice'],
  [/^amount must be quantity × unitPrice rounded half up to the fen: (\S+)$/, 'validation.lineAmount'],
  [/^(?:quantity × unitPrice|cnt × pric) is (\S+): rounding it to the fen would change it by more than 10 %$/, 'validation.lineRounding'],
  [/^quantity must be greater than 0$/, 'validation.quantity'],
  [/^a row names its settlementId or its requestId$/, 'validation.rowKey'],
  [/^expected a catalogue code/, 'validation.catalogueCode'],
  [/^expected a code of/, 'validation.code'],
  [/^a year is four digits/, 'validation.year'],
  [/^a birth date cannot be in the future$/, 'validation.birthFuture'],
];
