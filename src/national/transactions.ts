/**
 * The national platform's transactions, each a thin translation onto the
 * service's use-cases (docs/spec/national-platform.md §3; the field map is in
 * field-map.ts, the code tables in src/domain/code-tables.ts). Every write is
 * idempotent by its msgid (service/national-messages.ts); 2601 undoes one.
 */
import { hash } from 'node:crypto';
import { z } from 'zod';
import {
  CARD_CERT_TYPES,
  DSCG_WAYS,
  INSUTYPE_RESIDENT,
  PERSON_CATEGORY_NAMES,
  PSN_SETLWAY_PER_ITEM,
  REFD_SETL_FLAG,
  STMT_RSLT,
} from '../domain/code-tables.js';
import { businessDayOf, dayNumber } from '../domain/dates.js';
import type { Diagnosis, EncounterFeeLine } from '../domain/encounter.js';
import { AuthError, RefusalError, ValidationError } from '../domain/errors.js';
import { Decimal, formatMoney, round2, type Money } from '../domain/money.js';
import type { Actor, Charges, Hospital } from '../domain/types.js';
import type { Caller } from '../ops/api-keys.js';
import type { PolicyCatalog } from '../policy/catalog.js';
import { mdtrtIdOf, type EncounterService } from '../service/encounters.js';
import { knownMessage, settledMessageRecord, type NationalMessages, type MessageRecord } from '../service/national-messages.js';
import { MessageRecordedError } from '../service/settlements.js';
import type { ReferralService } from '../service/referrals.js';
import type { RegistryService } from '../service/registry.js';
import type { SettlementService } from '../service/settlements.js';
import type { SettlementView } from '../service/settlement-view.js';
import type { StatementService, Difference } from '../service/statements.js';
import { newId } from '../store/keys.js';
import { feeLineResult, num, personInfo, settlementInfo } from './field-map.js';
import { amount, code, date, dateTime, price, quantity, signedAmount, text } from './values.js';

export interface NationalDependencies {
  catalog: PolicyCatalog;
  registry: RegistryService;
  settlements: SettlementService;
  encounters: EncounterService;
  referrals: ReferralService;
  statements: StatementService;
  messages: NationalMessages;
  now: () => Date;
}

export interface TransactionContext {
  hospital: Hospital;
  caller: Caller;
  actor: Actor;
  msgid: string | null;
  deps: NationalDependencies;
}

interface Transaction<I> {
  /** Who may call it (besides admin). */
  roles: readonly ('billing' | 'referral')[];
  /** A write needs a msgid and is done once per msgid. */
  write: boolean;
  /** The person a write is about: its message is recorded in that person's slot (else the hospital's). */
  person?: (input: I) => string;
  /** The write records its own message, atomically with its effect (2304: with the settlement's commit). */
  recordsOwnMessage?: true;
  input: z.ZodType<I>;
  /** What a 2601 of this message needs to undo it: ids known from the input, recorded before the work. */
  undo?: (ctx: TransactionContext, input: I) => Record<string, string | string[]>;
  run(ctx: TransactionContext, input: I): Promise<unknown>;
}

// ── Input pieces ─────────────────────────────────────────────────────────

const card = code(/^[A-Za-z0-9]{1,32}$/, 'a person number (psn_no): the card number, 1–32 letters and digits');
const mdtrtId = code(/^M-[0-9a-f]{4}-[0-9a-f]{32}$/, 'an mdtrt_id this service gave at admission (2401)');
const setlId = code(/^S-[0-9a-f]{4}-[0-9a-f]{32}$/, 'a setl_id this service gave at settlement (2304)');
const optionalText = (max: number) => text(max).nullish();
const medType = code(/^\d{2,6}$/, 'a med_type code such as 21');
const certType = code(/^0[1-3]$/, 'mdtrt_cert_type 01, 02 or 03');
const flag = (values: string) => code(new RegExp(`^[${values}]$`), `one of ${values.split('').join(', ')}`);

const diseinfo = z
  .array(
    z.object({
      diag_type: optionalText(10),
      maindiag_flag: flag('01').nullish(),
      diag_srt_no: z.unknown().optional(),
      diag_code: text(32).min(1),
      diag_name: optionalText(200),
    }),
  )
  .max(50)
  .nullish()
  .transform((rows): Diagnosis[] => (rows ?? []).map((row, i) => ({ code: row.diag_code, name: row.diag_name ?? null, main: row.maindiag_flag === '1' || (i === 0 && !rows!.some((r) => r.maindiag_flag === '1')) })));

const encounterRef = z.object({ mdtrt_id: mdtrtId, psn_no: card });

