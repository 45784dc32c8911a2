/**
 * What a policy needs read beyond the stay's own year-to-date, so that the
 * service can read it in the same round trip without knowing the rules: the
 * days of earlier stays a readmission window looks back over, and whether a
 * cap carries over last year's unused room. Pure.
 */
import type { Policy } from '../policy/schema.js';
import { optionsOf } from '../policy/schema.js';

export interface PolicyNeeds {
  /** Stays discharged this many days before the admission (0: none) are read. */
  staysLookBackDays: number;
  /** The previous benefit year's accumulators are read. */
  previousYear: boolean;
}

const NOTHING: PolicyNeeds = { staysLookBackDays: 0, previousYear: false };
const memo = new WeakMap<Policy, PolicyNeeds>();

export function needsOfPolicy(policy: Policy): PolicyNeeds {
  const known = memo.get(policy);
  if (known) return known;
  let staysLookBackDays = 0;
  let previousYear = false;
  for (const layer of policy.layers) {
    for (const rule of optionsOf(layer)) {
      staysLookBackDays = Math.max(staysLookBackDays, rule.deductible?.readmissionWithinDays ?? 0);
      if (rule.caps.some((cap) => cap.carryOver !== undefined)) previousYear = true;
    }
  }
  const needs = { staysLookBackDays, previousYear };
  memo.set(policy, needs);
  return needs;
}

/** The union of what any of these policies needs (the person's policy is known only after the read). */
export function needsOfPolicies(policies: readonly Policy[]): PolicyNeeds {
  let needs = NOTHING;
  for (const policy of policies) {
    const own = needsOfPolicy(policy);
    if (own.staysLookBackDays > needs.staysLookBackDays || (own.previousYear && !needs.previousYear)) {
      needs = { staysLookBackDays: Math.max(needs.staysLookBackDays, own.staysLookBackDays), previousYear: needs.previousYear || own.previousYear };
    }
  }
  return needs;
}
