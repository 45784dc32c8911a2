/**
 * The scripts that change a stay (2301, 2302, 2404, 2405) and the overlap
 * rule of the commit, on a real 3-master Redis Cluster with two service
 * processes: every key of each script is in the person's slot, so they run
 * there as on one Redis. A stay settled through one process is refused as
 * settled by the other; a stay overlapping a settled stay of the person at
 * another hospital is refused STAY_OVERLAPS (a transfer day is not); a
 * reversal through one process frees the days for the other. Persons on every
 * master.
 */
import calculateSlot from 'cluster-key-slot';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisCluster, type RedisCluster } from '../../scripts/lib/redis-cluster.js';
import { Decimal } from '../../src/domain/money.js';
import { PY1_LINES } from '../helpers/fee-lines.js';
import { hsa, n, text, type Hsa } from '../helpers/hsa.js';
import { admit, discharge, feedetail } from '../helpers/hsa-stay.js';
import { pingyangEnrollee } from '../helpers/load-support.js';
import { spawnServer, writeKeysFile, type ServerProcess } from '../helpers/server-process.js';
import { makeKeys, type TestKeys } from '../helpers/service.js';
import { workedExamples } from '../helpers/worked-examples.js';

const CODES: Record<string, string> = { 'PY-COUNTY': 'H33032600001', 'PY-TOWN': 'H33032600002' };

let cluster: RedisCluster;
let A: ServerProcess;
let B: ServerProcess;
let keys: TestKeys;
/** Master port → the slot ranges it owns. */
let owners: { port: number; ranges: [number, number][] }[];
/** One person per master, for the national flow; another per master for the native overlap. */
let flowCards: string[];
let overlapCards: string[];

function ownerOf(card: string): number {
  const slot = calculateSlot(card);
  return owners.find((o) => o.ranges.some(([from, to]) => slot >= from && slot <= to))!.port;
}

/** A card of the given prefix on each master. */
function cardPerMaster(prefix: string): string[] {
  return owners.map(({ port }) => {
    let i = 0;
    while (ownerOf(`${prefix}${i}`) !== port) i++;
    return `${prefix}${i}`;
  });
}

beforeAll(async () => {
  cluster = await startRedisCluster();
  const made = makeKeys(Object.keys(CODES), []);
  keys = made.keys;
  const env = { REDIS_CLUSTER_NODES: cluster.nodes, API_KEYS_FILE: writeKeysFile(made.entries), LOG_LEVEL: 'warn', REDIS_TIMEOUT_MS: '2000' };
  [A, B] = await Promise.all([spawnServer(env), spawnServer(env)]);
  owners = (await cluster.topology()).filter((node) => node.role === 'master');
  flowCards = cardPerMaster('CLSTAY');
  overlapCards = cardPerMaster('CLOVER');
  const admin = supertest(A.base);
  for (const [id, code] of Object.entries(CODES)) {
    const res = await admin
      .put(`/v1/hospitals/${id}`)
      .set('Authorization', `Bearer ${keys.admin}`)
      .send({ ...workedExamples.hospitals[id], fixmedinsCode: code });
    expect([200, 201], res.text).toContain(res.status);
  }
  for (const card of [...flowCards, ...overlapCards]) {
    const res = await admin.put(`/v1/enrollees/${card}`).set('Authorization', `Bearer ${keys.admin}`).send(pingyangEnrollee());
    expect(res.status, res.text).toBe(201);
  }
}, 90_000);

afterAll(async () => {
  await Promise.all([A?.stop(), B?.stop()]);
  await cluster?.stop();
});

/** The platform's face of one hospital through one process. */
const platform = (server: ServerProcess, hospitalId: string): Hsa => hsa(supertest(server.base), keys.billing[hospitalId]!, CODES[hospitalId]!);

/** A command on the node that owns the card's slot (no redirection needed). */
const onOwner = async (card: string, ...args: string[]) => (await cluster.cli(ownerOf(card), '--raw', ...args)).trim();
const storedLines = async (card: string, mdtrtId: string) => Number(await onOwner(card, 'HLEN', `enc-lines:{${card}}:${mdtrtId}`));
const statusOf = async (card: string, mdtrtId: string) => (JSON.parse(await onOwner(card, 'GET', `enc:{${card}}:${mdtrtId}`)) as { status: string }).status;