/** The person behind a certificate: types 02 and 03 carry the card number (national-platform.md §5). */
function cardOfCertificate(type: string | null | undefined, number: string | null | undefined, fallback: string | null | undefined, path: string): string {
  if (type === '01') throw new ValidationError('an e-voucher token (mdtrt_cert_type 01) cannot be resolved here: send the card (03) or ID number (02)', [{ path, message: 'type 01 not supported' }]);
  const found = (type && CARD_CERT_TYPES.includes(type) ? number : null) ?? fallback;
  if (!found || !/^[A-Za-z0-9]{1,32}$/.test(found)) throw new ValidationError('no person number: send mdtrt_cert_no (type 02 or 03) or certno', [{ path, message: 'required' }]);
  return found;
}

/** A time `yyyy-MM-dd HH:mm:ss` as the native model writes line times: `yyyy-MM-ddTHH:mm:ss`. */
function isoLineTime(value: string): string {
  const [day, time = '00:00:00'] = value.split(' ');
  return `${day}T${time.length === 5 ? `${time}:00` : time}`;
}

const feeLine = z
  .object({
    feedetl_sn: code(/^[A-Za-z0-9._-]{1,30}$/, 'a line serial (feedetl_sn) of up to 30 letters and digits'),
    init_feedetl_sn: z.union([z.literal(''), code(/^[A-Za-z0-9._-]{1,30}$/, 'the serial of the line refunded')]).nullish(),
    mdtrt_id: mdtrtId,
    psn_no: card,
    med_type: medType.nullish(),
    fee_ocur_time: dateTime,
    med_list_codg: z.string().regex(/^[A-Za-z0-9.-]{1,50}$/, 'a national catalogue code'),
    medins_list_codg: optionalText(50),
    det_item_fee_sumamt: signedAmount,
    cnt: quantity,
    pric: price,
    memo: optionalText(200),
  })
  .superRefine((line, ctx) => {
    // zod runs an object's refinements even when one of its fields failed: judge only parsed amounts.
    if (![line.cnt, line.pric, line.det_item_fee_sumamt].every((value) => value instanceof Decimal)) return;
    const refund = line.cnt.isNegative();
    if (line.cnt.isZero()) ctx.addIssue({ code: 'custom', path: ['cnt'], message: 'cnt must not be 0' });
    if (refund && !line.init_feedetl_sn) ctx.addIssue({ code: 'custom', path: ['init_feedetl_sn'], message: 'a refund line (negative cnt) names the line it refunds' });
    if (!refund && line.init_feedetl_sn) ctx.addIssue({ code: 'custom', path: ['cnt'], message: 'a refund line has a negative cnt' });
    if (!round2(line.cnt.times(line.pric)).eq(line.det_item_fee_sumamt)) {
      ctx.addIssue({ code: 'custom', path: ['det_item_fee_sumamt'], message: `must be cnt × pric rounded to the fen (${round2(line.cnt.times(line.pric)).toFixed(2)})` });
    }
  });

const settleData = z.object({
  psn_no: card,
  mdtrt_id: mdtrtId,
  mdtrt_cert_type: certType.nullish(),
  mdtrt_cert_no: z.string().nullish(),
  medfee_sumamt: amount,
  psn_setlway: code(/^0[12]$/, 'psn_setlway 01 or 02').nullish(),
  insutype: code(/^\d{3}$/, 'an insutype such as 390').nullish(),
  acct_used_flag: flag('01').nullish(),
  mid_setl_flag: flag('01').nullish(),
  invono: optionalText(50),
  fulamt_ownpay_amt: amount.nullish(),
  overlmt_selfpay: amount.nullish(),
  preselfpay_amt: amount.nullish(),
  inscp_scp_amt: amount.nullish(),
  dscgTime: dateTime.nullish(),
});
type SettleData = z.infer<typeof settleData>;

// ── Checks shared by transactions ────────────────────────────────────────

function requireResident(insutype: string | null | undefined, path: string): void {
  if (insutype && insutype !== INSUTYPE_RESIDENT) {
    throw new RefusalError('NOT_COVERED', `insutype ${insutype} is not settled here: this service settles 城乡居民基本医疗保险 (390) only`, [{ path, message: 'not 390' }]);
  }
}

function checkSettleData(data: SettleData): void {
  requireResident(data.insutype, 'input.data.insutype');
  if (data.psn_setlway && data.psn_setlway !== PSN_SETLWAY_PER_ITEM) {
    throw new ValidationError('only per-item settlement (psn_setlway 01) is settled here', [{ path: 'input.data.psn_setlway', message: 'fixed-quota settlement (02) is not supported' }]);
  }
  if (data.mid_setl_flag === '1') {
    throw new ValidationError('mid-stay settlement (mid_setl_flag 1) is not settled here: settle at discharge', [{ path: 'input.data.mid_setl_flag', message: 'not supported' }]);
  }
}

