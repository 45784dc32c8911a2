/**
 * The settlement responses the service would store for a representative,
 * deterministic workload (the worked examples, then
 * representative-settlements.ts), as the real engine and view render them,
 * with fixed ids and times: what the response dictionary is built from
 * (scripts/make-response-dictionary.ts) and judged on (the staleness test).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateRawSync } from 'node:zlib';
import { applyDeltas, emptyAccumulators } from '../../src/domain/accumulators.js';
import type { Accumulators, Enrollee, Filing, Hospital } from '../../src/domain/types.js';
import { settle } from '../../src/engine/settle.js';
import { enrolleeSchema, toEnrollee } from '../../src/contract/registry.js';
import { parseSettlementRequest } from '../../src/contract/settlement.js';
import { loadPolicyDirectory } from '../../src/policy/loader.js';
import { encodeSettlementInputs } from '../../src/service/settlement-inputs.js';
import { settlementView } from '../../src/service/settlement-view.js';
import { slotOfCard } from '../../src/store/keys.js';
import { hideKnownIds, type KnownIds } from '../../src/store/codec/known-ids.js';
import { DEFLATE_LEVEL } from '../../src/store/codec/settlement-record.js';
export { DEFLATE_LEVEL, INPUTS_DEFLATE_LEVEL } from '../../src/store/codec/settlement-record.js';
import { representativeWorkload, seededRandom, workedExamplesFixture, type RequestBody } from './representative-settlements.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The workload's size the dictionary is built and judged with. */
export const SAMPLE_PERSONS = 900;

/**
 * The current dictionary is stale when today's held-out answers deflate more
 * than this share worse than when it was built (the test) or than with a
 * freshly built one (make:dictionary --check).
 */
export const STALE_MARGIN = 0.15;

export interface Sample {
  /** policy, visit type, hospital: the shape of the response */
  shape: string;
  /** the answer as version 4 on deflates it: its own ids hidden (codec/known-ids.ts) */
  bytes: Buffer;
  /** the settlement's inputs as the record keeps them (encodeSettlementInputs), ids hidden likewise */
  inputs: Buffer;
  /** the answer and inputs as they are (what versions up to 3 deflate) */
  plainBytes: Buffer;
  plainInputs: Buffer;
  ids: KnownIds;
}

function hex(random: () => number, length: number): string {
  let out = '';
  while (out.length < length)
    out += Math.floor(random() * 0x100000000)
      .toString(16)
      .padStart(8, '0');
  return out.slice(0, length);
}

/** The responses the service would store for these persons, with deterministic ids and times. */
export function responseSamples(personCount = SAMPLE_PERSONS): Sample[] {
  const catalog = loadPolicyDirectory(path.join(ROOT, 'config/policies'));
  const random = seededRandom(7);
  const workload = representativeWorkload({ persons: personCount, seed: 20190101 });
  const hospitals = new Map<string, Hospital>(workload.hospitals.map((h) => [h.hospitalId, h]));

  // The worked examples, with their filing, then the workload.
  const persons: { enrollee: Enrollee; filings: Filing[]; requests: RequestBody[] }[] = [];
  const worked = new Map<string, RequestBody[]>();
  for (const { request, expect } of workedExamplesFixture.cases) {
    if (expect.status !== 'settled') continue;
    worked.set(request.card, [...(worked.get(request.card) ?? []), request as RequestBody]);
  }
  for (const [card, requests] of worked) {
    const filings = (workedExamplesFixture as unknown as { referrals: Omit<Filing, 'referralId' | 'status'>[] }).referrals
      .filter((r) => r.card === card)
      .map((r, i) => ({
        ...r,
        referralId: `R-${slotOfCard(card).toString(16).padStart(4, '0')}-${hex(random, 32)}`,
        status: 'active' as const,
        createdAt: `2019-01-0${i + 1}T01:00:00.000Z`,
      }));
    persons.push({ enrollee: toEnrollee(card, enrolleeSchema.parse(workedExamplesFixture.enrollees[card])), filings, requests });
  }
  for (const person of workload.persons) persons.push({ ...person, filings: [] });

  const samples: Sample[] = [];
  for (const { enrollee, filings, requests } of persons) {
    let accumulators: Accumulators = emptyAccumulators();
    for (const body of requests) {
      const request = parseSettlementRequest(body);
      const outcome = settle({
        catalog,
        request,
        hospital: hospitals.get(request.hospitalId)!,
        enrollee,
        filings,
        previousStays: [],
        accumulators,
        accumulatorsYear: Number(request.dischargeDate.slice(0, 4)),
      });
      if (!outcome.ok) continue;
      const settlementId = `S-${slotOfCard(enrollee.card).toString(16).padStart(4, '0')}-${hex(random, 32)}`;
      const view = settlementView(outcome.settlement, request, accumulators, {
        settlementId,
        status: 'settled',
        settledAt: workload.settledAtOf(body).toISOString(),
        actor: { operator: workload.operatorOf(body), keyId: `billing-${request.hospitalId}` },
      });
      accumulators = applyDeltas(accumulators, outcome.settlement.deltas);
      const plainBytes = Buffer.from(JSON.stringify(view));
      const plainInputs = encodeSettlementInputs({ request, hospital: hospitals.get(request.hospitalId)!, enrollee, filings });
      const ids = { settlementId, card: enrollee.card };
      samples.push({
        shape: `${view.policyId} ${view.visitType} ${view.hospitalId}`,
        bytes: hideKnownIds(plainBytes, ids),
        inputs: hideKnownIds(plainInputs, ids),
        plainBytes,
        plainInputs,
        ids,
      });
    }
  }
  return samples;
}

export interface SplitSamples {
  training: Sample[];
  /** the held-out half, ids hidden (version 4 on) */
  heldOut: Buffer[];
  heldOutInputs: Buffer[];
  /** the same, as they are (versions up to 3) */
  heldOutPlain: Buffer[];
  heldOutInputsPlain: Buffer[];
  heldOutIds: KnownIds[];
}

/** Half the samples train the dictionaries, the other half only judge them. */
export function splitSamples(samples: Sample[]): SplitSamples {
  const heldOut = samples.filter((_, i) => i % 2 === 1);
  return {
    training: samples.filter((_, i) => i % 2 === 0),
    heldOut: heldOut.map((s) => s.bytes),
    heldOutInputs: heldOut.map((s) => s.inputs),
    heldOutPlain: heldOut.map((s) => s.plainBytes),
    heldOutInputsPlain: heldOut.map((s) => s.plainInputs),
    heldOutIds: heldOut.map((s) => s.ids),
  };
}

/** Total deflated bytes of the samples, at the level the codec stores them with. */
export function compressedSize(samples: Buffer[], dictionary: Buffer | null, level = DEFLATE_LEVEL): number {
  let total = 0;
  for (const sample of samples) total += deflateRawSync(sample, dictionary ? { level, dictionary } : { level }).length;
  return total;
}
