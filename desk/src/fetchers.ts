/**
 * What the desk reads from /v1, cached where it does not change within a
 * session (policies, hospitals): one module, shared by every page.
 */
import { ApiError, get, seg } from './api.js';
import type { PersonData } from './components/PersonPanel.js';
import { normaliseDate, type BillInput } from './bill.js';
import { isIsoDate } from './format.js';
import type { Accumulators, Enrollee, Filing, Hospital, PolicyDetail, PolicySummary, Settlement } from './wire.js';

let policiesCache: Promise<PolicySummary[]> | null = null;
export function policies(): Promise<PolicySummary[]> {
  policiesCache ??= get<{ policies: PolicySummary[] }>('/v1/policies').then((answer) => answer.body.policies);
  policiesCache.catch(() => (policiesCache = null));
  return policiesCache;
}

const policyCache = new Map<string, Promise<PolicyDetail>>();
export function policyDetail(policyId: string): Promise<PolicyDetail> {
  let detail = policyCache.get(policyId);
  if (!detail) {
    detail = get<PolicyDetail>(`/v1/policies/${seg(policyId)}`).then((answer) => answer.body);
    detail.catch(() => policyCache.delete(policyId));
    policyCache.set(policyId, detail);
  }
  return detail;
}

const hospitalCache = new Map<string, Promise<Hospital | null>>();
export function hospitalOf(hospitalId: string): Promise<Hospital | null> {
  let hospital = hospitalCache.get(hospitalId);
  if (!hospital) {
    hospital = get<Hospital>(`/v1/hospitals/${seg(hospitalId)}`).then(
      (answer) => answer.body,
      () => {
        // Not kept: a later page asks again (a busy service's refusal must not hide the name for the session).
        hospitalCache.delete(hospitalId);
        return null;
      },
    );
    hospitalCache.set(hospitalId, hospital);
  }
  return hospital;
}

/** A hospital the page already holds (a search's answer): later names of it need no request. */
export function rememberHospital(hospital: Hospital): void {
  hospitalCache.set(hospital.hospitalId, Promise.resolve(hospital));
}

/** A person's filings (GET /v1/enrollees/{card}/referrals); null where the service has no such list. */
export async function filingsOf(card: string): Promise<Filing[] | null> {
  try {
    return (await get<{ referrals: Filing[] }>(`/v1/enrollees/${seg(card)}/referrals`)).body.referrals;
  } catch (error) {
    if (error instanceof ApiError && (error.status === 404 || error.status === 405) && error.code !== 'ENROLLEE_NOT_FOUND') return null;
    throw error;
  }
}

/** A person's settlements of a year, following `next` pages when the service pages them. */
export async function settlementsOf(card: string, year: number): Promise<Settlement[]> {
  const all: Settlement[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 50; page++) {
    const query: string = `year=${year}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const answer: { body: { settlements: Settlement[]; next?: string | null } } = await get(`/v1/enrollees/${seg(card)}/settlements?${query}`);
    all.push(...answer.body.settlements);
    cursor = answer.body.next ?? null;
    if (!cursor) break;
  }
  return all;
}

function yearOf(bill: BillInput, enrollee: Enrollee): number {
  const discharge = normaliseDate(bill.dischargeDate);
  if (isIsoDate(discharge)) return Number(discharge.slice(0, 4));
  const last = enrollee.coverage
    .map((period) => period.to)
    .sort()
    .pop();
  return last ? Number(last.slice(0, 4)) : new Date().getFullYear();
}

export async function loadPerson(card: string, year: number | null, bill: BillInput): Promise<PersonData> {
  const enrollee = (await get<Enrollee>(`/v1/enrollees/${seg(card)}`)).body;
  const benefitYear = year ?? yearOf(bill, enrollee);
  const [summaries, accumulators, filings] = await Promise.all([
    policies().catch(() => [] as PolicySummary[]),
    get<Accumulators>(`/v1/enrollees/${seg(card)}/accumulators/${benefitYear}`).then(
      (answer) => answer.body,
      () => null,
    ),
    filingsOf(card).catch(() => null),
  ]);
  const summary = summaries.find((policy) => policy.region === enrollee.region && policy.benefitYear === benefitYear);
  const policy = summary ? await policyDetail(summary.policyId).catch(() => null) : null;
  return { enrollee, year: benefitYear, accumulators, policy, filings };
}
