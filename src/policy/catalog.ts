/**
 * The loaded policies, indexed by id and by region, and selection of the
 * policy that governs a request (policies.md: region of the enrollee, benefit
 * year by the region's attribution rule). Pure: no I/O.
 */
import { yearOf } from '../domain/dates.js';
import type { RefusalCode } from '../domain/errors.js';
import type { Policy } from './schema.js';

export interface LoadedPolicy {
  policy: Policy;
  /** The file as written (citations qualified), for GET /v1/policies/{id}. */
  source: Record<string, unknown>;
  file: string;
  /** The file's content hash (sha256, hex): which text of the policy a settlement used. */
  version: string;
}

export interface StayDates {
  admissionDate: string;
  dischargeDate: string;
}

export type PolicySelection = { ok: true; policy: Policy; benefitYear: number } | { ok: false; code: RefusalCode; message: string };

/** The benefit year a stay belongs to under an attribution rule, or a refusal. */
export function benefitYearOf(rule: Policy['attribution']['rule'], stay: StayDates): PolicySelection | number {
  if (rule === 'discharge-date') return yearOf(stay.dischargeDate);
  const year = yearOf(stay.admissionDate);
  if (year !== yearOf(stay.dischargeDate)) {
    return {
      ok: false,
      code: 'CROSS_YEAR_SPLIT_REQUIRED',
      message: `a stay from ${stay.admissionDate} to ${stay.dischargeDate} crosses the benefit year: settle it as two stays, the first ending ${year}-12-31`,
    };
  }
  return year;
}

/**
 * The last day claims of the policy's benefit year may be made (its
 * claimDeadline), or null when the policy file names none.
 */
export function claimsCloseOn(policy: Policy): string | null {
  const deadline = policy.claimDeadline;
  if (!deadline) return null;
  if (deadline.rule === 'fixed-date-next-year') return `${policy.benefitYear + 1}-${deadline.monthDay}`;
  // The year's last possible discharge is 12-31; `months` later is the end of the same month, that many months on.
  const monthIndex = 11 + deadline.months; // from January of the benefit year
  const year = policy.benefitYear + Math.floor(monthIndex / 12);
  const month = (monthIndex % 12) + 1;
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${year}-${String(month).padStart(2, '0')}-${String(lastDay).padStart(2, '0')}`;
}

export class PolicyCatalog {
  private indexes: { byId: Map<string, LoadedPolicy>; byRegion: Map<string, Policy[]> };

  constructor(loaded: readonly LoadedPolicy[]) {
    this.indexes = PolicyCatalog.index(loaded);
  }

  private static index(loaded: readonly LoadedPolicy[]): PolicyCatalog['indexes'] {
    const byId = new Map<string, LoadedPolicy>();
    const byRegion = new Map<string, Policy[]>();
    for (const entry of loaded) {
      const { policy } = entry;
      if (byId.has(policy.id)) throw new Error(`policy ${policy.id} is defined twice (${entry.file})`);
      const sameYear = byRegion.get(policy.region)?.find((p) => p.benefitYear === policy.benefitYear);
      if (sameYear) throw new Error(`policies ${sameYear.id} and ${policy.id} both cover ${policy.region} ${policy.benefitYear}`);
      byId.set(policy.id, entry);
      const list = byRegion.get(policy.region) ?? [];
      list.push(policy);
      byRegion.set(policy.region, list);
    }
    return { byId, byRegion };
  }

  get byId(): ReadonlyMap<string, LoadedPolicy> {
    return this.indexes.byId;
  }

  private get byRegion(): ReadonlyMap<string, Policy[]> {
    return this.indexes.byRegion;
  }

  /** Every policy as loaded (file, version), in load order. */
  get entries(): LoadedPolicy[] {
    return [...this.indexes.byId.values()];
  }

  /**
   * SIGHUP: takes another catalog's policies in one step, so every holder of
   * this catalog sees them; a computation already running keeps the policy
   * object it selected.
   */
  adopt(next: PolicyCatalog): void {
    this.indexes = next.indexes;
  }

  /** The content hash of the policy file a settlement used, or null when that policy is not loaded. */
  versionOf(policyId: string): string | null {
    return this.indexes.byId.get(policyId)?.version ?? null;
  }

  /** The regions of the loaded policies, each with its name and insurance division (import, demo data). */
  get regions(): { region: string; names: string[]; admdvs: string }[] {
    return [...this.indexes.byRegion.keys()].sort().map((region) => {
      const policies = this.indexes.byRegion.get(region)!;
      return { region, names: [...new Set(policies.map((p) => p.name))], admdvs: this.divisionOf(region)! };
    });
  }

  get policies(): Policy[] {
    return [...this.byId.values()].map((entry) => entry.policy);
  }

  /** The insurance division (参保地医保区划) of a region: that of its latest policy. */
  divisionOf(region: string): string | null {
    const policies = this.byRegion.get(region);
    if (!policies) return null;
    return [...policies].sort((a, b) => b.benefitYear - a.benefitYear)[0]!.insuranceDivision.admdvs;
  }

  /**
   * When the benefit year is closed: the latest claim deadline of its
   * policies (claims may be made up to and including that day), or why it cannot be told.
   */
  yearClosesAfter(year: number): { ok: true; lastClaimDay: string; policies: { id: string; lastClaimDay: string; cite: string }[] } | { ok: false; reason: string } {
    const policies = this.policies.filter((p) => p.benefitYear === year);
    if (policies.length === 0) return { ok: false, reason: `no policy of benefit year ${year} is loaded` };
    const days: { id: string; lastClaimDay: string; cite: string }[] = [];
    for (const policy of policies) {
      const day = claimsCloseOn(policy);
      if (day === null) return { ok: false, reason: `policy ${policy.id} names no claimDeadline, so when ${year} closes cannot be told` };
      days.push({ id: policy.id, lastClaimDay: day, cite: policy.claimDeadline!.cite });
    }
    const lastClaimDay = days
      .map((d) => d.lastClaimDay)
      .sort()
      .at(-1)!;
    return { ok: true, lastClaimDay, policies: days };
  }

  get(policyId: string): LoadedPolicy | undefined {
    return this.byId.get(policyId);
  }

  /** The policy of the person's region whose benefit year the stay belongs to. */
  select(region: string, stay: StayDates): PolicySelection {
    const candidates = this.byRegion.get(region);
    if (!candidates) return { ok: false, code: 'NO_POLICY', message: `no policy is loaded for region "${region}"` };
    for (const policy of candidates) {
      const year = benefitYearOf(policy.attribution.rule, stay);
      if (typeof year !== 'number') return year;
      if (year === policy.benefitYear) return { ok: true, policy, benefitYear: year };
    }
    return {
      ok: false,
      code: 'NO_POLICY',
      message: `no ${region} policy covers a stay discharged ${stay.dischargeDate} (loaded: ${candidates.map((p) => p.id).join(', ')})`,
    };
  }
}
