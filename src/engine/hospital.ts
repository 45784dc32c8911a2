/**
 * Where a hospital stands under a policy: in or out of the pooling area, and
 * which tier (Pingyang: by location and kind; Jinjiang, Taiyuan: by level with
 * the policy's level shifts). The registry, not the request, says what a
 * hospital is.
 */
import type { Hospital } from '../domain/types.js';
import type { Policy, Tier } from '../policy/schema.js';

export interface HospitalStanding {
  inArea: boolean;
  tierKey: string;
  tier: Tier;
  /** Level shifts that applied (for the explanation). */
  shifts: string[];
}

function matchesPrefix(admdvs: string, prefixes: readonly string[] | undefined): boolean {
  return prefixes === undefined || prefixes.some((prefix) => admdvs.startsWith(prefix));
}

export function isInArea(policy: Policy, hospital: Hospital): boolean {
  return matchesPrefix(hospital.admdvs, policy.area.admdvsPrefixes);
}

export function standingOf(policy: Policy, hospital: Hospital): HospitalStanding {
  const inArea = isInArea(policy, hospital);
  const method = policy.hospitalTier;
  const shifts: string[] = [];
  let tierKey: string;
  if (method.method === 'location') {
    const rule = method.rules.find(
      (r) => matchesPrefix(hospital.admdvs, r.admdvsPrefixes) && (r.kinds === undefined || r.kinds.includes(hospital.kind)),
    );
    // The schema requires a last rule that matches every hospital.
    tierKey = rule!.tier;
  } else {
    const registryLevel = method.kindLevels[hospital.kind] ?? hospital.level;
    let level = registryLevel;
    // Every shift that applies lowers once, judged on the registry level.
    for (const shift of method.shifts) {
      if (shift.inAreaOnly && !inArea) continue;
      if (shift.countyRun !== undefined && shift.countyRun !== hospital.countyRun) continue;
      if (shift.kinds !== undefined && !shift.kinds.includes(hospital.kind)) continue;
      if (shift.levels !== undefined && !shift.levels.includes(registryLevel)) continue;
      level -= 1;
      shifts.push(shift.label);
    }
    tierKey = String(Math.max(level, method.floor));
  }
  return { inArea, tierKey, tier: policy.tiers[tierKey]!, shifts };
}
