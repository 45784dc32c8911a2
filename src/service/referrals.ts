/** The referral desk: file, read and revoke out-of-area approvals (kept, never erased). */
import { NotFoundError } from '../domain/errors.js';
import type { Filing, FilingKind } from '../domain/types.js';
import { newId } from '../store/keys.js';
import type { Store } from '../store/store.js';

export interface FilingDraft {
  card: string;
  kind: FilingKind;
  validFrom: string;
  validTo: string;
  toHospitalId?: string | null | undefined;
  diagnosis?: string | null | undefined;
}

export class ReferralService {
  constructor(
    private readonly store: Store,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async create(draft: FilingDraft): Promise<Filing> {
    const filing: Filing = {
      referralId: newId('R', draft.card),
      card: draft.card,
      kind: draft.kind,
      validFrom: draft.validFrom,
      validTo: draft.validTo,
      toHospitalId: draft.toHospitalId ?? null,
      diagnosis: draft.diagnosis ?? null,
      status: 'active',
      createdAt: this.now().toISOString(),
      revokedAt: null,
    };
    await this.store.createFiling(filing);
    return filing;
  }

  async get(referralId: string): Promise<Filing> {
    const filing = await this.store.getFiling(referralId);
    if (!filing) throw new NotFoundError(`no referral filing ${referralId}`);
    return filing;
  }

  async revoke(referralId: string): Promise<Filing> {
    const filing = await this.store.revokeFiling(referralId, this.now().toISOString());
    if (!filing) throw new NotFoundError(`no referral filing ${referralId}`);
    return filing;
  }
}
