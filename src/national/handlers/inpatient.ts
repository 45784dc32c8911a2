/** The inpatient flow (national-platform.md §2): 2401 → 2301 … → 2303 → 2402 → 2304 → 2305, with 2404, 2405, 2302, 5203, 5204. */
import { CARD_CERT_TYPES } from '../../domain/code-tables.js';
import type { EncounterFeeLine } from '../../domain/encounter.js';
import { ValidationError } from '../../domain/errors.js';
import { formatMoney } from '../../domain/money.js';
import type { Encounter } from '../../domain/encounter.js';
import { isVisit, mdtrtIdOf } from '../../service/encounters.js';
import { feeLineResult, num } from '../field-map.js';
import { fullTime, isoLineTime } from '../inputs/common.js';
import { admissionInput, dischargeInput, encounterData, inpatientFeeInput, inpatientSettleInput, reversalInput, withdrawInput } from '../inputs/inpatient.js';
import { ENCOUNTER_FIELDS, requireResident, type Transaction, type TransactionContext } from '../transaction.js';
import type { z } from 'zod';
import { preSettle, readLines, readSettlement, reverse, settle } from './settlement.js';

const T2401 = {
  roles: ['billing'],
  write: true,
  person: (input) => input.mdtrtinfo.psn_no,
  input: admissionInput,
  fields: { medType: 'input.mdtrtinfo.med_type' },
  undo(ctx, input) {
    return { card: input.mdtrtinfo.psn_no, mdtrtId: mdtrtIdOf(input.mdtrtinfo.psn_no, ctx.hospital.hospitalId, ctx.msgid!) };
  },
  async run(ctx, input) {
    const info = input.mdtrtinfo;
    requireResident(info.insutype, 'input.mdtrtinfo.insutype');
    if (info.mdtrt_cert_no && info.mdtrt_cert_type && CARD_CERT_TYPES.includes(info.mdtrt_cert_type) && info.mdtrt_cert_no !== info.psn_no) {
      throw new ValidationError('mdtrt_cert_no names another person than psn_no', [{ path: 'input.mdtrtinfo.mdtrt_cert_no', message: 'not psn_no' }]);
    }
    const diagnoses = input.diseinfo.length
      ? input.diseinfo
      : info.dscg_maindiag_code
        ? [{ code: info.dscg_maindiag_code, name: info.dscg_maindiag_name ?? null, main: true }]
        : [];
    const encounter = await ctx.deps.encounters.admit({
      hospital: ctx.hospital,
      card: info.psn_no,
      medType: info.med_type,
      admittedAt: fullTime(info.begntime),
      diagnoses,
      msgid: ctx.msgid!,
      diseaseCode: info.dise_codg ?? null,
      maternityType: info.matn_type ?? null,
    });
    return { result: { mdtrt_id: encounter.mdtrtId } };
  },
} satisfies Transaction<z.infer<typeof admissionInput>>;

const T2404 = {
  roles: ['billing'],
  write: true,
  person: ({ data }) => data.psn_no,
  input: encounterData,
  fields: ENCOUNTER_FIELDS,
  async run(ctx, { data }) {
    await ctx.deps.encounters.cancelAdmission(data.psn_no, data.mdtrt_id, ctx.hospital.hospitalId);
    return null;
  },
} satisfies Transaction<z.infer<typeof encounterData>>;

const T2402 = {
  roles: ['billing'],
  write: true,
  person: (input) => input.dscginfo.psn_no,
  input: dischargeInput,
  fields: { mdtrtId: 'input.dscginfo.mdtrt_id', dischargedAt: 'input.dscginfo.endtime' },
  undo(_ctx, input) {
    return { card: input.dscginfo.psn_no, mdtrtId: input.dscginfo.mdtrt_id };
  },
  async run(ctx, input) {
    const info = input.dscginfo;
    requireResident(info.insutype, 'input.dscginfo.insutype');
    await ctx.deps.encounters.discharge(info.psn_no, info.mdtrt_id, ctx.hospital.hospitalId, fullTime(info.endtime), info.dscg_way ?? null, input.diseinfo);
    return null;
  },
} satisfies Transaction<z.infer<typeof dischargeInput>>;

const T2405 = {
  roles: ['billing'],
  write: true,
  person: ({ data }) => data.psn_no,
  input: encounterData,
  fields: ENCOUNTER_FIELDS,
  async run(ctx, { data }) {
    await ctx.deps.encounters.cancelDischarge(data.psn_no, data.mdtrt_id, ctx.hospital.hospitalId);
    return null;
  },
} satisfies Transaction<z.infer<typeof encounterData>>;

