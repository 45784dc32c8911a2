/**
 * The day member through a rolling upgrade (docs/deploy.md "Day-ledger members
 * before the day's names"): with STORE_WRITE_FORMAT=previous compaction writes
 * the first-format member and no names, so a process of the release before
 * (compact-ledger-2: ZADD NX of that member) re-moving an entry after a crash
 * adds nothing; compact processes of step 2 and previous ones still running
 * count every entry once, and a day reads the same in either mode.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSettlementRequest } from '../../src/contract/settlement.js';
import { dayFigureDeltas, ledgerField, toFirstDayMember, toStoredLedgerEntry, type LedgerEntry } from '../../src/domain/ledger.js';
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
const CARDS = 40;

let server: RedisServer;
let redis: ScriptedClient;
const mode = {} as Record<'previous' | 'compact', { store: Repositories; settlements: SettlementService; statements: StatementService }>;
let day = new Date('2026-11-01T03:00:00.000Z');
let request = 0;

const enrollee = pingyang2019Enrollee;

/** Settles `n` bills on the current day, through `by`'s service. */
async function settle(by: 'previous' | 'compact', n: number): Promise<void> {
  for (let k = 0; k < n; k++) {
    const i = request++;
    await mode[by].settlements.settle(
      parseSettlementRequest({
        requestId: `RL-${i}`,
        card: `RL${i % CARDS}`,
        hospitalId: HOSPITAL,
        visitType: 'outpatient',
        admissionDate: '2019-05-01',
        dischargeDate: '2019-05-01',
        charges: { total: `${100 + (i % 7)}.${String(i % 100).padStart(2, '0')}` },
      }),
    );
  }
}

const date = () => day.toISOString().slice(0, 10);
const nextDay = () => {
  day = new Date(day.getTime() + 86_400_000);
};

/** As if a process died after the move and before HDEL: the entries are in their outboxes again, their slots noted. */
async function putBack(entries: readonly LedgerEntry[]): Promise<void> {
  for (const entry of entries) {
    await redis.hset(keys.ledgerOutbox(slotOfCard(entry.card)), outboxField(HOSPITAL, entry.date, ledgerField(entry.kind, entry.settlementId)), toStoredLedgerEntry(entry));
    await mode.compact.store.ledgers.noteLedgerSlot(HOSPITAL, entry.date, entry.card);
  }
}

/** The release before moving an entry again (main's compact-ledger-2: ZADD NX of its member, its figures only if added). */
async function oldMove(entry: LedgerEntry): Promise<void> {
  if ((await redis.zadd(keys.ledgerDay(HOSPITAL, entry.date), 'NX', Date.parse(entry.at), toFirstDayMember(entry))) === 0) return;
  const deltas = dayFigureDeltas(entry);
  for (let i = 0; i < deltas.length; i += 2) await redis.hincrby(keys.ledgerFigures(HOSPITAL, entry.date), deltas[i]!, deltas[i + 1]!);
}

/** Every page of the day (limit 7) through `by`, and its figures. */
async function pages(by: 'previous' | 'compact') {
  const seen: unknown[] = [];
  let cursor: string | null = null;
  let figures: unknown;
  do {
    const page: Awaited<ReturnType<StatementService['statement']>> = await mode[by].statements.statement(HOSPITAL, date(), { cursor, limit: 7 });
    seen.push(...page.entries);
    figures = { totals: page.totals, groups: page.groups };
    cursor = page.next;
  } while (cursor !== null);
  return { entries: seen, figures };
}

const formats = async () => (await redis.zrange(keys.ledgerDay(HOSPITAL, date()), 0, -1)).map((m) => (m[m.indexOf('|') + 2] === '|' ? 'first' : 'now'));

