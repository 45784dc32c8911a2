/**
 * Which filing (转诊/备案) covers an out-of-area stay; what being out of area
 * does is the policy's (refusals and adjustments on `filed`, `inArea`).
 */
import { filingCoversStay, findCoveringFiling, whyFilingDoesNotCover } from '../domain/filings.js';
import type { Filing, SettlementRequest } from '../domain/types.js';
import { en, zh, type Explanation } from './explanation.js';

/** The active filing that covers this stay; a named referralId is the only one considered. */
export function coveringFiling(filings: readonly Filing[], request: SettlementRequest, explanation: Explanation): Filing | null {
  if (request.referralId == null) return findCoveringFiling(filings, request.hospitalId, request.dischargeDate);
  const named = filings.find((filing) => filing.referralId === request.referralId);
  if (!named) {
    const params = { referralId: request.referralId };
    explanation.note(en('engine.note.referralNotOwn', params), zh('engine.note.referralNotOwn', params));
    return null;
  }
  if (filingCoversStay(named, request.hospitalId, request.dischargeDate)) return named;
  const params = { referralId: request.referralId, why: whyFilingDoesNotCover(named, request.hospitalId, request.dischargeDate) ?? 'the filing does not cover this stay' };
  explanation.note(en('engine.note.referralNotCovering', params), zh('engine.note.referralNotCovering', params));
  return null;
}
