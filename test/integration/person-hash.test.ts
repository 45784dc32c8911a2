/**
 * A deployment upgrades with years of data in the earlier layout (five keys a
 * person: acc:, stls:, stays:, occupancy:, idem:). This release reads it,
 * replays, refuses and reverses what it holds, folds it into the person's
 * one hash (person:{card}) at the person's next commit, lists and archives
 * either; with STORE_WRITE_FORMAT=previous it keeps writing the earlier keys
 * until a person's hash exists, and the settlement record as a key of its own
 * whatever the hash (else a field 'r|<id>' of the hash).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPolicyDirectory } from '../../src/policy/loader.js';
import { YearArchiver } from '../../src/service/archive.js';
import { ArchiveStore } from '../../src/store/archive-store.js';
import { amoxicillinLine } from '../../scripts/lib/demo-catalogue.js';
import { charges, jinjiangEnrollee, pingyangEnrollee } from '../helpers/load-support.js';
import { hashedRecordIds, idempotencyCount, occupancyMembers, settlementMeta, settlementRecord, settlementRecordCount, yearIds } from '../helpers/person-records.js';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';
import { startTestService, type TestService } from '../helpers/service.js';
import { POLICY_DIR, ROOT } from '../helpers/worked-examples.js';

/** config/redis.conf's hash encoding settings, which decide whether a person's hash is a listpack. */
const HASH_ARGS = readFileSync(path.join(ROOT, 'config/redis.conf'), 'utf8')
  .split('\n')
  .filter((line) => /^hash-max-listpack-/.test(line))
  .flatMap((line) => {
    const [name, value] = line.trim().split(/\s+/);
    return [`--${name}`, value!];
  });

let server: RedisServer;
let previous: TestService;
let current: TestService;
let clock = new Date('2018-06-10T02:00:00Z');
let out: string;
beforeAll(async () => {
  server = await startRedis(HASH_ARGS);
  previous = await startTestService({ redisServer: server, previousStoreFormat: true, now: () => clock, archivedYearsTtlMs: 0 });
  current = await startTestService({ redisServer: server, now: () => clock, archivedYearsTtlMs: 0 });
  await current.loadWorkedRegistry();
  out = mkdtempSync(path.join(os.tmpdir(), 'person-hash-'));
});
afterAll(async () => {
  await previous?.close();
  await current?.close();
  await server?.stop();
  rmSync(out, { recursive: true, force: true });
});

const CARD = 'PHOLD1';
const EARLIER = [`acc:{${CARD}}:2018`, `stls:{${CARD}}:2018`, `idem:{${CARD}}`, `occupancy:{${CARD}}`];
const stay = (requestId: string, hospitalId: string, admissionDate: string, dischargeDate: string, total = '3000.00') => ({
  requestId,
  card: CARD,
  hospitalId,
  visitType: 'inpatient',
  admissionDate,
  dischargeDate,
  charges: charges(total),
});
const settle = (t: TestService, body: ReturnType<typeof stay>) => {
  clock = new Date(`${body.dischargeDate}T03:00:00Z`);
  return t.http.post('/v1/settlements').set(t.auth(t.keys.billing[body.hospitalId]!)).send(body);
};
const admin = (t: TestService) => t.auth(t.keys.admin);