/** The bill the HIS summed from its 2301 answers must be the one the service settles. */
function checkSums(data: SettleData, charges: Charges): void {
  const scope = charges.total.minus(charges.fullSelfPay).minus(charges.overLimitSelfPay).minus(charges.preSelfPay);
  const sent: [keyof SettleData, Money | null | undefined, Money][] = [
    ['medfee_sumamt', data.medfee_sumamt, charges.total],
    ['fulamt_ownpay_amt', data.fulamt_ownpay_amt, charges.fullSelfPay],
    ['overlmt_selfpay', data.overlmt_selfpay, charges.overLimitSelfPay],
    ['preselfpay_amt', data.preselfpay_amt, charges.preSelfPay],
    ['inscp_scp_amt', data.inscp_scp_amt, scope],
  ];
  const details = sent
    .filter(([, given, ours]) => given != null && !given.eq(ours))
    .map(([field, given, ours]) => ({ path: `input.data.${field}`, message: `${formatMoney(given!)} is not the stay's ${formatMoney(ours)} (the sum of its fee lines as classified)` }));
  if (details.length) throw new ValidationError(`the amounts sent do not match the stay's fee lines: ${details[0]!.message}`, details);
}

function chargesOfView(view: SettlementView): Charges {
  const m = (text: string) => new Decimal(text);
  return { total: m(view.charges.total), fullSelfPay: m(view.charges.fullSelfPay), overLimitSelfPay: m(view.charges.overLimitSelfPay), preSelfPay: m(view.charges.preSelfPay) };
}

function divisionOf(ctx: TransactionContext, policyId: string): string {
  return ctx.deps.catalog.get(policyId)?.policy.insuranceDivision.admdvs ?? ctx.hospital.admdvs;
}

function settlementOutput(ctx: TransactionContext, view: SettlementView, encounter: Parameters<typeof settlementInfo>[1]['encounter'], extra: { negated?: boolean; at?: string | null; certType?: string | null } = {}) {
  return settlementInfo(view, {
    encounter,
    admdvs: divisionOf(ctx, view.policyId),
    msgid: ctx.msgid,
    mdtrtCertType: extra.certType ?? null,
    ...(extra.negated ? { negated: true } : {}),
    ...(extra.at !== undefined ? { at: extra.at } : {}),
  });
}

function viewOf(body: string | Buffer): SettlementView {
  return JSON.parse(body.toString()) as SettlementView;
}

/** Dates of a statement period; at most 31 days. */
function period(begin: string, end: string, path: string): { from: string; to: string } {
  if (end < begin) throw new ValidationError('stmt_enddate is before stmt_begndate', [{ path: `${path}.stmt_enddate`, message: 'before stmt_begndate' }]);
  if (dayNumber(end) - dayNumber(begin) > 30) throw new ValidationError('a statement period is at most 31 days', [{ path: `${path}.stmt_enddate`, message: 'more than 31 days after stmt_begndate' }]);
  return { from: begin, to: end };
}

// ── The transactions ─────────────────────────────────────────────────────

const T9001: Transaction<{ signIn?: unknown }> = {
  roles: ['billing', 'referral'],
  write: false,
  input: z.object({ signIn: z.unknown().optional() }).passthrough(),
  // Sign-in answers a sign_no; no transaction requires one (the Bearer key is the credential).
  async run(ctx) {
    const now = ctx.deps.now();
    return { signinoutb: { sign_time: now.toISOString().slice(0, 19).replace('T', ' '), sign_no: `${ctx.hospital.admdvs}${Date.now()}${Math.floor(now.getTime() % 1000)}` } };
  },
};

const T1101 = {
  roles: ['billing', 'referral'],
  write: false,
  input: z.object({
    data: z.object({
      mdtrt_cert_type: certType.nullish(),
      mdtrt_cert_no: z.string().max(64).nullish(),
      card_sn: optionalText(64),
      psn_cert_type: optionalText(10),
      certno: z.string().max(64).nullish(),
      psn_name: optionalText(64),
      begntime: dateTime.nullish(),
    }),
  }),
  async run(ctx, { data }) {
    const person = cardOfCertificate(data.mdtrt_cert_type, data.mdtrt_cert_no, data.certno, 'input.data.mdtrt_cert_no');
    const enrollee = await ctx.deps.registry.getEnrollee(person);
    const on = data.begntime?.slice(0, 10) ?? businessDayOf(ctx.deps.now());
    const admdvs = ctx.deps.catalog.divisionOf(enrollee.region) ?? '';
    return personInfo(enrollee, on, admdvs, PERSON_CATEGORY_NAMES);
  },
} satisfies Transaction<{ data: { mdtrt_cert_type?: string | null; mdtrt_cert_no?: string | null; certno?: string | null; begntime?: string | null } }>;

