/**
 * A statement page costs its own entries: the day's figures are kept as
 * entries are moved into the hospital-day, and a page reads only its entries
 * (a busy day's `?limit=1` used to read the whole day). The move from the
 * slots' outboxes is counted once, whatever crashes and retries repeat, and
 * finds an entry whose commit lands after a drain; the earlier layout's
 * entries are moved when read.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSettlementRequest } from '../../src/contract/settlement.js';
import { dayFigureDeltas, dayNamesOf, fromDayMember, toFirstDayMember, toStoredLedgerEntry, ledgerField } from '../../src/domain/ledger.js';
import { loadPolicyDirectory } from '../../src/policy/loader.js';
import { LocalCoverage } from '../../src/service/coverage.js';
import { SettlementService } from '../../src/service/settlements.js';
import { dayFigures, StatementService } from '../../src/service/statements.js';
import { keys, slotOfCard } from '../../src/store/keys.js';
import { outboxField } from '../../src/store/ledger-records.js';
import { createRedis, whenReady, type ScriptedClient } from '../../src/store/redis.js';
import { openRepositories, type Repositories } from '../../src/store/repositories.js';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';
import { pingyang2019Enrollee } from '../helpers/load-support.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const catalog = loadPolicyDirectory(path.join(ROOT, 'config/policies'));
const fixture = JSON.parse(readFileSync(path.join(ROOT, 'test/fixtures/worked-examples.json'), 'utf8')) as { hospitals: Record<string, object> };
const HOSPITAL = 'PY-COUNTY';
const DATE = '2026-11-20';
const NOW = new Date('2026-11-20T03:00:00.000Z');
const ENTRIES = 1_200;

let server: RedisServer;
let redis: ScriptedClient;
let store: Repositories;
let statements: StatementService;
let settlements: SettlementService;

const enrollee = pingyang2019Enrollee;

const settle = (i: number, card = `LC${i % 300}`) =>
  settlements.settle(
    parseSettlementRequest({
      requestId: `LC-${i}`,
      card,
      hospitalId: HOSPITAL,
      visitType: 'outpatient',
      admissionDate: '2019-05-01',
      dischargeDate: '2019-05-01',
      charges: { total: `${100 + (i % 7)}.${String(i % 100).padStart(2, '0')}` },
    }),
  );

async function bytesOut(work: () => Promise<unknown>): Promise<number> {
  const read = async () => Number(/total_net_output_bytes:(\d+)/.exec(await (redis as unknown as Redis).info('stats'))![1]);
  const before = await read();
  await work();
  return (await read()) - before;
}

beforeAll(async () => {
  server = await startRedis();
  redis = createRedis({ url: server.url });
  await whenReady(redis);
  store = openRepositories(redis);
  await store.registry.putHospital({ hospitalId: HOSPITAL, ...fixture.hospitals[HOSPITAL] } as never);
  await store.registry.putHospital({ hospitalId: 'PY-OLD', ...fixture.hospitals[HOSPITAL] } as never);
  for (let c = 0; c < 300; c++) await store.registry.putEnrollee(enrollee(`LC${c}`));
  settlements = new SettlementService(store, catalog, new LocalCoverage(store), { now: () => NOW });
  statements = new StatementService(store, () => NOW);
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      for (let i = next++; i < ENTRIES; i = next++) await settle(i);
    }),
  );
}, 120_000);

afterAll(async () => {
  store?.ledgers.stop();
  redis?.disconnect();
  await server?.stop();
});

describe('a statement page of a busy day', () => {
  it('reads its own entries and the kept figures, not the whole day', async () => {
    const whole = await statements.entriesOf(HOSPITAL, DATE);
    expect(whole).toHaveLength(ENTRIES);
    // Once the writers' notes are past their grace (the slots written in the last seconds are drained again by each read).
    await store.ledgers.compactDay(HOSPITAL, DATE, 0);
    let page!: Awaited<ReturnType<StatementService['statement']>>;
    const bytes = await bytesOut(async () => (page = await statements.statement(HOSPITAL, DATE, { cursor: null, limit: 1 })));
    const perEntry = JSON.stringify(whole[0]).length / 2;
    // The whole day is > 100 kB; a page of one entry, its figures and the hospital a few kB.
    expect(bytes).toBeLessThan(20 * perEntry);
    expect(bytes).toBeLessThan(ENTRIES * perEntry * 0.05);
    expect(page.entries).toHaveLength(1);
    expect(page.next).toBe('1');
    const figures = dayFigures(whole);
    expect({ totals: page.totals, groups: page.groups }).toEqual(figures);
  });

  it('pages through the day in time order, each entry once', async () => {
    const whole = await statements.entriesOf(HOSPITAL, DATE);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<StatementService['statement']>> = await statements.statement(HOSPITAL, DATE, { cursor, limit: 500 });
      seen.push(...page.entries.map((e) => `${e.settlementId} ${e.kind}`));
      cursor = page.next;
    } while (cursor !== null);
    expect(seen).toEqual(whole.map((e) => `${e.settlementId} ${e.kind}`));
  });
});

describe('moving entries into the hospital-day', () => {
  it('counts an entry once when a crashed move is repeated (outbox not yet emptied)', async () => {
    const before = await statements.statement(HOSPITAL, DATE, { cursor: null, limit: 3 });
    // As if the process died after the move and before HDEL: the entries are in their outboxes again, their slots noted.
    for (const entry of before.entries) {
      const stored = (await statements.entriesOf(HOSPITAL, DATE)).find((e) => e.settlementId === entry.settlementId)!;
      await redis.hset(keys.ledgerOutbox(slotOfCard(stored.card)), outboxField(HOSPITAL, DATE, ledgerField(stored.kind, stored.settlementId)), toStoredLedgerEntry(stored));
      await store.ledgers.noteLedgerSlot(HOSPITAL, DATE, stored.card);
    }
    const after = await statements.statement(HOSPITAL, DATE, { cursor: null, limit: 3 });
    expect(after.totals).toEqual(before.totals);
    expect(after.groups).toEqual(before.groups);
    expect(after.entries).toEqual(before.entries);
    for (const entry of before.entries) expect(await redis.hlen(keys.ledgerOutbox(slotOfCard(entry.card)))).toBe(0);
  });

  it('finds an entry whose commit lands after a drain of its slot (the slot stays pending within the grace)', async () => {
    const card = 'LC-LATE';
    await store.registry.putEnrollee(enrollee(card));
    await store.ledgers.noteLedgerSlot(HOSPITAL, DATE, card);
    await statements.statement(HOSPITAL, DATE, { cursor: null, limit: 1 });
    // The commit writes its entry now, after the drain above.
    const [entry] = (await statements.entriesOf(HOSPITAL, DATE)).slice(-1);
    const late = { ...entry!, settlementId: `S-${slotOfCard(card).toString(16).padStart(4, '0')}-${'f'.repeat(32)}`, card, requestId: 'LC-LATE' };
    await redis.hset(keys.ledgerOutbox(slotOfCard(card)), outboxField(HOSPITAL, DATE, late.settlementId), toStoredLedgerEntry(late));
    const page = await statements.statement(HOSPITAL, DATE, { cursor: null, limit: 1 });
    expect(page.totals.count).toBe(ENTRIES + 1);
    expect((await statements.entriesOf(HOSPITAL, DATE)).some((e) => e.settlementId === late.settlementId)).toBe(true);
  });

  it('forgets a drained slot whose note is past the grace, keeps one noted since', async () => {
    const pending = keys.ledgerPending(HOSPITAL, DATE);
    expect(await redis.zcard(pending)).toBeGreaterThan(0);
    await store.ledgers.compactDay(HOSPITAL, DATE, 0);
    expect(await redis.zcard(pending)).toBe(0);
  });

  it('in the background drains only the slots noted before the grace, once each; a read drains the rest', async () => {
    const pending = keys.ledgerPending(HOSPITAL, DATE);
    const [entry] = (await statements.entriesOf(HOSPITAL, DATE)).slice(-1);
    const outboxOf = (card: string) => keys.ledgerOutbox(slotOfCard(card));
    const write = async (card: string, tail: string) => {
      const written = { ...entry!, settlementId: `S-${slotOfCard(card).toString(16).padStart(4, '0')}-${tail.repeat(32)}`, card, requestId: card };
      await redis.hset(outboxOf(card), outboxField(HOSPITAL, DATE, written.settlementId), toStoredLedgerEntry(written));
    };
    await write('LC-DUE', 'd');
    await write('LC-FRESH', 'e');
    // LC-DUE was noted 11 s ago, LC-FRESH now.
    await redis.zadd(pending, Date.now() - 11_000, String(slotOfCard('LC-DUE')));
    await store.ledgers.noteLedgerSlot(HOSPITAL, DATE, 'LC-FRESH');
    expect(await store.ledgers.compactDay(HOSPITAL, DATE, 10_000, { dueOnly: true })).toEqual({ pending: 1 });
    expect(await redis.hlen(outboxOf('LC-DUE'))).toBe(0);
    expect(await redis.zscore(pending, String(slotOfCard('LC-DUE')))).toBeNull();
    expect(await redis.hlen(outboxOf('LC-FRESH'))).toBe(1);
    expect(await redis.zscore(pending, String(slotOfCard('LC-FRESH')))).not.toBeNull();
    // A read drains it at once, and keeps it pending within the grace.
    const page = await statements.statement(HOSPITAL, DATE, { cursor: null, limit: 1 });
    expect(page.totals.count).toBe(ENTRIES + 3);
    expect(await redis.hlen(outboxOf('LC-FRESH'))).toBe(0);
    expect(await redis.zscore(pending, String(slotOfCard('LC-FRESH')))).not.toBeNull();
  });

  it('moves the entries of a pass of slots in one script call and forgets the slots in another (one scan and one delete a slot)', async () => {
    // Background compactions of the settled day would count their own commands here.
    store.ledgers.stop();
    const day = '2026-11-21';
    const at = '2026-11-21T03:00:00.000Z';
    const pending = keys.ledgerPending(HOSPITAL, day);
    const [model] = (await statements.entriesOf(HOSPITAL, DATE)).slice(-1);
    const cards: string[] = [];
    const slots = new Set<number>();
    for (let c = 0; cards.length < 40; c++) {
      const card = `LB${c}`;
      if (slots.has(slotOfCard(card))) continue;
      slots.add(slotOfCard(card));
      cards.push(card);
    }
    for (const [i, card] of cards.entries()) {
      const entry = {
        ...model!,
        card,
        at,
        date: day,
        requestId: `LB-${i}`,
        settlementId: `S-${slotOfCard(card).toString(16).padStart(4, '0')}-${i.toString(16).padStart(32, '0')}`,
      };
      await redis.hset(keys.ledgerOutbox(slotOfCard(card)), outboxField(HOSPITAL, day, ledgerField(entry.kind, entry.settlementId)), toStoredLedgerEntry(entry));
      await redis.zadd(pending, Date.now() - 20_000, String(slotOfCard(card)));
    }
    const calls = async () => {
      const stats = await (redis as unknown as Redis).info('commandstats');
      const of = (name: string) => Number(new RegExp(`cmdstat_${name}:calls=(\\d+)`).exec(stats)?.[1] ?? 0);
      return { evalsha: of('evalsha') + of('eval'), hscan: of('hscan'), hdel: of('hdel') };
    };
    const before = await calls();
    expect(await store.ledgers.compactDay(HOSPITAL, day, 10_000, { dueOnly: true })).toEqual({ pending: 0 });
    const after = await calls();
    expect({ evalsha: after.evalsha - before.evalsha, hscan: after.hscan - before.hscan, hdel: after.hdel - before.hdel }).toEqual({ evalsha: 2, hscan: 40, hdel: 40 });
    expect(await redis.zcard(keys.ledgerDay(HOSPITAL, day))).toBe(40);
    expect(await redis.zcard(pending)).toBe(0);
    for (const card of cards) expect(await redis.hlen(keys.ledgerOutbox(slotOfCard(card)))).toBe(0);
    const page = await statements.statement(HOSPITAL, day, { cursor: null, limit: 1 });
    expect(page.totals.count).toBe(40);
  });

  it('drains an outbox past one scan page (its first page with the pass, the rest from its cursor)', async () => {
    const day = '2026-11-22';
    const [model] = (await statements.entriesOf(HOSPITAL, DATE)).slice(-1);
    const card = 'LBIG';
    const outbox = keys.ledgerOutbox(slotOfCard(card));
    for (let i = 0; i < 1500; i++) {
      const entry = {
        ...model!,
        card,
        at: '2026-11-22T03:00:00.000Z',
        date: day,
        requestId: `BIG-${i}`,
        settlementId: `S-${slotOfCard(card).toString(16).padStart(4, '0')}-${i.toString(16).padStart(32, '0')}`,
      };
      await redis.hset(outbox, outboxField(HOSPITAL, day, ledgerField(entry.kind, entry.settlementId)), toStoredLedgerEntry(entry));
    }
    await redis.zadd(keys.ledgerPending(HOSPITAL, day), Date.now() - 20_000, String(slotOfCard(card)));
    expect((await redis.hscan(outbox, '0', 'COUNT', 500))[0]).not.toBe('0');
    expect(await store.ledgers.compactDay(HOSPITAL, day, 10_000, { dueOnly: true })).toEqual({ pending: 0 });
    expect(await redis.hlen(outbox)).toBe(0);
    expect(await redis.zcard(keys.ledgerDay(HOSPITAL, day))).toBe(1500);
  });

  it('moves entries of the earlier layout (a hash per slot, a slot set) when the day is read, and drops those keys', async () => {
    const [model] = await statements.entriesOf(HOSPITAL, DATE);
    const old = { ...model!, hospitalId: 'PY-OLD', settlementId: `S-${slotOfCard(model!.card).toString(16).padStart(4, '0')}-${'a'.repeat(32)}` };
    const legacy = keys.ledger(slotOfCard(old.card), 'PY-OLD', DATE);
    await redis.hset(legacy, old.settlementId, toStoredLedgerEntry(old));
    await redis.sadd(keys.ledgerSlots('PY-OLD', DATE), slotOfCard(old.card));
    const page = await statements.statement('PY-OLD', DATE, { cursor: null, limit: 10 });
    expect(page.entries.map((e) => e.settlementId)).toEqual([old.settlementId]);
    expect(page.totals.total).toBe(old.total);
    expect(await redis.exists(legacy, keys.ledgerSlots('PY-OLD', DATE))).toBe(0);
    const [member, score] = await redis.zrange(keys.ledgerDay('PY-OLD', DATE), 0, -1, 'WITHSCORES');
    expect(fromDayMember(member!, Number(score), 'PY-OLD', dayNamesOf(await redis.lrange(keys.ledgerNames('PY-OLD', DATE), 0, -1)))).toEqual(old);
  });

  it("reads a member written before the day's names beside one written after, and a crashed move of the earlier one adds nothing", async () => {
    const day = '2026-11-19';
    const at = '2026-11-19T03:00:00.000Z';
    const [a, b] = (await statements.entriesOf(HOSPITAL, DATE)).slice(0, 2).map((e, i) => ({
      ...e,
      hospitalId: 'PY-OLD',
      at,
      date: day,
      settlementId: `S-${slotOfCard(e.card).toString(16).padStart(4, '0')}-${String(i).repeat(32)}`,
    }));
    // `a` was moved in by the code before the names: its member is of the first format, its figures counted.
    await redis.zadd(keys.ledgerDay('PY-OLD', day), Date.parse(at), toFirstDayMember(a!));
    const deltas = dayFigureDeltas(a!);
    for (let i = 0; i < deltas.length; i += 2) await redis.hincrby(keys.ledgerFigures('PY-OLD', day), deltas[i]!, deltas[i + 1]!);
    // Its outbox field was not yet emptied (a crash), and `b` waits in its outbox.
    for (const entry of [a!, b!]) {
      await redis.hset(keys.ledgerOutbox(slotOfCard(entry.card)), outboxField('PY-OLD', day, ledgerField(entry.kind, entry.settlementId)), toStoredLedgerEntry(entry));
      await store.ledgers.noteLedgerSlot('PY-OLD', day, entry.card);
    }
    const page = await statements.statement('PY-OLD', day, { cursor: null, limit: 10 });
    expect(page.entries.map((e) => e.settlementId)).toEqual([a!.settlementId, b!.settlementId]);
    expect(await statements.entriesOf('PY-OLD', day)).toEqual([a, b]);
    expect({ totals: page.totals, groups: page.groups }).toEqual(dayFigures([a!, b!]));
    const members = await redis.zrange(keys.ledgerDay('PY-OLD', day), 0, -1);
    expect(members.map((m) => m.slice(m.indexOf('|') + 2, m.indexOf('|') + 3))).toEqual(['|', '"']);
    // A day compaction began holds no first-format member (its names start with the mark); this one did not.
    expect(await redis.lindex(keys.ledgerNames(HOSPITAL, DATE), 0)).toBe('0');
    expect(await redis.lindex(keys.ledgerNames('PY-OLD', day), 0)).not.toBe('0');
    // The same move again (a second crash) still counts each entry once.
    await redis.hset(keys.ledgerOutbox(slotOfCard(b!.card)), outboxField('PY-OLD', day, ledgerField(b!.kind, b!.settlementId)), toStoredLedgerEntry(b!));
    await store.ledgers.noteLedgerSlot('PY-OLD', day, b!.card);
    expect((await statements.statement('PY-OLD', day, { cursor: null, limit: 10 })).totals).toEqual(page.totals);
    expect(await redis.zcard(keys.ledgerDay('PY-OLD', day))).toBe(2);
  });
});