describe('the earlier layout of a person, upgraded to one hash', () => {
  const ids: Record<string, string> = {};
  let first = '';

  it('previous: settlements write the earlier keys, as the release before reads them', async () => {
    await current.http.put(`/v1/enrollees/${CARD}`).set(admin(current)).send(jinjiangEnrollee()).expect(201);
    const one = await settle(previous, stay('PH-1', 'JJ-CITY', '2018-03-01', '2018-03-05'));
    expect(one.status, one.text).toBe(201);
    first = one.text;
    ids['PH-1'] = one.body.settlementId;
    const two = await settle(previous, stay('PH-2', 'QZ-FIRST', '2018-05-01', '2018-05-06'));
    expect(two.status, two.text).toBe(201);
    ids['PH-2'] = two.body.settlementId;
    for (const key of EARLIER) expect(await current.redis.exists(key), key).toBe(1);
    expect(await current.redis.exists(`person:{${CARD}}`)).toBe(0);
    for (const id of [ids['PH-1'], ids['PH-2']]) expect(await current.redis.exists(`stl:{${CARD}}:${id}`)).toBe(1);
    expect(await current.redis.lrange(`stls:{${CARD}}:2018`, 0, -1)).toEqual([ids['PH-1'], ids['PH-2']]);
    // Written as the release before the bounds did: a permanent void field, and last year's accumulators.
    await current.redis.hset(`idem:{${CARD}}`, 'JJ-CITY:PH-VOID', 'void tok-old');
    await current.redis.hset(`acc:{${CARD}}:2017`, { version: '4', admissions: '2', basicPaid: '123456' });
  });

  it('current reads the earlier keys: replay, conflict, accumulators, the list, an overlap', async () => {
    const again = await settle(current, stay('PH-1', 'JJ-CITY', '2018-03-01', '2018-03-05'));
    expect(again.status).toBe(200);
    expect(again.text).toBe(first);
    expect((await settle(current, stay('PH-1', 'JJ-CITY', '2018-03-01', '2018-03-06'))).status).toBe(409);
    const last = await current.http.get(`/v1/enrollees/${CARD}/accumulators/2017`).set(admin(current)).expect(200);
    expect(last.body).toMatchObject({ admissions: 2, basicPaid: '1234.56' });
    const listed = await current.http.get(`/v1/enrollees/${CARD}/settlements?year=2018`).set(admin(current)).expect(200);
    expect(listed.body.settlements.map((s: { settlementId: string }) => s.settlementId)).toEqual([ids['PH-1'], ids['PH-2']]);
    // Inside PH-2's days at another hospital: refused from the earlier occupancy set (the fold in the same script changes no answer).
    const inside = await settle(current, stay('PH-X', 'JJ-CITY', '2018-05-02', '2018-05-04'));
    expect(inside.status).toBe(422);
    expect(inside.body.error.code).toBe('STAY_OVERLAPS');
    expect(inside.text).toContain(ids['PH-2']);
  });

  it('the next commit folds every earlier key into the hash (a listpack) and deletes them; nothing is lost', async () => {
    const before = (await current.http.get(`/v1/enrollees/${CARD}/accumulators/2018`).set(admin(current)).expect(200)).body;
    const three = await settle(current, stay('PH-3', 'JJ-CITY', '2018-07-01', '2018-07-04'));
    expect(three.status, three.text).toBe(201);
    ids['PH-3'] = three.body.settlementId;
    for (const key of EARLIER) expect(await current.redis.exists(key), key).toBe(0);
    expect(await current.redis.exists(`acc:{${CARD}}:2017`)).toBe(1); // another year: folded by a commit of that year only
    // With its record inside (config/redis.conf's hash-max-listpack-value), still a listpack.
    expect(await hashedRecordIds(current.redis, CARD)).toEqual([ids['PH-3']]);
    expect(await current.redis.exists(`stl:{${CARD}}:${ids['PH-3']}`)).toBe(0);
    expect(await current.redis.object('ENCODING', `person:{${CARD}}`)).toBe('listpack');
    expect(await yearIds(current.redis, CARD, 2018)).toEqual([ids['PH-1'], ids['PH-2'], ids['PH-3']]);
    expect(await idempotencyCount(current.redis, CARD)).toBe(4);
    expect(await current.redis.hget(`person:{${CARD}}`, 'JJ-CITY:PH-VOID')).toBe('void tok-old');
    expect((await occupancyMembers(current.redis, CARD)).length).toBe(3);
    const after = (await current.http.get(`/v1/enrollees/${CARD}/accumulators/2018`).set(admin(current)).expect(200)).body;
    expect(after.admissions).toBe(before.admissions + 1);
    // Replays of what the earlier keys held, from the hash now; a previous-mode process too.
    expect((await settle(current, stay('PH-1', 'JJ-CITY', '2018-03-01', '2018-03-05'))).text).toBe(first);
    expect((await settle(previous, stay('PH-1', 'JJ-CITY', '2018-03-01', '2018-03-05'))).text).toBe(first);
    expect((await settle(current, stay('PH-Y', 'QZ-FIRST', '2018-05-03', '2018-05-05'))).status).toBe(422);
  });

  it('previous, once the hash exists: writes the hash (a process of either mode reads it), never the earlier keys again', async () => {
    const four = await settle(previous, stay('PH-4', 'QZ-FIRST', '2018-08-01', '2018-08-03'));
    expect(four.status, four.text).toBe(201);
    ids['PH-4'] = four.body.settlementId;
    for (const key of EARLIER) expect(await current.redis.exists(key), key).toBe(0);
    expect(await yearIds(current.redis, CARD, 2018)).toEqual([ids['PH-1'], ids['PH-2'], ids['PH-3'], ids['PH-4']]);
    // The record a key (the release before reads no field), its deltas whole-named.
    expect(await current.redis.exists(`stl:{${CARD}}:${ids['PH-4']}`)).toBe(1);
    expect(Object.keys((await settlementMeta(current.redis, CARD, ids['PH-4']!)).d as object)).toContain('admissions');
    const read = await previous.http.get(`/v1/settlements/${ids['PH-3']}`).set(admin(previous)).expect(200);
    expect(read.body.settlementId).toBe(ids['PH-3']);
  });

  it('reverses a settlement the earlier keys recorded: its days are free again and its deltas are taken off', async () => {
    const before = (await current.http.get(`/v1/enrollees/${CARD}/accumulators/2018`).set(admin(current)).expect(200)).body;
    clock = new Date('2018-09-01T02:00:00Z');
    await current.http.post(`/v1/settlements/${ids['PH-2']}/reversal`).set(admin(current)).send({ reason: '重复结算' }).expect(200);
    const after = (await current.http.get(`/v1/enrollees/${CARD}/accumulators/2018`).set(admin(current)).expect(200)).body;
    expect(after.admissions).toBe(before.admissions - 1);
    expect((await occupancyMembers(current.redis, CARD)).some((m) => m.includes(ids['PH-2']!))).toBe(false);
    const inside = await settle(current, stay('PH-5', 'JJ-CITY', '2018-05-02', '2018-05-04'));
    expect(inside.status, inside.text).toBe(201);
  });

  it("reverses a record held in the hash where it is, short deltas taken off the hash's accumulators", async () => {
    const before = (await current.http.get(`/v1/enrollees/${CARD}/accumulators/2018`).set(admin(current)).expect(200)).body;
    const meta = await settlementMeta(current.redis, CARD, ids['PH-3']!);
    expect(meta.d).toHaveProperty('a', '1');
    await previous.http.post(`/v1/settlements/${ids['PH-3']}/reversal`).set(admin(previous)).send({ reason: '重复结算' }).expect(200);
    expect(await hashedRecordIds(current.redis, CARD)).toContain(ids['PH-3']);
    expect(await current.redis.exists(`stl:{${CARD}}:${ids['PH-3']}`)).toBe(0);
    expect(await settlementMeta(current.redis, CARD, ids['PH-3']!)).toMatchObject({ s: 'reversed', d: meta.d });
    const after = (await current.http.get(`/v1/enrollees/${CARD}/accumulators/2018`).set(admin(current)).expect(200)).body;
    expect(after.admissions).toBe(before.admissions - 1);
    expect(Number(after.basicPaid)).toBeLessThan(Number(before.basicPaid));
    const listed = await current.http.get(`/v1/enrollees/${CARD}/settlements?year=2018`).set(admin(current)).expect(200);
    expect(listed.body.settlements.map((x: { settlementId: string; status: string }) => [x.settlementId, x.status])).toContainEqual([ids['PH-3'], 'reversed']);
  });

  it('a heavy user: past 128 fields the hash is a hashtable, and settles as before', async () => {
    const fields: Record<string, string> = {};
    for (let i = 0; i < 130; i++) fields[`JJ-CITY:PH-OLD-${i}`] = `void tok-${i}`;
    await current.redis.hset(`person:{${CARD}}`, fields);
    expect(await current.redis.object('ENCODING', `person:{${CARD}}`)).toBe('hashtable');
    const six = await settle(current, stay('PH-6', 'JJ-CITY', '2018-10-01', '2018-10-03'));
    expect(six.status, six.text).toBe(201);
    expect((await yearIds(current.redis, CARD, 2018)).at(-1)).toBe(six.body.settlementId);
    // Read from the hashtable's picked fields (read-person-12.lua): the version matched, and a retry replays.
    expect((await settle(current, stay('PH-6', 'JJ-CITY', '2018-10-01', '2018-10-03'))).text).toBe(six.text);
    expect((await settle(current, stay('PH-7', 'QZ-FIRST', '2018-10-02', '2018-10-05'))).status).toBe(422);
    await current.redis.hdel(`person:{${CARD}}`, ...Object.keys(fields));
  });

  it('archives the year from the hash: its list and stays go, accumulators and idempotency records stay', async () => {
    const accumulators = (await current.http.get(`/v1/enrollees/${CARD}/accumulators/2018`).set(admin(current)).expect(200)).body;
    const report = await new YearArchiver(new ArchiveStore(current.redis), loadPolicyDirectory(POLICY_DIR)).archive({
      year: 2018,
      outDir: out,
      now: new Date('2019-12-01T12:00:00+08:00'),
    });
    expect(report.manifest.counts).toMatchObject({ persons: 1, settlements: 6, reversals: 2 });
    // Records of both places went: the keys and the hash's fields.
    expect(await settlementRecordCount(current.redis, CARD)).toBe(0);
    const fields = Object.keys(await current.redis.hgetall(`person:{${CARD}}`));
    expect(fields.filter((f) => f === 's|2018' || f === 't|2018')).toEqual([]);
    expect(fields).toContain('2018|v');
    expect(await idempotencyCount(current.redis, CARD)).toBe(7);
    expect((await current.http.get(`/v1/enrollees/${CARD}/accumulators/2018`).set(admin(current)).expect(200)).body).toEqual(accumulators);
    expect((await settle(current, stay('PH-3', 'JJ-CITY', '2018-07-01', '2018-07-04'))).status).not.toBe(201);
  });
});

