/**
 * Fuzzing the national platform's face (vendors send anything): at least 5,000 bodies over
 * every transaction — valid inputs, inputs with fields dropped or of the wrong
 * type, amounts with too many decimals, other persons and encounters, random
 * JSON, malformed text, reused msgids. Every answer is the platform's envelope
 * (infcode 0 or -1, a refmsgid), never a 5xx; afterwards nothing is
 * half-written. Valid vendor-shaped flows (unused fields as "" or null,
 * amounts with their scale) run among them and must all be accepted, so the
 * suite cannot pass on refusals alone.
 */
import fc from 'fast-check';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Decimal } from '../../src/domain/money.js';
import { PY1_LINES } from '../helpers/fee-lines.js';
import { fuzzBody, type FuzzBody } from '../helpers/fuzz-arbitraries.js';
import { hsa, n } from '../helpers/hsa.js';
import { listen, pingyangEnrollee, type ListeningApp } from '../helpers/load-support.js';
import { startTestService, type TestService } from '../helpers/service.js';
import { checkStorageIntegrity } from '../helpers/storage-integrity.js';
import { workedExamples } from '../helpers/worked-examples.js';

const RUNS_PER_TRANSACTION = Number(process.env.FUZZ_NATIONAL_RUNS ?? 300);
const CODE = 'H33032600009';
const CARD = 'HSAFUZZ1';
let t: TestService;
let api: ListeningApp;
let mdtrtId = '';
let settledId = '';
const seen = { total: 0, valid: 0, accepted: 0, statuses: {} as Record<number, number>, infcodes: {} as Record<string, number> };
/** Of every answer, at least this share is infcode 0 (the valid flows and the fuzzed bodies that happen to be valid). */
const MIN_ACCEPTED_SHARE = 0.08; // measured 0.10 at 300 runs a transaction (972 of 9,300)

beforeAll(async () => {
  t = await startTestService({ redisTimeoutMs: 5000 });
  api = await listen(t.service.app);
  await t.loadWorkedRegistry();
  await api.http
    .put('/v1/hospitals/PY-COUNTY')
    .set(t.auth(t.keys.admin))
    .send({ ...workedExamples.hospitals['PY-COUNTY'], fixmedinsCode: CODE })
    .expect(200);
  await api.http.put(`/v1/enrollees/${CARD}`).set(t.auth(t.keys.admin)).send(pingyangEnrollee()).expect(201);
  // One encounter with lines, discharged and settled: real ids for the transactions that need them.
  const p = hsa(api.http, t.keys.billing['PY-COUNTY']!, CODE);
  const admitted = await p.send('2401', { mdtrtinfo: { psn_no: CARD, insutype: '390', med_type: '21', begntime: '2019-03-01 08:00:00' }, diseinfo: [] });
  mdtrtId = admitted.envelope.output.result.mdtrt_id;
  await p.send('2301', {
    feedetail: PY1_LINES.map((l) => ({
      feedetl_sn: l.lineId,
      mdtrt_id: mdtrtId,
      psn_no: CARD,
      fee_ocur_time: l.time!.replace('T', ' '),
      med_list_codg: l.code,
      det_item_fee_sumamt: n(l.amount),
      cnt: n(l.quantity),
      pric: n(l.unitPrice),
    })),
  });
  await p.send('2402', { dscginfo: { mdtrt_id: mdtrtId, psn_no: CARD, endtime: '2019-03-10 10:00:00', dscg_way: '1' } });
  const settled = await p.send('2304', { data: { psn_no: CARD, mdtrt_id: mdtrtId, medfee_sumamt: n('12345.67') } });
  settledId = settled.envelope.output.setlinfo.setl_id;
}, 60_000);

afterAll(async () => {
  await api?.close();
  await t?.close();
  console.info(
    `[national fuzz] ${seen.total} bodies (${seen.valid} valid, ${seen.accepted} accepted); statuses ${JSON.stringify(seen.statuses)}; infcodes ${JSON.stringify(seen.infcodes)}`,
  );
});

