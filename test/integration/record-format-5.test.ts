/**
 * Record format 5: the meta line names no stay or occupancy member (the
 * reversal and archive find the settlement's own by its id) and a settled
 * one is terse. A reversal of a version 5 record takes off exactly its own
 * deltas, stay and occupancy member, as one of a version 4 record (which
 * names them) does; of two stays of the year, reversing one leaves the
 * other; the archive takes either format's stay. The version 4 records are
 * written as that release did, ids whole in the person's hash; a version 5
 * line as written before it left out '-' for "no r" reverses the same.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPolicyDirectory } from '../../src/policy/loader.js';
import { YearArchiver } from '../../src/service/archive.js';
import { ArchiveStore } from '../../src/store/archive-store.js';
import { keys, localSettlementId } from '../../src/store/keys.js';
import {
  compactOccupancyMember,
  compactStayMember,
  decodeSettlementRecord,
  encodeSettlementRecord,
  FIRST_HIDING_VERSION,
  FIRST_TERSE_VERSION,
} from '../../src/store/codec/settlement-record.js';
import { PY1_LINES } from '../helpers/fee-lines.js';
import { hsa, n, text } from '../helpers/hsa.js';
import { admit, discharge, feedetail } from '../helpers/hsa-stay.js';
import { pingyangEnrollee } from '../helpers/load-support.js';
import { asWrittenWhole, occupancyMembers, settlementMeta, settlementMetaLine, settlementRecord, stayMembers } from '../helpers/person-records.js';
import { startTestService, type TestService } from '../helpers/service.js';
import { POLICY_DIR } from '../helpers/worked-examples.js';

let t: TestService;
let out: string;
beforeAll(async () => {
  t = await startTestService({ archivedYearsTtlMs: 0 });
  await t.loadWorkedRegistry();
  out = mkdtempSync(path.join(os.tmpdir(), 'format-5-'));
});
afterAll(async () => {
  await t?.close();
  rmSync(out, { recursive: true, force: true });
});

const CARD = '330326198001010001';
const PERSON = `person:{${CARD}}`;
let seq = 0;
const visit = (hospitalId: string, visitType: string, admissionDate: string, dischargeDate: string, total: string) => ({
  requestId: `F5-${++seq}`,
  card: CARD,
  hospitalId,
  visitType,
  admissionDate,
  dischargeDate,
  charges: { total },
});
async function settle(body: ReturnType<typeof visit>): Promise<string> {
  const answer = await t.http.post('/v1/settlements').set(t.auth(t.keys.billing[body.hospitalId]!)).send(body);
  expect(answer.status, answer.text).toBe(201);
  return answer.body.settlementId as string;
}
const ownOf = (id: string, members: string[]) => members.filter((m) => m.split('|').includes(id));
const yearFields = async () => Object.fromEntries(Object.entries(await t.redis.hgetall(PERSON)).filter(([field]) => field.startsWith('2019|')));

/** The record as the release before wrote it: version 4, its members in the line (compact: without the id). */
async function asVersion4(id: string): Promise<void> {
  await asWrittenWhole(t.redis, CARD, id);
  const ids = { settlementId: id, card: CARD };
  const { meta, response, inputs } = decodeSettlementRecord((await settlementRecord(t.redis, CARD, id))!, ids);
  const [stay] = ownOf(id, await stayMembers(t.redis, CARD, 2019));
  const [occupancy] = ownOf(id, await occupancyMembers(t.redis, CARD));
  const old: Parameters<typeof encodeSettlementRecord>[0] = { d: meta.d };
  if (stay) old.st = compactStayMember(stay, id);
  if (occupancy) {
    const [admission, discharge, , hospitalId] = occupancy.split('|');
    old.oc = compactOccupancyMember(Number(admission), Number(discharge), hospitalId!);
  }
  await t.redis.hset(PERSON, `r|${id}`, encodeSettlementRecord(old, response, inputs ?? undefined, ids, FIRST_HIDING_VERSION));
}