describe("a record too large for the hash's listpack", () => {
  it('a 2,000-line bill: the person becomes a hashtable, and its record replays, reads, lists and reverses as any other', async () => {
    const card = 'PHBIG1';
    await current.http.put(`/v1/enrollees/${card}`).set(admin(current)).send(pingyangEnrollee()).expect(201);
    const lines = Array.from({ length: 2000 }, (_, i) => {
      const price = `${1 + ((i * 37) % 400)}.${String((i * 13) % 100).padStart(2, '0')}`;
      return { ...amoxicillinLine(i, '2019-03-05T10:00:00'), quantity: '1', unitPrice: price, amount: price };
    });
    const body = { requestId: 'PH-BIG', card, hospitalId: 'PY-COUNTY', visitType: 'inpatient', admissionDate: '2019-03-01', dischargeDate: '2019-03-06', charges: { lines } };
    clock = new Date('2019-03-06T03:00:00Z');
    const billing = current.auth(current.keys.billing['PY-COUNTY']!);
    const first = await current.http.post('/v1/settlements').set(billing).send(body);
    expect(first.status, first.text.slice(0, 300)).toBe(201);
    const id = first.body.settlementId as string;
    expect((await settlementRecord(current.redis, card, id))!.length).toBeGreaterThan(1024);
    expect(await hashedRecordIds(current.redis, card)).toEqual([id]);
    expect(await current.redis.object('ENCODING', `person:{${card}}`)).toBe('hashtable');
    expect((await current.http.post('/v1/settlements').set(billing).send(body).expect(200)).text).toBe(first.text);
    expect((await current.http.get(`/v1/settlements/${id}`).set(admin(current)).expect(200)).body).toEqual(first.body);
    const listed = await current.http.get(`/v1/enrollees/${card}/settlements?year=2019`).set(admin(current)).expect(200);
    expect(listed.body.settlements.map((x: { settlementId: string }) => x.settlementId)).toEqual([id]);
    await current.http.post(`/v1/settlements/${id}/reversal`).set(admin(current)).send({ reason: '重复结算' }).expect(200);
    expect(await settlementMeta(current.redis, card, id)).toMatchObject({ s: 'reversed' });
    const accumulators = await current.http.get(`/v1/enrollees/${card}/accumulators/2019`).set(admin(current)).expect(200);
    expect(accumulators.body).toMatchObject({ admissions: 0, basicPaid: '0.00' });
  });
});

