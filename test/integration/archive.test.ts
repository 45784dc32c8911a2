/**
 * Closed years leave memory, on a real redis-server through the
 * real app: benefit year 2018 (Jinjiang, claims until 2019-11-30) is archived
 * and removed while 2019 goes on.
 *
 * - the archive holds every settlement, reversal and ledger entry of 2018
 *   (checksums, counts), Redis keeps only the accumulators, idempotency
 *   records, claims and the year's id set of it (no index marks);
 * - a day statement shows the same figures as before, the archived part from
 *   the manifest (a day that holds entries of 2018 and 2019 too);
 * - an archived id answers 404 ARCHIVED naming the archive: read, reversal,
 *   a late retry of its requestId, the year's list, a new 2018 settlement;
 * - 2019 keeps settling; a re-run changes nothing; a year still open is refused;
 * - kill -9 of the archive command (a child process) at many moments, re-run
 *   each time: at every moment each 2018 settlement is in Redis or in a
 *   verified archive, and the last run ends with all of them archived, once.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSettlementRequest } from '../../src/contract/settlement.js';
import { loadPolicyDirectory } from '../../src/policy/loader.js';
import { ArchiveError, YearArchiver, type Manifest } from '../../src/service/archive.js';
import { LocalCoverage } from '../../src/service/coverage.js';
import { SettlementService } from '../../src/service/settlements.js';
import { readNdjsonGz } from '../../src/ops/archive-files.js';
import { ARCHIVED_ID_RECORD, ArchiveStore } from '../../src/store/archive-store.js';
import { localSettlementId, slotTag } from '../../src/store/keys.js';
import { openRepositories } from '../../src/store/repositories.js';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';
import { startTestService, type TestService } from '../helpers/service.js';
import { hasSettlementRecord, idempotencyCount, settlementRecordCount } from '../helpers/person-records.js';
import { charges, jinjiangEnrollee, pingyangEnrollee, sleep } from '../helpers/load-support.js';
import { POLICY_DIR, ROOT } from '../helpers/worked-examples.js';

const catalog = loadPolicyDirectory(POLICY_DIR);
let t: TestService;
let clock = new Date('2018-06-10T02:00:00Z');
let out: string;
const admin = () => t.auth(t.keys.admin);
const billing = (hospitalId: string) => t.auth(t.keys.billing[hospitalId]!);

beforeAll(async () => {
  t = await startTestService({ now: () => clock, archivedYearsTtlMs: 0 });
  await t.loadWorkedRegistry();
  out = mkdtempSync(path.join(os.tmpdir(), 'settle-archive-'));
});
afterAll(async () => {
  await t?.close();
  rmSync(out, { recursive: true, force: true });
});

async function settle(body: Record<string, unknown>, at: string) {
  clock = new Date(at);
  const res = await t.http
    .post('/v1/settlements')
    .set(billing(body.hospitalId as string))
    .send(body);
  expect(res.status, res.text).toBe(201);
  return res.body as { settlementId: string; requestId: string; total: string; fundTotal: string };
}

const jj = (card: string, requestId: string, hospitalId: string, discharge: string, total: string) => ({
  requestId,
  card,
  hospitalId,
  visitType: 'inpatient',
  admissionDate: `${discharge.slice(0, 8)}01`,
  dischargeDate: discharge,
  charges: charges(total),
});

describe('archiving benefit year 2018 out of Redis', () => {
  const ids2018: string[] = [];
  let reversedId = '';
  let late: { settlementId: string; body: Record<string, unknown> };
  let statementBefore: Record<string, unknown>;
  let pureDayBefore: Record<string, unknown>;
  let accumulatorsBefore: Record<string, unknown>;
  let manifest: Manifest;

  it('settles 2018 (Jinjiang) and 2019 (Pingyang), with a late 2018 claim and a 2018 reversal on a 2019 day that also holds a 2019 settlement', async () => {
    for (const card of ['ARCJJ1', 'ARCJJ2', 'ARCJJ3']) await t.http.put(`/v1/enrollees/${card}`).set(admin()).send(jinjiangEnrollee()).expect(201);
    await t.http.put('/v1/enrollees/ARCPY1').set(admin()).send(pingyangEnrollee()).expect(201);
    let n = 0;
    for (const card of ['ARCJJ1', 'ARCJJ2', 'ARCJJ3']) {
      for (const [hospitalId, discharge] of [
        ['JJ-CITY', '2018-06-10'],
        ['QZ-FIRST', '2018-09-20'],
      ] as const) {
        ids2018.push((await settle(jj(card, `ARC-${++n}`, hospitalId, discharge, `${3000 + n * 111}.50`), `${discharge}T03:00:00Z`)).settlementId);
      }
    }
    // Reversed in 2018.
    clock = new Date('2018-09-21T01:00:00Z');
    await t.http.post(`/v1/settlements/${ids2018[1]}/reversal`).set(admin()).send({ reason: '重复结算' }).expect(200);
    // On 2019-01-15 at JJ-CITY: a late 2018 claim, a reversal of a 2018 settlement, and a 2019 (Pingyang) stay.
    const lateBody = jj('ARCJJ1', 'ARC-LATE', 'JJ-CITY', '2018-12-20', '4321.00');
    late = { settlementId: (await settle(lateBody, '2019-01-15T02:00:00Z')).settlementId, body: lateBody };
    ids2018.push(late.settlementId);
    clock = new Date('2019-01-15T03:00:00Z');
    reversedId = ids2018[2]!;
    await t.http.post(`/v1/settlements/${reversedId}/reversal`).set(admin()).send({ reason: '退费' }).expect(200);
    await settle(
      {
        requestId: 'ARC-PY-1',
        card: 'ARCPY1',
        hospitalId: 'JJ-CITY',
        visitType: 'inpatient',
        admissionDate: '2019-01-05',
        dischargeDate: '2019-01-10',
        charges: charges('5000.00'),
      },
      '2019-01-15T04:00:00Z',
    );

    statementBefore = (await t.http.get('/v1/hospitals/JJ-CITY/statements/2019-01-15').set(admin()).expect(200)).body;
    expect(statementBefore.totals).toMatchObject({ count: 3, settlements: 2, reversals: 1 });
    pureDayBefore = (await t.http.get('/v1/hospitals/JJ-CITY/statements/2018-06-10').set(admin()).expect(200)).body;
    expect((pureDayBefore.totals as { count: number }).count).toBe(3);
    accumulatorsBefore = (await t.http.get('/v1/enrollees/ARCJJ1/accumulators/2018').set(admin()).expect(200)).body;
  });

  it('refuses a year that is still open (Pingyang 2019: claims until 2020-12-31)', async () => {
    const archiver = new YearArchiver(new ArchiveStore(t.redis), catalog);
    await expect(archiver.archive({ year: 2019, outDir: out, now: new Date('2020-12-31T12:00:00+08:00') })).rejects.toThrow(/still open: claims may be made until 2020-12-31/);
    await expect(archiver.archive({ year: 2018, outDir: out, now: new Date('2019-11-30T23:00:00+08:00') })).rejects.toThrow(ArchiveError);
    expect(await t.redis.hgetall('archives')).toEqual({});
  });

  it('writes and verifies the archive, then removes 2018 from Redis but the accumulators, idempotency records (without body hash), sealed claims and its id set', async () => {
    const report = await new YearArchiver(new ArchiveStore(t.redis), catalog).archive({ year: 2018, outDir: out, now: new Date('2019-12-01T12:00:00+08:00') });
    manifest = report.manifest;
    expect(report.archive).toBe('benefit-year-2018');
    expect(report.resumed).toBe(false);
    expect(manifest.counts).toEqual({ persons: 3, settlements: 7, reversals: 2, ledgerEntries: 9 });
    expect(report.removed).toEqual({ settlements: 7, ledgerEntries: 9 });
    expect(manifest.lastClaimDay).toBe('2019-11-30');
    expect(manifest.policies).toEqual([{ id: 'jinjiang-2018', lastClaimDay: '2019-11-30', cite: '002_dda74ca139f336db.txt 七(四)' }]);

    // The files hold every settlement with its response, and every reversal.
    const lines: { settlementId: string; response: { requestId: string }; meta: { s: string } }[] = [];
    for await (const line of readNdjsonGz<(typeof lines)[number]>(path.join(report.directory, 'settlements.ndjson.gz'))) lines.push(line);
    expect(lines.map((l) => l.settlementId).sort()).toEqual([...ids2018].sort());
    expect(lines.filter((l) => l.meta.s === 'reversed')).toHaveLength(2);

    expect(await settlementRecordCount(t.redis, 'ARCJJ*')).toBe(0);
    expect(await t.redis.keys('stls:{ARCJJ*')).toEqual([]);
    expect(await t.redis.keys('stays:{ARCJJ*')).toEqual([]);
    for (const key of await t.redis.keys('person:{ARCJJ*')) expect(Object.keys(await t.redis.hgetall(key)).filter((f) => /^[st]\|2018$/.test(f))).toEqual([]);
    expect(await idempotencyCount(t.redis, 'ARCJJ1')).toBe(3);
    // Kept smaller: the idempotency record without its body hash, the claim sealed (card and body hash, no token or time).
    expect(await t.redis.hget('person:{ARCJJ1}', 'JJ-CITY:ARC-LATE')).toBe(`- ${localSettlementId(late.settlementId)}`);
    expect(await t.redis.get('req:{JJ-CITY:ARC-LATE}')).toMatch(/^ARCJJ1 [\w-]{16} -$/);
    expect((await t.http.get('/v1/enrollees/ARCJJ1/accumulators/2018').set(admin()).expect(200)).body).toEqual(accumulatorsBefore);
    expect(JSON.parse((await t.redis.hget('archives', '2018'))!)).toMatchObject({ state: 'archived', archive: 'benefit-year-2018', idBuckets: 1 });
    // Ids carrying their year leave the index, no mark: the year's id set (24 chars each) answers for them.
    for (const id of ids2018) expect(await t.redis.hget(`idx:{${slotTag(Number.parseInt(id.slice(2, 6), 16))}}`, id)).toBeNull();
    expect(await t.redis.strlen('archived-ids:2018:0')).toBe(ARCHIVED_ID_RECORD * ids2018.length);
  });

  it('a day holding both years shows the same totals and groups, the archived part from the manifest, and lists only the 2019 entry', async () => {
    const after = (await t.http.get('/v1/hospitals/JJ-CITY/statements/2019-01-15').set(admin()).expect(200)).body;
    expect(after.totals).toEqual(statementBefore.totals);
    expect(after.groups).toEqual(statementBefore.groups);
    expect(after.entries.map((e: { requestId: string }) => e.requestId)).toEqual(['ARC-PY-1']);
    expect(after.archived).toEqual([{ benefitYear: 2018, archive: 'benefit-year-2018', ...manifest.days['JJ-CITY 2019-01-15']!.totals }]);
    // The note is Chinese for the finance office; Accept-Language: en gives the English one.
    expect(after.notes[0]).toMatch(/^\d+ 笔属 2018 医保年度的结算已移入归档 benefit-year-2018/);
    const english = (await t.http.get('/v1/hospitals/JJ-CITY/statements/2019-01-15').set(admin()).set('Accept-Language', 'en').expect(200)).body;
    expect(english.notes[0]).toMatch(/moved to archive benefit-year-2018/);

    const pure = (await t.http.get('/v1/hospitals/JJ-CITY/statements/2018-06-10').set(admin()).expect(200)).body;
    expect(pure.totals).toEqual(manifest.days['JJ-CITY 2018-06-10']!.totals);
    expect(pure.totals).toEqual(pureDayBefore.totals);
    expect(pure.groups).toEqual(pureDayBefore.groups);
    expect(pure.entries).toEqual([]);
    // Per hospital, the manifest's sums are those of its days.
    const days = Object.entries(manifest.days).filter(([day]) => day.startsWith('QZ-FIRST '));
    expect(manifest.hospitals['QZ-FIRST']!.count).toBe(days.reduce((n, [, d]) => n + d.totals.count, 0));
  });

  it('reconciles the totals of an archived day; detail rows answer ARCHIVED', async () => {
    const totals = statementBefore.totals as { count: number; total: string; fundTotal: string };
    const balanced = await t.http
      .post('/v1/hospitals/JJ-CITY/reconciliations')
      .set(admin())
      .send({ date: '2019-01-15', totals: { count: totals.count, total: totals.total, fundTotal: totals.fundTotal } })
      .expect(200);
    expect(balanced.body.balanced).toBe(true);
    const detail = await t.http
      .post('/v1/hospitals/JJ-CITY/reconciliations')
      .set(admin())
      .send({ date: '2019-01-15', entries: [{ requestId: 'ARC-PY-1', kind: 'settlement', total: '5000.00', fundTotal: '1' }] });
    expect(detail.status).toBe(404);
    expect(detail.body.error.code).toBe('ARCHIVED');
  });

  it('an archived id answers 404 ARCHIVED with the archive: read, reversal, a late retry of its requestId, its year list, a new settlement of the year', async () => {
    const expectArchived = (res: { status: number; body: { error: { code: string; message: string; details: { path: string; message: string }[] } } }) => {
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('ARCHIVED');
      expect(res.body.error.message).toMatch(/benefit-year-2018/);
      expect(res.body.error.details).toEqual([{ path: 'archive', message: 'benefit-year-2018' }]);
    };
    expectArchived(await t.http.get(`/v1/settlements/${late.settlementId}`).set(admin()));
    expectArchived(await t.http.get(`/v1/settlements/${late.settlementId}`).set(billing('JJ-CITY')));
    expectArchived(await t.http.post(`/v1/settlements/${ids2018[0]}/reversal`).set(admin()).send({}));
    expectArchived(await t.http.post('/v1/settlements').set(billing('JJ-CITY')).send(late.body));
    expectArchived(await t.http.get('/v1/enrollees/ARCJJ1/settlements?year=2018').set(admin()));
    expectArchived(
      await t.http
        .post('/v1/settlements')
        .set(billing('JJ-CITY'))
        .send(jj('ARCJJ2', 'ARC-NEW', 'JJ-CITY', '2018-12-01', '100.00')),
    );
    expectArchived(
      await t.http
        .post('/v1/settlements/preview')
        .set(billing('JJ-CITY'))
        .send(jj('ARCJJ2', 'ARC-NEW', 'JJ-CITY', '2018-12-01', '100.00')),
    );
    // Attacks: ten concurrent late retries settle nothing; another hospital's key learns no more than the archive's name.
    const retries = await Promise.all(Array.from({ length: 10 }, () => t.http.post('/v1/settlements').set(billing('JJ-CITY')).send(late.body)));
    for (const retry of retries) expectArchived(retry);
    const foreign = await t.http.get(`/v1/settlements/${late.settlementId}`).set(billing('PY-COUNTY'));
    expectArchived(foreign);
    expect(foreign.text).not.toMatch(/ARCJJ1|ARC-LATE|4321/);
    // The same requestId with another body is still a conflict, not a new settlement.
    clock = new Date('2020-01-02T02:00:00Z');
    const other = await t.http
      .post('/v1/settlements')
      .set(billing('JJ-CITY'))
      .send({ ...late.body, charges: charges('1.00') });
    expect([404, 409]).toContain(other.status);
    expect(await settlementRecordCount(t.redis, 'ARCJJ*')).toBe(0);
    // Its requestId in an open year, from another person or the same one: a conflict for ever (the sealed claim), never a settlement.
    for (const card of ['ARCJJ2', 'ARCJJ1']) {
      const reuse = await t.http
        .post('/v1/settlements')
        .set(billing('JJ-CITY'))
        .send(jj(card, 'ARC-LATE', 'JJ-CITY', '2019-06-01', '100.00'));
      expect(reuse.status).toBe(409);
      expect(reuse.body.error.code).toBe('IDEMPOTENCY_CONFLICT');
    }
    expect(await t.redis.get('req:{JJ-CITY:ARC-LATE}')).toMatch(/^ARCJJ1 [\w-]{16} -$/);
    // An id that never existed is still NOT_FOUND.
    const unknown = await t.http.get(`/v1/settlements/${late.settlementId.slice(0, -4)}ffff`).set(admin());
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('NOT_FOUND');
  });

  it('2019 keeps working; a re-run of the archive changes nothing, and a second run at the same time is refused', async () => {
    const s = await settle(
      {
        requestId: 'ARC-PY-2',
        card: 'ARCPY1',
        hospitalId: 'PY-COUNTY',
        visitType: 'inpatient',
        admissionDate: '2019-03-01',
        dischargeDate: '2019-03-09',
        charges: charges('8000.00'),
      },
      '2019-03-09T03:00:00Z',
    );
    expect((await t.http.get(`/v1/settlements/${s.settlementId}`).set(admin())).status).toBe(200);
    expect((await t.http.get('/v1/enrollees/ARCPY1/settlements?year=2019').set(admin()).expect(200)).body.settlements).toHaveLength(2);
    // Two runs at once (an operator twice): one works, the other is refused while the first holds the year's lease.
    const archiver = new YearArchiver(new ArchiveStore(t.redis), catalog);
    const both = await Promise.allSettled([0, 1].map(() => archiver.archive({ year: 2018, outDir: out, now: new Date('2019-12-01T12:00:00+08:00') })));
    expect(both.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(String((both.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason)).toMatch(/another archive run of 2018 is at work/);
    const again = (both.find((r) => r.status === 'fulfilled') as PromiseFulfilledResult<Awaited<ReturnType<YearArchiver['archive']>>>).value;
    expect(again.resumed).toBe(true);
    expect(again.removed).toEqual({ settlements: 0, ledgerEntries: 0 });
    expect(again.manifest).toEqual(manifest);
  });
});

describe('kill -9 of the archive command, re-run each time', { timeout: 180_000 }, () => {
  let redis: RedisServer;
  let dir: string;

  beforeAll(async () => {
    redis = await startRedis();
    dir = mkdtempSync(path.join(os.tmpdir(), 'settle-archive-crash-'));
  });
  afterAll(async () => {
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('leaves each settlement in Redis or in a verified archive at every moment, and ends with all archived once', async () => {
    const t2 = await startTestService({ redisServer: redis });
    await t2.loadWorkedRegistry();
    const store = openRepositories(t2.redis);
    let at = new Date('2018-03-01T02:00:00Z');
    const service = new SettlementService(store, catalog, new LocalCoverage(store), { now: () => at });
    const ids = new Map<string, string>();
    for (let p = 0; p < 300; p++) {
      const card = `CRJJ${p}`;
      await store.registry.putEnrollee({
        card,
        region: 'jinjiang',
        sex: 'M',
        birthDate: '1970-01-01',
        coverage: [{ from: '2018-01-01', to: '2018-12-31' }],
        categories: [],
        specialDiseases: [],
        maternityInsured: false,
      });
      for (let k = 0; k < 4; k++) {
        at = new Date(Date.UTC(2018, 2 + k, 1 + (p % 27), 3));
        const discharge = at.toISOString().slice(0, 10);
        const { body } = await service.settle(
          parseSettlementRequest({
            requestId: `CR-${p}-${k}`,
            card,
            hospitalId: k % 2 ? 'JJ-CITY' : 'QZ-FIRST',
            visitType: 'inpatient',
            admissionDate: `${discharge.slice(0, 8)}01`,
            dischargeDate: discharge,
            charges: charges(`${1000 + p}.00`),
          }),
        );
        ids.set((JSON.parse(body.toString()) as { settlementId: string }).settlementId, card);
      }
    }
    await t2.close();
    const total = ids.size;

    const archiveDir = path.join(dir, 'benefit-year-2018');
    /** Runs the command; with a trigger, kill -9 it `after` ms once it printed that phase's line. */
    const run = (kill: { line: string; after: number } | null) =>
      new Promise<{ code: number | null; killed: boolean; stderr: string }>((resolve) => {
        // One process (tsx as a loader, not its CLI, which would run the script in a child that kill -9 misses).
        const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/cli/archive.ts'), '--year', '2018', '--out', dir, '--grace-ms', '0'], {
          cwd: ROOT,
          env: { PATH: process.env.PATH ?? '', REDIS_URL: redis.url, POLICY_DIR: POLICY_DIR },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let stderr = '';
        let killed = false;
        let timer: NodeJS.Timeout | null = null;
        child.stderr!.on('data', (d: Buffer) => {
          stderr += d.toString();
          if (kill && !timer && stderr.includes(kill.line))
            timer = setTimeout(() => {
              killed = true;
              child.kill('SIGKILL');
            }, kill.after);
        });
        child.once('exit', (code) => {
          if (timer) clearTimeout(timer);
          resolve({ code, killed, stderr });
        });
      });

    const { Redis } = await import('ioredis');
    const direct = new Redis(redis.url);
    const archivedIds = async () => {
      const found = new Set<string>();
      if (!existsSync(path.join(archiveDir, 'manifest.json'))) return found;
      for await (const line of readNdjsonGz<{ settlementId: string }>(path.join(archiveDir, 'settlements.ndjson.gz'))) found.add(line.settlementId);
      return found;
    };
    const phases: string[] = [];
    let finished = false;
    // Kill -9 while it writes the archive, and while it removes the year from Redis (several times, resuming).
    const plan = [
      { line: 'writing', after: 20 },
      { line: 'writing', after: 150 },
      { line: 'the id set', after: 0 },
      { line: 'removing', after: 0 },
      { line: 'removing', after: 10 },
      { line: 'removing', after: 30 },
      { line: 'removing', after: 80 },
      null,
    ];
    for (const kill of plan) {
      const result = await run(kill);
      if (!result.killed) {
        expect(result.code, result.stderr).toBe(0);
        finished = true;
      }
      // Never neither: every settlement is still in Redis, or in the published archive.
      const inArchive = await archivedIds();
      const state = JSON.parse((await direct.hget('archives', '2018')) ?? '{"state":"none"}').state as string;
      phases.push(`${kill ? `${kill.line}+${kill.after}ms` : 'to the end'}:${result.killed ? 'killed' : 'done'}/${state}/${inArchive.size ? 'archive' : 'no archive'}`);
      let inRedisCount = 0;
      for (const [id, card] of ids) {
        const inRedis = await hasSettlementRecord(direct, card, id);
        if (inRedis) inRedisCount++;
        if (!inRedis && !inArchive.has(id)) throw new Error(`${id} is neither in Redis nor in the archive after ${phases.at(-1)}`);
      }
      phases[phases.length - 1] += `/${inRedisCount} in Redis`;
      if (finished) break;
    }
    console.log(`[archive-crash] ${total} settlements; runs: ${phases.join(' ')}`);
    expect(finished).toBe(true);
    expect(phases.filter((p) => p.includes('killed')).length).toBeGreaterThanOrEqual(3);
    // Kills landed while it removed the year (the published archive and part of the year in Redis), and a later run finished it.
    expect(phases.some((p) => p.includes('killed/removing/archive'))).toBe(true);
    // All of them archived, once; nothing left in Redis.
    const archived: string[] = [];
    for await (const line of readNdjsonGz<{ settlementId: string }>(path.join(archiveDir, 'settlements.ndjson.gz'))) archived.push(line.settlementId);
    expect(archived.length).toBe(total);
    expect(new Set(archived)).toEqual(new Set(ids.keys()));
    // Ids carrying their year left the index; the year's id set answers for each of them.
    const archiveStore = new ArchiveStore(direct as never);
    for (const id of ids.keys()) {
      expect(await direct.hget(`idx:{${slotTag(Number.parseInt(id.slice(2, 6), 16))}}`, id)).toBeNull();
      expect(await archiveStore.archivedSettlement(id, Number.parseInt(id.slice(2, 6), 16))).toEqual({ year: 2018, archive: 'benefit-year-2018' });
    }
    expect(await settlementRecordCount(direct)).toBe(0);
    expect(await direct.keys('stls:*')).toEqual([]);
    for (const key of await direct.keys('person:*')) expect(await direct.hexists(key, 's|2018')).toBe(0);
    expect(JSON.parse((await direct.hget('archives', '2018'))!).state).toBe('archived');
    expect(existsSync(`${archiveDir}.partial`)).toBe(false);
    direct.disconnect();
    await sleep(0);
  });
});