/** Uploaded lines as the encounter stores them (2301, 2204). */
export function uploadedLines(ctx: TransactionContext, feedetail: z.infer<typeof inpatientFeeInput>['feedetail'], batchOf?: (index: number) => string): EncounterFeeLine[] {
  return feedetail.map((line, i) => ({
    lineId: line.feedetl_sn,
    refundOf: line.init_feedetl_sn ?? null,
    code: line.med_list_codg,
    hospitalCode: line.medins_list_codg ?? null,
    name: null,
    quantity: line.cnt.toString(),
    unitPrice: line.pric.toString(),
    amount: formatMoney(line.det_item_fee_sumamt),
    time: isoLineTime(line.fee_ocur_time),
    msgid: ctx.msgid!,
    ...(batchOf ? { batch: batchOf(i) } : {}),
  }));
}

const T2301 = {
  roles: ['billing'],
  write: true,
  person: (input) => input.feedetail[0]!.psn_no,
  input: inpatientFeeInput,
  fields: { ...ENCOUNTER_FIELDS, mdtrtId: 'input.feedetail.0.mdtrt_id' },
  undo(_ctx, input) {
    const first = input.feedetail[0]!;
    return { card: first.psn_no, mdtrtId: first.mdtrt_id, lines: input.feedetail.map((line) => line.feedetl_sn) };
  },
  async run(ctx, input) {
    const first = input.feedetail[0]!;
    const results = await ctx.deps.encounters.uploadLines(first.psn_no, first.mdtrt_id, ctx.hospital.hospitalId, uploadedLines(ctx, input.feedetail));
    return { result: results.map((result) => feeLineResult(first.mdtrt_id, result)) };
  },
} satisfies Transaction<z.infer<typeof inpatientFeeInput>>;

const T2302 = {
  roles: ['billing'],
  write: true,
  person: ({ data }) => data.psn_no,
  input: withdrawInput,
  fields: ENCOUNTER_FIELDS,
  async run(ctx, { data }) {
    const withdrawn = await ctx.deps.encounters.withdrawLines(data.psn_no, data.mdtrt_id, ctx.hospital.hospitalId, data.feedetl_sn);
    return { result: { withdrawn: num(String(withdrawn)) } };
  },
} satisfies Transaction<z.infer<typeof withdrawInput>>;

/** 2303/2304 settle stays; an outpatient visit is settled with 2206/2207. */
function requireStay(encounter: Encounter): void {
  if (isVisit(encounter.visitType))
    throw new ValidationError(`encounter ${encounter.mdtrtId} is an outpatient visit: settle it with 2206/2207`, [{ path: 'input.data.mdtrt_id', message: 'not a stay' }]);
}

const T2303 = {
  roles: ['billing'],
  write: false,
  input: inpatientSettleInput,
  fields: { ...ENCOUNTER_FIELDS, dischargedAt: 'input.data.dscg_time' },
  async run(ctx, { data }) {
    const given = data.dscg_time ?? data.dscgTime;
    return preSettle(ctx, data, given ? fullTime(given) : null, requireStay);
  },
} satisfies Transaction<z.infer<typeof inpatientSettleInput>>;

const T2304 = {
  roles: ['billing'],
  write: true,
  person: ({ data }) => data.psn_no,
  recordsOwnMessage: true,
  input: inpatientSettleInput,
  fields: ENCOUNTER_FIELDS,
  run: (ctx, input) => settle(ctx, '2304', input, requireStay),
} satisfies Transaction<z.infer<typeof inpatientSettleInput>>;

const T2305 = {
  roles: ['billing'],
  write: true,
  person: ({ data }) => data.psn_no,
  input: reversalInput,
  fields: ENCOUNTER_FIELDS,
  run: (ctx, { data }) => reverse(ctx, data, '2305 住院结算撤销'),
} satisfies Transaction<z.infer<typeof reversalInput>>;

const T5203 = {
  roles: ['billing'],
  write: false,
  input: reversalInput,
  fields: ENCOUNTER_FIELDS,
  run: (ctx, { data }) => readSettlement(ctx, data),
} satisfies Transaction<z.infer<typeof reversalInput>>;

const T5204 = {
  roles: ['billing'],
  write: false,
  input: encounterData,
  fields: ENCOUNTER_FIELDS,
  run: (ctx, { data }) => readLines(ctx, data),
} satisfies Transaction<z.infer<typeof encounterData>>;

export const INPATIENT = {
  '2401': T2401,
  '2402': T2402,
  '2404': T2404,
  '2405': T2405,
  '2301': T2301,
  '2302': T2302,
  '2303': T2303,
  '2304': T2304,
  '2305': T2305,
  '5203': T5203,
  '5204': T5204,
};
