/** zh-CN labels as desk staff read them. */
const ERROR_CODES = [
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'VALIDATION_FAILED',
  'NOT_FOUND',
  'ENROLLEE_NOT_FOUND',
  'HOSPITAL_NOT_FOUND',
  'NO_POLICY',
  'NOT_COVERED',
  'VISIT_TYPE_NOT_COVERED',
  'SPECIAL_DISEASE_NOT_APPROVED',
  'REFERRAL_REQUIRED',
  'CROSS_YEAR_SPLIT_REQUIRED',
  'IDEMPOTENCY_CONFLICT',
  'ALREADY_REVERSED',
  'CONSORTIUM_TRANSFER_UNMATCHED',
  'CATALOGUE_CODE_UNKNOWN',
  'LIMIT_REACHED',
  'RATE_LIMITED',
  'OVERLOADED',
  'UNAVAILABLE',
  'PAYLOAD_TOO_LARGE',
  'ARCHIVED',
  'INTERNAL',
] as const;
import { say, type MessageKey } from '../../src/messages/index.js';
import { CHARGE_LEVELS, FEE_CATEGORIES, PERSON_CATEGORY_NAMES } from '../../src/domain/code-tables.js';

export const VISIT_TYPE: Record<string, string> = {
  inpatient: '住院',
  'special-outpatient': '门诊特殊病种',
  outpatient: '普通门诊',
  childbirth: '住院分娩',
  'emergency-death': '急诊抢救无效死亡',
};

export const FUND: Record<string, string> = {
  basic: '基本医疗保险统筹基金',
  criticalIllness: '城乡居民大病保险',
  majorDiseaseReferral: '特大病种市外转诊补助',
  specialGroup: '特定人群补助',
  retiredCadreSpouse: '离休干部无工作遗偶补助',
};

export const FILING_KIND: Record<string, string> = {
  referral: '转诊转院备案',
  relocation: '异地安置',
  'out-of-area': '异地就医备案',
};

export const FILING_STATUS: Record<string, string> = { active: '有效', revoked: '已撤销' };

export const SETTLEMENT_STATUS: Record<string, string> = { preview: '预结算', settled: '已结算', reversed: '已撤销' };

/** Person categories by their Chinese names (the same table the platform's idetinfo memo uses). */
export const CATEGORY: Record<string, string> = PERSON_CATEGORY_NAMES;

export const REGION: Record<string, string> = { pingyang: '平阳县', taiyuan: '太原市', jinjiang: '晋江市' };

export const HOSPITAL_LEVEL: Record<number, string> = { 1: '一级', 2: '二级', 3: '三级' };

export const SEX: Record<string, string> = { F: '女', M: '男' };

export const LIABILITY: Record<string, string> = {
  none: '无',
  'work-injury': '工伤',
  'third-party': '第三方责任',
  'public-health': '公共卫生负担',
};

export const DELIVERY: Record<string, string> = { vaginal: '顺产', cesarean: '剖宫产' };

export const ROLE: Record<string, string> = { billing: '收费处', referral: '转诊备案', admin: '管理员' };

/** National fee categories (med_chrgitm_type) and charge levels (chrgitm_lv): the service's one code-table module. */
export const FEE_CATEGORY: Record<string, string> = FEE_CATEGORIES;
export const CHARGE_LEVEL: Record<string, string> = CHARGE_LEVELS;

/** Error codes as the window reads them (the one catalogue's `errors.label.*`); the server's message follows. */
export const ERROR: Record<string, string> = Object.fromEntries(ERROR_CODES.map((code) => [code, say(`errors.label.${code}` as MessageKey)]));

/** Step rules of a settlement's explanation, by their last segment. */
export const STEP: Record<string, string> = {
  'policy-scope': '符合政策范围金额',
  tier: '医院等级/档次',
  'eligible-expense': '计入年度限额的政策范围费用',
  deductible: '起付线',
  rate: '统筹基金按比例支付',
  'compliant-self-burden': '政策范围内个人负担',
  'critical-illness': '大病保险',
  'out-of-area': '异地就医',
  'referral-penalty': '未备案降低报销比例',
  'annual-cap': '年度封顶',
};

export function stepLabel(rule: string): string {
  const parts = rule.split('/');
  const last = parts[parts.length - 1] ?? rule;
  if (parts.includes('programme')) return '地方补助项目';
  return STEP[last] ?? last;
}

export function maskCard(card: string): string {
  if (card.length <= 8) return card.replace(/.(?=.{4})/g, '*');
  return `${card.slice(0, 6)}${'*'.repeat(card.length - 10)}${card.slice(-4)}`;
}

/** A developer's sentence, which stays off the window and the slip: two Latin words in a row and no Chinese, or three anywhere. */
export function isEnglishSentence(text: string): boolean {
  return (!/[\u3400-\u9fff]/.test(text) && /[A-Za-z]{2,}[,:;.]?\s+[A-Za-z]{2,}/.test(text)) || /(?:[A-Za-z]{2,}[,:;.)'’]*\s+){2,}[A-Za-z]{2,}/.test(text);
}

/** The notes a patient or clerk reads: Chinese sentences only (the engine's English notes are for the log). */
export function notesForPeople(notes: readonly string[]): string[] {
  return notes.filter((note) => !isEnglishSentence(note));
}