describe('a short-named record reversed while the earlier accumulators key lies beside the hash', () => {
  it('takes its deltas off that key under whole names, which the next commit folds', async () => {
    const card = 'PHSIDE1';
    await current.http.put(`/v1/enrollees/${card}`).set(admin(current)).send(pingyangEnrollee()).expect(201);
    const one = await settle(current, { ...stay('PS-1', 'PY-COUNTY', '2019-03-01', '2019-03-05'), card });
    expect(one.status, one.text).toBe(201);
    const d = (await settlementMeta(current.redis, card, one.body.settlementId)).d as Record<string, string>;
    expect(d).toHaveProperty('bp');
    // As a process of the release before leaves it: its own key, whole names.
    await current.redis.hset(`acc:{${card}}:2019`, { version: '1' });
    await current.http.post(`/v1/settlements/${one.body.settlementId}/reversal`).set(admin(current)).send({ reason: '重复结算' }).expect(200);
    const beside = await current.redis.hgetall(`acc:{${card}}:2019`);
    expect(beside).toMatchObject({ admissions: '-1', basicPaid: `-${d.bp}`, version: '2' });
    expect(Object.keys(beside).filter((name) => Object.hasOwn(d, name))).toEqual([]);
    const two = await settle(current, { ...stay('PS-2', 'PY-COUNTY', '2019-04-01', '2019-04-03'), card });
    expect(two.status, two.text).toBe(201);
    expect(await current.redis.exists(`acc:{${card}}:2019`)).toBe(0);
    const after = await current.http.get(`/v1/enrollees/${card}/accumulators/2019`).set(admin(current)).expect(200);
    expect(after.body.admissions).toBe(1);
  });
});
