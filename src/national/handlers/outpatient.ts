/**
 * The outpatient flow (门诊 11, 门诊慢特病 14) onto the same encounter
 * use-cases as a stay: 2201 registers the visit (its mdtrt_id), 2203 says
 * what it is, 2204 uploads its lines under a charge batch (chrg_bchno), 2206 /
 * 2207 settle it as of its latest line, 2208 reverses. One settlement per
 * visit: the visit's lines must all be of the batch 2206/2207 names (a
 * second batch after settling is a new registration).
 */
import type { z } from 'zod';
import { CARD_CERT_TYPES, MED_TYPE_VISIT, medTypeFamily } from '../../domain/code-tables.js';
import type { Encounter } from '../../domain/encounter.js';
import { ValidationError } from '../../domain/errors.js';
import { isVisit, mdtrtIdOf } from '../../service/encounters.js';
import { feeLineResult, num } from '../field-map.js';
import { fullTime } from '../inputs/common.js';
import { batchWithdrawInput, outpatientFeeInput, outpatientSettleInput, registrationCancelInput, registrationInput, visitInput } from '../inputs/outpatient.js';
import { reversalInput } from '../inputs/inpatient.js';
import { ENCOUNTER_FIELDS, requireResident, type Transaction, type TransactionContext } from '../transaction.js';
import { uploadedLines } from './inpatient.js';
import { preSettle, reverse, settle } from './settlement.js';

/** A general outpatient visit until 2203 says otherwise. */
const DEFAULT_OUTPATIENT_MED_TYPE = '11';

function requireOutpatientMedType(medType: string, path: string): void {
  if (!isVisit(MED_TYPE_VISIT[medTypeFamily(medType)] ?? null)) {
    throw new ValidationError(`med_type ${medType} is no outpatient visit: a stay is admitted with 2401`, [{ path, message: 'not 11 or 14 (or their regional sub-types)' }]);
  }
}

const T2201 = {
  roles: ['billing'],
  write: true,
  person: ({ data }) => data.psn_no,
  input: registrationInput,
  fields: { medType: 'input.data.med_type' },
  undo(ctx, { data }) {
    return { card: data.psn_no, mdtrtId: mdtrtIdOf(data.psn_no, ctx.hospital.hospitalId, ctx.msgid!) };
  },
  async run(ctx, { data }) {
    requireResident(data.insutype, 'input.data.insutype');
    if (data.mdtrt_cert_no && data.mdtrt_cert_type && CARD_CERT_TYPES.includes(data.mdtrt_cert_type) && data.mdtrt_cert_no !== data.psn_no) {
      throw new ValidationError('mdtrt_cert_no names another person than psn_no', [{ path: 'input.data.mdtrt_cert_no', message: 'not psn_no' }]);
    }
    const medType = data.med_type ?? DEFAULT_OUTPATIENT_MED_TYPE;
    requireOutpatientMedType(medType, 'input.data.med_type');
    const encounter = await ctx.deps.encounters.admit({
      hospital: ctx.hospital,
      card: data.psn_no,
      medType,
      admittedAt: fullTime(data.begntime),
      diagnoses: [],
      msgid: ctx.msgid!,
      diseaseCode: null,
      maternityType: null,
    });
    return { data: { mdtrt_id: encounter.mdtrtId, psn_no: encounter.card, ipt_otp_no: data.ipt_otp_no ?? null } };
  },
} satisfies Transaction<z.infer<typeof registrationInput>>;

const T2202 = {
  roles: ['billing'],
  write: true,
  person: ({ data }) => data.psn_no,
  input: registrationCancelInput,
  fields: ENCOUNTER_FIELDS,
  async run(ctx, { data }) {
    await ctx.deps.encounters.cancelAdmission(data.psn_no, data.mdtrt_id, ctx.hospital.hospitalId);
    return null;
  },
} satisfies Transaction<z.infer<typeof registrationCancelInput>>;

const T2203 = {
  roles: ['billing'],
  write: true,
  person: ({ mdtrtinfo }) => mdtrtinfo.psn_no,
  input: visitInput,
  fields: { mdtrtId: 'input.mdtrtinfo.mdtrt_id', medType: 'input.mdtrtinfo.med_type' },
  async run(ctx, { mdtrtinfo: info, diseinfo }) {
    requireOutpatientMedType(info.med_type, 'input.mdtrtinfo.med_type');
    await ctx.deps.encounters.recordVisit(info.psn_no, info.mdtrt_id, ctx.hospital.hospitalId, {
      medType: info.med_type,
      diseaseCode: info.dise_codg ?? null,
      diagnoses: diseinfo,
      maternityType: info.matn_type ?? null,
    });
    return null;
  },
} satisfies Transaction<z.infer<typeof visitInput>>;