const admissionInput = z.object({
  mdtrtinfo: z.object({
    psn_no: card,
    insutype: code(/^\d{3}$/, 'an insutype such as 390').nullish(),
    mdtrt_cert_type: certType.nullish(),
    mdtrt_cert_no: z.string().max(64).nullish(),
    med_type: medType,
    begntime: dateTime,
    ipt_no: optionalText(50),
    medrcdno: optionalText(50),
    adm_diag_dscr: optionalText(500),
    adm_dept_codg: optionalText(50),
    adm_dept_name: optionalText(100),
    adm_bed: optionalText(30),
    dscg_maindiag_code: optionalText(32),
    dscg_maindiag_name: optionalText(200),
    dise_codg: optionalText(64),
    dise_name: optionalText(200),
    matn_type: optionalText(6),
  }),
  diseinfo,
});

const T2401 = {
  roles: ['billing'],
  write: true,
  person: (input) => input.mdtrtinfo.psn_no,
  input: admissionInput,
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
      admittedAt: info.begntime,
      diagnoses,
      msgid: ctx.msgid!,
      diseaseCode: info.dise_codg ?? null,
      maternityType: info.matn_type ?? null,
    });
    return { result: { mdtrt_id: encounter.mdtrtId } };
  },
} satisfies Transaction<z.infer<typeof admissionInput>>;

const encounterData = z.object({ data: encounterRef.passthrough() });

const T2404 = {
  roles: ['billing'],
  write: true,
  person: ({ data }) => data.psn_no,
  input: encounterData,
  async run(ctx, { data }) {
    await ctx.deps.encounters.cancelAdmission(data.psn_no, data.mdtrt_id, ctx.hospital.hospitalId);
    return null;
  },
} satisfies Transaction<z.infer<typeof encounterData>>;

const dischargeInput = z.object({
  dscginfo: z.object({
    mdtrt_id: mdtrtId,
    psn_no: card,
    insutype: code(/^\d{3}$/, 'an insutype such as 390').nullish(),
    endtime: dateTime,
    dscg_way: z.enum(DSCG_WAYS).nullish(),
    dscg_dept_codg: optionalText(50),
    dscg_dept_name: optionalText(100),
    dscg_bed: optionalText(30),
    die_date: date.nullish(),
    matn_type: optionalText(6),
  }),
  diseinfo,
});

const T2402 = {
  roles: ['billing'],
  write: true,
  person: (input) => input.dscginfo.psn_no,
  input: dischargeInput,
  undo(_ctx, input) {
    return { card: input.dscginfo.psn_no, mdtrtId: input.dscginfo.mdtrt_id };
  },
  async run(ctx, input) {
    const info = input.dscginfo;
    requireResident(info.insutype, 'input.dscginfo.insutype');
    await ctx.deps.encounters.discharge(info.psn_no, info.mdtrt_id, ctx.hospital.hospitalId, info.endtime, info.dscg_way ?? null, input.diseinfo);
    return null;
  },
} satisfies Transaction<z.infer<typeof dischargeInput>>;

const T2405 = {
  roles: ['billing'],
  write: true,
  person: ({ data }) => data.psn_no,
  input: encounterData,
  async run(ctx, { data }) {
    await ctx.deps.encounters.cancelDischarge(data.psn_no, data.mdtrt_id, ctx.hospital.hospitalId);
    return null;
  },
} satisfies Transaction<z.infer<typeof encounterData>>;

const feeInput = z.object({ feedetail: z.array(feeLine).min(1).max(5000) }).superRefine((input, ctx) => {
  const first = input.feedetail[0];
  const seen = new Set<string>();
  input.feedetail.forEach((line, i) => {
    if (!line || typeof line !== 'object') return;
    if (first && (line.mdtrt_id !== first.mdtrt_id || line.psn_no !== first.psn_no)) {
      ctx.addIssue({ code: 'custom', path: ['feedetail', i, 'mdtrt_id'], message: 'every line of one upload belongs to the same encounter and person' });
    }
    if (seen.has(line.feedetl_sn)) ctx.addIssue({ code: 'custom', path: ['feedetail', i, 'feedetl_sn'], message: 'feedetl_sn twice in one upload' });
    seen.add(line.feedetl_sn);
  });
});

function uploadedLines(ctx: TransactionContext, input: z.infer<typeof feeInput>): EncounterFeeLine[] {
  return input.feedetail.map((line) => ({
    lineId: line.feedetl_sn,
    refundOf: line.init_feedetl_sn || null,
    code: line.med_list_codg,
    hospitalCode: line.medins_list_codg ?? null,
    name: null,
    quantity: line.cnt.toString(),
    unitPrice: line.pric.toString(),
    amount: formatMoney(line.det_item_fee_sumamt),
    time: isoLineTime(line.fee_ocur_time),
    msgid: ctx.msgid!,
  }));
}

