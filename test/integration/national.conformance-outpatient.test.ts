/**
 * Conformance with vendor-shaped messages (see national.conformance.test.ts),
 * continued: the outpatient flow (1101 → 2201 → 2203 → 2204 → 2206 → 2207 →
 * 2208) for every region and visit type, special-disease filings (2503 /
 * 2504), and an outsider with a real key.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { n, text } from '../helpers/hsa.js';
import {
  REGIONS,
  d,
  enrol,
  expectSameRefusal,
  expectSameSettlement,
  feeRow,
  nativePreview,
  ok,
  person,
  platform,
  settleData,
  startConformanceService,
  type Region,
} from '../helpers/national-conformance.js';
import type { TestService } from '../helpers/service.js';

let t: TestService;
beforeAll(async () => {
  t = await startConformanceService();
});
afterAll(async () => t?.close());

describe('the outpatient flow with vendor-shaped messages', () => {
  const visits = [
    { medType: '11', visitType: 'outpatient', hospital: (r: Region) => r.visitAt, special: false },
    { medType: '14', visitType: 'special-outpatient', hospital: (r: Region) => r.specialAt, special: true },
  ] as const;
  for (const region of REGIONS) {
    for (const visit of visits) {
      it(`${region.region} ${visit.visitType} (${visit.medType}): 1101 → 2201 → 2203 → 2204 → 2206 → 2207 → 2208`, async () => {
        const card = await enrol(region, visit.special ? [region.disease] : []);
        const hospitalId = visit.hospital(region);
        const p = platform(hospitalId);
        const day = `${region.year}-04-02`;
        await person(p, card, `${day} 08:00:00`);
        const registered = ok(
          await p.send('2201', {
            data: {
              psn_no: card,
              insutype: '390',
              begntime: `${day} 08:30:00`,
              mdtrt_cert_type: '03',
              mdtrt_cert_no: card,
              ipt_otp_no: 'MZ0001',
              atddr_no: 'D001',
              dr_name: '李医生',
              dept_code: 'A01',
              dept_name: '内科',
              caty: 'A03',
              expContent: '',
            },
          }),
        );
        const mdtrtId = text(registered.data.mdtrt_id);
        expect(registered.data).toMatchObject({ psn_no: card, ipt_otp_no: 'MZ0001' });
        ok(
          await p.send('2203', {
            mdtrtinfo: {
              mdtrt_id: mdtrtId,
              psn_no: card,
              med_type: visit.medType,
              begntime: `${day} 08:30:00`,
              main_cond_dscr: '',
              dise_codg: visit.special ? region.disease : '',
              dise_name: '',
              birctrl_type: '',
              birctrl_matn_date: '',
              matn_type: '',
              geso_val: n('0'),
              expContent: '',
            },
            diseinfo: [
              {
                diag_type: '1',
                diag_srt_no: n('1'),
                diag_code: 'N18.500',
                diag_name: '慢性肾病5期',
                diag_dept: '内科',
                dise_dor_no: 'D001',
                dise_dor_name: '李医生',
                diag_time: `${day} 08:40:00`,
                vali_flag: '1',
              },
            ],
          }),
        );
        const lines = region.visitLines(day);
        const uploaded = ok(
          await p.send('2204', {
            feedetail: lines.map((line) => feeRow(line, mdtrtId, card, visit.medType, { chrg_bchno: 'B0001', dise_codg: '', rxno: '', rx_circ_flag: '', tcmdrug_used_way: '' })),
          }),
        );
        expect(uploaded.result.every((row: { chrg_bchno: string }) => row.chrg_bchno === 'B0001')).toBe(true);
        const data = settleData(card, mdtrtId, uploaded.result, { med_type: visit.medType, chrg_bchno: 'B0001' });
        const native = await nativePreview(hospitalId, card, visit.visitType, day, day, lines, visit.special ? { specialDisease: region.disease } : {});
        const preview = await p.send('2206', { data });
        if (native.status !== 200) {
          // The region does not settle this visit type: both faces refuse it alike.
          expectSameRefusal(preview, native);
          return;
        }
        expectSameSettlement(ok(preview).setlinfo, ok(preview).setldetail, native.body, '11');
        const settled = ok(await p.send('2207', { data }));
        expectSameSettlement(settled.setlinfo, settled.setldetail, native.body, '11');
        expect(settled.setlinfo.med_type).toBe(visit.medType);
        expect(settled.setlinfo.medins_setl_id).toMatch(/^H\d{11}/);
        // The same message again answers the same settlement.
        const again = ok(await p.send('2207', { data }, { msgid: settled.setlinfo.medins_setl_id }));
        expect(again.setlinfo.setl_id).toBe(settled.setlinfo.setl_id);
        const reversed = ok(await p.send('2208', { data: { setl_id: settled.setlinfo.setl_id, mdtrt_id: mdtrtId, psn_no: card, expContent: '' } }));
        expect(d(reversed.setlinfo.medfee_sumamt).eq(d(settled.setlinfo.medfee_sumamt).negated())).toBe(true);
      });
    }
  }

  it("2205 withdraws a batch; a settlement names the batch of the visit's lines; 2601 undoes a 2207", async () => {
    const region = REGIONS[0]!;
    const card = await enrol(region);
    const p = platform(region.visitAt);
    const day = '2019-04-03';
    const registered = ok(
      await p.send('2201', {
        data: {
          psn_no: card,
          insutype: '390',
          begntime: `${day} 08:30:00`,
          mdtrt_cert_type: '03',
          mdtrt_cert_no: card,
          ipt_otp_no: '',
          atddr_no: '',
          dr_name: '',
          dept_code: '',
          dept_name: '',
          caty: '',
        },
      }),
    );
    const mdtrtId = text(registered.data.mdtrt_id);
    const lines = region.visitLines(day);
    ok(await p.send('2204', { feedetail: lines.map((line) => feeRow(line, mdtrtId, card, '11', { chrg_bchno: 'B1' })) }));
    const wrongBatch = await p.send('2206', {
      data: settleData(card, mdtrtId, [], {
        med_type: '11',
        chrg_bchno: 'B2',
        medfee_sumamt: n('0'),
        fulamt_ownpay_amt: '',
        overlmt_selfpay: '',
        preselfpay_amt: '',
        inscp_scp_amt: '',
      }),
    });
    expect(wrongBatch.envelope.err_msg).toMatch(/^VALIDATION_FAILED: 收费批次号.*input\.data\.chrg_bchno/);
    const wrongType = await p.send('2206', {
      data: settleData(card, mdtrtId, [], {
        med_type: '14',
        chrg_bchno: 'B1',
        medfee_sumamt: n('0'),
        fulamt_ownpay_amt: '',
        overlmt_selfpay: '',
        preselfpay_amt: '',
        inscp_scp_amt: '',
      }),
    });
    expect(wrongType.envelope.err_msg).toMatch(/input\.data\.med_type/);
    const asStay = await p.send('2303', {
      data: settleData(card, mdtrtId, [], { medfee_sumamt: n('0'), fulamt_ownpay_amt: '', overlmt_selfpay: '', preselfpay_amt: '', inscp_scp_amt: '' }),
    });
    expect(asStay.envelope.err_msg).toMatch(/^VALIDATION_FAILED: 住院请用 2303\/2304 结算，门诊请用 2206\/2207 结算（字段 input\.data\.mdtrt_id）/);
    const withdrawn = ok(await p.send('2205', { data: { mdtrt_id: mdtrtId, chrg_bchno: 'B1', psn_no: card, expContent: '' } }));
    expect(text(withdrawn.result.withdrawn)).toBe(String(lines.length));
    const uploaded = ok(await p.send('2204', { feedetail: lines.map((line) => feeRow({ ...line, lineId: `${line.lineId}b` }, mdtrtId, card, '11', { chrg_bchno: 'B2' })) }));
    const settled = await p.send('2207', { data: settleData(card, mdtrtId, uploaded.result, { med_type: '11', chrg_bchno: 'B2' }) });
    ok(settled);
    ok(await p.send('2601', { data: { psn_no: card, omsgid: settled.msgid, oinfno: '2207' } }));
    const read = await p.send('5203', { data: { psn_no: card, setl_id: settled.envelope.output.setlinfo.setl_id, mdtrt_id: mdtrtId } });
    expect(ok(read).setlinfo).toBeTruthy();
    const status = await t.http.get(`/v1/settlements/${settled.envelope.output.setlinfo.setl_id}`).set(t.auth(t.keys.admin)).expect(200);
    expect(status.body.status).toBe('reversed');
  });
});

describe('special-disease filings (2503 / 2504, and the native API)', () => {
  it('a special-outpatient visit is refused without an approval, settles with a filing valid on its date, and is refused again once it is revoked', async () => {
    const region = REGIONS[0]!;
    const card = await enrol(region);
    const p = platform(region.specialAt);
    const day = '2019-05-06';
    const visit = async () => {
      const registered = ok(
        await p.send('2201', { data: { psn_no: card, insutype: '390', begntime: `${day} 08:30:00`, mdtrt_cert_type: '03', mdtrt_cert_no: card, med_type: '14' } }),
      );
      const mdtrtId = text(registered.data.mdtrt_id);
      ok(await p.send('2203', { mdtrtinfo: { mdtrt_id: mdtrtId, psn_no: card, med_type: '14', dise_codg: region.disease }, diseinfo: [] }));
      const uploaded = ok(await p.send('2204', { feedetail: region.visitLines(day).map((line) => feeRow(line, mdtrtId, card, '14', { chrg_bchno: 'B1' })) }));
      return p.send('2206', { data: settleData(card, mdtrtId, uploaded.result, { med_type: '14', chrg_bchno: 'B1' }) });
    };
    const unapproved = await visit();
    expect(unapproved.envelope.err_msg).toMatch(/^SPECIAL_DISEASE_NOT_APPROVED: 该人员未备案此门诊慢特病/);

    // A filing that ends before the visit does not approve it.
    const early = ok(
      await p.send('2503', {
        data: {
          psn_no: card,
          insutype: '390',
          opsp_dise_code: region.disease,
          opsp_dise_name: '尿毒症透析',
          tel: '',
          addr: '',
          insu_optins: '',
          ide_fixmedins_no: '',
          ide_fixmedins_name: '',
          hosp_ide_date: '',
          diag_dr_codg: '',
          diag_dr_name: '',
          begndate: '2019-01-01',
          enddate: '2019-04-30',
        },
      }),
    );
    expect(early.result.trt_dcla_detl_sn).toMatch(/^D-/);
    expect((await visit()).envelope.err_msg).toMatch(/^SPECIAL_DISEASE_NOT_APPROVED/);
    const filed = ok(await p.send('2503', { data: { psn_no: card, insutype: '390', opsp_dise_code: region.disease, begndate: '2019-05-01', enddate: '2019-12-31' } }));
    const approved = await visit();
    expect(approved.ok, approved.text).toBe(true);

    // Another hospital's key cannot revoke it; this hospital's can, and the approval is gone.
    const other = platform('PY-COUNTY');
    const foreign = await other.send('2504', { data: { trt_dcla_detl_sn: filed.result.trt_dcla_detl_sn, psn_no: card, memo: '' } });
    expect(foreign.ok).toBe(false);
    expect(foreign.envelope.err_msg).toMatch(/input\.data\.trt_dcla_detl_sn/);
    ok(await p.send('2504', { data: { trt_dcla_detl_sn: filed.result.trt_dcla_detl_sn, psn_no: card, memo: '病情变化' } }));
    expect((await visit()).envelope.err_msg).toMatch(/^SPECIAL_DISEASE_NOT_APPROVED/);

    // The native API gains the same filing: a referral desk of the person's region files it, another region's cannot.
    const draft = { disease: region.disease, validFrom: '2019-05-01', validTo: '2019-05-31' };
    await t.http.post(`/v1/enrollees/${card}/special-diseases`).set(t.auth(t.keys.referral.jinjiang!)).send(draft).expect(403);
    const native = await t.http.post(`/v1/enrollees/${card}/special-diseases`).set(t.auth(t.keys.referral.pingyang!)).send(draft).expect(201);
    expect(native.body).toMatchObject({ status: 'active', disease: region.disease });
    const lines = region.visitLines(day);
    const preview = await nativePreview(region.specialAt, card, 'special-outpatient', day, day, lines, { specialDisease: region.disease });
    expect(preview.status, JSON.stringify(preview.body)).toBe(200);
    const list = await t.http.get(`/v1/enrollees/${card}/special-diseases`).set(t.auth(t.keys.admin)).expect(200);
    expect(list.body.filings).toHaveLength(3);
    await t.http.delete(`/v1/enrollees/${card}/special-diseases/${native.body.filingId}`).set(t.auth(t.keys.referral.pingyang!)).send({ reason: '复核' }).expect(200);
    const after = await nativePreview(region.specialAt, card, 'special-outpatient', day, day, lines, { specialDisease: region.disease });
    expect(after.body.error.code).toBe('SPECIAL_DISEASE_NOT_APPROVED');
  });
});

describe('an outsider with a real key', () => {
  it("cannot settle, withdraw, describe or reverse another hospital's visit, nor send as another facility", async () => {
    const region = REGIONS[0]!;
    const card = await enrol(region);
    const owner = platform('PY-COUNTY');
    const outsider = platform('PY-TOWN');
    const day = '2019-04-05';
    const mdtrtId = text(ok(await owner.send('2201', { data: { psn_no: card, begntime: `${day} 08:00:00` } })).data.mdtrt_id);
    const uploaded = ok(await owner.send('2204', { feedetail: region.visitLines(day).map((line) => feeRow(line, mdtrtId, card, '11', { chrg_bchno: 'B1' })) }));
    const data = settleData(card, mdtrtId, uploaded.result, { med_type: '11', chrg_bchno: 'B1' });
    for (const [infno, input] of [
      ['2207', { data }],
      ['2206', { data }],
      ['2205', { data: { mdtrt_id: mdtrtId, psn_no: card, chrg_bchno: '0000' } }],
      ['2203', { mdtrtinfo: { mdtrt_id: mdtrtId, psn_no: card, med_type: '14', dise_codg: 'esrd-dialysis' }, diseinfo: [] }],
      ['2202', { data: { mdtrt_id: mdtrtId, psn_no: card } }],
    ] as const) {
      const answer = await outsider.send(infno, input);
      expect(answer.envelope.err_msg, infno).toMatch(/^NOT_FOUND: /);
    }
    // Its own key, another facility's code: refused before anything is read.
    const spoofed = await outsider.send('2207', { data }, { fixmedins_code: 'H33032600001' });
    expect(spoofed.status).toBe(403);
    // The owner's visit is untouched: it still settles.
    const settled = ok(await owner.send('2207', { data }));
    const reverse = await outsider.send('2208', { data: { setl_id: settled.setlinfo.setl_id, mdtrt_id: mdtrtId, psn_no: card } });
    expect(reverse.envelope.err_msg).toMatch(/^NOT_FOUND: /);
  });
});
