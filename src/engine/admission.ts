/**
 * Admission ordinals and the deductible factor they carry (Jinjiang 六(一)3:
 * 2nd admission 50%, from the 3rd none; consortium transfers continue the
 * previous stay; the special-outpatient year counts as one admission;
 * Pingyang 三(一)3: special-outpatient deductible once a year).
 */
import type { Money } from '../domain/money.js';
import { Decimal } from '../domain/money.js';
import { dateOfDayNumber, dayNumber } from '../domain/dates.js';
import type { Accumulators, Hospital, PreviousStay, SettlementRequest } from '../domain/types.js';
import type { Policy, VisitTypeRule } from '../policy/schema.js';
import { Refused, type Explanation } from './explanation.js';

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
  previousStays: readonly PreviousStay[],
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
    if (!transfer) {
      explanation.note(`${policy.id} has no consortium-transfer rule; settled as a new admission`);
    } else {
      const continued = continuedStay(request, hospital, inArea, previousStays);
      if (!continued) {
        throw new Refused(
          'CONSORTIUM_TRANSFER_UNMATCHED',
          `a consortium transfer must continue a settled inpatient stay of the same year at another hospital of the same consortium, discharged on ${request.admissionDate} or the day before, and take place in area at a consortium hospital (${transfer.cite})`,
          [{ path: 'consortiumTransfer', message: 'no stay to continue' }],
        );
      }
      return {
        ordinal: continued.admissionOrdinal,
        deductibleFactor: NONE,
        admissionsDelta: 0,
        specialOutpatientDelta: 0,
        reason: `consortium transfer within ${hospital.consortium} continues stay ${continued.settlementId} at ${continued.hospitalId}`,
      };
    }
  }

  if (!rule.countsAsAdmission) return { ordinal: null, deductibleFactor: ONE, admissionsDelta: 0, specialOutpatientDelta: 0, reason: 'no admission' };
  const ordinal = acc.admissions + 1;
  return { ordinal, deductibleFactor: factorOf(policy, ordinal), admissionsDelta: 1, specialOutpatientDelta: 0, reason: `admission ${ordinal} of the year` };
}

/** policies.md jinjiang-2018 "Admissions" (decision): the stay a consortium transfer continues, if any. */
function continuedStay(request: SettlementRequest, hospital: Hospital, inArea: boolean, stays: readonly PreviousStay[]): PreviousStay | null {
  if (!inArea || !hospital.consortium) return null;
  const dayBefore = dateOfDayNumber(dayNumber(request.admissionDate) - 1);
  return (
    stays.find(
      (stay) =>
        stay.hospitalId !== hospital.hospitalId &&
        stay.consortium === hospital.consortium &&
        (stay.dischargeDate === request.admissionDate || stay.dischargeDate === dayBefore),
    ) ?? null
  );
}
