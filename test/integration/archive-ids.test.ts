/**
 * Settlement ids of both forms on a real redis-server: a new id carries its
 * benefit year and 65 random bits (22 chars; 100 bits and 29 chars before,
 * still read); older random ids and ids
 * derived from a message or an import keep 32 hex. Once a year is archived,
 * a new id leaves the id index and the year's id set answers ARCHIVED for it;
 * an older id keeps its mark "<card>:<year>"; an id the archive never held
 * is not ARCHIVED, even when its year is.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARCHIVED_ID_RECORD, ArchiveStore } from '../../src/store/archive-store.js';
import { derivedId, keys, newId, newSettlementId, SETTLEMENT_ID_PATTERN, slotOfCard, slotOfId, yearOfId } from '../../src/store/keys.js';
import { createRedis, whenReady, type ScriptedClient } from '../../src/store/redis.js';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';

const sha = (algorithm: string, text: string) => createHash(algorithm).update(text).digest('hex');

describe('settlement id forms', () => {
  it('a new id: prefix, the card slot, the year in two digits, 13 base32 chars', () => {
    const ids = new Set(Array.from({ length: 2000 }, () => newSettlementId('330326198001010001', 2019)));
    expect(ids.size).toBe(2000);
    for (const id of ids) {
      expect(id).toMatch(/^S-[0-9a-f]{4}-19[0-9a-hjkmnp-tv-z]{13}$/);
      expect(id).toHaveLength(22);
      expect(id).toMatch(SETTLEMENT_ID_PATTERN);
      expect(slotOfId(id)).toBe(slotOfCard('330326198001010001'));
      expect(yearOfId(id)).toBe(2019);
    }
    expect(yearOfId(newSettlementId('C1', 2000))).toBe(2000);
    // A year two digits cannot name gets the older form.
    expect(newSettlementId('C1', 2100)).toMatch(/^S-[0-9a-f]{4}-[0-9a-f]{32}$/);
  });

  it('older and derived ids keep their form, slot and validity, and carry no year', () => {
    const slot = slotOfCard('C1').toString(16).padStart(4, '0');
    // A re-run after the upgrade names the same record.
    expect(derivedId('R', 'C1', 'row 1')).toBe(`R-${slot}-${sha('sha256', 'row 1').slice(0, 32)}`);
    expect(newId('M', 'C1', 'ab'.repeat(16))).toBe(`M-${slot}-${'ab'.repeat(16)}`);
    for (const id of ['S-30e0-bfeb536509254e488b83479ca2a758a0', newId('S', 'C1'), derivedId('S', 'C1', 'x')]) {
      expect(id).toMatch(SETTLEMENT_ID_PATTERN);
      expect(slotOfId(id)).toBe(Number.parseInt(id.slice(2, 6), 16));
      expect(yearOfId(id)).toBeNull();
    }
  });

  it('an id of 20 base32 chars (written before 2026-12-03) still reads, with its year', () => {
    const earlier = 'S-30e0-19yxt5v1v6aavg4w93agrm';
    expect(earlier).toMatch(SETTLEMENT_ID_PATTERN);
    expect(slotOfId(earlier)).toBe(0x30e0);
    expect(yearOfId(earlier)).toBe(2019);
  });

  it('refuses near misses of either form', () => {
    const short = 'S-30e0-19yxt5v1v6aavg4';
    expect(short).toMatch(SETTLEMENT_ID_PATTERN);
    for (const bad of [`${short}0`, short.slice(0, -1), short.toUpperCase(), `${short.slice(0, -1)}u`, `S-30e0-1x${'y'.repeat(13)}`, `${short}yyyyyy`]) {
      expect(bad).not.toMatch(SETTLEMENT_ID_PATTERN);
      expect(yearOfId(bad)).toBeNull();
    }
    const good = 'S-30e0-19yxt5v1v6aavg4w93agrm';
    expect(good).toMatch(SETTLEMENT_ID_PATTERN);
    for (const bad of [
      `${good}0`,
      good.slice(0, -1),
      good.toUpperCase(),
      `${good.slice(0, -1)}u`,
      `${good.slice(0, -1)}i`,
      `S-30e0-1x${'y'.repeat(20)}`,
      'S-30e0-bfeb536509254e488b83479ca2a758a',
    ]) {
      expect(bad).not.toMatch(SETTLEMENT_ID_PATTERN);
      expect(yearOfId(bad)).toBeNull();
    }
  });
});

describe('archiving ids of either form', () => {
  let server: RedisServer;
  let redis: ScriptedClient;
  let store: ArchiveStore;
  const card = 'AIDS1';
  const slot = slotOfCard(card);
  const record = '{"s":"settled"}\nresponse';

  beforeAll(async () => {
    server = await startRedis();
    redis = createRedis({ url: server.url });
    await whenReady(redis);
    store = new ArchiveStore(redis);
  });
  afterAll(async () => {
    redis?.disconnect();
    await server?.stop();
  });

  async function stored(id: string): Promise<void> {
    await redis.set(keys.settlement(card, id), record);
    await redis.hset(keys.idIndex(slot), id, card);
  }

  it('drops the index entry of a new id (the id set answers), keeps a mark for an older one, and answers ARCHIVED for no other id', async () => {
    const fresh = Array.from({ length: 150 }, () => newSettlementId(card, 2018));
    const older = newId('S', card);
    for (const id of [...fresh, older]) await stored(id);
    await store.setArchiveState(2018, { state: 'removing', archive: 'benefit-year-2018', at: '2019-12-01T04:00:00.000Z' });
    // A stale part of an earlier, crashed write is emptied first.
    await redis.set(keys.archivedIds(2018, 0), 'x'.repeat(24));
    async function* listed() {
      yield* [...fresh, older];
    }
    expect(await store.writeArchivedIds(2018, 3, listed())).toBe(150);
    let total = 0;
    for (const bucket of [0, 1, 2]) total += await redis.strlen(keys.archivedIds(2018, bucket));
    expect(total).toBe(150 * ARCHIVED_ID_RECORD);
    await store.setArchiveState(2018, { state: 'removing', archive: 'benefit-year-2018', at: '2019-12-01T04:00:00.000Z', idBuckets: 3, idRecord: ARCHIVED_ID_RECORD });

    for (const id of [...fresh, older]) expect(await store.removeSettlement(card, 2018, id, sha('sha1', record))).toBe('removed');
    expect(await store.removeSettlement(card, 2018, fresh[0]!, sha('sha1', record))).toBe('already-removed');
    for (const id of fresh) {
      expect(await redis.hget(keys.idIndex(slot), id)).toBeNull();
      expect(await store.archivedSettlement(id, slot)).toEqual({ year: 2018, archive: 'benefit-year-2018' });
    }
    expect(await redis.hget(keys.idIndex(slot), older)).toBe(`${card}:2018`);
    expect(await store.archivedSettlement(older, slot)).toEqual({ year: 2018, archive: 'benefit-year-2018' });

    // Never held by the archive: a new id of the archived year, one of a year not archived, an older id.
    expect(await store.archivedSettlement(newSettlementId(card, 2018), slot)).toBeNull();
    expect(await store.archivedSettlement(newSettlementId(card, 2019), slot)).toBeNull();
    expect(await store.archivedSettlement(newId('S', card), slot)).toBeNull();
  });

  it('answers for ids of 20 random chars, in a set written now (their first 13 kept) and in one written before (24 chars a record)', async () => {
    const long = (year: number) => `S-${slot.toString(16).padStart(4, '0')}-${String(year - 2000)}${newSettlementId(card, year).slice(9)}${'abcdefg'}`;
    const now = Array.from({ length: 20 }, () => long(2016));
    const before = Array.from({ length: 20 }, () => long(2015));
    for (const id of [...now, ...before]) expect(id).toHaveLength(29);
    async function* listed(ids: string[]) {
      yield* ids;
    }
    expect(await store.writeArchivedIds(2016, 2, listed(now))).toBe(20);
    await store.setArchiveState(2016, { state: 'archived', archive: 'benefit-year-2016', at: '2017-12-01T04:00:00.000Z', idBuckets: 2, idRecord: ARCHIVED_ID_RECORD });
    // The set as the release before wrote it: '<slot><20 chars>' records, no idRecord in the state.
    const bucketOf = (id: string) => [...id.slice(9, 13)].reduce((bits, c) => bits * 32 + '0123456789abcdefghjkmnpqrstvwxyz'.indexOf(c), 0) % 2;
    for (const id of before) await redis.append(keys.archivedIds(2015, bucketOf(id)), id.slice(2, 6) + id.slice(9));
    await store.setArchiveState(2015, { state: 'archived', archive: 'benefit-year-2015', at: '2016-12-01T04:00:00.000Z', idBuckets: 2 });
    for (const id of now) expect(await store.archivedSettlement(id, slot)).toEqual({ year: 2016, archive: 'benefit-year-2016' });
    for (const id of before) expect(await store.archivedSettlement(id, slot)).toEqual({ year: 2015, archive: 'benefit-year-2015' });
    // A short id of a year whose set holds long records only is never found there.
    expect(await store.archivedSettlement(newSettlementId(card, 2015), slot)).toBeNull();
    expect(await store.archivedSettlement(long(2016), slot)).toBeNull();
  });
});