const dateTime = fc.oneof(
  fc.constantFrom('2019-03-01 08:00:00', '2019-03-10 10:00:00', '2019-12-31 23:59:59', '2019-02-30 00:00:00', '2019-03-01', '0000-01-01 00:00:00', '2019/03/01 08:00:00', ''),
  fc.string({ maxLength: 25 }),
);
const money = fc.oneof(fc.constantFrom(0, 12.5, 100, 12345.67, -25, 0.001, 1e20, 0.1 + 0.2), fc.constantFrom('12.50', '-0.01', '1e3', '12.345'));
const card = fc.constantFrom(CARD, CARD, 'NOSUCH1', '', 'a b', '330326198001010001');
const encounter = () => fc.constantFrom(mdtrtId, mdtrtId, 'M-0000-00000000000000000000000000000000', 'x', '');
const line = () =>
  fc.record({
    feedetl_sn: fc.oneof(fc.constantFrom('F0001', 'Z1', 'Z2', '0000'), fc.string({ maxLength: 12 })),
    init_feedetl_sn: fc.constantFrom('', 'F0001', 'Z1', 'nope'),
    mdtrt_id: encounter(),
    psn_no: card,
    fee_ocur_time: dateTime,
    med_list_codg: fc.constantFrom(...PY1_LINES.map((l) => l.code), 'UNKNOWNCODE', ''),
    det_item_fee_sumamt: money,
    cnt: fc.constantFrom(1, 2, -2, 0, 0.00001, 1e9),
    pric: fc.constantFrom(12.5, 10.86125, 0, -1, 1.0000001),
  });
const settleData = () =>
  fc.record({
    psn_no: card,
    mdtrt_id: encounter(),
    medfee_sumamt: money,
    psn_setlway: fc.constantFrom('01', '02'),
    mid_setl_flag: fc.constantFrom('0', '1'),
    insutype: fc.constantFrom('390', '310'),
    fulamt_ownpay_amt: money,
    dscgTime: dateTime,
  });
const refData = () => fc.record({ psn_no: card, mdtrt_id: encounter(), setl_id: fc.constantFrom(settledId, 'S-0000-00000000000000000000000000000000', 'x') });