beforeAll(async () => {
  server = await startRedis();
  redis = createRedis({ url: server.url });
  await whenReady(redis);
  for (const [name, previous] of [
    ['previous', true],
    ['compact', false],
  ] as const) {
    const store = openRepositories(redis, undefined, undefined, previous);
    const settlements = new SettlementService(store, catalog, new LocalCoverage(store), { now: () => day, previousStoreFormat: previous });
    mode[name] = { store, settlements, statements: new StatementService(store, () => day) };
  }
  await mode.compact.store.registry.putHospital({ hospitalId: HOSPITAL, ...fixture.hospitals[HOSPITAL] } as never);
  for (let c = 0; c < CARDS; c++) await mode.compact.store.registry.putEnrollee(enrollee(`RL${c}`));
}, 60_000);

afterAll(async () => {
  for (const m of Object.values(mode)) m.store.ledgers.stop();
  redis?.disconnect();
  await server?.stop();
});

describe('STORE_WRITE_FORMAT=previous (step 1 of the roll)', () => {
  it('writes first-format members and no names; the release before moving them again adds nothing', async () => {
    await settle('previous', 30);
    const entries = await mode.previous.statements.entriesOf(HOSPITAL, date());
    expect(entries).toHaveLength(30);
    expect(await redis.zrange(keys.ledgerDay(HOSPITAL, date()), 0, -1)).toEqual(entries.map(toFirstDayMember));
    expect(await redis.exists(keys.ledgerNames(HOSPITAL, date()))).toBe(0);
    const before = await pages('previous');
    for (const entry of entries) await oldMove(entry);
    expect(await pages('previous')).toEqual(before);
    expect(before.figures).toEqual(dayFigures(entries));
  });

  it('reads the same pages and figures in both modes', async () => {
    expect(await pages('compact')).toEqual(await pages('previous'));
  });
});

describe('compact processes beside previous ones (step 2 of the roll)', () => {
  it('a crash-rerun in compact mode of a move made in previous mode adds nothing and counts once', async () => {
    const entries = await mode.previous.statements.entriesOf(HOSPITAL, date());
    const before = await pages('previous');
    await putBack(entries);
    const after = await pages('compact');
    expect(after).toEqual(before);
    expect(await formats()).toEqual(entries.map(() => 'first'));
    expect(await pages('previous')).toEqual(before);
  });

  it('entries moved in compact mode join the day; a previous process re-moving them writes them as compact, counted once', async () => {
    await settle('compact', 10);
    const all = await mode.compact.statements.entriesOf(HOSPITAL, date());
    expect(all).toHaveLength(40);
    expect((await formats()).filter((f) => f === 'now')).toHaveLength(10);
    const before = await pages('compact');
    expect(before.figures).toEqual(dayFigures(all));
    await putBack(all);
    expect(await pages('previous')).toEqual(before);
    expect(await redis.zcard(keys.ledgerDay(HOSPITAL, date()))).toBe(40);
    await putBack(all);
    expect(await pages('compact')).toEqual(before);
  });

  it('a day compact mode began (its names marked fresh) stays free of first-format members when a previous process moves into it', async () => {
    nextDay();
    await settle('compact', 8);
    await mode.compact.statements.entriesOf(HOSPITAL, date());
    expect(await redis.lindex(keys.ledgerNames(HOSPITAL, date()), 0)).toBe('0');
    await settle('previous', 8);
    const all = await mode.previous.statements.entriesOf(HOSPITAL, date());
    expect(all).toHaveLength(16);
    expect(await formats()).toEqual(all.map(() => 'now'));
    const before = await pages('previous');
    expect(before.figures).toEqual(dayFigures(all));
    await putBack(all);
    expect(await pages('compact')).toEqual(before);
  });

  it('a day previous mode began takes compact moves after it, each entry once, read alike in both modes', async () => {
    nextDay();
    await settle('previous', 12);
    const first = await mode.previous.statements.entriesOf(HOSPITAL, date());
    await settle('compact', 12);
    await putBack(first);
    const all = await mode.compact.statements.entriesOf(HOSPITAL, date());
    expect(all).toHaveLength(24);
    expect(await formats()).toEqual(expect.arrayContaining(['first', 'now']));
    expect(await redis.lindex(keys.ledgerNames(HOSPITAL, date()), 0)).not.toBe('0');
    const compact = await pages('compact');
    expect(compact.figures).toEqual(dayFigures(all));
    expect(await pages('previous')).toEqual(compact);
  });
});
