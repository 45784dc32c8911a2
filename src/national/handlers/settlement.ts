/**
 * Settling an encounter, inpatient (2303/2304/2305) and outpatient
 * (2206/2207/2208) alike, through the encounter use-cases, and reading it
 * back (5203/5204). The HIS's sums are checked against the stay's own.
 */
import { PSN_SETLWAY_PER_ITEM } from '../../domain/code-tables.js';
import type { Encounter } from '../../domain/encounter.js';
import { ValidationError } from '../../domain/errors.js';
import { Decimal, formatMoney, type Money } from '../../domain/money.js';
import type { Charges } from '../../domain/types.js';
import type { PreparedStay, SettledAsOf } from '../../service/encounters.js';
import type { StayHold } from '../../service/stay-changes.js';
import { knownMessage, settledMessageRecord } from '../../service/national-messages.js';
import type { SettlementView } from '../../service/settlement-view.js';
import { MessageRecordedError } from '../../service/settlements.js';
import { feeLineResult } from '../field-map.js';
import { requireResident, settlementOutput, viewOf, type TransactionContext } from '../transaction.js';

/** What 2303/2304 and 2206/2207 share of `input.data`. */
export interface SettleData {
  psn_no: string;
  mdtrt_id: string;
  mdtrt_cert_type?: string | undefined;
  medfee_sumamt: Money;
  psn_setlway?: string | undefined;
  insutype?: string | undefined;
  mid_setl_flag?: string | undefined;
  fulamt_ownpay_amt?: Money | undefined;
  overlmt_selfpay?: Money | undefined;
  preselfpay_amt?: Money | undefined;
  inscp_scp_amt?: Money | undefined;
}

export function checkSettleData(data: SettleData): void {
  requireResident(data.insutype, 'input.data.insutype');
  if (data.psn_setlway && data.psn_setlway !== PSN_SETLWAY_PER_ITEM) {
    throw new ValidationError('only per-item settlement (psn_setlway 01) is settled here', [
      { path: 'input.data.psn_setlway', message: 'fixed-quota settlement (02) is not supported' },
    ]);
  }
  if (data.mid_setl_flag === '1') {
    throw new ValidationError('mid-stay settlement (mid_setl_flag 1) is not settled here: settle at discharge', [{ path: 'input.data.mid_setl_flag', message: 'not supported' }]);
  }
}

/** The bill the HIS summed from its fee-line answers must be the one the service settles. */
export function checkSums(data: SettleData, charges: Charges): void {
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
    .map(([field, given, ours]) => ({
      path: `input.data.${field}`,
      message: `${formatMoney(given!)} is not the stay's ${formatMoney(ours)} (the sum of its fee lines as classified)`,
    }));
  if (details.length) throw new ValidationError(`the amounts sent do not match the stay's fee lines: ${details[0]!.message}`, details);
}

function chargesOfView(view: SettlementView): Charges {
  const m = (text: string) => new Decimal(text);
  return { total: m(view.charges.total), fullSelfPay: m(view.charges.fullSelfPay), overLimitSelfPay: m(view.charges.overLimitSelfPay), preSelfPay: m(view.charges.preSelfPay) };
}

/** dscg_time_src: where the time a pre-settlement is computed as of came from. */
const AS_OF_SOURCE: Record<SettledAsOf['source'], string> = { discharge: '1', message: '2', 'latest-fee-line': '3', admission: '4' };

/**
 * 2303 / 2206: the settlement as it would be, nothing recorded. Before
 * discharge it is computed as of `dischargeAt` (the message's), else the
 * latest fee line's time, and `dscginfo` says which.
 */
export async function preSettle(ctx: TransactionContext, data: SettleData, dischargeAt: string | null, check?: (encounter: Encounter) => Promise<void> | void) {
  checkSettleData(data);
  const { encounter, view, asOf } = await ctx.deps.encounters.preview(data.psn_no, data.mdtrt_id, ctx.hospital.hospitalId, ctx.actor, dischargeAt);
  await check?.(encounter);
  checkSums(data, chargesOfView(view));
  const { setlinfo, setldetail } = settlementOutput(ctx, view, encounter, { certType: data.mdtrt_cert_type ?? null });
  const { setl_id: _none, ...preview } = setlinfo;
  return {
    setlinfo: preview,
    setldetail,
    // 1 出院办理的时间, 2 本报文的出院时间, 3 最后一条费用明细的时间, 4 入院时间 (no line carries a time)
    dscginfo: { dscg_time: asOf.time, dscg_time_src: AS_OF_SOURCE[asOf.source] },
  };
}

