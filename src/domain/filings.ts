/** policies.md "Filings": when a referral / relocation / out-of-area filing covers a stay. */
import type { IsoDate } from './dates.js';
import { withinPeriod } from './dates.js';
import type { Filing } from './types.js';

export function filingCoversStay(filing: Filing, hospitalId: string, dischargeDate: IsoDate): boolean {
  return filing.status === 'active' && withinPeriod(dischargeDate, filing.validFrom, filing.validTo) && (filing.toHospitalId == null || filing.toHospitalId === hospitalId);
}

/** Why a named filing does not cover the stay, or null when it does. */
export function whyFilingDoesNotCover(filing: Filing, hospitalId: string, dischargeDate: IsoDate): string | null {
  if (filing.status !== 'active') return `filing ${filing.referralId} is ${filing.status}`;
  if (!withinPeriod(dischargeDate, filing.validFrom, filing.validTo)) {
    return `filing ${filing.referralId} is valid ${filing.validFrom}..${filing.validTo}, not on ${dischargeDate}`;
  }
  if (filing.toHospitalId != null && filing.toHospitalId !== hospitalId) {
    return `filing ${filing.referralId} names hospital ${filing.toHospitalId}`;
  }
  return null;
}

/** The first filing that covers the stay (a settlement without referralId looks for one itself). */
export function findCoveringFiling(filings: readonly Filing[], hospitalId: string, dischargeDate: IsoDate): Filing | null {
  for (const filing of filings) if (filingCoversStay(filing, hospitalId, dischargeDate)) return filing;
  return null;
}
