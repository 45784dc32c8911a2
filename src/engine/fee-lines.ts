/**
 * Classifies an itemised bill against the policy's catalogue (api.md "Fee
 * lines and the catalogue", policies.md "Catalogue") and derives the four
 * amounts the rules start from. Pure: the catalogue is data handed in.
 *
 * Per line: overLimit = round2(max(0, unitPrice − priceCeiling) × quantity);
 * 丙 (03) → the whole amount is fullSelfPay; 乙 (02) → preSelfPay =
 * round2((amount − overLimit) × selfPayRatio); the rest is policy scope.
 */
import type { Catalogue } from '../catalogue/catalogue.js';
import { period } from '../catalogue/catalogue.js';
import { FEE_CATEGORY_CODES, type ChargeLevel, type FeeCategory } from '../domain/code-tables.js';
import type { IsoDate } from '../domain/dates.js';
import type { ErrorDetail } from '../domain/errors.js';
import { ZERO, fenOfMoney, moneyOfFen, round2, type Money } from '../domain/money.js';
import type { Charges, FeeLine } from '../domain/types.js';

export interface ClassifiedFeeLine {
  lineId: string;
  code: string;
  level: ChargeLevel;
  category: FeeCategory;
  amount: Money;
  /** The catalogue's ceiling and ratio that applied (null: none). */
  priceCeiling: Money | null;
  selfPayRatio: Money | null;
  fullSelfPay: Money;
  overLimitSelfPay: Money;
  preSelfPay: Money;
  policyScope: Money;
}

/** One fee category of the slip: the amount by level, and what is in policy scope. */
export interface FeeCategoryTotals {
  total: Money;
  /** 甲 */
  levelA: Money;
  /** 乙 */
  levelB: Money;
  /** 丙 */
  levelC: Money;
  policyScope: Money;
}

export interface FeeLineClassification {
  catalogueId: string;
  charges: Charges;
  lines: ClassifiedFeeLine[];
  /** Every national category 01–14, zero ones included (iterate FEE_CATEGORY_CODES for code order). */
  feeCategories: Record<FeeCategory, FeeCategoryTotals>;
  /** Whether any 乙 line took a self-pay share (a note names assumed ratios). */
  levelBUsed: boolean;
}

export type ClassificationOutcome = { ok: true; classification: FeeLineClassification } | { ok: false; details: ErrorDetail[] };

/** The date whose catalogue entry applies: the line's time, else the discharge date. */
function dateOf(line: FeeLine, dischargeDate: IsoDate): IsoDate {
  return line.time === null ? dischargeDate : line.time.slice(0, 10);
}

function unknownCode(catalogue: Catalogue, line: FeeLine, date: IsoDate): string {
  const periods = catalogue.periodsOf(line.code);
  if (periods.length === 0) return `code ${line.code} is not in catalogue ${catalogue.id}`;
  return `code ${line.code} is not valid on ${date} in catalogue ${catalogue.id} (valid ${periods.map(period).join(', ')})`;
}

/**
 * A sum in integer fen while every addend is a safe whole number of fen (a
 * bill's parts are), else in decimals: 2,000 lines made ~10,000 decimals
 * summing. Property-tested against decimal.js sums (test/property/fee-lines).
 */
class FenSum {
  private fen = 0;
  private rest: Money | null = null;

  add(value: Money, fen: number | null = fenOfMoney(value)): void {
    const next = fen === null ? Number.NaN : this.fen + fen;
    if (Number.isSafeInteger(next)) this.fen = next;
    else this.rest = this.rest === null ? value : this.rest.plus(value);
  }

  get money(): Money {
    const money = moneyOfFen(this.fen);
    return this.rest === null ? money : money.plus(this.rest);
  }
}

type CategorySums = Record<keyof FeeCategoryTotals, FenSum>;

export function classifyFeeLines(lines: readonly FeeLine[], catalogue: Catalogue, dischargeDate: IsoDate): ClassificationOutcome {
  const details: ErrorDetail[] = [];
  const classified: ClassifiedFeeLine[] = [];
  const sums = {} as Record<FeeCategory, CategorySums>;
  for (const code of FEE_CATEGORY_CODES) sums[code] = { total: new FenSum(), levelA: new FenSum(), levelB: new FenSum(), levelC: new FenSum(), policyScope: new FenSum() };
  const total = new FenSum();
  const fullSelfPay = new FenSum();
  const overLimitSelfPay = new FenSum();
  const preSelfPay = new FenSum();
  let levelBUsed = false;

  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!;
    const date = dateOf(line, dischargeDate);
    const entry = catalogue.lookup(line.code, date);
    if (entry === undefined) {
      details.push({ path: `charges.lines.${index}.code`, message: unknownCode(catalogue, line, date) });
      continue;
    }
    if (details.length > 0) continue; // refused anyway: only look for more unknown codes

    const { amount } = line;
    let full = ZERO;
    let over = ZERO;
    let pre = ZERO;
    let scope: Money;
    if (entry.level === '03') {
      full = amount;
      scope = ZERO;
    } else {
      if (entry.priceCeiling !== null && line.unitPrice.gt(entry.priceCeiling)) {
        over = round2(line.unitPrice.minus(entry.priceCeiling).times(line.quantity));
      }
      const afterOver = over.isZero() ? amount : amount.minus(over);
      if (entry.level === '02') {
        pre = round2(afterOver.times(entry.selfPayRatio!));
        levelBUsed = true;
      }
      scope = pre.isZero() ? afterOver : afterOver.minus(pre);
    }

    classified.push({
      lineId: line.lineId,
      code: line.code,
      level: entry.level,
      category: entry.category,
      amount,
      priceCeiling: entry.priceCeiling,
      selfPayRatio: entry.selfPayRatio,
      fullSelfPay: full,
      overLimitSelfPay: over,
      preSelfPay: pre,
      policyScope: scope,
    });
    // Sums skip zero parts: a 5,000-line bill is mostly 甲 lines with nothing self-paid.
    const amountFen = fenOfMoney(amount);
    total.add(amount, amountFen);
    if (!full.isZero()) fullSelfPay.add(full, amountFen);
    if (!over.isZero()) overLimitSelfPay.add(over);
    if (!pre.isZero()) preSelfPay.add(pre);
    const slip = sums[entry.category];
    slip.total.add(amount, amountFen);
    if (entry.level === '01') slip.levelA.add(amount, amountFen);
    else if (entry.level === '02') slip.levelB.add(amount, amountFen);
    else slip.levelC.add(amount, amountFen);
    if (!scope.isZero()) slip.policyScope.add(scope, scope === amount ? amountFen : undefined);
  }

  if (details.length > 0) return { ok: false, details };
  const categories = {} as Record<FeeCategory, FeeCategoryTotals>;
  for (const code of FEE_CATEGORY_CODES) {
    const slip = sums[code];
    categories[code] = { total: slip.total.money, levelA: slip.levelA.money, levelB: slip.levelB.money, levelC: slip.levelC.money, policyScope: slip.policyScope.money };
  }
  return {
    ok: true,
    classification: {
      catalogueId: catalogue.id,
      charges: { total: total.money, fullSelfPay: fullSelfPay.money, overLimitSelfPay: overLimitSelfPay.money, preSelfPay: preSelfPay.money },
      lines: classified,
      feeCategories: categories,
      levelBUsed,
    },
  };
}
