/**
 * The archive finds everything of a year on a Redis Cluster (SCAN of every
 * master): settlements of benefit year 2018 spread over the three masters are
 * all archived and removed from each of them; statements keep their figures;
 * an archived id answers ARCHIVED; 2019 is untouched.
 */
import calculateSlot from 'cluster-key-slot';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisCluster, type RedisCluster } from '../../scripts/lib/redis-cluster.js';
import { composeService, type Service } from '../../src/compose.js';
import { loadPolicyDirectory } from '../../src/policy/loader.js';
import { YearArchiver } from '../../src/service/archive.js';
import { ArchiveStore } from '../../src/store/archive-store.js';
import { createRedis, whenReady, type ScriptedClient } from '../../src/store/redis.js';
import { charges, jinjiangEnrollee, pingyangEnrollee } from '../helpers/load-support.js';
import { makeKeys } from '../helpers/service.js';
import { POLICY_DIR, workedExamples } from '../helpers/worked-examples.js';

const catalog = loadPolicyDirectory(POLICY_DIR);
let cluster: RedisCluster;
let redis: ScriptedClient;
let service: Service;
let out: string;
let clock = new Date('2018-05-02T02:00:00Z');
const { ring, keys } = makeKeys(['JJ-CITY', 'QZ-FIRST', 'PY-COUNTY'], []);

beforeAll(async () => {
  cluster = await startRedisCluster();
  redis = createRedis({ clusterNodes: [cluster.nodes], offlineQueue: false, commandTimeoutMs: 2000 });
  await whenReady(redis);
  service = composeService({ redis, catalog, keys: ring, redisTimeoutMs: 2000, now: () => clock, archivedYearsTtlMs: 0 });
  out = mkdtempSync(path.join(os.tmpdir(), 'settle-archive-cluster-'));
}, 60_000);

afterAll(async () => {
  redis?.disconnect();
  service?.breaker.shutdown();
  await cluster?.stop();
  rmSync(out, { recursive: true, force: true });
});

describe('archiving 2018 from a 3-master cluster', () => {
  it('archives and removes every 2018 settlement from every master, keeps the figures and 2019', async () => {
    const http = supertest(service.app);
    const admin = { Authorization: `Bearer ${keys.admin}` };
    for (const id of ['JJ-CITY', 'QZ-FIRST', 'PY-COUNTY']) await http.put(`/v1/hospitals/${id}`).set(admin).send(workedExamples.hospitals[id]).expect(201);
    const ids: string[] = [];
    const cards = Array.from({ length: 30 }, (_, i) => `CLARC${i}`);
    for (const card of cards) await http.put(`/v1/enrollees/${card}`).set(admin).send(jinjiangEnrollee()).expect(201);
    await http.put('/v1/enrollees/CLARCPY').set(admin).send(pingyangEnrollee()).expect(201);
    for (const [i, card] of cards.entries()) {
      // The second stay is admitted the day the first was discharged (one hospital at a time).
      for (const [k, hospitalId] of (['JJ-CITY', 'QZ-FIRST'] as const).entries()) {
        clock = new Date(Date.UTC(2018, 4, 2 + k, 2, i));
        const res = await http
          .post('/v1/settlements')
          .set({ Authorization: `Bearer ${keys.billing[hospitalId]}` })
          .send({
            requestId: `CL-${i}-${k}`,
            card,
            hospitalId,
            visitType: 'inpatient',
            admissionDate: k === 0 ? '2018-05-01' : '2018-05-02',
            dischargeDate: clock.toISOString().slice(0, 10),
            charges: charges(`${2000 + i}.00`),
          });
        expect(res.status, res.text).toBe(201);
        ids.push(res.body.settlementId);
      }
    }
    clock = new Date('2019-03-09T03:00:00Z');
    const py = await http
      .post('/v1/settlements')
      .set({ Authorization: `Bearer ${keys.billing['PY-COUNTY']}` })
      .send({
        requestId: 'CL-PY',
        card: 'CLARCPY',
        hospitalId: 'PY-COUNTY',
        visitType: 'inpatient',
        admissionDate: '2019-03-01',
        dischargeDate: '2019-03-09',
        charges: charges('6000.00'),
      });
    expect(py.status, py.text).toBe(201);

    const masters = (await cluster.topology()).filter((n) => n.role === 'master');
    const owner = (card: string) => masters.find((m) => m.ranges.some(([a, b]) => calculateSlot(card) >= a && calculateSlot(card) <= b))!.port;
    expect(new Set(cards.map(owner)).size).toBe(3);
    const before = (await http.get('/v1/hospitals/QZ-FIRST/statements/2018-05-03').set(admin).expect(200)).body;

    const report = await new YearArchiver(new ArchiveStore(redis), catalog).archive({ year: 2018, outDir: out, now: new Date('2020-01-01T12:00:00+08:00') });
    expect(report.manifest.counts).toEqual({ persons: 30, settlements: 60, reversals: 0, ledgerEntries: 60 });
    expect(report.removed).toEqual({ settlements: 60, ledgerEntries: 60 });
    for (const { port } of masters) {
      expect((await cluster.cli(port, '--raw', 'KEYS', 'stl:{CLARC[0-9]*')).trim(), `settlements left on ${port}`).toBe('');
      expect((await cluster.cli(port, '--raw', 'KEYS', 'stls:{CLARC[0-9]*')).trim()).toBe('');
      for (const key of (await cluster.cli(port, '--raw', 'KEYS', 'person:{CLARC[0-9]*')).trim().split('\n').filter(Boolean)) {
        expect((await cluster.cli(port, '--raw', 'HEXISTS', key, 's|2018')).trim(), `${key} still lists 2018`).toBe('0');
        expect((await cluster.cli(port, '--raw', 'HSCAN', key, '0', 'MATCH', 'r|*')).trim().split('\n').slice(1), `${key} still holds records`).toEqual([]);
      }
    }
    const after = (await http.get('/v1/hospitals/QZ-FIRST/statements/2018-05-03').set(admin).expect(200)).body;
    expect(after.totals).toEqual(before.totals);
    expect(after.totals).toEqual(report.manifest.days['QZ-FIRST 2018-05-03']!.totals);
    const archived = await http.get(`/v1/settlements/${ids[7]}`).set(admin);
    expect(archived.status).toBe(404);
    expect(archived.body.error.code).toBe('ARCHIVED');
    expect((await http.get(`/v1/settlements/${py.body.settlementId}`).set(admin)).status).toBe(200);
  });
});
