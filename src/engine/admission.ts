/**
 * Admission ordinals and the deductible factor they carry (Jinjiang 六(一)3:
 * 2nd admission 50%, from the 3rd none; consortium transfers continue the
 * previous stay; the special-outpatient year counts as one admission;
 * Pingyang 三(一)3: special-outpatient deductible once a year).
 */
import type { Money } from '../domain/money.js';
import { Decimal } from '../domain/money.js';
import type { Accumulators, Hospital, SettlementRequest } from '../domain/types.js';
import type { Policy, VisitTypeRule } from '../policy/schema.js';
import type { Explanation } from './explanation.js';

const ONE = new Decimal(1);
const NONE = new Decimal(0);

export interface AdmissionTerms {
  /** The admission this stay is (null when the visit is no admission of its own). */
  ordinal: number | null;
  /** Multiplies the tier's deductible. */
  deductibleFactor: Money;
  admissionsDelta: number;
  specialOutpatientDelta: number;
  /** Why the factor is what it is, for the deductible step. */
  reason: string;
}

function factorOf(policy: Policy, ordinal: number): Money {
  const factors = policy.admissions.deductibleFactors;
  return factors[Math.min(ordinal, factors.length) - 1]!;
}

export function admissionTerms(
  policy: Policy,
  rule: VisitTypeRule,
  request: SettlementRequest,
  hospital: Hospital,
  inArea: boolean,
  acc: Accumulators,
  explanation: Explanation,
): AdmissionTerms {
  if (request.visitType === 'special-outpatient') {
    if (acc.specialOutpatientCounted) {
      return { ordinal: null, deductibleFactor: NONE, admissionsDelta: 0, specialOutpatientDelta: 0, reason: 'deductible already taken this year for special outpatient' };
    }
    if (!rule.countsAsAdmission) {
      return { ordinal: null, deductibleFactor: ONE, admissionsDelta: 0, specialOutpatientDelta: 1, reason: 'first special-outpatient settlement of the year' };
    }
    const ordinal = acc.admissions + 1;
    return { ordinal, deductibleFactor: factorOf(policy, ordinal), admissionsDelta: 1, specialOutpatientDelta: 1, reason: `special-outpatient year counted as admission ${ordinal}` };
  }

  if (request.consortiumTransfer) {
    const transfer = policy.admissions.consortiumTransfer;
    if (transfer && inArea && hospital.consortium) {
      return { ordinal: acc.admissions > 0 ? acc.admissions : null, deductibleFactor: NONE, admissionsDelta: 0, specialOutpatientDelta: 0, reason: `consortium transfer within ${hospital.consortium} continues the previous stay` };
    }
    explanation.note(
      transfer
        ? `consortiumTransfer applies only in area at a hospital of a consortium; settled as a new admission (${transfer.cite})`
        : `${policy.id} has no consortium-transfer rule; settled as a new admission`,
    );
  }

  if (!rule.countsAsAdmission) return { ordinal: null, deductibleFactor: ONE, admissionsDelta: 0, specialOutpatientDelta: 0, reason: 'no admission' };
  const ordinal = acc.admissions + 1;
  return { ordinal, deductibleFactor: factorOf(policy, ordinal), admissionsDelta: 1, specialOutpatientDelta: 0, reason: `admission ${ordinal} of the year` };
}