const T2301 = {
  roles: ['billing'],
  write: true,
  person: (input) => input.feedetail[0]!.psn_no,
  input: feeInput,
  undo(_ctx, input) {
    const first = input.feedetail[0]!;
    return { card: first.psn_no, mdtrtId: first.mdtrt_id, lines: input.feedetail.map((line) => line.feedetl_sn) };
  },
  async run(ctx, input) {
    const first = input.feedetail[0]!;
    const results = await ctx.deps.encounters.uploadLines(first.psn_no, first.mdtrt_id, ctx.hospital.hospitalId, uploadedLines(ctx, input));
    return { result: results.map((result) => feeLineResult(first.mdtrt_id, result)) };
  },
} satisfies Transaction<z.infer<typeof feeInput>>;

const withdrawInput = z.object({ data: encounterRef.extend({ feedetl_sn: code(/^[A-Za-z0-9._-]{1,30}$/, 'a line serial, or "0000" for every line') }).passthrough() });

const T2302 = {
  roles: ['billing'],
  write: true,
  person: ({ data }) => data.psn_no,
  input: withdrawInput,
  async run(ctx, { data }) {
    const withdrawn = await ctx.deps.encounters.withdrawLines(data.psn_no, data.mdtrt_id, ctx.hospital.hospitalId, data.feedetl_sn);
    return { result: { withdrawn: num(String(withdrawn)) } };
  },
} satisfies Transaction<z.infer<typeof withdrawInput>>;

const settleInput = z.object({ data: settleData });

const T2303 = {
  roles: ['billing'],
  write: false,
  input: settleInput,
  async run(ctx, { data }) {
    checkSettleData(data);
    const dischargeDate = data.dscgTime?.slice(0, 10) ?? businessDayOf(ctx.deps.now());
    const { encounter, view } = await ctx.deps.encounters.preview(data.psn_no, data.mdtrt_id, ctx.hospital.hospitalId, ctx.actor, dischargeDate);
    checkSums(data, chargesOfView(view));
    const { setlinfo, setldetail } = settlementOutput(ctx, view, encounter, { certType: data.mdtrt_cert_type ?? null });
    const { setl_id: _none, ...preview } = setlinfo;
    return { setlinfo: preview, setldetail };
  },
} satisfies Transaction<z.infer<typeof settleInput>>;

const T2304 = {
  roles: ['billing'],
  write: true,
  person: ({ data }) => data.psn_no,
  recordsOwnMessage: true,
  input: settleInput,
  async run(ctx, input) {
    const { data } = input;
    checkSettleData(data);
    const msgid = ctx.msgid!;
    const hospitalId = ctx.hospital.hospitalId;
    const prepared = await ctx.deps.encounters.prepare(data.psn_no, data.mdtrt_id, hospitalId, msgid);
    const answerOf = async (record: string) => {
      // Done before: the same answer, rebuilt from the settlement it recorded.
      const known = knownMessage(record, msgid, '2304', input);
      const { encounter, stored } = await ctx.deps.encounters.settlementOf(data.psn_no, data.mdtrt_id, hospitalId, known.u.settlementId as string);
      return settlementOutput(ctx, viewOf(stored.response), encounter, { certType: data.mdtrt_cert_type ?? null });
    };
    if (prepared.request === null) return answerOf(prepared.message);
    const at = ctx.deps.now().toISOString();
    const settled = await ctx.deps.encounters
      .settle(prepared, ctx.actor, {
        // The amounts the HIS summed must be the stay's: checked on the computation, before anything is recorded.
        verify: (computation) => checkSums(data, computation.charges),
        message: {
          hospitalId,
          msgid,
          ttlSeconds: ctx.deps.messages.recordSeconds,
          record: (settlementId) => JSON.stringify(settledMessageRecord('2304', input, { card: data.psn_no, mdtrtId: data.mdtrt_id, settlementId }, at)),
        },
      })
      .catch((error: unknown) => {
        if (error instanceof MessageRecordedError) return error.record;
        throw error;
      });
    if (typeof settled === 'string') return answerOf(settled);
    return settlementOutput(ctx, settled.view, settled.encounter, { certType: data.mdtrt_cert_type ?? null });
  },
} satisfies Transaction<z.infer<typeof settleInput>>;

const reversalInput = z.object({ data: encounterRef.extend({ setl_id: setlId }).passthrough() });

const T2305 = {
  roles: ['billing'],
  write: true,
  person: ({ data }) => data.psn_no,
  input: reversalInput,
  async run(ctx, { data }) {
    const { encounter, body } = await ctx.deps.encounters.reverse(data.psn_no, data.mdtrt_id, ctx.hospital.hospitalId, data.setl_id, ctx.actor, '2305 住院结算撤销');
    const view = viewOf(body);
    // Answered negated, as the reversal entry of the day (vendors disagree on the sign).
    return settlementOutput(ctx, view, encounter, { negated: true, at: view.reversal?.at ?? view.reversedAt ?? null });
  },
} satisfies Transaction<z.infer<typeof reversalInput>>;

