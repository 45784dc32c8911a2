/**
 * The national code tables of the medical insurance catalogue (医保目录), in one
 * place for the engine, the catalogue importer and the national-platform
 * adapter: charge levels (chrgitm_lv) and fee categories (med_chrgitm_type),
 * national-platform.md §4.
 */

/** chrgitm_lv: 01 甲类, 02 乙类, 03 丙类. */
export const CHARGE_LEVELS = {
  '01': '甲类',
  '02': '乙类',
  '03': '丙类',
} as const;
export type ChargeLevel = keyof typeof CHARGE_LEVELS;
export const CHARGE_LEVEL_CODES: readonly ChargeLevel[] = ['01', '02', '03'];

/** med_chrgitm_type: the fee category of an item, as the discharge slip groups them. */
export const FEE_CATEGORIES = {
  '01': '床位费',
  '02': '诊察费',
  '03': '检查费',
  '04': '化验费',
  '05': '治疗费',
  '06': '手术费',
  '07': '护理费',
  '08': '卫生材料费',
  '09': '西药费',
  '10': '中药饮片费',
  '11': '中成药费',
  '12': '一般诊疗费',
  '13': '挂号费',
  '14': '其他费',
} as const;
export type FeeCategory = keyof typeof FEE_CATEGORIES;
/** In code order (an object's keys "10"–"14" would enumerate before "01"). */
export const FEE_CATEGORY_CODES: readonly FeeCategory[] = ['01', '02', '03', '04', '05', '06', '07', '08', '09', '10', '11', '12', '13', '14'];

export function isChargeLevel(value: string): value is ChargeLevel {
  return Object.hasOwn(CHARGE_LEVELS, value);
}

export function isFeeCategory(value: string): value is FeeCategory {
  return Object.hasOwn(FEE_CATEGORIES, value);
}

/** Names as provinces write them: "甲", "甲类", "乙类", "丙", … */
const LEVEL_BY_NAME = new Map<string, ChargeLevel>(
  CHARGE_LEVEL_CODES.flatMap((code) => [
    [CHARGE_LEVELS[code], code],
    [CHARGE_LEVELS[code].slice(0, 1), code],
  ]),
);

/** "甲" / "甲类" / "01" / "1" → "01"; anything else → null. */
export function chargeLevelOf(text: string): ChargeLevel | null {
  const value = text.trim();
  const padded = /^\d$/.test(value) ? `0${value}` : value;
  if (isChargeLevel(padded)) return padded;
  return LEVEL_BY_NAME.get(value) ?? null;
}

/** Names as provinces write them: "西药费", "西药", "09", "9" → "09"; anything else → null. */
const CATEGORY_BY_NAME = new Map<string, FeeCategory>(
  FEE_CATEGORY_CODES.flatMap((code) => [
    [FEE_CATEGORIES[code], code],
    [FEE_CATEGORIES[code].replace(/费$/, ''), code],
  ]),
);

export function feeCategoryOf(text: string): FeeCategory | null {
  const value = text.trim();
  const padded = /^\d$/.test(value) ? `0${value}` : value;
  if (isFeeCategory(padded)) return padded;
  return CATEGORY_BY_NAME.get(value) ?? null;
}