const INPUTS: Record<string, () => fc.Arbitrary<Record<string, unknown>>> = {
  '9001': () => fc.record({ signIn: fc.record({ opter_no: fc.string({ maxLength: 5 }), mac: fc.string({ maxLength: 5 }), ip: fc.string({ maxLength: 5 }) }) }),
  '1101': () => fc.record({ data: fc.record({ mdtrt_cert_type: fc.constantFrom('01', '02', '03', '04'), mdtrt_cert_no: card, begntime: dateTime, certno: card }) }),
  '2401': () =>
    fc.record({
      mdtrtinfo: fc.record({
        psn_no: card,
        insutype: fc.constantFrom('390', '310'),
        med_type: fc.constantFrom('21', '24', '25', '14', '52', '13', '11', '99', '2101'),
        begntime: dateTime,
        mdtrt_cert_type: fc.constantFrom('02', '03', '01'),
        mdtrt_cert_no: card,
      }),
      diseinfo: fc.array(fc.record({ diag_code: fc.constantFrom('K35.800', ''), maindiag_flag: fc.constantFrom('1', '0', '2'), diag_name: fc.string({ maxLength: 10 }) }), {
        maxLength: 3,
      }),
    }),
  '2402': () => fc.record({ dscginfo: fc.record({ mdtrt_id: encounter(), psn_no: card, endtime: dateTime, dscg_way: fc.constantFrom('1', '5', '7') }), diseinfo: fc.constant([]) }),
  '2404': () => fc.record({ data: fc.record({ mdtrt_id: encounter(), psn_no: card }) }),
  '2405': () => fc.record({ data: fc.record({ mdtrt_id: encounter(), psn_no: card }) }),
  '2301': () => fc.record({ feedetail: fc.array(line(), { minLength: 0, maxLength: 4 }) }),
  '2302': () => fc.record({ data: fc.record({ mdtrt_id: encounter(), psn_no: card, feedetl_sn: fc.constantFrom('0000', 'Z1', 'F0001') }) }),
  '2303': () => fc.record({ data: settleData() }),
  '2304': () => fc.record({ data: settleData() }),
  '2305': () => fc.record({ data: refData() }),
  '5203': () => fc.record({ data: refData() }),
  '5204': () => fc.record({ data: refData() }),
  '2501': () =>
    fc.record({
      refmedin: fc.record({
        psn_no: card,
        diag_code: fc.constantFrom('C34.9', ''),
        reflin_medins_no: fc.constantFrom(CODE, 'H99999999999', 'x'),
        begndate: fc.constantFrom('2019-01-01', '2019-02-30'),
        enddate: fc.constantFrom('2019-12-31', '2018-01-01'),
      }),
    }),
  '2502': () =>
    fc.record({ data: fc.record({ trt_dcla_detl_sn: fc.constantFrom('R-0000-00000000000000000000000000000000', 'x'), psn_no: card, memo: fc.string({ maxLength: 10 }) }) }),
  '3201': () =>
    fc.record({
      data: fc.record({
        insutype: fc.constantFrom('390', '310'),
        clr_type: fc.constantFrom('11', '21', '99'),
        stmt_begndate: fc.constantFrom('2026-11-01', '2026-13-01'),
        stmt_enddate: fc.constantFrom('2026-11-30', '2027-11-30'),
        medfee_sumamt: money,
        fund_pay_sumamt: money,
        fixmedins_setl_cnt: fc.constantFrom(0, 3, -1),
      }),
    }),
  '3202': () =>
    fc.record({
      data: fc.record({
        stmt_begndate: fc.constantFrom('2026-11-01'),
        stmt_enddate: fc.constantFrom('2026-11-30', '2026-10-01'),
        medfee_sumamt: money,
        fund_pay_sumamt: money,
        fixmedins_setl_cnt: fc.constantFrom(1, 'x'),
        detail: fc.array(fc.record({ setl_id: fc.constantFrom(settledId, 'x'), medfee_sumamt: money, fund_pay_sumamt: money, refd_setl_flag: fc.constantFrom('0', '1', '2') }), {
          maxLength: 3,
        }),
      }),
    }),
  '2201': () =>
    fc.record({
      data: fc.record({
        psn_no: card,
        insutype: fc.constantFrom('390', '310', ''),
        begntime: dateTime,
        mdtrt_cert_type: fc.constantFrom('03', '01', ''),
        mdtrt_cert_no: card,
        med_type: fc.constantFrom('11', '14', '21', ''),
      }),
    }),
  '2202': () => fc.record({ data: fc.record({ mdtrt_id: encounter(), psn_no: card, ipt_otp_no: fc.string({ maxLength: 5 }) }) }),
  '2203': () =>
    fc.record({
      mdtrtinfo: fc.record({ mdtrt_id: encounter(), psn_no: card, med_type: fc.constantFrom('11', '14', '21', ''), dise_codg: fc.constantFrom('esrd-dialysis', '', 'x') }),
      diseinfo: fc.constant([]),
    }),
  '2204': () =>
    fc.record({
      feedetail: fc.array(
        line().chain((l) => fc.record({ chrg_bchno: fc.constantFrom('B1', '', 'B2') }).map((b) => ({ ...l, ...b }))),
        { minLength: 0, maxLength: 3 },
      ),
    }),
  '2205': () => fc.record({ data: fc.record({ mdtrt_id: encounter(), psn_no: card, chrg_bchno: fc.constantFrom('0000', 'B1', '') }) }),
  '2206': () =>
    fc.record({ data: settleData().chain((d) => fc.record({ med_type: fc.constantFrom('11', '14', ''), chrg_bchno: fc.constantFrom('B1', '') }).map((o) => ({ ...d, ...o }))) }),
  '2207': () =>
    fc.record({ data: settleData().chain((d) => fc.record({ med_type: fc.constantFrom('11', '14', ''), chrg_bchno: fc.constantFrom('B1', '') }).map((o) => ({ ...d, ...o }))) }),
  '2208': () => fc.record({ data: refData() }),
  '2503': () =>
    fc.record({
      data: fc.record({
        psn_no: card,
        insutype: fc.constantFrom('390', '310', ''),
        opsp_dise_code: fc.constantFrom('esrd-dialysis', '', 'a b'),
        begndate: fc.constantFrom('2019-01-01', '2019-02-30', ''),
        enddate: fc.constantFrom('2019-12-31', '2018-01-01'),
      }),
    }),
  '2504': () =>
    fc.record({ data: fc.record({ trt_dcla_detl_sn: fc.constantFrom('D-0000-00000000000000000000000000000000', 'x', ''), psn_no: card, memo: fc.string({ maxLength: 10 }) }) }),
  '2601': () =>
    fc.record({ data: fc.record({ psn_no: card, omsgid: fc.constantFrom(`${CODE}202611240000000001`, 'x'), oinfno: fc.constantFrom('2304', '2401', '2301', '2305', '9999') }) }),
};

