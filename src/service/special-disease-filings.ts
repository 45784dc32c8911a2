/**
 * Special-disease filings (门诊慢特病备案, the platform's 2503 / 2504; the
 * native POST /v1/enrollees/{card}/special-diseases): a person's approval for
 * one special disease, valid between two dates, kept after revocation. A
 * special-outpatient settlement honours an active filing valid on its date as
 * it honours the registry's approved special diseases.
 */
import { ConflictError, LimitError, NotFoundError, ValidationError } from '../domain/errors.js';
import type { Actor, Enrollee, SettlementRequest } from '../domain/types.js';
import { newId } from '../store/keys.js';
import { checkStored, specialDiseaseFilingSchema } from '../store/record-schemas.js';
import type { SpecialDiseaseStore } from '../store/special-disease-store.js';
import { sayBoth, type MessageEntry } from '../messages/index.js';

/** A person holds at most this many special-disease filings, revoked ones included. */
export const MAX_SPECIAL_DISEASE_FILINGS = 50;

export interface SpecialDiseaseFiling {
  filingId: string;
  card: string;
  /** The disease code as the policy's special-outpatient list names it. */
  disease: string;
  diseaseName: string | null;
  validFrom: string;
  validTo: string;
  status: 'active' | 'revoked';
  createdAt: string;
  revokedAt: string | null;
  /** Who filed it: a hospital through the platform, or a key on the native API. */
  filedBy: { hospitalId: string | null; keyId: string | null };
  revocation?: { reason: string | null; operator: { id: string | null; name: string | null; keyId: string | null } };
}

/** A stored filing, checked against its schema. */
function filingOf(json: string): SpecialDiseaseFiling {
  return checkStored<SpecialDiseaseFiling>(specialDiseaseFilingSchema, json, 'special-disease filing');
}

export interface SpecialDiseaseDraft {
  card: string;
  disease: string;
  diseaseName?: string | null | undefined;
  validFrom: string;
  validTo: string;
  /** Derived from the message that files it (2503): filing it again is the same filing. */
  filingId?: string | undefined;
  filedBy: SpecialDiseaseFiling['filedBy'];
}

export class SpecialDiseaseFilings {
  constructor(
    private readonly store: SpecialDiseaseStore,
    private readonly now: () => Date = () => new Date(),
    private readonly maxFilings = MAX_SPECIAL_DISEASE_FILINGS,
  ) {}

  async file(draft: SpecialDiseaseDraft): Promise<SpecialDiseaseFiling> {
    if (draft.validTo < draft.validFrom) throw new ValidationError('the filing ends before it begins', [{ path: 'validTo', message: 'before validFrom' }]);
    if (!(await this.store.enrolled(draft.card))) throw new NotFoundError(`no enrollee ${draft.card}`, 'ENROLLEE_NOT_FOUND');
    const filing: SpecialDiseaseFiling = {
      filingId: draft.filingId ?? newId('D', draft.card),
      card: draft.card,
      disease: draft.disease,
      diseaseName: draft.diseaseName ?? null,
      validFrom: draft.validFrom,
      validTo: draft.validTo,
      status: 'active',
      createdAt: this.now().toISOString(),
      revokedAt: null,
      filedBy: draft.filedBy,
    };
    const outcome = await this.store.put(draft.card, filing.filingId, JSON.stringify(filing), this.maxFilings);
    if (outcome === 'limit-reached') throw new LimitError(`the person holds ${this.maxFilings} special-disease filings`);
    if (outcome === 'exists') return this.get(draft.card, filing.filingId); // filed before by the same message
    return filing;
  }

  async ofPerson(card: string): Promise<SpecialDiseaseFiling[]> {
    const all = await this.store.all(card);
    return Object.values(all)
      .map(filingOf)
      .sort((a, b) => (a.createdAt < b.createdAt ? -1 : 1));
  }

  async get(card: string, filingId: string): Promise<SpecialDiseaseFiling> {
    const found = (await this.store.all(card))[filingId];
    if (!found) throw new NotFoundError(`no special-disease filing ${filingId} of this person`);
    return filingOf(found);
  }

  /** Revokes a filing (kept, with who and why); revoking it again changes nothing. */
  async revoke(card: string, filingId: string, actor: Actor, reason: string | null, filedByHospital?: string): Promise<SpecialDiseaseFiling> {
    for (let round = 0; round < 5; round++) {
      const raw = (await this.store.all(card))[filingId];
      if (!raw) throw new NotFoundError(`no special-disease filing ${filingId} of this person`);
      const filing = filingOf(raw);
      if (filedByHospital !== undefined && filing.filedBy.hospitalId !== filedByHospital)
        throw new ValidationError('a hospital revokes the filings it filed', [{ path: 'filingId', message: 'filed by another' }]);
      if (filing.status === 'revoked') return filing;
      const revoked: SpecialDiseaseFiling = {
        ...filing,
        status: 'revoked',
        revokedAt: this.now().toISOString(),
        revocation: { reason, operator: { ...actor.operator, keyId: actor.keyId } },
      };
      const outcome = await this.store.revoke(card, filingId, raw, JSON.stringify(revoked));
      if (outcome === 'revoked') return revoked;
      if (outcome === 'not-found') throw new NotFoundError(`no special-disease filing ${filingId} of this person`);
    }
    throw new ConflictError('IDEMPOTENCY_CONFLICT', `filing ${filingId} kept changing; retry`);
  }

  /**
   * The enrollee as a special-outpatient settlement sees them: the registry's
   * approved diseases, and the disease of an active filing valid on the
   * settlement's date. Other visits read nothing more.
   */
  async withFiledDiseases(request: SettlementRequest, enrollee: Enrollee): Promise<{ enrollee: Enrollee; note: MessageEntry | null }> {
    const disease = request.specialDisease;
    if (request.visitType !== 'special-outpatient' || !disease || enrollee.specialDiseases.includes(disease)) return { enrollee, note: null };
    const on = request.dischargeDate;
    const filing = (await this.ofPerson(request.card)).find((f) => f.status === 'active' && f.disease === disease && f.validFrom <= on && on <= f.validTo);
    if (!filing) return { enrollee, note: null };
    return {
      enrollee: { ...enrollee, specialDiseases: [...enrollee.specialDiseases, disease] },
      note: sayBoth('notes.specialDisease.filed', { disease, filingId: filing.filingId, validFrom: filing.validFrom, validTo: filing.validTo }),
    };
  }
}
