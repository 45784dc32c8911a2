/** A settlement as answered on the wire (api.md "Response"): money as strings with two decimals. */
import { accumulatorsView, applyDeltas, type AccumulatorsView } from '../domain/accumulators.js';
import { formatPrice } from '../catalogue/row.js';
import { FEE_CATEGORIES, FEE_CATEGORY_CODES } from '../domain/code-tables.js';
import { ZERO, formatMoney, type Money } from '../domain/money.js';
import type { Accumulators, Actor, SettlementRequest } from '../domain/types.js';
import type { FeeLineClassification } from '../engine/fee-lines.js';
import type { SettlementComputation } from '../engine/types.js';
import { checkStored, storedSettlementViewSchema } from '../store/record-schemas.js';

/** A stored settlement answer, checked on the fields read from it (the body itself is sent as stored). */
export function storedView(response: string | Buffer): SettlementView {
  return checkStored<SettlementView>(storedSettlementViewSchema, response.toString(), 'settlement answer');
}

export interface SettlementView {
  settlementId: string | null;
  requestId: string;
  status: 'preview' | 'settled' | 'reversed';
  policyId: string;
  /** The content hash of the policy file the settlement used (absent on settlements recorded before versions were kept). */
  policyVersion?: string;
  benefitYear: number;
  card: string;
  hospitalId: string;
  visitType: string;
  admissionDate: string;
  dischargeDate: string;
  total: string;
  policyScope: string;
  /** The four amounts the rules started from, and each line's classification when sent as lines. */
  charges: ChargesView;
  /** Per national fee category 01–14 of an itemised bill, in code order, for the slip. */
  feeCategories?: FeeCategoryView[];
  payments: Record<string, string>;
  fundTotal: string;
  patientTotal: string;
  admissionOrdinal: number | null;
  referralId: string | null;
  lines: { fund: string; fundPayType: string | null; amount: string; cite: string; rate: string | null; deductible?: string }[];
  steps: { rule: string; text: string; amount: string | null; cite: string }[];
  accumulatorsBefore: AccumulatorsView;
  accumulatorsAfter: AccumulatorsView;
  notes: string[];
  /** The same notes in Chinese, for the clerk and the patient (absent on settlements recorded before). */
  notesZh?: string[];
  /** Every value used that the policy file marks assumed (absent on settlements recorded before). */
  assumed?: { path: string; value: string; cite: string }[];
  /** What a disease package's price leaves to the hospital (absent on settlements recorded before). */
  hospitalBorne?: string;
  /** The clerk named in the body and the caller's key (api.md "Operator and reason"). */
  operator: { id: string | null; name: string | null; keyId: string | null };
  settledAt?: string;
  reversedAt?: string | null;
  reversal?: { at: string; reason: string | null; operator: { id: string | null; name: string | null; keyId: string | null } };
}

export interface FeeLineView {
  lineId: string;
  code: string;
  level: string;
  category: string;
  amount: string;
  priceCeiling: string | null;
  selfPayRatio: string | null;
  fullSelfPay: string;
  overLimitSelfPay: string;
  preSelfPay: string;
  policyScope: string;
}

export interface ChargesView {
  total: string;
  fullSelfPay: string;
  overLimitSelfPay: string;
  preSelfPay: string;
  lines?: FeeLineView[];
}

export interface FeeCategoryView {
  category: string;
  name: string;
  total: string;
  levelA: string;
  levelB: string;
  levelC: string;
  policyScope: string;
}

/** Stands for the answer's lines while the rest is serialised (no string of a settlement holds a NUL). */
const LINES_MARK = JSON.stringify('\u0000lines\u0000');
/** Bills with more lines than this have their lines encoded apart (answerParts). */
const APART_LINES = 64;
/** Lines serialised and encoded at a time. */
export const ANSWER_LINES_PER_PART = 250;
const COMMA = 0x2c;

/**
 * The answer as UTF-8 in parts, together byte for byte
 * Buffer.from(JSON.stringify(view)). A large bill's lines (ids, codes,
 * amounts: ASCII) go ANSWER_LINES_PER_PART at a time, apart from the rest:
 * joined with it, whose Chinese makes one string two-byte, a 2,000-line
 * answer took ~2 ms more to serialise and encode.
 */
export function* answerParts(view: SettlementView): Generator<Buffer> {
  const lines = view.charges.lines;
  const parts =
    lines !== undefined && lines.length > APART_LINES ? JSON.stringify({ ...view, charges: { ...view.charges, lines: JSON.parse(LINES_MARK) as string } }).split(LINES_MARK) : [];
  if (lines === undefined || parts.length !== 2) {
    yield Buffer.from(JSON.stringify(view));
    return;
  }
  yield Buffer.from(`${parts[0]}[`);
  for (let from = 0; from < lines.length; from += ANSWER_LINES_PER_PART) {
    // The brackets cut off the bytes, not the string (a cut string is copied whole again when encoded); the comma leads the next part.
    const part = Buffer.from(JSON.stringify(lines.slice(from, from + ANSWER_LINES_PER_PART)));
    part[0] = COMMA;
    yield from > 0 ? part.subarray(0, -1) : part.subarray(1, -1);
  }
  yield Buffer.from(`]${parts[1]}`);
}