/** An envelope as vendors send it around `input`; msgids new or from a small pool (reused on purpose). */
function envelopeOf(infno: string, input: fc.Arbitrary<Record<string, unknown>>): fc.Arbitrary<Record<string, unknown>> {
  return fc.record({
    infno: fc.constantFrom(infno, infno, infno, Number(infno), '9999'),
    msgid: fc.oneof(
      fc.uuid().map((u) => `${CODE}${u.replaceAll('-', '').slice(0, 18)}`),
      fc.constantFrom(`${CODE}202611240000000001`, `${CODE}202611240000000002`),
    ),
    mdtrtarea_admvs: fc.constant('330326'),
    insuplc_admdvs: fc.constant('330326'),
    recer_sys_code: fc.constant('MBS_LOCAL'),
    infver: fc.constant('V1.0'),
    opter_type: fc.constantFrom('1', 1),
    opter: fc.constantFrom('0123', ''),
    opter_name: fc.constantFrom('收费员', ''),
    inf_time: fc.constant('2026-11-24 10:00:00'),
    fixmedins_code: fc.constantFrom(CODE, CODE, CODE, 'H99999999999'),
    fixmedins_name: fc.constant('平阳县人民医院'),
    sign_no: fc.constant(''),
    input,
  });
}

async function send(body: FuzzBody) {
  const text = body.kind === 'json' ? (JSON.stringify(body.value) ?? 'null') : String(body.value);
  let req = api.http.post('/hsa/v1').set('Authorization', `Bearer ${t.keys.billing['PY-COUNTY']}`).set('Content-Type', body.contentType);
  if (body.contentEncoding) req = req.set('Content-Encoding', body.contentEncoding);
  return req.send(text);
}

