/** 9001 签到, 1101 人员信息, 2501/2502 转院备案, 2503/2504 慢特病备案, 3201/3202 对账: thin translations onto the registry, filing and statement use-cases. */
import { hash } from 'node:crypto';
import type { z } from 'zod';
import { CARD_CERT_TYPES, PERSON_CATEGORY_NAMES, REFD_SETL_FLAG, STMT_RSLT } from '../../domain/code-tables.js';
import { businessDayOf, dayNumber } from '../../domain/dates.js';
import { ValidationError } from '../../domain/errors.js';
import type { Money } from '../../domain/money.js';
import { fileTransfer, revokeTransfer } from '../../service/referrals.js';
import type { Difference } from '../../service/statements.js';
import { newId } from '../../store/keys.js';
import { num, personInfo } from '../field-map.js';
import { detailInput, personInput, referralInput, referralRevokeInput, signInInput, specialDiseaseInput, specialDiseaseRevokeInput, totalsInput } from '../inputs/other.js';
import { requireResident, type Transaction } from '../transaction.js';

const T9001 = {
  roles: ['billing', 'referral'],
  write: false,
  input: signInInput,
  // Sign-in answers a sign_no; no transaction requires one (the Bearer key is the credential).
  async run(ctx) {
    const now = ctx.deps.now();
    return { signinoutb: { sign_time: now.toISOString().slice(0, 19).replace('T', ' '), sign_no: `${ctx.hospital.admdvs}${now.getTime()}` } };
  },
} satisfies Transaction<z.infer<typeof signInInput>>;

/** The person behind a certificate: types 02 and 03 carry the card number (national-platform.md §5). */
function cardOfCertificate(type: string | undefined, number: string | undefined, fallback: string | undefined, path: string): string {
  if (type === '01')
    throw new ValidationError('an e-voucher token (mdtrt_cert_type 01) cannot be resolved here: send the card (03) or ID number (02)', [
      { path, message: 'type 01 not supported' },
    ]);
  const found = (type && CARD_CERT_TYPES.includes(type) ? number : undefined) ?? fallback;
  if (!found || !/^[A-Za-z0-9]{1,32}$/.test(found)) throw new ValidationError('no person number: send mdtrt_cert_no (type 02 or 03) or certno', [{ path, message: 'required' }]);
  return found;
}

const T1101 = {
  roles: ['billing', 'referral'],
  write: false,
  input: personInput,
  async run(ctx, { data }) {
    const person = cardOfCertificate(data.mdtrt_cert_type, data.mdtrt_cert_no, data.certno, 'input.data.mdtrt_cert_no');
    const enrollee = await ctx.deps.registry.getEnrollee(person);
    const on = data.begntime?.slice(0, 10) ?? businessDayOf(ctx.deps.now());
    const admdvs = ctx.deps.catalog.divisionOf(enrollee.region) ?? '';
    return personInfo(enrollee, on, admdvs, PERSON_CATEGORY_NAMES);
  },
} satisfies Transaction<z.infer<typeof personInput>>;

function referralIdOf(cardNo: string, hospitalId: string, msgid: string): string {
  return newId('R', cardNo, hash('sha256', `2501\n${hospitalId}\n${msgid}`, 'hex').slice(0, 32));
}

const T2501 = {
  roles: ['billing', 'referral'],
  write: true,
  person: (input) => input.refmedin.psn_no,
  input: referralInput,
  fields: { card: 'input.refmedin.psn_no', validTo: 'input.refmedin.enddate', toHospitalCode: 'input.refmedin.reflin_medins_no' },
  undo(ctx, input) {
    return { referralId: referralIdOf(input.refmedin.psn_no, ctx.hospital.hospitalId, ctx.msgid!) };
  },
  async run(ctx, input) {
    const info = input.refmedin;
    requireResident(info.insutype, 'input.refmedin.insutype');
    const filing = await fileTransfer(ctx.deps, ctx.caller, ctx.hospital, {
      referralId: referralIdOf(info.psn_no, ctx.hospital.hospitalId, ctx.msgid!),
      card: info.psn_no,
      validFrom: info.begndate,
      validTo: info.enddate,
      toHospitalCode: info.reflin_medins_no,
      diagnosis: info.diag_name ? `${info.diag_code} ${info.diag_name}` : info.diag_code,
    });
    return { result: { trt_dcla_detl_sn: filing.referralId } };
  },
} satisfies Transaction<z.infer<typeof referralInput>>;