/** 2304 / 2207: settles once per msgid; the record is written by the settlement's own commit. */
export async function settle(ctx: TransactionContext, infno: string, input: { data: SettleData }, check?: (encounter: Encounter) => Promise<void> | void) {
  const { data } = input;
  checkSettleData(data);
  // The stay's lines and status hold still from the read of its lines to the commit (2301/2302/2404/2405 refuse meanwhile).
  return ctx.deps.encounters.holding(data.psn_no, data.mdtrt_id, ctx.hospital.hospitalId, ctx.msgid!, (prepared, hold) => settleHeld(ctx, infno, input, prepared, hold, check));
}

async function settleHeld(
  ctx: TransactionContext,
  infno: string,
  input: { data: SettleData },
  prepared: PreparedStay,
  hold: StayHold,
  check?: (encounter: Encounter) => Promise<void> | void,
) {
  // Sent with the hold: refused if the hospital used this msgid for another person.
  await ctx.binding;
  const { data } = input;
  const msgid = ctx.msgid!;
  const hospitalId = ctx.hospital.hospitalId;
  const answerOf = async (record: string) => {
    // Done before: the same answer, rebuilt from the settlement it recorded.
    const known = knownMessage(record, msgid, infno, input);
    const { encounter, stored } = await ctx.deps.encounters.settlementOf(data.psn_no, data.mdtrt_id, hospitalId, known.u.settlementId as string);
    return settlementOutput(ctx, viewOf(stored.response), encounter, { certType: data.mdtrt_cert_type ?? null });
  };
  if (prepared.request === null) return answerOf(prepared.message);
  await check?.(prepared.encounter);
  const at = ctx.deps.now().toISOString();
  const settled = await ctx.deps.encounters
    .settle(prepared, ctx.actor, {
      // The amounts the HIS summed must be the stay's: checked on the computation, before anything is recorded.
      verify: (computation) => checkSums(data, computation.charges),
      hold,
      message: {
        hospitalId,
        msgid,
        ttlSeconds: ctx.deps.messages.recordSeconds,
        record: (settlementId) => JSON.stringify(settledMessageRecord(infno, input, { card: data.psn_no, mdtrtId: data.mdtrt_id, settlementId }, at)),
      },
    })
    .catch((error: unknown) => {
      if (error instanceof MessageRecordedError) return error.record;
      throw error;
    });
  if (typeof settled === 'string') return answerOf(settled);
  return settlementOutput(ctx, settled.view, settled.encounter, { certType: data.mdtrt_cert_type ?? null });
}

/** 2305 / 2208: answered negated, as the reversal entry of the day (vendors disagree on the sign). */
export async function reverse(ctx: TransactionContext, data: { psn_no: string; mdtrt_id: string; setl_id: string }, reason: string) {
  const { encounter, body } = await ctx.deps.encounters.reverse(data.psn_no, data.mdtrt_id, ctx.hospital.hospitalId, data.setl_id, ctx.actor, reason);
  const view = viewOf(body);
  return settlementOutput(ctx, view, encounter, { negated: true, at: view.reversal?.at ?? view.reversedAt ?? null });
}

/** 5203: a settlement as stored. */
export async function readSettlement(ctx: TransactionContext, data: { psn_no: string; mdtrt_id: string; setl_id: string }) {
  const { encounter, stored } = await ctx.deps.encounters.settlementOf(data.psn_no, data.mdtrt_id, ctx.hospital.hospitalId, data.setl_id);
  return settlementOutput(ctx, viewOf(stored.response), encounter);
}

/** 5204: the stay's fee lines as their upload answered them. */
export async function readLines(ctx: TransactionContext, data: { psn_no: string; mdtrt_id: string }) {
  const results = await ctx.deps.encounters.lineResults(data.psn_no, data.mdtrt_id, ctx.hospital.hospitalId);
  return { result: results.map((result) => feeLineResult(data.mdtrt_id, result)) };
}
