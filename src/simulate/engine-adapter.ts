/**
 * The one place the what-if replay touches the policy loader and the engine:
 * loads a policy directory (and the catalogues its policies name) and settles
 * one recorded stay from given year-to-date accumulators, the way the
 * settlement service does (settlements.ts), with the inputs recorded then.
 */
import { loadCatalogues } from '../catalogue/loader.js';
import type { CatalogueSet } from '../catalogue/catalogue.js';
import { applyDeltas, emptyAccumulators } from '../domain/accumulators.js';
import { dateOfDayNumber, dayNumber, yearOf } from '../domain/dates.js';
import type { Accumulators, PreviousStay } from '../domain/types.js';
import { needsOfPolicies, type PolicyNeeds } from '../engine/needs.js';
import { settle } from '../engine/settle.js';
import type { SettlementComputation } from '../engine/types.js';
import { loadPolicyDirectory } from '../policy/loader.js';
import type { PolicyCatalog } from '../policy/catalog.js';
import type { SettlementInputs } from '../service/settlement-inputs.js';

export interface LoadedPolicies {
  directory: string;
  catalog: PolicyCatalog;
  catalogues: CatalogueSet;
  policyIds: string[];
}

export type PolicyLoad = { ok: true; policies: LoadedPolicies } | { ok: false; directory: string; reason: string };

/** A policy directory and its catalogues, or why it does not load (never a throw). */
export async function loadPolicies(directory: string, catalogueDirectory: string): Promise<PolicyLoad> {
  try {
    const catalog = loadPolicyDirectory(directory);
    const catalogues = await loadCatalogues(catalogueDirectory, catalog);
    return { ok: true, policies: { directory, catalog, catalogues, policyIds: catalog.policies.map((p) => p.id).sort() } };
  } catch (error) {
    return { ok: false, directory, reason: (error as Error).message };
  }
}

/** A person's year-to-date as the service keeps it: accumulators and listed inpatient stays. */
export interface YearToDate {
  accumulators: Accumulators;
  stays: PreviousStay[];
}

export function freshYearToDate(): YearToDate {
  return { accumulators: emptyAccumulators(), stays: [] };
}

const needsMemo = new WeakMap<LoadedPolicies, Map<number, PolicyNeeds>>();

/** What the year's policies read beyond the stay (the same for every stay of the year: worked out once). */
function needsOfYear(policies: LoadedPolicies, year: number): PolicyNeeds {
  let byYear = needsMemo.get(policies);
  if (!byYear) needsMemo.set(policies, (byYear = new Map()));
  let needs = byYear.get(year);
  if (!needs) byYear.set(year, (needs = needsOfPolicies(policies.catalog.policies.filter((policy) => policy.benefitYear === year))));
  return needs;
}

export type ReplayOutcome = { ok: true; computation: SettlementComputation } | { ok: false; code: string; message: string };

/**
 * Settles one stay from `ytd` and, when it settles, moves `ytd` on by its deltas
 * (applyDeltas, as a commit does) and lists an inpatient stay as a commit lists it.
 */
export function replayStay(policies: LoadedPolicies, inputs: SettlementInputs, settlementId: string, ytd: YearToDate): ReplayOutcome {
  const { request, hospital } = inputs;
  const year = yearOf(request.dischargeDate);
  let previousStays: PreviousStay[] = [];
  // As the service reads them (settlements.ts readScope): a transfer's day before, and the policies' readmission window.
  const needs = needsOfYear(policies, year);
  const lookBack = Math.max(request.consortiumTransfer ? 1 : 0, needs.staysLookBackDays);
  if (lookBack > 0) {
    const from = dateOfDayNumber(dayNumber(request.admissionDate) - lookBack);
    previousStays = ytd.stays.filter((s) => s.dischargeDate >= from && s.dischargeDate <= request.admissionDate);
  }
  let outcome;
  try {
    outcome = settle({
      catalog: policies.catalog,
      request,
      hospital,
      enrollee: inputs.enrollee,
      filings: inputs.filings,
      previousStays,
      accumulators: ytd.accumulators,
      accumulatorsYear: year,
      catalogues: policies.catalogues,
    });
  } catch (error) {
    // A draft can break what the engine assumes (e.g. another attribution rule): counted as refused, never a crash.
    return { ok: false, code: 'ENGINE_ERROR', message: (error as Error).message };
  }
  if (!outcome.ok) return { ok: false, code: outcome.refusal.code, message: outcome.refusal.message };
  const computation = outcome.settlement;
  ytd.accumulators = applyDeltas(ytd.accumulators, computation.deltas);
  if (request.visitType === 'inpatient') {
    ytd.stays.push({
      settlementId,
      hospitalId: request.hospitalId,
      consortium: hospital.consortium ?? null,
      dischargeDate: request.dischargeDate,
      admissionOrdinal: computation.admissionOrdinal,
    });
  }
  return { ok: true, computation };
}