const T2502 = {
  roles: ['billing', 'referral'],
  write: true,
  person: ({ data }) => data.psn_no,
  input: referralRevokeInput,
  fields: { card: 'input.data.psn_no' },
  async run(ctx, { data }) {
    await revokeTransfer(ctx.deps, ctx.caller, ctx.hospital, data.trt_dcla_detl_sn, data.psn_no, ctx.actor, data.memo ?? null);
    return null;
  },
} satisfies Transaction<z.infer<typeof referralRevokeInput>>;

function specialDiseaseFilingIdOf(cardNo: string, hospitalId: string, msgid: string): string {
  return newId('D', cardNo, hash('sha256', `2503\n${hospitalId}\n${msgid}`, 'hex').slice(0, 32));
}

/** 2503: the person's approval for a special disease between two dates; special-outpatient visits honour it. */
const T2503 = {
  roles: ['billing'],
  write: true,
  person: ({ data }) => data.psn_no,
  input: specialDiseaseInput,
  fields: { validTo: 'input.data.enddate', card: 'input.data.psn_no' },
  undo(ctx, { data }) {
    return { card: data.psn_no, filingId: specialDiseaseFilingIdOf(data.psn_no, ctx.hospital.hospitalId, ctx.msgid!) };
  },
  async run(ctx, { data }) {
    requireResident(data.insutype, 'input.data.insutype');
    const filing = await ctx.deps.specialDiseases.file({
      filingId: specialDiseaseFilingIdOf(data.psn_no, ctx.hospital.hospitalId, ctx.msgid!),
      card: data.psn_no,
      disease: data.opsp_dise_code,
      diseaseName: data.opsp_dise_name ?? null,
      validFrom: data.begndate,
      validTo: data.enddate,
      filedBy: { hospitalId: ctx.hospital.hospitalId, keyId: ctx.caller.id },
    });
    return { result: { trt_dcla_detl_sn: filing.filingId } };
  },
} satisfies Transaction<z.infer<typeof specialDiseaseInput>>;

/** 2504: revokes a filing this hospital filed. */
const T2504 = {
  roles: ['billing'],
  write: true,
  person: ({ data }) => data.psn_no,
  input: specialDiseaseRevokeInput,
  fields: { filingId: 'input.data.trt_dcla_detl_sn' },
  async run(ctx, { data }) {
    const hospital = ctx.caller.role === 'admin' ? undefined : ctx.hospital.hospitalId;
    await ctx.deps.specialDiseases.revoke(data.psn_no, data.trt_dcla_detl_sn, ctx.actor, data.memo ?? null, hospital);
    return null;
  },
} satisfies Transaction<z.infer<typeof specialDiseaseRevokeInput>>;

/** Dates of a statement period; at most 31 days. */
function period(begin: string, end: string, path: string): { from: string; to: string } {
  if (end < begin) throw new ValidationError('stmt_enddate is before stmt_begndate', [{ path: `${path}.stmt_enddate`, message: 'before stmt_begndate' }]);
  if (dayNumber(end) - dayNumber(begin) > 30)
    throw new ValidationError('a statement period is at most 31 days', [{ path: `${path}.stmt_enddate`, message: 'more than 31 days after stmt_begndate' }]);
  return { from: begin, to: end };
}

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
    const byId = new Map(data.detail.map((row) => [`${row.setl_id}|${row.refd_setl_flag === REFD_SETL_FLAG.reversal ? 'reversal' : 'settlement'}`, row]));
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

export const OTHER = { '9001': T9001, '1101': T1101, '2501': T2501, '2502': T2502, '2503': T2503, '2504': T2504, '3201': T3201, '3202': T3202 };
