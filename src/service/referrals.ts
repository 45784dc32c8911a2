/** The referral desk: file, read and revoke out-of-area approvals (kept, never erased). */
import { LimitError, NotFoundError, RefusalError } from '../domain/errors.js';
import { say } from '../messages/index.js';
import type { Actor, Filing, FilingKind } from '../domain/types.js';
import { newId } from '../store/keys.js';
import type { Page, Store } from '../store/store.js';

/** A person holds at most this many active filings unless configured otherwise (MAX_ACTIVE_FILINGS). */
export const DEFAULT_MAX_ACTIVE_FILINGS = 20;

export interface FilingDraft {
  card: string;
  kind: FilingKind;
  validFrom: string;
  validTo: string;
  toHospitalId?: string | null | undefined;
  diagnosis?: string | null | undefined;
  /** A filing id derived from the message that files it (the platform's 2501): filing it again is the same filing. */
  referralId?: string | undefined;
  /** Who filed it, when a hospital files through the platform. */
  filedBy?: Filing['filedBy'];
}

export class ReferralService {
  constructor(
    private readonly store: Store,
    private readonly now: () => Date = () => new Date(),
    private readonly maxActive = DEFAULT_MAX_ACTIVE_FILINGS,
  ) {}

  async create(draft: FilingDraft): Promise<Filing> {
    // A filing to a hospital the registry does not hold could never match a stay: refused, naming it.
    if (draft.toHospitalId && (await this.store.getHospital(draft.toHospitalId)) === null) {
      const hospitalId = draft.toHospitalId;
      const refusal = new RefusalError('HOSPITAL_NOT_FOUND', `the receiving hospital ${hospitalId} is not in the registry`, [
        { path: 'toHospitalId', message: `${hospitalId} is not in the registry` },
      ]);
      refusal.zh = {
        message: say('errors.referral.hospitalUnknown', { hospitalId }),
        details: [{ path: 'toHospitalId', message: say('errors.referral.hospitalUnknownDetail', { hospitalId }) }],
      };
      throw refusal;
    }
    const filing: Filing = {
      referralId: draft.referralId ?? newId('R', draft.card),
      card: draft.card,
      kind: draft.kind,
      validFrom: draft.validFrom,
      validTo: draft.validTo,
      toHospitalId: draft.toHospitalId ?? null,
      diagnosis: draft.diagnosis ?? null,
      status: 'active',
      createdAt: this.now().toISOString(),
      revokedAt: null,
      ...(draft.filedBy ? { filedBy: draft.filedBy } : {}),
    };
    const outcome = await this.store.createFiling(filing, this.maxActive);
    if (outcome === 'limit-reached') {
      throw new LimitError(`the person already holds ${this.maxActive} active filings: revoke those no longer needed before filing another`);
    }
    if (outcome === 'exists') {
      if (draft.referralId === undefined) throw new Error(`filing id ${filing.referralId} collided`);
      return this.get(filing.referralId); // filed before by the same message
    }
    return filing;
  }

  async get(referralId: string): Promise<Filing> {
    const filing = await this.store.getFiling(referralId);
    if (!filing) throw new NotFoundError(`no referral filing ${referralId}`);
    return filing;
  }

  /** The person's active filings (bounded by the cap), or every filing a page at a time. */
  async ofPerson(card: string, status: 'active' | 'all', cursor: string | null, limit: number): Promise<Page<Filing>> {
    if (status === 'active') return { items: await this.store.getActiveFilings(card), next: null };
    return this.store.scanFilings(card, cursor ?? '0', limit);
  }

  async revoke(referralId: string, actor: Actor, reason: string | null): Promise<Filing> {
    const revocation = { reason, operator: { ...actor.operator, keyId: actor.keyId } };
    const filing = await this.store.revokeFiling(referralId, this.now().toISOString(), revocation);
    if (!filing) throw new NotFoundError(`no referral filing ${referralId}`);
    return filing;
  }
}

