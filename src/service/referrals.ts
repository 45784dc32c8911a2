/** The referral desk: file, read and revoke out-of-area approvals (kept, never erased). */
import type { Caller } from '../domain/caller.js';
import { AuthError, LimitError, NotFoundError, RefusalError, ValidationError } from '../domain/errors.js';
import type { Actor, Enrollee, Filing, FilingKind, Hospital, Operator } from '../domain/types.js';
import type { PolicyCatalog } from '../policy/catalog.js';
import type { RegistryService } from './registry.js';
import { say } from '../messages/index.js';
import { newId } from '../store/keys.js';
import type { Repositories } from '../store/repositories.js';
import type { Page } from '../store/store-records.js';
import { actorOf, requireRegion } from './scope.js';

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

/** Where a person's region is read, to judge a referral key's scope. */
export interface EnrolleeSource {
  getEnrollee(card: string): Promise<Enrollee>;
}

export class ReferralService {
  constructor(
    private readonly repos: Pick<Repositories, 'registry' | 'filings'>,
    private readonly now: () => Date = () => new Date(),
    private readonly maxActive = DEFAULT_MAX_ACTIVE_FILINGS,
    private readonly enrollees: EnrolleeSource | null = null,
  ) {}

  // ── The referral desk's use-cases: a referral key acts for persons of its own region only ──

  /** Files for the caller; the person must be known (ENROLLEE_NOT_FOUND otherwise) and, for a referral key, of its region. */
  async fileFor(caller: Caller, draft: FilingDraft): Promise<Filing> {
    requireRegion(caller, (await this.enrolleeSource().getEnrollee(draft.card)).region);
    return this.create(draft);
  }

  /** A filing the caller may see: a referral key sees those of its region's persons only. */
  async getFor(caller: Caller, referralId: string): Promise<Filing> {
    const filing = await this.get(referralId);
    if (caller.role === 'referral') await this.requireOwnRegion(caller, filing);
    return filing;
  }

  private async requireOwnRegion(caller: Caller, filing: Filing): Promise<void> {
    const enrollee = await this.enrolleeSource()
      .getEnrollee(filing.card)
      .catch(() => null);
    if (!enrollee) throw new AuthError('FORBIDDEN', 'the filing belongs to no enrollee of this region');
    requireRegion(caller, enrollee.region);
  }

  /** Revokes, for the caller, a filing read with getFor (a referral key's region is judged again: revocations are rare). */
  async revokeFor(caller: Caller, filing: Filing, operator: Operator, reason: string | null): Promise<Filing> {
    if (caller.role === 'referral') await this.requireOwnRegion(caller, filing);
    return this.revoke(filing.referralId, actorOf(caller, operator), reason);
  }

  /** A person's filings for the caller: a referral key lists its own region's persons only. */
  async ofPersonFor(caller: Caller, card: string, status: 'active' | 'all', cursor: string | null, limit: number): Promise<Page<Filing>> {
    if (caller.role === 'referral') requireRegion(caller, (await this.enrolleeSource().getEnrollee(card)).region);
    return this.ofPerson(card, status, cursor, limit);
  }

  private enrolleeSource(): EnrolleeSource {
    if (!this.enrollees) throw new Error('ReferralService was built without an enrollee source: scope checks need one');
    return this.enrollees;
  }