/** The terse line as written before its '-' for "no r" was left out: '5 - a1 …'. */
async function asDashed(id: string): Promise<void> {
  const record = (await settlementRecord(t.redis, CARD, id))!;
  const split = record.indexOf(0x0a);
  const line = record
    .subarray(0, split)
    .toString('utf8')
    .replace(/^(\d+)( |$)/, '$1 -$2');
  await t.redis.hset(PERSON, keys.settlementField(id), Buffer.concat([Buffer.from(line), record.subarray(split)]));
}

describe('record format 5', () => {
  it('a reversal of either format takes off exactly its own deltas, stay and occupancy; the other stays stay', async () => {
    const stays = {
      v4: await settle(visit('PY-COUNTY', 'inpatient', '2019-03-01', '2019-03-10', '20000.00')),
      v5: await settle(visit('PY-TOWN', 'inpatient', '2019-05-01', '2019-05-08', '8000.00')),
      kept: await settle(visit('PY-COUNTY', 'inpatient', '2019-07-01', '2019-07-05', '6000.00')),
      dashed: await settle(visit('PY-TOWN', 'inpatient', '2019-08-01', '2019-08-05', '7000.00')),
    };
    const visits = {
      v4: await settle(visit('PY-TOWN', 'outpatient', '2019-04-01', '2019-04-01', '100.00')),
      v5: await settle(visit('PY-TOWN', 'outpatient', '2019-04-02', '2019-04-02', '120.00')),
    };
    await asVersion4(stays.v4);
    await asVersion4(visits.v4);
    await asDashed(stays.dashed);
    expect(await settlementMetaLine(t.redis, CARD, stays.dashed)).toMatch(new RegExp(`^${FIRST_TERSE_VERSION} - ([a-z]+-?\\d+ ?)+$`));
    expect(await settlementMetaLine(t.redis, CARD, stays.v4)).toMatch(/^\{"v":4,.*"st":"\|PY-COUNTY\|/);
    expect(await settlementMetaLine(t.redis, CARD, stays.v5)).toMatch(new RegExp(`^${FIRST_TERSE_VERSION} ([a-z]+-?\\d+ ?)+$`));

    for (const [id, ownMembers, hospitalId] of [
      [stays.v4, 1, 'PY-COUNTY'],
      [stays.v5, 1, 'PY-TOWN'],
      [stays.dashed, 1, 'PY-TOWN'],
      [visits.v4, 0, 'PY-TOWN'],
      [visits.v5, 0, 'PY-TOWN'],
    ] as const) {
      const billing = t.auth(t.keys.billing[hospitalId]!);
      const deltas = (await settlementMeta(t.redis, CARD, id)).d as Record<string, string>;
      const [accBefore, staysBefore, occupancyBefore] = [await yearFields(), await stayMembers(t.redis, CARD, 2019), await occupancyMembers(t.redis, CARD)];
      expect(ownOf(id, staysBefore)).toHaveLength(ownMembers);
      expect(ownOf(id, occupancyBefore)).toHaveLength(ownMembers);
      await t.http.post(`/v1/settlements/${id}/reversal`).set(billing).send({ reason: 'format test' }).expect(200);
      const expected: Record<string, string> = { ...accBefore, '2019|v': String(Number(accBefore['2019|v']) + 1) };
      for (const [name, delta] of Object.entries(deltas)) expected[`2019|${name}`] = String(BigInt(accBefore[`2019|${name}`] ?? '0') - BigInt(delta));
      expect(await yearFields(), id).toEqual(expected);
      expect(await stayMembers(t.redis, CARD, 2019)).toEqual(staysBefore.filter((m) => !m.split('|').includes(id)));
      expect(await occupancyMembers(t.redis, CARD)).toEqual(occupancyBefore.filter((m) => !m.split('|').includes(id)));
      // Reversed: JSON, the deltas as they were; read back as reversed; a second reversal changes nothing.
      expect(await settlementMeta(t.redis, CARD, id)).toMatchObject({ s: 'reversed', d: deltas });
      expect((await t.http.get(`/v1/settlements/${id}`).set(t.auth(t.keys.admin)).expect(200)).body.status).toBe('reversed');
      await t.http.post(`/v1/settlements/${id}/reversal`).set(billing).send({ reason: 'again' }).expect(200);
      expect(await yearFields()).toEqual(expected);
    }
    expect(await stayMembers(t.redis, CARD, 2019)).toEqual(ownOf(stays.kept, await stayMembers(t.redis, CARD, 2019)));
    expect(ownOf(stays.kept, await stayMembers(t.redis, CARD, 2019))).toHaveLength(1);
    expect(await occupancyMembers(t.redis, CARD)).toEqual(ownOf(stays.kept, await occupancyMembers(t.redis, CARD)));
    expect(ownOf(stays.kept, await occupancyMembers(t.redis, CARD))).toHaveLength(1);
  });

  it('the change scripts of a stay find its settlement with a terse line settled', async () => {
    const code = 'H33032600001';
    await t.giveNationalCode('PY-COUNTY', code);
    const card = 'F5NATIONAL';
    await t.http.put(`/v1/enrollees/${card}`).set(t.auth(t.keys.admin)).send(pingyangEnrollee()).expect(201);
    const p = hsa(t.http, t.keys.billing['PY-COUNTY']!, code);
    const mdtrtId = await admit(p, card, '2019-03-01 08:00:00');
    expect((await p.send('2301', { feedetail: PY1_LINES.map((line) => feedetail(line, mdtrtId, card)) })).ok).toBe(true);
    expect((await p.send('2402', discharge(card, mdtrtId, '2019-03-10 10:00:00'))).ok).toBe(true);
    const settled = await p.send('2304', { data: { psn_no: card, mdtrt_id: mdtrtId, medfee_sumamt: n('12345.67'), psn_setlway: '01', insutype: '390', mid_setl_flag: '0' } });
    expect(settled.ok, settled.text).toBe(true);
    expect(await settlementMetaLine(t.redis, card, text(settled.envelope.output.setlinfo.setl_id))).toMatch(/^\d+ /);
    // The change scripts check it again, atomically (a 2302 racing the 2304): called as the service does, they find it settled.
    const id = text(settled.envelope.output.setlinfo.setl_id);
    const [field, value] = Object.entries(await t.redis.hgetall(`person:{${card}}`)).find(([, v]) => v.endsWith(` ${localSettlementId(id)}`))!;
    const round = String((JSON.parse((await t.redis.get(`enc:{${card}}:${mdtrtId}`))!) as { round: unknown }).round);
    const keys = [`enc-lines:{${card}}:${mdtrtId}`, `enc:{${card}}:${mdtrtId}`, `enc-settling:{${card}}:${mdtrtId}`, `idem:{${card}}`, `stl:{${card}}:${id}`, `person:{${card}}`];
    expect(await (t.redis as unknown as { withdrawFeeLines(...args: string[]): Promise<unknown> }).withdrawFeeLines(...keys, '0000', round, field, value)).toEqual([9, 'settled']);
    expect(await t.redis.hlen(`enc-lines:{${card}}:${mdtrtId}`)).toBe(PY1_LINES.length + 1);
  });

  it("the archive takes either format's listed stay", async () => {
    await asVersion4(await settle(visit('PY-TOWN', 'inpatient', '2019-09-01', '2019-09-04', '5000.00')));
    expect((await stayMembers(t.redis, CARD, 2019)).length).toBe(2);
    const report = await new YearArchiver(new ArchiveStore(t.redis), loadPolicyDirectory(POLICY_DIR)).archive({
      year: 2019,
      outDir: out,
      now: new Date('2021-06-01T12:00:00+08:00'),
    });
    expect(report.manifest.counts).toMatchObject({ settlements: 8, reversals: 5 });
    expect(await stayMembers(t.redis, CARD, 2019)).toEqual([]);
    expect(await t.redis.hexists(PERSON, 't|2019')).toBe(0);
  });
});
