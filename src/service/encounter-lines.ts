/** A stay's uploaded lines as the engine takes them, and refund lines as answered. */
import type { EncounterFeeLine } from '../domain/encounter.js';
import { Decimal } from '../domain/money.js';
import type { FeeLine } from '../domain/types.js';
import type { ClassifiedFeeLine } from '../engine/fee-lines.js';

/** A refund line is answered with its original's figures, negated. */
export function negatedLine(classified: ClassifiedFeeLine, lineId: string): ClassifiedFeeLine {
  return {
    ...classified,
    lineId,
    amount: classified.amount.negated(),
    fullSelfPay: classified.fullSelfPay.negated(),
    overLimitSelfPay: classified.overLimitSelfPay.negated(),
    preSelfPay: classified.preSelfPay.negated(),
    policyScope: classified.policyScope.negated(),
  };
}

/** A stored line as the engine's FeeLine (amounts as decimals, refunds as the charge they undo). */
export function feeLineOf(line: EncounterFeeLine): FeeLine {
  const abs = (text: string) => new Decimal(text).abs();
  return {
    lineId: line.lineId,
    code: line.code,
    hospitalCode: line.hospitalCode,
    name: line.name,
    quantity: abs(line.quantity),
    unitPrice: new Decimal(line.unitPrice),
    amount: abs(line.amount),
    time: line.time,
  };
}
