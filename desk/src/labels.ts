/** zh-CN labels as desk staff read them. */
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

/** Error codes as the window reads them; the server's message follows. */
export const ERROR: Record<string, string> = {
  UNAUTHENTICATED: '密钥无效',
  FORBIDDEN: '无权操作',
  VALIDATION_FAILED: '输入有误',
  NOT_FOUND: '未找到',
  ENROLLEE_NOT_FOUND: '未找到参保人',
  HOSPITAL_NOT_FOUND: '未登记的医院',
  NO_POLICY: '无适用政策',
  NOT_COVERED: '不在参保期内或不予支付',
  VISIT_TYPE_NOT_COVERED: '该类就诊不予结算',
  SPECIAL_DISEASE_NOT_APPROVED: '未核准该特殊病种',
  REFERRAL_REQUIRED: '异地未备案',
  CROSS_YEAR_SPLIT_REQUIRED: '跨年度住院须分段结算',
  IDEMPOTENCY_CONFLICT: '结算流水号已用于另一笔结算',
  ALREADY_REVERSED: '已撤销',
  CONSORTIUM_TRANSFER_UNMATCHED: '医联体转诊未找到前次住院',
  CATALOGUE_CODE_UNKNOWN: '目录编码不存在',
  LIMIT_REACHED: '超出数量上限',
  RATE_LIMITED: '请求过于频繁',
  OVERLOADED: '服务繁忙',
  UNAVAILABLE: '服务暂不可用',
  PAYLOAD_TOO_LARGE: '内容过大',
  ARCHIVED: '已归档',
  INTERNAL: '服务内部错误',
};

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
