/**
 * A stay changes (2302 withdraws lines, 2404 cancels the admission, 2405 the
 * discharge) only while it is not settled, and the check is atomic with the
 * change: a 2302 or a 2404 racing a 2304 never leaves a settled stay without
 * its lines, or cancelled. Once its benefit year is archived, a settled stay
 * changes no more (ARCHIVED naming the archive).
 */
import os from 'node:os';
import path from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPolicyDirectory } from '../../src/policy/loader.js';
import { YearArchiver } from '../../src/service/archive.js';
import { ArchiveStore } from '../../src/store/archive-store.js';
import { PY1_LINES } from '../helpers/fee-lines.js';
import { hsa, n, text, type Hsa } from '../helpers/hsa.js';
import { admit, discharge, feedetail } from '../helpers/hsa-stay.js';
import { pingyangEnrollee } from '../helpers/load-support.js';
import { startTestService, type TestService } from '../helpers/service.js';
import { POLICY_DIR, workedExamples } from '../helpers/worked-examples.js';

let t: TestService;
let p: Hsa;
let out: string;
const CODE = 'H33032600001';
const CARDS = Array.from({ length: 12 }, (_, i) => `RACE${String(i).padStart(4, '0')}`);

beforeAll(async () => {
  t = await startTestService({ archivedYearsTtlMs: 0 });
  await t.loadWorkedRegistry();
  await t.http
    .put('/v1/hospitals/PY-COUNTY')
    .set(t.auth(t.keys.admin))
    .send({ ...workedExamples.hospitals['PY-COUNTY'], fixmedinsCode: CODE })
    .expect(200);
  for (const card of CARDS) await t.http.put(`/v1/enrollees/${card}`).set(t.auth(t.keys.admin)).send(pingyangEnrollee()).expect(201);
  p = hsa(t.http, t.keys.billing['PY-COUNTY']!, CODE);
  out = mkdtempSync(path.join(os.tmpdir(), 'stay-changes-'));
});
afterAll(async () => {
  await t?.close();
  rmSync(out, { recursive: true, force: true });
});

const errorOf = (answer: { envelope: { err_msg: string | null } }) => answer.envelope.err_msg ?? '';
const settleData = (card: string, mdtrtId: string) => ({ psn_no: card, mdtrt_id: mdtrtId, medfee_sumamt: n('12345.67'), psn_setlway: '01', insutype: '390', mid_setl_flag: '0' });
const ref = (card: string, mdtrtId: string) => ({ data: { mdtrt_id: mdtrtId, psn_no: card } });

/** A discharged stay with its lines, in month `month` of 2019 (each stay its own days). */
async function dischargedStay(card: string, month: number): Promise<string> {
  const mm = String(month).padStart(2, '0');
  const mdtrtId = await admit(p, card, `2019-${mm}-01 08:00:00`);
  const lines = PY1_LINES.map((line) => feedetail({ ...line, time: line.time!.replace('2019-03', `2019-${mm}`) }, mdtrtId, card));
  expect((await p.send('2301', { feedetail: lines })).ok).toBe(true);
  expect((await p.send('2402', discharge(card, mdtrtId, `2019-${mm}-10 10:00:00`))).ok).toBe(true);
  return mdtrtId;
}

const storedLines = (card: string, mdtrtId: string) => t.redis.hlen(`enc-lines:{${card}}:${mdtrtId}`);
const statusOf = async (card: string, mdtrtId: string) => (JSON.parse((await t.redis.get(`enc:{${card}}:${mdtrtId}`))!) as { status: string }).status;

