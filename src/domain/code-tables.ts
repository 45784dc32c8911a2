/**
 * National code tables of the healthcare-security platform
 * (docs/spec/national-platform.md §4), in one module: the engine classifies
 * fee lines by the catalogue's charge levels and fee categories, the native
 * model reports fund_pay_type, clr_type and insutype, and the platform's face
 * (src/national/) maps the rest. A province with other codes changes a table here.
 */
import type { Fund, PersonCategory, VisitType } from './types.js';

// ── The medical insurance catalogue (医保目录): engine, catalogue importer, platform face ──

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

// ── Settlements ──

/** insutype: 390 城乡居民基本医疗保险, the only insurance this service settles. */
export const INSUTYPE_RESIDENT = '390';

/** clr_type: 11 门诊 (outpatient clearing), 21 住院 (stays). */
export const CLR_TYPE: Record<VisitType, '11' | '21'> = {
  inpatient: '21',
  childbirth: '21',
  'emergency-death': '21',
  'special-outpatient': '11',
  outpatient: '11',
};

/**
 * fund_pay_type of each fund line: 390100 城乡居民基本医疗保险基金, 390200 城乡居民大病医疗保险基金.
 * Jinjiang's local programmes have no national code: the native model reports null,
 * the platform's face reports them under 999997 其他基金.
 */
export const FUND_PAY_TYPE: Record<Fund, string | null> = {
  basic: '390100',
  criticalIllness: '390200',
  majorDiseaseReferral: null,
  specialGroup: null,
  retiredCadreSpouse: null,
  // 大额/补充 above the basic cap: no national resident code; reported under 其他基金.
  supplementary: null,
  hardship: '620100',
  medicalAssistance: '610100',
};
export const OTHER_FUND_PAY_TYPE = '999997';

export const FUND_PAY_TYPE_NAMES: Record<string, string> = {
  '390100': '城乡居民基本医疗保险基金',
  '390200': '城乡居民大病医疗保险基金',
  '610100': '医疗救助基金',
  '620100': '政府兜底基金',
  '999997': '其他基金',
};

/** Local programme names, for a fund line reported under 其他基金. */
export const FUND_NAMES: Record<Fund, string> = {
  basic: '城乡居民基本医疗保险基金',
  criticalIllness: '城乡居民大病医疗保险基金',
  majorDiseaseReferral: '晋江特殊医疗保障：提高特大病种市外转诊报销标准',
  specialGroup: '晋江特殊医疗保障：提高特定人群报销标准',
  retiredCadreSpouse: '离休干部无工作遗偶医疗补助',
  supplementary: '城乡居民补充医疗保险（大额）',
  hardship: '困难群众大病补充（政府兜底）',
  medicalAssistance: '医疗救助基金',
};

/**
 * med_type → visit type. 4–6 digit codes are regional sub-types of their first
 * two digits. 13 (急诊) is an emergency-death only with 2402 dscg_way 5 (死亡).
 */
export const MED_TYPE_VISIT: Record<string, VisitType> = {
  '11': 'outpatient',
  '14': 'special-outpatient',
  '21': 'inpatient',
  '24': 'inpatient',
  '25': 'inpatient',
  '52': 'childbirth',
};
export const MED_TYPE_EMERGENCY = '13';
/** 离院方式 (病案首页): 1 医嘱离院, 2 医嘱转院, 3 医嘱转社区, 4 非医嘱离院, 5 死亡, 9 其他. */
export const DSCG_WAY_DEATH = '5';
export const DSCG_WAYS = ['1', '2', '3', '4', '5', '9'] as const;

/** The two-digit family of a med_type (regional sub-types keep their first two digits). */
export function medTypeFamily(medType: string): string {
  return medType.slice(0, 2);
}

/** mdtrt_cert_type: 01 电子凭证令牌, 02 居民身份证号, 03 社会保障卡号. */
export const MDTRT_CERT_TYPES = ['01', '02', '03'] as const;
/** The certificate types that carry the number the registry keys persons by. */
export const CARD_CERT_TYPES: readonly string[] = ['02', '03'];

/** gend: 1 男, 2 女. */
export const GEND: Record<'M' | 'F', '1' | '2'> = { M: '1', F: '2' };

/** psn_setlway: 01 按项目 (per item, the only way settled here), 02 按定额. */
export const PSN_SETLWAY_PER_ITEM = '01';

/** stmt_rslt: 0 平 (balanced), 1 不平. */
export const STMT_RSLT = { balanced: '0', unbalanced: '1' } as const;

/** refd_setl_flag: 0 a settlement, 1 a refund (reversal). */
export const REFD_SETL_FLAG = { settlement: '0', reversal: '1' } as const;

/** Person categories (policies.md "Person categories") by their Chinese names, for the platform's idetinfo memo. */
export const PERSON_CATEGORY_NAMES: Record<PersonCategory, string> = {
  'medical-aid': '医疗救助对象',
  'low-income-assistance': '低保',
  destitute: '城市"三无"/特困供养',
  'rural-destitute': '农村特困供养/五保',
  'registered-poor': '建档立卡贫困人口',
  'severely-disabled': '重度残疾',
  'rural-only-daughter': '农村计生独女户',
  'rural-two-daughters': '农村计生二女户',
  'poor-party-member': '困难党员',
  'disability-card': '第二代残疾人证持有人',
  'retired-cadre-surviving-spouse': '离休干部无工作遗偶',
};