const settleData = (card: string, mdtrtId: string, sum = '12345.67') => ({
  psn_no: card,
  mdtrt_id: mdtrtId,
  medfee_sumamt: n(sum),
  psn_setlway: '01',
  insutype: '390',
  mid_setl_flag: '0',
});
const ref = (card: string, mdtrtId: string) => ({ data: { mdtrt_id: mdtrtId, psn_no: card } });
const errorOf = (answer: { envelope: { err_msg: string | null } }) => answer.envelope.err_msg ?? '';
/** Every answer of the face is 200; a refusal is infcode -1 with the code first in err_msg, never CROSSSLOT. */
function expectRefused(answer: { status: number; ok: boolean; text: string; envelope: { err_msg: string | null } }, code: string, what: string) {
  expect(answer.status, `${what}: ${answer.text}`).toBe(200);
  expect(answer.ok, `${what}: ${answer.text}`).toBe(false);
  expect(errorOf(answer), what).toMatch(new RegExp(`^${code}: `));
  expect(answer.text, what).not.toMatch(/CROSSSLOT|INTERNAL/);
}

/** Admits on `p`, uploads P-PY-1's lines (in `month`), discharges on the 10th. */
async function dischargedStay(p: Hsa, card: string, month: number): Promise<string> {
  const mm = String(month).padStart(2, '0');
  const mdtrtId = await admit(p, card, `2019-${mm}-01 08:00:00`);
  const up = await p.send('2301', { feedetail: PY1_LINES.map((line) => feedetail({ ...line, time: line.time!.replace('2019-03', `2019-${mm}`) }, mdtrtId, card)) });
  expect(up.ok, up.text).toBe(true);
  const out = await p.send('2402', discharge(card, mdtrtId, `2019-${mm}-10 10:00:00`));
  expect(out.ok, out.text).toBe(true);
  return mdtrtId;
}