const T2204 = {
  roles: ['billing'],
  write: true,
  person: (input) => input.feedetail[0]!.psn_no,
  input: outpatientFeeInput,
  fields: { ...ENCOUNTER_FIELDS, mdtrtId: 'input.feedetail.0.mdtrt_id' },
  undo(_ctx, input) {
    const first = input.feedetail[0]!;
    return { card: first.psn_no, mdtrtId: first.mdtrt_id, lines: input.feedetail.map((line) => line.feedetl_sn) };
  },
  async run(ctx, input) {
    const first = input.feedetail[0]!;
    const lines = uploadedLines(ctx, input.feedetail, (i) => input.feedetail[i]!.chrg_bchno);
    const results = await ctx.deps.encounters.uploadLines(first.psn_no, first.mdtrt_id, ctx.hospital.hospitalId, lines);
    return { result: results.map((result) => ({ ...feeLineResult(first.mdtrt_id, result), chrg_bchno: result.line.batch ?? null })) };
  },
} satisfies Transaction<z.infer<typeof outpatientFeeInput>>;

const T2205 = {
  roles: ['billing'],
  write: true,
  person: ({ data }) => data.psn_no,
  input: batchWithdrawInput,
  fields: ENCOUNTER_FIELDS,
  async run(ctx, { data }) {
    const withdrawn = await ctx.deps.encounters.withdrawBatch(data.psn_no, data.mdtrt_id, ctx.hospital.hospitalId, data.chrg_bchno);
    return { result: { withdrawn: num(String(withdrawn)) } };
  },
} satisfies Transaction<z.infer<typeof batchWithdrawInput>>;

type OutpatientSettleData = z.infer<typeof outpatientSettleInput>['data'];

/** 2206/2207 settle an outpatient visit of the med_type 2203 gave it, and the batch its lines were uploaded under. */
function checkVisit(ctx: TransactionContext, data: OutpatientSettleData) {
  return async (encounter: Encounter): Promise<void> => {
    if (!isVisit(encounter.visitType))
      throw new ValidationError(`encounter ${encounter.mdtrtId} is a stay: settle it with 2303/2304`, [{ path: 'input.data.mdtrt_id', message: 'not an outpatient visit' }]);
    if (data.med_type !== encounter.medType) {
      throw new ValidationError(`the visit's med_type is ${encounter.medType}: send 2203 first to change it`, [
        { path: 'input.data.med_type', message: `not the visit's ${encounter.medType}` },
      ]);
    }
    const batches = await ctx.deps.encounters.batchesOf(encounter.card, encounter.mdtrtId);
    if (!batches.has(data.chrg_bchno) || batches.size > 1) {
      throw new ValidationError(`the visit's lines are of batch(es) ${[...batches].join(', ')}: one settlement settles one batch`, [
        { path: 'input.data.chrg_bchno', message: 'not the batch of every line of the visit' },
      ]);
    }
  };
}

const T2206 = {
  roles: ['billing'],
  write: false,
  input: outpatientSettleInput,
  fields: ENCOUNTER_FIELDS,
  run: (ctx, { data }) => preSettle(ctx, data, null, checkVisit(ctx, data)),
} satisfies Transaction<z.infer<typeof outpatientSettleInput>>;

const T2207 = {
  roles: ['billing'],
  write: true,
  person: ({ data }) => data.psn_no,
  recordsOwnMessage: true,
  input: outpatientSettleInput,
  fields: ENCOUNTER_FIELDS,
  run: (ctx, input) => settle(ctx, '2207', input, checkVisit(ctx, input.data)),
} satisfies Transaction<z.infer<typeof outpatientSettleInput>>;

const T2208 = {
  roles: ['billing'],
  write: true,
  person: ({ data }) => data.psn_no,
  input: reversalInput,
  fields: ENCOUNTER_FIELDS,
  run: (ctx, { data }) => reverse(ctx, data, '2208 门诊结算撤销'),
} satisfies Transaction<z.infer<typeof reversalInput>>;

export const OUTPATIENT = { '2201': T2201, '2202': T2202, '2203': T2203, '2204': T2204, '2205': T2205, '2206': T2206, '2207': T2207, '2208': T2208 };
