/**
 * National code tables of the healthcare-security platform
 * (docs/spec/national-platform.md §4), in one module: the native model reports
 * some of them (fund_pay_type, clr_type, insutype), and the platform's face
 * (src/national/) maps the rest. A province with other codes changes a table here.
 */
import type { Fund, VisitType } from './types.js';

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
};
export const OTHER_FUND_PAY_TYPE = '999997';

export const FUND_PAY_TYPE_NAMES: Record<string, string> = {
  '390100': '城乡居民基本医疗保险基金',
  '390200': '城乡居民大病医疗保险基金',
  '610100': '医疗救助基金',
  '999997': '其他基金',
};

/** Local programme names, for a fund line reported under 其他基金. */
export const FUND_NAMES: Record<Fund, string> = {
  basic: '城乡居民基本医疗保险基金',
  criticalIllness: '城乡居民大病医疗保险基金',
  majorDiseaseReferral: '晋江特殊医疗保障：提高特大病种市外转诊报销标准',
  specialGroup: '晋江特殊医疗保障：提高特定人群报销标准',
  retiredCadreSpouse: '离休干部无工作遗偶医疗补助',
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