describe('a stay changed on one process, settled, then refused as settled on the other', () => {
  it('the persons are spread over the three masters', () => {
    expect(new Set(flowCards.map(ownerOf)).size).toBe(3);
    expect(new Set(overlapCards.map(ownerOf)).size).toBe(3);
  });

  it('2301, 2302, 2405 and 2404 of unsettled stays run their scripts on every master (across processes)', async () => {
    for (const card of flowCards) {
      const a = platform(A, 'PY-COUNTY');
      const b = platform(B, 'PY-COUNTY');
      const mdtrtId = await dischargedStay(a, card, 1);
      expect(await storedLines(card, mdtrtId)).toBeGreaterThanOrEqual(PY1_LINES.length);
      const one = await b.send('2302', { data: { mdtrt_id: mdtrtId, psn_no: card, feedetl_sn: PY1_LINES[0]!.lineId } });
      expect(one.ok, one.text).toBe(true);
      expect(text(one.envelope.output.result.withdrawn)).toBe('1');
      const left = await a.send('5204', ref(card, mdtrtId));
      expect(left.envelope.output.result).toHaveLength(PY1_LINES.length - 1);
      const reopened = await b.send('2405', ref(card, mdtrtId));
      expect(reopened.ok, reopened.text).toBe(true);
      expect(await statusOf(card, mdtrtId)).not.toBe('discharged');
      const cancelled = await a.send('2404', ref(card, mdtrtId));
      expect(cancelled.ok, cancelled.text).toBe(true);
      expect(await statusOf(card, mdtrtId)).toBe('cancelled');
    }
  });

  it('2301 → 2302 → 2304 on A; then 2302 (one line, "0000"), 2405 and 2404 on B are refused as settled and change nothing', async () => {
    for (const card of flowCards) {
      const a = platform(A, 'PY-COUNTY');
      const b = platform(B, 'PY-COUNTY');
      const mdtrtId = await dischargedStay(a, card, 3);
      const withdrawn = await a.send('2302', { data: { mdtrt_id: mdtrtId, psn_no: card, feedetl_sn: PY1_LINES[1]!.lineId } });
      expect(withdrawn.ok, withdrawn.text).toBe(true);
      const left = PY1_LINES.filter((_, i) => i !== 1).reduce((acc, line) => acc.plus(line.amount), new Decimal(0));
      const settled = await a.send('2304', { data: settleData(card, mdtrtId, left.toFixed(2)) });
      expect(settled.ok, settled.text).toBe(true);
      const setlId = text(settled.envelope.output.setlinfo.setl_id);
      expect(setlId).toMatch(/^S-/);
      const lines = await storedLines(card, mdtrtId);
      for (const [infno, input] of [
        ['2302', { data: { mdtrt_id: mdtrtId, psn_no: card, feedetl_sn: PY1_LINES[0]!.lineId } }],
        ['2302', { data: { mdtrt_id: mdtrtId, psn_no: card, feedetl_sn: '0000' } }],
        ['2405', ref(card, mdtrtId)],
        ['2404', ref(card, mdtrtId)],
      ] as const) {
        const answer = await b.send(infno, input);
        expectRefused(answer, 'IDEMPOTENCY_CONFLICT', `${card} ${infno}`);
        expect(errorOf(answer), infno).toMatch(/已结算/); // the settled headline, not "kept changing"
      }
      expect(await storedLines(card, mdtrtId)).toBe(lines);
      expect(await statusOf(card, mdtrtId)).toBe('discharged');
      // Still settled, read on B.
      const read = await b.send('5203', { data: { psn_no: card, setl_id: setlId, mdtrt_id: mdtrtId } });
      expect(read.ok, read.text).toBe(true);
      // Frees the person's days for the next test (2305 on B, 2404 on A).
      expect((await b.send('2305', { data: { mdtrt_id: mdtrtId, setl_id: setlId, psn_no: card } })).ok).toBe(true);
      const cancel = await a.send('2404', ref(card, mdtrtId));
      expect(cancel.ok, cancel.text).toBe(true);
    }
  });

  it('2302 "0000" on B racing 2304 on A: a settled stay keeps its lines, every try (the check is in the script)', async () => {
    let settledCount = 0;
    for (let i = 0; i < 9; i++) {
      const card = flowCards[i % flowCards.length]!;
      const a = platform(A, 'PY-COUNTY');
      const b = platform(B, 'PY-COUNTY');
      const mdtrtId = await dischargedStay(a, card, 5 + Math.floor(i / flowCards.length));
      const lines = await storedLines(card, mdtrtId);
      const [withdraw, settle] = await Promise.all([
        b.send('2302', { data: { mdtrt_id: mdtrtId, psn_no: card, feedetl_sn: '0000' } }),
        a.send('2304', { data: settleData(card, mdtrtId) }),
      ]);
      expect(withdraw.status, withdraw.text).toBe(200);
      expect(settle.status, settle.text).toBe(200);
      expect(withdraw.text + settle.text).not.toMatch(/CROSSSLOT|INTERNAL/);
      if (settle.ok) {
        settledCount++;
        expect(withdraw.ok ? text(withdraw.envelope.output.result.withdrawn) : '0', `try ${i}: a settled stay lost its lines`).toBe('0');
        expect(await storedLines(card, mdtrtId), `try ${i}`).toBe(lines);
        const setlId = text(settle.envelope.output.setlinfo.setl_id);
        expect((await b.send('2305', { data: { mdtrt_id: mdtrtId, setl_id: setlId, psn_no: card } })).ok).toBe(true);
      } else {
        expect(withdraw.ok, withdraw.text).toBe(true);
        expect(await storedLines(card, mdtrtId)).toBe(0);
      }
      expect((await b.send('2404', ref(card, mdtrtId))).ok).toBe(true);
    }
    expect(settledCount).toBeGreaterThan(0);
  });

  it('2404 on B racing 2304 on A: never both succeed; a settled stay is never cancelled', async () => {
    for (let i = 0; i < 6; i++) {
      const card = flowCards[i % flowCards.length]!;
      const a = platform(A, 'PY-COUNTY');
      const b = platform(B, 'PY-COUNTY');
      const mdtrtId = await dischargedStay(a, card, 8 + Math.floor(i / flowCards.length));
      const [cancel, settle] = await Promise.all([b.send('2404', ref(card, mdtrtId)), a.send('2304', { data: settleData(card, mdtrtId) })]);
      expect(cancel.text + settle.text).not.toMatch(/CROSSSLOT|INTERNAL/);
      expect(cancel.ok && settle.ok, `try ${i}: both answered success`).toBe(false);
      if (settle.ok) {
        expect(await statusOf(card, mdtrtId)).toBe('discharged');
        const setlId = text(settle.envelope.output.setlinfo.setl_id);
        expect((await b.send('2305', { data: { mdtrt_id: mdtrtId, setl_id: setlId, psn_no: card } })).ok).toBe(true);
        expect((await a.send('2404', ref(card, mdtrtId))).ok).toBe(true);
      } else {
        expect(await statusOf(card, mdtrtId)).toBe('cancelled');
      }
    }
  });
});

