/**
 * The engine's explanation: each step's text (Chinese for the clerk and the
 * patient; English for logs) and its notes. Placeholders are filled by the
 * engine with amounts already formatted to the fen.
 */
import type { MessageEntry } from './index.js';

export const engineMessages = {
  'engine.policyScope': { zh: '政策范围内金额 = 总费用 − 全自费 − 超限价自费 − 先行自付', en: 'policy-scope amount = total − fullSelfPay − overLimitSelfPay − preSelfPay' },
  'engine.feeLines': {
    zh: '{count} 条费用明细按目录 {catalogue} 分类：丙类 → 全自费 {full}，超限价部分 → 超限价自费 {over}，乙类先自付 → 先行自付 {pre}',
    en: '{count} fee lines classified against catalogue {catalogue}: 丙 items → fullSelfPay {full}, above price ceilings → overLimitSelfPay {over}, 乙 self-pay shares → preSelfPay {pre}',
  },
  'engine.classes': { zh: '分类：{classes}{shifts}', en: 'classes: {classes}{shifts}' },
  'engine.payFirst': { zh: '个人先负担 {base} 的 {share}', en: 'patient pays {share} of {base} first' },
  'engine.eligibleExpense': {
    zh: '计入年度费用上限 {cap} 的政策范围内费用（此前已计 {before}）',
    en: "policy-scope expense within the year's {cap} ceiling (used before: {before})",
  },
  'engine.deductible': { zh: '{what} × {factor}（{reason}）', en: '{what} × {factor} ({reason})' },
  'engine.deductible.amount': { zh: '起付线 {amount}', en: 'deductible {amount}' },
  'engine.deductible.lookup': { zh: '{label}', en: '{label}' },
  'engine.deductible.formula': { zh: '起付线 = {of} × {share}{min}{max}', en: 'deductible {share} × {of}{min}{max}' },
  'engine.reason.admission': { zh: '本年第 {n} 次住院', en: 'admission {n} of the year' },
  'engine.reason.none': { zh: '不计住院次数', en: 'no admission' },
  'engine.reason.onceTaken': { zh: '本年 {visitType} 已负担起付线', en: 'deductible already taken this year for {visitType}' },
  'engine.reason.onceFirst': { zh: '本年首次 {visitType} 结算', en: 'first {visitType} settlement of the year' },
  'engine.reason.onceAdmission': { zh: '本年 {visitType} 视为第 {n} 次住院', en: '{visitType} year counted as admission {n}' },
  'engine.reason.transfer': {
    zh: '医联体 {consortium} 内转院，延续 {hospitalId} 的住院 {settlementId}',
    en: 'consortium transfer within {consortium} continues stay {settlementId} at {hospitalId}',
  },
  'engine.reason.subtract': { zh: '，每多一次住院减 {amount}', en: ', less {amount} per earlier admission' },
  'engine.reason.floor': { zh: '，不低于 {floor}', en: ', not below {floor}' },
  'engine.reason.readmission': { zh: '，出院后 {days} 天内再次住院（{settlementId}）', en: ', readmitted within {days} days of stay {settlementId}' },
  'engine.reason.yearCap': { zh: '，全年起付线合计不超过 {cap}', en: ', deductibles of the year at most {cap}' },
  'engine.rate': { zh: '{label}（{eligible} − {deductible}）× {rate}{factor}', en: '{label}({eligible} − {deductible}) × {rate}{factor}' },
  'engine.bands.stay': { zh: '{label}{measured} 按费用分段计算（{basis}）{factor}', en: '{label}bands on {measured} ({basis}){factor}' },
  'engine.bands.ledger': { zh: '{label}{ledger} 年度累计 {before} → {after}，按分段计算{factor}', en: '{label}{ledger} of the year {before} → {after} on the scale{factor}' },
  'engine.favourable.yearBest': {
    zh: '{label}按最有利标准，年度可享受 {before} → {after}，本次至多付其差额',
    en: '{label}under the most favourable schedule the year is worth {before} → {after}: this settlement pays at most the difference',
  },
  'engine.lumpSum': { zh: '{delivery}定额 {amount}{ifLower}', en: '{delivery}lump sum {amount}{ifLower}' },
  'engine.lumpSum.ifLower': { zh: '，实际费用低于定额的按实际', en: ', at most the policy-scope amount' },
  'engine.perDiem': { zh: '{days} 个床日，按天数段计算{factor}', en: '{days} bed-days by day bands{factor}' },
  'engine.package': { zh: '病种定额 {price}，个人负担 {share}{excess}', en: 'package price {price}, patient share {share}{excess}' },
  'engine.package.excess': { zh: '，超出部分 {amount} 由医院承担', en: ', excess {amount} borne by the hospital' },
  'engine.perVisitFee': { zh: '一般诊疗费 {fee}', en: 'per-visit fee {fee}' },
  'engine.perVisitFee.paid': { zh: '当日一般诊疗费已支付', en: 'per-visit fee already paid today' },
  'engine.topUp': { zh: '补足至 {amount}', en: 'topped up to {amount}' },
  'engine.floor': { zh: '保底：基金至少支付 {amount}', en: 'the fund pays at least {amount} (保底)' },
  'engine.cap': { zh: '{label}每{per}最高支付 {limit}{before}', en: '{label} pays at most {limit} a {per}{before}' },
  'engine.carryOver': {
    zh: '{year} 年未用完的额度结转：上年限额 {cap} − 上年已用 {used}，结转 {amount}',
    en: "carried from {year}: last year's cap {cap} − used {used}, {amount} carried",
  },
  'engine.cap.before': { zh: '（此前已付 {amount}）', en: ' (paid before: {amount})' },
  'engine.adjustment': { zh: '{label}：{param} {before} → {after}', en: '{label}: {param} {before} → {after}' },
  'engine.missing': { zh: '来源中没有本层的标准，支付 0.00', en: 'no scale for this layer in the sources' },
  'engine.note.assumed': {
    zh: '使用了假定参数：{policy} {path} = {value}，通知未规定（{cite}）',
    en: 'assumed parameters used: {policy} {path} = {value} is not fixed by the notice ({cite})',
  },
  'engine.note.paysNothing': { zh: '{label}在此医院不予支付：{decision}', en: '{label} pays nothing at this hospital: {decision}' },
  'engine.note.catalogueAssumed': {
    zh: '目录 {catalogue} 的乙类先行自付比例为假定值（示例目录，非本省目录）：先行自付 {preSelfPay} 据此计算',
    en: "the 乙 self-pay ratios of catalogue {catalogue} are assumed (an illustrative catalogue, not the province's): preSelfPay {preSelfPay} rests on them",
  },
  'engine.note.referralNotOwn': {
    zh: '备案 {referralId} 不是该参保人的备案，本次按未备案结算',
    en: 'referral {referralId} is not a filing of this person; the stay is settled as unfiled',
  },
  'engine.note.referralNotCovering': {
    zh: '备案 {referralId} 不覆盖本次就医（转入医院或有效期不符），本次按未备案结算',
    en: '{why}; the stay is settled as unfiled',
  },
  'engine.note.noTransferRule': { zh: '{policy} 没有医联体转院规则，按新的一次住院结算', en: '{policy} has no consortium-transfer rule; settled as a new admission' },
} as const satisfies Record<string, MessageEntry>;

/** Chinese names of the vocabulary's words that appear inside step texts. */
export const ENGINE_WORDS_ZH: Readonly<Record<string, string>> = {
  vaginal: '顺产',
  cesarean: '剖宫产',
  visit: '次',
  day: '日',
  quarter: '季度',
  year: '年',
  absolute: '按金额',
  'above-deductible': '按起付线以上金额',
  'relative-to-deductible': '按起付线倍数',
  inpatient: '住院',
  'special-outpatient': '门诊特殊病种',
  outpatient: '普通门诊',
  childbirth: '分娩',
  'emergency-death': '急诊死亡',
  total: '总费用',
  'policy-scope': '政策范围内金额',
  rate: '报销比例',
  deductible: '起付线',
  payoutFactor: '支付系数',
  cap: '封顶线',
  expenseCap: '费用上限',
  bands: '分段比例',
  basicEligible: '计入费用上限的费用',
  basicPaid: '统筹基金已付',
  compliantSelfBurden: '合规自付',
  criticalIllnessPaid: '大病保险已付',
  outpatientPaid: '普通门诊已付',
  retiredCadreSpousePaid: '离休干部遗偶补助已付',
};