describe('a change of a stay is atomic with its "not settled" check', () => {
  it('2302 "0000" racing 2304: a settled stay keeps its lines, every try', async () => {
    let settled = 0;
    for (let i = 0; i < 24; i++) {
      const card = CARDS[i % CARDS.length]!;
      const mdtrtId = await dischargedStay(card, 1 + Math.floor(i / CARDS.length) * 2);
      const [withdraw, settle] = await Promise.all([
        i % 2 === 0 ? p.send('2302', { data: { mdtrt_id: mdtrtId, psn_no: card, feedetl_sn: '0000' } }) : Promise.resolve(null),
        p.send('2304', { data: settleData(card, mdtrtId) }),
        i % 2 === 1 ? p.send('2302', { data: { mdtrt_id: mdtrtId, psn_no: card, feedetl_sn: '0000' } }) : Promise.resolve(null),
      ]).then(([a, b, c]) => [(a ?? c)!, b] as const);
      if (settle.ok) {
        settled++;
        expect(withdraw.ok ? text(withdraw.envelope.output.result.withdrawn) : '0', `try ${i}: a settled stay lost its lines`).toBe('0');
        expect(await storedLines(card, mdtrtId), `try ${i}`).toBe(PY1_LINES.length + 1);
        expect(errorOf(withdraw)).toMatch(/^IDEMPOTENCY_CONFLICT: /);
        const setlId = text(settle.envelope.output.setlinfo.setl_id);
        expect((await p.send('2305', { data: { mdtrt_id: mdtrtId, psn_no: card, setl_id: setlId } })).ok).toBe(true);
      } else {
        expect(withdraw.ok, withdraw.text).toBe(true);
        expect(await storedLines(card, mdtrtId)).toBe(0);
      }
      expect((await p.send('2404', ref(card, mdtrtId))).ok).toBe(true); // frees the person's days for the next try
    }
    expect(settled).toBeGreaterThan(0);
  });

  it('2404 racing 2304: a settled stay is never cancelled', async () => {
    for (let i = 0; i < 12; i++) {
      const card = CARDS[i]!;
      const mdtrtId = await dischargedStay(card, 6);
      const [cancel, settle] = await Promise.all([p.send('2404', ref(card, mdtrtId)), p.send('2304', { data: settleData(card, mdtrtId) })]);
      expect(cancel.ok && settle.ok, `try ${i}: both answered success`).toBe(false);
      if (settle.ok) {
        expect(await statusOf(card, mdtrtId)).toBe('discharged');
        const setlId = text(settle.envelope.output.setlinfo.setl_id);
        expect((await p.send('2305', { data: { mdtrt_id: mdtrtId, psn_no: card, setl_id: setlId } })).ok).toBe(true);
        expect((await p.send('2404', ref(card, mdtrtId))).ok).toBe(true);
      } else {
        expect(await statusOf(card, mdtrtId)).toBe('cancelled');
      }
    }
  });
});

describe('after the archive of a year', () => {
  it('2302, 2404 and 2405 of a settled stay of the archived year answer ARCHIVED and change nothing', async () => {
    const card = CARDS[0]!;
    const mdtrtId = await dischargedStay(card, 9);
    const settled = await p.send('2304', { data: settleData(card, mdtrtId) });
    expect(settled.ok, settled.text).toBe(true);
    const archiver = new YearArchiver(new ArchiveStore(t.redis), loadPolicyDirectory(POLICY_DIR));
    await archiver.archive({ year: 2019, outDir: out, now: new Date('2021-01-02T12:00:00+08:00') });
    for (const [infno, input] of [
      ['2302', { data: { mdtrt_id: mdtrtId, psn_no: card, feedetl_sn: '0000' } }],
      ['2302', { data: { mdtrt_id: mdtrtId, psn_no: card, feedetl_sn: PY1_LINES[0]!.lineId } }],
      ['2405', ref(card, mdtrtId)],
      ['2404', ref(card, mdtrtId)],
    ] as const) {
      const answer = await p.send(infno, input);
      expect(answer.ok, `${infno}: ${answer.text}`).toBe(false);
      expect(errorOf(answer), infno).toMatch(/^ARCHIVED: /);
    }
    expect(await storedLines(card, mdtrtId)).toBe(PY1_LINES.length + 1);
    expect(await statusOf(card, mdtrtId)).toBe('discharged');
  });
});