let seq = 0;
const stay = (card: string, hospitalId: string, admissionDate: string, dischargeDate: string) => ({
  requestId: `CL-OV-${++seq}`,
  card,
  hospitalId,
  visitType: 'inpatient',
  admissionDate,
  dischargeDate,
  charges: { total: '20000.00' },
});
async function settleNative(server: ServerProcess, body: ReturnType<typeof stay>) {
  return supertest(server.base).post('/v1/settlements').set('Authorization', `Bearer ${keys.billing[body.hospitalId]!}`).send(body);
}

describe('one hospital at a time, across processes and masters', () => {
  /** card → its settled 06-01..06-10 stay at PY-COUNTY. */
  const june = new Map<string, string>();
  it('a stay inside a settled stay at another hospital is refused 422 STAY_OVERLAPS on the other process; the transfer day is accepted', async () => {
    for (const card of overlapCards) {
      const first = await settleNative(A, stay(card, 'PY-COUNTY', '2019-06-01', '2019-06-10'));
      expect(first.status, first.text).toBe(201);
      june.set(card, first.body.settlementId as string);
      const inside = await settleNative(B, stay(card, 'PY-TOWN', '2019-06-03', '2019-06-08'));
      expect(inside.status, inside.text).toBe(422);
      expect(inside.body.error.code).toBe('STAY_OVERLAPS');
      expect(inside.text).toContain(first.body.settlementId);
      const transfer = await settleNative(B, stay(card, 'PY-TOWN', '2019-06-10', '2019-06-15'));
      expect(transfer.status, transfer.text).toBe(201);
      // The occupancy is on the card's own master.
      expect((await onOwner(card, 'HGET', `person:{${card}}`, 'o|')).trim().split(' ')).toHaveLength(3); // its expiry day, then 2 stays
    }
  });

  it('a reversal on B frees the days for a new stay on A', async () => {
    for (const card of overlapCards) {
      const reversed = await supertest(B.base)
        .post(`/v1/settlements/${june.get(card)!}/reversal`)
        .set('Authorization', `Bearer ${keys.billing['PY-COUNTY']!}`)
        .send({ reason: 'wrong stay' });
      expect(reversed.status, reversed.text).toBe(200);
      const freed = await settleNative(A, stay(card, 'PY-TOWN', '2019-06-03', '2019-06-08'));
      expect(freed.status, freed.text).toBe(201);
      // The transfer stay (06-10..06-15) still holds its days.
      const still = await settleNative(A, stay(card, 'PY-COUNTY', '2019-06-12', '2019-06-20'));
      expect(still.status, still.text).toBe(422);
      expect(still.body.error.code).toBe('STAY_OVERLAPS');
    }
  });

  it('over the national face: a 2304 overlapping a stay settled through A is refused STAY_OVERLAPS on B; 2305 on B frees it for A', async () => {
    for (const card of flowCards) {
      const county = platform(A, 'PY-COUNTY');
      const town = platform(B, 'PY-TOWN');
      const held = await dischargedStay(county, card, 11); // 11-01 .. 11-10
      const settled = await county.send('2304', { data: settleData(card, held) });
      expect(settled.ok, settled.text).toBe(true);
      const setlId = text(settled.envelope.output.setlinfo.setl_id);

      const inside = await admit(town, card, '2019-11-03 08:00:00');
      const up = await town.send('2301', { feedetail: PY1_LINES.map((line) => feedetail({ ...line, time: '2019-11-04T10:00:00' }, inside, card)) });
      expect(up.ok, up.text).toBe(true);
      expect((await town.send('2402', discharge(card, inside, '2019-11-08 10:00:00'))).ok).toBe(true);
      const refused = await town.send('2304', { data: settleData(card, inside) });
      expectRefused(refused, 'STAY_OVERLAPS', `${card} 2304 inside`);
      expect(errorOf(refused)).toContain(setlId);

      const reversed = await town.send('2305', { data: { mdtrt_id: held, setl_id: setlId, psn_no: card } });
      expectRefused(reversed, '[A-Z_]+', `${card} 2305 by another hospital`);
      const own = await platform(B, 'PY-COUNTY').send('2305', { data: { mdtrt_id: held, setl_id: setlId, psn_no: card } });
      expect(own.ok, own.text).toBe(true);
      const again = await platform(A, 'PY-TOWN').send('2304', { data: settleData(card, inside) });
      expect(again.ok, again.text).toBe(true);
    }
  });

  it('neither process logged an error (no CROSSSLOT, no 5xx)', async () => {
    for (const server of [A, B]) {
      expect(server.output()).not.toMatch(/CROSSSLOT/);
      expect(
        server
          .output()
          .split('\n')
          .filter((line) => /"level":(50|60)/.test(line)),
      ).toEqual([]);
    }
  });
});
