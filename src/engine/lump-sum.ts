/**
 * Childbirth lump sum (Jinjiang 六(一)7): 顺产 1000, 剖腹产 1500, never more than
 * the policy-scope amount. No admission, no accumulator, no other line.
 */
import type { Money } from '../domain/money.js';
import { minMoney } from '../domain/money.js';
import { zeroDeltas } from '../domain/accumulators.js';
import type { SettlementRequest } from '../domain/types.js';
import type { Policy } from '../policy/schema.js';
import { Refused, type Explanation } from './explanation.js';
import type { StayResult } from './stay.js';

export function settleLumpSum(policy: Policy, request: SettlementRequest, policyScope: Money, explanation: Explanation): StayResult {
  const rule = policy.lumpSums!.childbirth!;
  if (!request.delivery) {
    throw new Refused('VALIDATION_FAILED', `${policy.id} pays childbirth by delivery mode: delivery is required`, [
      { path: 'delivery', message: 'required for childbirth: "vaginal" or "cesarean"' },
    ]);
  }
  const lump = rule.byDelivery[request.delivery]!;
  const basic = minMoney(lump, policyScope);
  explanation.step('lump-sum', `${request.delivery} delivery lump sum, at most the policy-scope amount`, basic, rule.cite);
  explanation.line('basic', basic, rule.cite);
  return { payments: { basic }, admissionOrdinal: null, deltas: zeroDeltas(), referralId: null };
}