const T5203 = {
  roles: ['billing'],
  write: false,
  input: reversalInput,
  async run(ctx, { data }) {
    const { encounter, stored } = await ctx.deps.encounters.settlementOf(data.psn_no, data.mdtrt_id, ctx.hospital.hospitalId, data.setl_id);
    return settlementOutput(ctx, viewOf(stored.response), encounter);
  },
} satisfies Transaction<z.infer<typeof reversalInput>>;

const linesQuery = z.object({ data: encounterRef.extend({ setl_id: setlId.nullish() }).passthrough() });

const T5204 = {
  roles: ['billing'],
  write: false,
  input: linesQuery,
  async run(ctx, { data }) {
    const results = await ctx.deps.encounters.lineResults(data.psn_no, data.mdtrt_id, ctx.hospital.hospitalId);
    return { result: results.map((result) => feeLineResult(data.mdtrt_id, result)) };
  },
} satisfies Transaction<z.infer<typeof linesQuery>>;

const referralInput = z.object({
  refmedin: z.object({
    psn_no: card,
    insutype: code(/^\d{3}$/, 'an insutype such as 390').nullish(),
    tel: optionalText(50),
    addr: optionalText(200),
    insu_optins: optionalText(10),
    diag_code: text(32).min(1),
    diag_name: optionalText(200),
    dise_cond_dscr: optionalText(500),
    reflin_medins_no: z.string().regex(/^[A-Z][A-Z0-9]{11}$/, 'the receiving facility national code (reflin_medins_no)'),
    reflin_medins_name: optionalText(200),
    mdtrtarea_admdvs: optionalText(10),
    hosp_agre_refl_flag: flag('01').nullish(),
    refl_type: optionalText(10),
    refl_date: dateTime.nullish(),
    refl_rea: optionalText(500),
    refl_opnn: optionalText(500),
    begndate: date,
    enddate: date,
  }),
});

function referralIdOf(cardNo: string, hospitalId: string, msgid: string): string {
  return newId('R', cardNo, hash('sha256', `2501\n${hospitalId}\n${msgid}`, 'hex').slice(0, 32));
}

const T2501 = {
  roles: ['billing', 'referral'],
  write: true,
  person: (input) => input.refmedin.psn_no,
  input: referralInput,
  undo(ctx, input) {
    return { referralId: referralIdOf(input.refmedin.psn_no, ctx.hospital.hospitalId, ctx.msgid!) };
  },
  async run(ctx, input) {
    const info = input.refmedin;
    requireResident(info.insutype, 'input.refmedin.insutype');
    if (info.enddate < info.begndate) throw new ValidationError('enddate is before begndate', [{ path: 'input.refmedin.enddate', message: 'before begndate' }]);
    const enrollee = await ctx.deps.registry.getEnrollee(info.psn_no);
    const receiving = await ctx.deps.registry.getHospitalByCode(info.reflin_medins_no).catch(() => {
      throw new RefusalError('HOSPITAL_NOT_FOUND', `no hospital with the national code ${info.reflin_medins_no} in the registry`, [{ path: 'input.refmedin.reflin_medins_no', message: 'not in the registry' }]);
    });
    if (ctx.caller.role === 'referral' && ctx.caller.region !== enrollee.region) throw new AuthError('FORBIDDEN', `this key files for region ${ctx.caller.region}, not ${enrollee.region}`);
    if (ctx.caller.role === 'billing') {
      // A hospital files the transfers of its own region's insured, to another hospital.
      if (ctx.deps.catalog.divisionOf(enrollee.region) !== ctx.hospital.admdvs && !ctx.deps.catalog.policies.some((p) => p.region === enrollee.region && p.area.admdvsPrefixes.some((prefix) => ctx.hospital.admdvs.startsWith(prefix)))) {
        throw new AuthError('FORBIDDEN', `hospital ${ctx.hospital.hospitalId} is not in the insurance area of the person's region ${enrollee.region}`);
      }
      if (receiving.hospitalId === ctx.hospital.hospitalId) throw new ValidationError('a transfer names another hospital than the one filing it', [{ path: 'input.refmedin.reflin_medins_no', message: 'the filing hospital itself' }]);
    }
    const filing = await ctx.deps.referrals.create({
      referralId: referralIdOf(info.psn_no, ctx.hospital.hospitalId, ctx.msgid!),
      card: info.psn_no,
      kind: 'referral',
      validFrom: info.begndate,
      validTo: info.enddate,
      toHospitalId: receiving.hospitalId,
      diagnosis: info.diag_name ? `${info.diag_code} ${info.diag_name}` : info.diag_code,
      filedBy: { hospitalId: ctx.hospital.hospitalId, keyId: ctx.caller.id },
    });
    return { result: { trt_dcla_detl_sn: filing.referralId } };
  },
} satisfies Transaction<z.infer<typeof referralInput>>;

