/**
 * The registry written in batches (npm run import, POST /v1/enrollees:bulk),
 * with PUT semantics: a record is created or replaced whole, and the same
 * record again changes nothing. A changed enrollee's cached coverage copy is
 * dropped, as PUT /v1/enrollees/{card} does; an unchanged one keeps it, so a
 * re-run does not send every person back to the enrollment system.
 *
 * Referral filings get ids derived from their content (same shape as the
 * random ones, slot included), so filing the same row twice files once; a
 * filing revoked since stays revoked.
 */
import type { Enrollee, Filing, Hospital } from '../domain/types.js';
import { derivedId } from '../store/keys.js';
import type { Repositories } from '../store/repositories.js';
import type { WriteOutcome } from '../store/script-results.js';
import { DEFAULT_MAX_ACTIVE_FILINGS, type FilingDraft } from './referrals.js';

export type BulkOutcome = WriteOutcome | { rejected: { code: 'ENROLLEE_NOT_FOUND' | 'LIMIT_REACHED'; message: string } };

export class RegistryBulk {
  constructor(
    private readonly repos: Pick<Repositories, 'registry' | 'filings' | 'hospitalIndex'>,
    private readonly now: () => Date = () => new Date(),
    private readonly maxActiveFilings = DEFAULT_MAX_ACTIVE_FILINGS,
  ) {}

  /** The store drops a changed person's cached coverage in the same script that writes the record. */
  putEnrollees(enrollees: readonly Enrollee[]): Promise<WriteOutcome[]> {
    return this.repos.registry.putEnrollees(enrollees);
  }

  async putHospitals(hospitals: readonly Hospital[]): Promise<WriteOutcome[]> {
    const outcomes = await this.repos.registry.putHospitals(hospitals);
    // The search index keeps every hospital written (searches read it).
    await this.repos.hospitalIndex.note(hospitals.filter((_, i) => outcomes[i] !== 'unchanged'));
    return outcomes;
  }

  /** The id a filing row gets: derived from what it files, so the same row files once. */
  static filingId(draft: FilingDraft): string {
    const material = JSON.stringify([draft.card, draft.kind, draft.validFrom, draft.validTo, draft.toHospitalId ?? null, draft.diagnosis ?? null]);
    return derivedId('R', draft.card, material);
  }

  async fileReferrals(drafts: readonly FilingDraft[]): Promise<{ referralId: string; outcome: BulkOutcome }[]> {
    const known = await this.repos.registry.enrolleesExist(drafts.map((d) => d.card));
    const createdAt = this.now().toISOString();
    const filings: Filing[] = [];
    const slots: number[] = [];
    const results: { referralId: string; outcome: BulkOutcome }[] = drafts.map((draft, i) => {
      const referralId = RegistryBulk.filingId(draft);
      if (!known[i]) return { referralId, outcome: { rejected: { code: 'ENROLLEE_NOT_FOUND', message: `no enrollee with card ${draft.card}` } } };
      slots.push(i);
      filings.push({
        referralId,
        card: draft.card,
        kind: draft.kind,
        validFrom: draft.validFrom,
        validTo: draft.validTo,
        toHospitalId: draft.toHospitalId ?? null,
        diagnosis: draft.diagnosis ?? null,
        status: 'active',
        createdAt,
        revokedAt: null,
      });
      return { referralId, outcome: 'created' };
    });
    const outcomes = await this.repos.filings.createFilings(filings, this.maxActiveFilings);
    outcomes.forEach((outcome, j) => {
      const result = results[slots[j]!]!;
      if (outcome === 'exists') result.outcome = 'unchanged';
      else if (outcome === 'limit-reached') {
        result.outcome = {
          rejected: { code: 'LIMIT_REACHED', message: `the person already holds ${this.maxActiveFilings} active filings: revoke those no longer needed first` },
        };
      }
    });
    return results;
  }
}