describe('fuzzing every transaction of /hsa/v1', { timeout: 240_000 }, () => {
  for (const infno of Object.keys(INPUTS)) {
    it(`${infno}: never a 5xx, always the envelope`, async () => {
      await fc.assert(
        fc.asyncProperty(fuzzBody(envelopeOf(infno, INPUTS[infno]!())), async (body) => {
          const res = await send(body);
          seen.total++;
          seen.statuses[res.status] = (seen.statuses[res.status] ?? 0) + 1;
          const what = `${infno} → ${res.status} ${res.text.slice(0, 300)}`;
          expect(res.status, what).toBeLessThan(500);
          expect([200, 401, 403, 413]).toContain(res.status);
          const envelope = JSON.parse(res.text) as { infcode: number; inf_refmsgid: string; err_msg: string | null };
          expect([0, -1], what).toContain(envelope.infcode);
          expect(envelope.inf_refmsgid).toMatch(/^\d{30}$/);
          if (envelope.infcode === -1) expect(envelope.err_msg, what).toMatch(/^[A-Z_]+: /);
          seen.infcodes[String(envelope.infcode)] = (seen.infcodes[String(envelope.infcode)] ?? 0) + 1;
        }),
        { numRuns: RUNS_PER_TRANSACTION, endOnFailure: true },
      );
    });
  }

  it('valid vendor-shaped outpatient visits (unused fields "" or null, amounts with their scale) are all accepted', async () => {
    const p = hsa(api.http, t.keys.billing['PY-COUNTY']!, CODE);
    const blank = fc.constantFrom('', null, undefined);
    const scale = fc.integer({ min: 2, max: 8 });
    const lines = PY1_LINES.slice(0, 3);
    await fc.assert(
      fc.asyncProperty(blank, blank, scale, scale, async (unused, other, amountScale, countScale) => {
        const optional = (value: unknown) => (value === undefined ? {} : { ipt_otp_no: value, atddr_no: value, dept_code: value });
        const answers = [];
        const registered = await p.send('2201', {
          data: { psn_no: CARD, insutype: '390', begntime: '2019-04-02 08:30:00', mdtrt_cert_type: '03', mdtrt_cert_no: CARD, ...optional(unused) },
        });
        answers.push(registered);
        const visit = registered.envelope.output?.data?.mdtrt_id as string;
        const amount = (text: string, places: number) => n(new Decimal(text).toFixed(places));
        const uploaded = await p.send('2204', {
          feedetail: lines.map((l) => ({
            feedetl_sn: l.lineId,
            init_feedetl_sn: other,
            mdtrt_id: visit,
            psn_no: CARD,
            chrg_bchno: 'B1',
            fee_ocur_time: '2019-04-02 09:00:00',
            med_list_codg: l.code,
            medins_list_codg: other,
            det_item_fee_sumamt: amount(l.amount, amountScale),
            cnt: amount(l.quantity, countScale),
            pric: amount(l.unitPrice, 6),
            memo: unused,
          })),
        });
        answers.push(uploaded);
        const total = lines.reduce((sum, l) => sum.plus(l.amount), new Decimal(0));
        answers.push(
          await p.send('2206', {
            data: {
              psn_no: CARD,
              mdtrt_id: visit,
              med_type: '11',
              chrg_bchno: 'B1',
              medfee_sumamt: amount(total.toFixed(2), amountScale),
              psn_setlway: '01',
              insutype: '390',
              acct_used_flag: other,
              mid_setl_flag: unused,
              fulamt_ownpay_amt: other,
            },
          }),
        );
        for (const answer of answers) {
          seen.total++;
          seen.valid++;
          if (answer.ok) seen.accepted++;
          seen.infcodes[answer.ok ? '0' : '-1'] = (seen.infcodes[answer.ok ? '0' : '-1'] ?? 0) + 1;
          expect(answer.ok, answer.text).toBe(true);
        }
      }),
      // Three messages a run, as many runs as each transaction is fuzzed: about a tenth of all bodies.
      { numRuns: RUNS_PER_TRANSACTION, endOnFailure: true },
    );
  });

  it('sent at least 5,000 bodies, and nothing is half-written', async () => {
    // Not only refusals: a minimum share of everything sent was accepted.
    expect(seen.accepted).toBe(seen.valid);
    expect((seen.infcodes['0'] ?? 0) / seen.total).toBeGreaterThanOrEqual(MIN_ACCEPTED_SHARE);
    expect(seen.total).toBeGreaterThanOrEqual(Math.min(5_000, RUNS_PER_TRANSACTION * Object.keys(INPUTS).length));
    const integrity = await checkStorageIntegrity(t.redis as Redis);
    expect(integrity.problems).toEqual([]);
    // The person's accumulators are exactly the sum of the settled settlements listed for them.
    const acc = (await api.http.get(`/v1/enrollees/${CARD}/accumulators/2019`).set(t.auth(t.keys.admin)).expect(200)).body;
    const list = (await api.http.get(`/v1/enrollees/${CARD}/settlements?year=2019&limit=200`).set(t.auth(t.keys.admin)).expect(200)).body.settlements as {
      status: string;
      admissionOrdinal: number | null;
    }[];
    expect(acc.admissions).toBe(list.filter((s) => s.status === 'settled' && s.admissionOrdinal !== null).length);
  });
});
