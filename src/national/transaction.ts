/**
 * What every national transaction is: who may send it, whether it writes
 * (then its msgid is its idempotency key), its input schema and its handler,
 * and how the use-cases' field names read as the platform's paths. Handlers
 * are thin translations onto src/service; the shared answers are here.
 */
import type { z } from 'zod';
import { INSUTYPE_RESIDENT } from '../domain/code-tables.js';
import { RefusalError } from '../domain/errors.js';
import type { Actor, Hospital } from '../domain/types.js';
import type { Caller } from '../ops/api-keys.js';
import type { PolicyCatalog } from '../policy/catalog.js';
import type { EncounterService } from '../service/encounters.js';
import type { NationalMessages } from '../service/national-messages.js';
import type { ReferralService } from '../service/referrals.js';
import type { RegistryService } from '../service/registry.js';
import type { SettlementService } from '../service/settlements.js';
import { storedView, type SettlementView } from '../service/settlement-view.js';
import type { SpecialDiseaseFilings } from '../service/special-disease-filings.js';
import type { StatementService } from '../service/statements.js';
import { settlementInfo } from './field-map.js';

export interface NationalDependencies {
  catalog: PolicyCatalog;
  registry: RegistryService;
  settlements: SettlementService;
  encounters: EncounterService;
  referrals: ReferralService;
  statements: StatementService;
  messages: NationalMessages;
  now: () => Date;
  specialDiseases: SpecialDiseaseFilings;
}

export interface TransactionContext {
  hospital: Hospital;
  caller: Caller;
  actor: Actor;
  msgid: string | null;
  deps: NationalDependencies;
  /** A write that records its own message (2304, 2207) starts with its msgid's binding still on its way: awaited before anything takes effect. */
  binding?: Promise<void>;
}

export interface Transaction<I> {
  /** Who may call it (besides admin). */
  roles: readonly ('billing' | 'referral')[];
  /** A write needs a msgid and is done once per msgid. */
  write: boolean;
  /** The person a write is about: its message is recorded in that person's slot (else the hospital's). */
  person?: (input: I) => string;
  /** The write records its own message, atomically with its effect (2304, 2207: with the settlement's commit). */
  recordsOwnMessage?: true;
  input: z.ZodType<I>;
  /**
   * The use-case's field names as this transaction's paths: `lines.N.code` →
   * `input.feedetail.N.med_list_codg` (`N` stands for an index).
   */
  fields?: Record<string, string>;
  /** What a 2601 of this message needs to undo it: ids known from the input, recorded before the work. */
  undo?: (ctx: TransactionContext, input: I) => Record<string, string | string[]>;
  run(ctx: TransactionContext, input: I): Promise<unknown>;
}

/** The use-case paths every encounter transaction shares. */
export const ENCOUNTER_FIELDS = {
  mdtrtId: 'input.data.mdtrt_id',
  lines: 'input.feedetail',
  'lines.N': 'input.feedetail.N',
  'lines.N.lineId': 'input.feedetail.N.feedetl_sn',
  'lines.N.refundOf': 'input.feedetail.N.init_feedetl_sn',
  'lines.N.quantity': 'input.feedetail.N.cnt',
  'lines.N.code': 'input.feedetail.N.med_list_codg',
} as const;

export function requireResident(insutype: string | null | undefined, path: string): void {
  if (insutype && insutype !== INSUTYPE_RESIDENT) {
    throw new RefusalError('NOT_COVERED', `insutype ${insutype} is not settled here: this service settles 城乡居民基本医疗保险 (390) only`, [{ path, message: 'not 390' }]);
  }
}

export function divisionOf(ctx: TransactionContext, policyId: string): string {
  return ctx.deps.catalog.get(policyId)?.policy.insuranceDivision.admdvs ?? ctx.hospital.admdvs;
}

export function settlementOutput(
  ctx: TransactionContext,
  view: SettlementView,
  encounter: Parameters<typeof settlementInfo>[1]['encounter'],
  extra: { negated?: boolean; at?: string | null; certType?: string | null } = {},
) {
  return settlementInfo(view, {
    encounter,
    admdvs: divisionOf(ctx, view.policyId),
    msgid: ctx.msgid,
    mdtrtCertType: extra.certType ?? null,
    ...(extra.negated ? { negated: true } : {}),
    ...(extra.at !== undefined ? { at: extra.at } : {}),
  });
}

export function viewOf(body: string | Buffer): SettlementView {
  return storedView(body);
}