  async create(draft: FilingDraft): Promise<Filing> {
    // A filing to a hospital the registry does not hold could never match a stay: refused, naming it.
    if (draft.toHospitalId && (await this.repos.registry.getHospital(draft.toHospitalId)) === null) {
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
    const outcome = await this.repos.filings.createFiling(filing, this.maxActive);
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
    const filing = await this.repos.filings.getFiling(referralId);
    if (!filing) throw new NotFoundError(`no referral filing ${referralId}`);
    return filing;
  }

  /** The person's active filings (bounded by the cap), or every filing a page at a time. */
  async ofPerson(card: string, status: 'active' | 'all', cursor: string | null, limit: number): Promise<Page<Filing>> {
    if (status === 'active') return { items: await this.repos.filings.getActiveFilings(card), next: null };
    return this.repos.filings.scanFilings(card, cursor ?? '0', limit);
  }

  async revoke(referralId: string, actor: Actor, reason: string | null): Promise<Filing> {
    const revocation = { reason, operator: { ...actor.operator, keyId: actor.keyId } };
    const filing = await this.repos.filings.revokeFiling(referralId, this.now().toISOString(), revocation);
    if (!filing) throw new NotFoundError(`no referral filing ${referralId}`);
    return filing;
  }
}

/** What filing on behalf of a caller needs besides the filings themselves. */
export interface FilerContext {
  referrals: ReferralService;
  registry: RegistryService;
  catalog: PolicyCatalog;
}

/** A transfer filed by a hospital (the platform's 2501) or a referral desk, naming the receiving hospital by its national code. */
export interface TransferDraft {
  referralId: string;
  card: string;
  validFrom: string;
  validTo: string;
  toHospitalCode: string;
  diagnosis: string;
}

/**
 * Files a transfer within what the caller may file: a referral desk for
 * persons of its own region; a hospital for its own region's insured (or a
 * hospital in that region's insurance area), to another hospital. Errors name
 * the draft's fields (card, validTo, toHospitalCode).
 */
export async function fileTransfer(ctx: FilerContext, caller: Caller, filer: Hospital, draft: TransferDraft): Promise<Filing> {
  if (draft.validTo < draft.validFrom) throw new ValidationError('the filing ends before it begins', [{ path: 'validTo', message: 'before validFrom' }]);
  const enrollee = await ctx.registry.getEnrollee(draft.card);
  const receiving = await ctx.registry.getHospitalByCode(draft.toHospitalCode).catch(() => {
    throw new RefusalError('HOSPITAL_NOT_FOUND', `no hospital with the national code ${draft.toHospitalCode} in the registry`, [
      { path: 'toHospitalCode', message: 'not in the registry' },
    ]);
  });
  if (caller.role === 'referral' && caller.region !== enrollee.region) throw new AuthError('FORBIDDEN', `this key files for region ${caller.region}, not ${enrollee.region}`);
  if (caller.role === 'billing') {
    const inArea =
      ctx.catalog.divisionOf(enrollee.region) === filer.admdvs ||
      ctx.catalog.policies.some((p) => p.region === enrollee.region && p.area.admdvsPrefixes.some((prefix) => filer.admdvs.startsWith(prefix)));
    if (!inArea) throw new AuthError('FORBIDDEN', `hospital ${filer.hospitalId} is not in the insurance area of the person's region ${enrollee.region}`);
    if (receiving.hospitalId === filer.hospitalId)
      throw new ValidationError('a transfer names another hospital than the one filing it', [{ path: 'toHospitalCode', message: 'the filing hospital itself' }]);
  }
  return ctx.referrals.create({
    referralId: draft.referralId,
    card: draft.card,
    kind: 'referral',
    validFrom: draft.validFrom,
    validTo: draft.validTo,
    toHospitalId: receiving.hospitalId,
    diagnosis: draft.diagnosis,
    filedBy: { hospitalId: filer.hospitalId, keyId: caller.id },
  });
}

/** Revokes a filing within what the caller may revoke: a hospital the filings it filed; a referral desk its region's. */
export async function revokeTransfer(ctx: FilerContext, caller: Caller, filer: Hospital, referralId: string, card: string, actor: Actor, reason: string | null): Promise<Filing> {
  const filing = await ctx.referrals.get(referralId);
  if (filing.card !== card) throw new ValidationError('the filing is of another person', [{ path: 'card', message: "not the filing's person" }]);
  if (caller.role === 'billing' && filing.filedBy?.hospitalId !== filer.hospitalId) throw new AuthError('FORBIDDEN', 'a hospital revokes the filings it filed');
  if (caller.role === 'referral' && caller.region !== (await ctx.registry.getEnrollee(filing.card)).region)
    throw new AuthError('FORBIDDEN', `this key acts for region ${caller.region}`);
  return ctx.referrals.revoke(filing.referralId, actor, reason);
}
