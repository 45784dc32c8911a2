/**
 * A rolling upgrade: processes of the previous release and of this one settle
 * side by side on one Redis. With STORE_WRITE_FORMAT=previous this release
 * writes what the previous one reads (meta line with hospital, year and
 * requestId, whole stay members, the whole request hash); without it, the
 * compact records. Either reads, replays and reverses what the other wrote.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CURRENT_DICTIONARY } from '../../src/store/codec/response-dictionaries.js';
import { PREVIOUS_FORMAT_VERSION } from '../../src/store/codec/settlement-record.js';
import { keys } from '../../src/store/keys.js';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';
import { startTestService, type TestService } from '../helpers/service.js';
import { idempotencyRecord, settlementMeta } from '../helpers/person-records.js';

let server: RedisServer;
let previous: TestService;
let compact: TestService;
beforeAll(async () => {
  server = await startRedis();
  previous = await startTestService({ redisServer: server, previousStoreFormat: true });
  compact = await startTestService({ redisServer: server });
  await compact.loadWorkedRegistry();
});
afterAll(async () => {
  await previous?.close();
  await compact?.close();
  await server?.stop();
});

const CARD = '330326198001010001';
const stay = (requestId: string, admissionDate: string, dischargeDate: string, hospitalId = 'PY-COUNTY') => ({
  requestId,
  card: CARD,
  hospitalId,
  visitType: 'inpatient',
  admissionDate,
  dischargeDate,
  charges: { total: '20000.00' },
});
const settle = (t: TestService, body: ReturnType<typeof stay>) => t.http.post('/v1/settlements').set(t.auth(t.keys.billing[body.hospitalId]!)).send(body);
const metaOf = (id: string) => settlementMeta(compact.redis, CARD, id);
const whereIs = async (id: string) => ({
  key: await compact.redis.exists(`stl:{${CARD}}:${id}`),
  field: await compact.redis.hexists(`person:{${CARD}}`, keys.settlementField(id)),
});
const idemOf = (requestId: string) => idempotencyRecord(compact.redis, CARD, `PY-COUNTY:${requestId}`);

describe('STORE_WRITE_FORMAT during a rolling upgrade', () => {
  it('previous: the meta line and hashes as the previous release wrote them; compact replays, refuses and reverses them', async () => {
    const first = await settle(previous, stay('FMT-1', '2019-03-01', '2019-03-05'));
    expect(first.status, first.text).toBe(201);
    const id = first.body.settlementId as string;
    // Format 3: the previous release reads no record with the settlement's ids hidden (format 4).
    expect(await metaOf(id)).toMatchObject({ v: PREVIOUS_FORMAT_VERSION, s: 'settled', h: 'PY-COUNTY', y: 2019, rq: 'FMT-1' });
    // A key of its own, with whole accumulator names: the previous release reads no hash field.
    expect(await whereIs(id)).toEqual({ key: 1, field: 0 });
    expect(Object.keys((await metaOf(id)).d as object)).toContain('basicPaid');
    expect(String((await metaOf(id)).st).startsWith(id)).toBe(true);
    expect((await idemOf('FMT-1'))!.split(' ')[0]).toHaveLength(43);
    // The requestId's claim with its ms in decimal, as the previous release reads them.
    expect(await compact.redis.get('req:{PY-COUNTY:FMT-1}')).toMatch(/ \d{13}$/);
    const again = await settle(compact, stay('FMT-1', '2019-03-01', '2019-03-05'));
    expect(again.status).toBe(200);
    expect(again.text).toBe(first.text);
    expect((await settle(compact, stay('FMT-1', '2019-03-01', '2019-03-06'))).status).toBe(409);
    expect((await settle(compact, stay('FMT-2', '2019-03-02', '2019-03-04', 'PY-TOWN'))).status).toBe(422);
    await compact.http.post(`/v1/settlements/${id}/reversal`).set(compact.auth(compact.keys.billing['PY-COUNTY']!)).send({ reason: 'wrong person' }).expect(200);
    expect(await whereIs(id)).toEqual({ key: 1, field: 0 });
    expect(await metaOf(id)).toMatchObject({ s: 'reversed' });
    expect((await settle(compact, stay('FMT-2', '2019-03-02', '2019-03-04', 'PY-TOWN'))).status).toBe(201);
  });

  it('compact: the short record and hash; a process in previous mode still replays and refuses them', async () => {
    const first = await settle(compact, stay('FMT-3', '2019-04-01', '2019-04-05'));
    expect(first.status, first.text).toBe(201);
    const meta = await metaOf(first.body.settlementId);
    expect(meta).not.toHaveProperty('h');
    expect(meta).not.toHaveProperty('s');
    expect(meta.v).toBe(CURRENT_DICTIONARY);
    expect(await whereIs(first.body.settlementId)).toEqual({ key: 0, field: 1 });
    expect(Object.keys(meta.d as object)).toContain('bp');
    expect(Object.keys(meta.d as object)).not.toContain('basicPaid');
    expect((await idemOf('FMT-3'))!.split(' ')[0]).toHaveLength(16);
    expect(await compact.redis.get('req:{PY-COUNTY:FMT-3}')).toMatch(/ [0-9a-z]{8}$/);
    // Its ids local in the person's hash.
    expect(await compact.redis.hget(`person:{${CARD}}`, 'PY-COUNTY:FMT-3')).toMatch(/ \d{2}[0-9a-z]{13}$/);
    const again = await settle(previous, stay('FMT-3', '2019-04-01', '2019-04-05'));
    expect(again.status).toBe(200);
    expect(again.text).toBe(first.text);
    expect((await settle(previous, stay('FMT-3', '2019-04-01', '2019-04-06'))).status).toBe(409);
    const read = await previous.http.get(`/v1/settlements/${first.body.settlementId}`).set(previous.auth(previous.keys.admin)).expect(200);
    expect(read.body).toEqual(first.body);
  });
});