const revokeInput = z.object({
  data: z.object({
    trt_dcla_detl_sn: code(/^R-[0-9a-f]{4}-[0-9a-f]{32}$/, 'a trt_dcla_detl_sn this service gave (2501)'),
    psn_no: card,
    memo: optionalText(200),
  }),
});

const T2502 = {
  roles: ['billing', 'referral'],
  write: true,
  person: ({ data }) => data.psn_no,
  input: revokeInput,
  async run(ctx, { data }) {
    const filing = await ctx.deps.referrals.get(data.trt_dcla_detl_sn);
    if (filing.card !== data.psn_no) throw new ValidationError('the filing is of another person', [{ path: 'input.data.psn_no', message: 'not the filing\'s person' }]);
    if (ctx.caller.role === 'billing' && filing.filedBy?.hospitalId !== ctx.hospital.hospitalId) throw new AuthError('FORBIDDEN', 'a hospital revokes the filings it filed');
    if (ctx.caller.role === 'referral' && ctx.caller.region !== (await ctx.deps.registry.getEnrollee(filing.card)).region) throw new AuthError('FORBIDDEN', `this key acts for region ${ctx.caller.region}`);
    await ctx.deps.referrals.revoke(filing.referralId, ctx.actor, data.memo ?? null);
    return null;
  },
} satisfies Transaction<z.infer<typeof revokeInput>>;

const totalsInput = z.object({
  data: z.object({
    insutype: code(/^\d{3}$/, 'an insutype such as 390'),
    clr_type: code(/^(11|21)$/, 'clr_type 11 or 21'),
    setl_optins: optionalText(10),
    stmt_begndate: date,
    stmt_enddate: date,
    medfee_sumamt: signedAmount,
    fund_pay_sumamt: signedAmount,
    acct_pay: signedAmount.nullish(),
    fixmedins_setl_cnt: code(/^\d{1,9}$/, 'a count'),
    refd_setl_flag: flag('01').nullish(),
  }),
});

function resultText(balanced: boolean, difference: { count: number; total: string; fundTotal: string }): string {
  return balanced ? '平' : `不平: 笔数差 ${difference.count}, 医疗费总额差 ${difference.total}, 基金支付差 ${difference.fundTotal} (本服务 − 医院)`;
}

const T3201 = {
  roles: ['billing'],
  write: true,
  input: totalsInput,
  async run(ctx, { data }) {
    requireResident(data.insutype, 'input.data.insutype');
    const scope = { ...period(data.stmt_begndate, data.stmt_enddate, 'input.data'), clrType: data.clr_type, includeReversals: data.refd_setl_flag !== REFD_SETL_FLAG.settlement };
    const result = await ctx.deps.statements.reconcile(
      ctx.hospital.hospitalId,
      scope,
      { totals: { count: Number(data.fixmedins_setl_cnt), total: data.medfee_sumamt, fundTotal: data.fund_pay_sumamt } },
      ctx.actor,
    );
    return {
      stmtinfo: {
        setl_optins: data.setl_optins ?? null,
        stmt_rslt: result.balanced ? STMT_RSLT.balanced : STMT_RSLT.unbalanced,
        stmt_rslt_dscr: resultText(result.balanced, result.difference),
      },
    };
  },
} satisfies Transaction<z.infer<typeof totalsInput>>;

const detailInput = z.object({
  data: z.object({
    setl_optins: optionalText(10),
    file_qury_no: optionalText(100),
    stmt_begndate: date,
    stmt_enddate: date,
    medfee_sumamt: signedAmount,
    fund_pay_sumamt: signedAmount,
    cash_payamt: signedAmount.nullish(),
    fixmedins_setl_cnt: code(/^\d{1,9}$/, 'a count'),
    // Inline here: on the platform the rows come as a 9101 file named by file_qury_no.
    detail: z
      .array(
        z.object({
          setl_id: setlId,
          mdtrt_id: z.string().max(64).nullish(),
          psn_no: card.nullish(),
          medfee_sumamt: signedAmount,
          fund_pay_sumamt: signedAmount,
          acct_pay: signedAmount.nullish(),
          refd_setl_flag: flag('01').nullish(),
        }),
      )
      .max(50_000),
  }),
});

