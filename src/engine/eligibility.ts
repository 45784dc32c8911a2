/**
 * Whether a request may be settled at all under its policy: visit type,
 * exclusions, coverage period, who may claim childbirth, special-outpatient
 * approval. Each refusal names the clause it comes from.
 */
import { withinPeriod } from '../domain/dates.js';
import type { Enrollee, SettlementRequest } from '../domain/types.js';
import type { Policy, VisitTypeRule } from '../policy/schema.js';
import { Refused } from './explanation.js';

/** The visit type's rule, or VISIT_TYPE_NOT_COVERED. */
export function visitTypeRuleOf(policy: Policy, request: SettlementRequest): VisitTypeRule {
  const rule = policy.visitTypes[request.visitType];
  if (!rule) {
    const covered = Object.keys(policy.visitTypes).join(', ');
    throw new Refused('VISIT_TYPE_NOT_COVERED', `${policy.id} does not settle ${request.visitType} visits (it settles: ${covered})`);
  }
  return rule;
}

export function checkEligibility(policy: Policy, rule: VisitTypeRule, request: SettlementRequest, enrollee: Enrollee): void {
  const liability = request.liability ?? 'none';
  if (policy.exclusions.liabilities.includes(liability)) {
    throw new Refused('NOT_COVERED', `costs borne by ${liability} are outside the fund (${policy.exclusions.cite})`);
  }

  // Which date must lie in a coverage period is the policy's attribution rule.
  const coveredDate = policy.attribution.rule === 'discharge-date' ? request.dischargeDate : request.admissionDate;
  if (!enrollee.coverage.some((period) => withinPeriod(coveredDate, period.from, period.to))) {
    const which = policy.attribution.rule === 'discharge-date' ? 'discharge' : 'admission';
    throw new Refused('NOT_COVERED', `the ${which} date ${coveredDate} lies in no coverage period of the person (${policy.attribution.cite})`);
  }

  if (rule.womenOnly && enrollee.sex !== 'F') {
    throw new Refused('NOT_COVERED', `${request.visitType} is settled for women only (${rule.cite})`);
  }
  if (rule.maternityInsuredExcluded && enrollee.maternityInsured) {
    throw new Refused('NOT_COVERED', `the person has maternity insurance: the maternity fund pays (${rule.cite})`);
  }

  if (rule.requiresDelivery && !request.delivery) {
    throw new Refused('VALIDATION_FAILED', `${policy.id} pays ${request.visitType} by delivery mode: delivery is required`, [
      { path: 'delivery', message: `required for ${request.visitType}: "vaginal" or "cesarean"` },
    ]);
  }
  if (rule.approvedDiseases) checkSpecialDisease(policy, rule, request, enrollee);
}

function checkSpecialDisease(policy: Policy, rule: VisitTypeRule, request: SettlementRequest, enrollee: Enrollee): void {
  const diseases = rule.approvedDiseases!;
  const disease = request.specialDisease;
  if (!disease) {
    throw new Refused('SPECIAL_DISEASE_NOT_APPROVED', `a ${request.visitType} settlement must name the specialDisease (${rule.cite})`);
  }
  if (diseases !== 'any' && !diseases.includes(disease)) {
    throw new Refused('SPECIAL_DISEASE_NOT_APPROVED', `${disease} is not a special disease of ${policy.id} (${rule.cite})`);
  }
  if (!enrollee.specialDiseases.includes(disease)) {
    throw new Refused('SPECIAL_DISEASE_NOT_APPROVED', `the person holds no approval for special disease ${disease} (${rule.cite})`);
  }
}