/** The answer as UTF-8: Buffer.from(JSON.stringify(view)), byte for byte. */
export function answerBytes(view: SettlementView): Buffer {
  return Buffer.concat([...answerParts(view)]);
}

/** A catalogue entry's ceiling and ratio, formatted once while the catalogue holds them (the same decimals on every line and bill naming it). */
const catalogueTexts = new WeakMap<Money, string>();
function once(value: Money, format: (value: Money) => string): string {
  let text = catalogueTexts.get(value);
  if (text === undefined) catalogueTexts.set(value, (text = format(value)));
  return text;
}

function chargesView(computation: SettlementComputation): ChargesView {
  const { charges, itemised } = computation;
  const view: ChargesView = {
    total: formatMoney(charges.total),
    fullSelfPay: formatMoney(charges.fullSelfPay),
    overLimitSelfPay: formatMoney(charges.overLimitSelfPay),
    preSelfPay: formatMoney(charges.preSelfPay),
  };
  if (itemised) {
    // A bill's lines share one decimal per amount text (and a line in scope is its amount): each formatted once.
    const texts = new Map<Money, string>([[ZERO, '0.00']]);
    const money = (value: Money) => {
      let text = texts.get(value);
      if (text === undefined) texts.set(value, (text = formatMoney(value)));
      return text;
    };
    view.lines = itemised.lines.map((line) => ({
      lineId: line.lineId,
      code: line.code,
      level: line.level,
      category: line.category,
      amount: money(line.amount),
      priceCeiling: line.priceCeiling === null ? null : once(line.priceCeiling, formatPrice),
      selfPayRatio: line.selfPayRatio === null ? null : once(line.selfPayRatio, String),
      fullSelfPay: money(line.fullSelfPay),
      overLimitSelfPay: money(line.overLimitSelfPay),
      preSelfPay: money(line.preSelfPay),
      policyScope: money(line.policyScope),
    }));
  }
  return view;
}

function feeCategoriesView(classification: FeeLineClassification): FeeCategoryView[] {
  return FEE_CATEGORY_CODES.map((code) => {
    const slip = classification.feeCategories[code];
    return {
      category: code,
      name: FEE_CATEGORIES[code],
      total: formatMoney(slip.total),
      levelA: formatMoney(slip.levelA),
      levelB: formatMoney(slip.levelB),
      levelC: formatMoney(slip.levelC),
      policyScope: formatMoney(slip.policyScope),
    };
  });
}

export function settlementView(
  computation: SettlementComputation,
  request: SettlementRequest,
  before: Accumulators,
  identity: { settlementId: string | null; status: 'preview' | 'settled'; settledAt?: string; actor: Actor; policyVersion?: string | null },
): SettlementView {
  const payments: Record<string, string> = {};
  for (const [fund, amount] of Object.entries(computation.payments)) payments[fund] = formatMoney(amount!);
  const view: SettlementView = {
    settlementId: identity.settlementId,
    requestId: request.requestId,
    status: identity.status,
    policyId: computation.policyId,
    ...(identity.policyVersion ? { policyVersion: identity.policyVersion } : {}),
    benefitYear: computation.benefitYear,
    card: request.card,
    hospitalId: request.hospitalId,
    visitType: request.visitType,
    admissionDate: request.admissionDate,
    dischargeDate: request.dischargeDate,
    total: formatMoney(computation.total),
    policyScope: formatMoney(computation.policyScope),
    charges: chargesView(computation),
    ...(computation.itemised ? { feeCategories: feeCategoriesView(computation.itemised) } : {}),
    payments,
    fundTotal: formatMoney(computation.fundTotal),
    patientTotal: formatMoney(computation.patientTotal),
    admissionOrdinal: computation.admissionOrdinal,
    referralId: computation.referralId,
    lines: computation.lines.map(({ deductible, ...line }) => ({
      ...line,
      amount: formatMoney(line.amount),
      rate: line.rate === null ? null : line.rate.toString(),
      ...(deductible ? { deductible: formatMoney(deductible) } : {}),
    })),
    steps: computation.steps.map((step) => ({ ...step, amount: step.amount === null ? null : formatMoney(step.amount) })),
    accumulatorsBefore: accumulatorsView(before),
    accumulatorsAfter: accumulatorsView(applyDeltas(before, computation.deltas)),
    notes: computation.notes,
    notesZh: computation.notesZh,
    assumed: computation.assumed.map(({ path, value, cite }) => ({ path, value, cite })),
    hospitalBorne: formatMoney(computation.hospitalBorne),
    operator: { ...identity.actor.operator, keyId: identity.actor.keyId },
  };
  if (identity.settledAt) view.settledAt = identity.settledAt;
  return view;
}