const T3202 = {
  roles: ['billing'],
  write: true,
  input: detailInput,
  async run(ctx, { data }) {
    const scope = { ...period(data.stmt_begndate, data.stmt_enddate, 'input.data'), includeReversals: true };
    // A refund row is compared as the negated reversal entry, whatever sign the HIS wrote.
    const negative = (value: Money) => (value.isNegative() ? value : value.negated());
    const result = await ctx.deps.statements.reconcile(
      ctx.hospital.hospitalId,
      scope,
      {
        totals: { count: Number(data.fixmedins_setl_cnt), total: data.medfee_sumamt, fundTotal: data.fund_pay_sumamt },
        entries: data.detail.map((row) => {
          const refund = row.refd_setl_flag === REFD_SETL_FLAG.reversal;
          return {
            settlementId: row.setl_id,
            kind: refund ? ('reversal' as const) : ('settlement' as const),
            total: refund ? negative(row.medfee_sumamt) : row.medfee_sumamt,
            fundTotal: refund ? negative(row.fund_pay_sumamt) : row.fund_pay_sumamt,
          };
        }),
      },
      ctx.actor,
    );
    const rows = data.detail.map((row) => row);
    const byId = new Map(rows.map((row) => [`${row.setl_id}|${row.refd_setl_flag === REFD_SETL_FLAG.reversal ? 'reversal' : 'settlement'}`, row]));
    return {
      stmtinfo: {
        setl_optins: data.setl_optins ?? null,
        stmt_rslt: result.balanced ? STMT_RSLT.balanced : STMT_RSLT.unbalanced,
        stmt_rslt_dscr: resultText(result.balanced, result.difference),
      },
      result: result.differences.map((difference: Difference) => {
        const side = difference.ours ?? difference.theirs!;
        const theirRow = byId.get(`${difference.settlementId}|${(difference.theirs ?? difference.ours)!.kind}`);
        return {
          psn_no: theirRow?.psn_no ?? null,
          mdtrt_id: theirRow?.mdtrt_id ?? null,
          setl_id: difference.settlementId,
          msgid: null,
          stmt_rslt: STMT_RSLT.unbalanced,
          refd_setl_flag: side.kind === 'reversal' ? REFD_SETL_FLAG.reversal : REFD_SETL_FLAG.settlement,
          memo: difference.kind,
          medfee_sumamt: num(side.total),
          fund_pay_sumamt: num(side.fundTotal),
          acct_pay: num('0.00'),
        };
      }),
    };
  },
} satisfies Transaction<z.infer<typeof detailInput>>;

const reverseMessageInput = z.object({
  data: z.object({ psn_no: card, omsgid: code(/^[A-Za-z0-9._-]{1,64}$/, 'the msgid of the call to undo'), oinfno: code(/^\d{4}$/, 'its transaction number') }),
});

/** What 2601 does to undo each kind of message (the ids come from the message's record). */
export async function undoMessage(deps: NationalDependencies, hospitalId: string, actor: Actor, record: MessageRecord): Promise<void> {
  const u = record.u as Record<string, string> & { lines?: string[] };
  switch (record.n) {
    case '2401':
      await deps.encounters.cancelAdmission(u.card!, u.mdtrtId!, hospitalId).catch(ignoreMissing);
      return;
    case '2402':
      await deps.encounters.cancelDischarge(u.card!, u.mdtrtId!, hospitalId).catch(ignoreMissing);
      return;
    case '2301':
      for (const lineId of u.lines ?? []) await deps.encounters.withdrawLines(u.card!, u.mdtrtId!, hospitalId, lineId);
      return;
    case '2304':
      // Its record was written with the settlement's commit: it names the settlement.
      await deps.encounters.reverse(u.card!, u.mdtrtId!, hospitalId, u.settlementId!, actor, '2601 冲正');
      return;
    case '2501':
      await deps.referrals.revoke(u.referralId!, actor, '2601 冲正').catch(ignoreMissing);
      return;
    case '2303':
    case '3201':
    case '3202':
      return; // nothing stood to undo
    default:
      throw new ValidationError(`a ${record.n} cannot be undone by 2601`, [{ path: 'input.data.oinfno', message: `${record.n} is not undoable` }]);
  }
}

function ignoreMissing(error: unknown): void {
  if ((error as { code?: string }).code !== 'NOT_FOUND') throw error;
}

const T2601 = {
  roles: ['billing'],
  write: true,
  person: ({ data }) => data.psn_no,
  input: reverseMessageInput,
  async run(ctx, { data }) {
    const scope = data.oinfno === '3201' || data.oinfno === '3202' ? { hospital: true as const } : { card: data.psn_no };
    await ctx.deps.messages.reverse(scope, ctx.hospital.hospitalId, data.omsgid, data.oinfno, (record) => undoMessage(ctx.deps, ctx.hospital.hospitalId, ctx.actor, record));
    return null;
  },
} satisfies Transaction<z.infer<typeof reverseMessageInput>>;

/** infno → transaction. */
export const TRANSACTIONS: Record<string, Transaction<any>> = {
  '9001': T9001,
  '1101': T1101,
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
  '2501': T2501,
  '2502': T2502,
  '3201': T3201,
  '3202': T3202,
  '2601': T2601,
};

export type { Transaction };
