/** GET /v1/hospitals: the referral desk finds the receiving hospital by name or national code, from the store's index. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegistryBulk } from '../../src/service/registry-bulk.js';
import { openRepositories } from '../../src/store/repositories.js';
import { startTestService, type TestService } from '../helpers/service.js';

let t: TestService;
beforeAll(async () => {
  t = await startTestService();
  await t.loadWorkedRegistry();
});
afterAll(async () => t?.close());

const search = (query: string, key = t.keys.referral.pingyang!) => t.http.get(`/v1/hospitals?${query}`).set(t.auth(key));
const ids = (body: { hospitals: { hospitalId: string }[] }) => body.hospitals.map((h) => h.hospitalId);

describe('finding a hospital', () => {
  it('by part of its name, names that begin with the words first; every reader key sees the whole registry', async () => {
    const res = await search(`q=${encodeURIComponent('人民医院')}`).expect(200);
    expect(ids(res.body)).toContain('PY-COUNTY');
    const first = await search(`q=${encodeURIComponent('晋江')}`).expect(200);
    expect(ids(first.body).slice(0, 2).sort()).toEqual(['JJ-CITY', 'JJ-TCM']);
    // A Pingyang referral key finds hospitals of other provinces (a referral's destination is out of area).
    expect(ids((await search(`q=${encodeURIComponent('福建医科大学')}`).expect(200)).body)).toEqual(['FZ-XIEHE']);
    for (const key of [t.keys.admin, t.keys.billing['JJ-CITY']!]) {
      expect(ids((await search(`q=${encodeURIComponent('福建医科大学')}`, key).expect(200)).body)).toEqual(['FZ-XIEHE']);
    }
    await t.http.get('/v1/hospitals?q=x').expect(401);
  });

  it('by national code or id, ignoring case, width and spaces; an exact code first', async () => {
    await t.http
      .put('/v1/hospitals/PY-COUNTY')
      .set(t.auth(t.keys.admin))
      .send({ name: '平阳县人民医院', admdvs: '330326', level: 2, kind: 'general', countyRun: true, fixmedinsCode: 'H33032600001' })
      .expect(200);
    const exact = await search('q=h33032600001').expect(200);
    expect(exact.body.hospitals[0]).toMatchObject({ hospitalId: 'PY-COUNTY', name: '平阳县人民医院', fixmedinsCode: 'H33032600001' });
    expect(ids((await search(`q=${encodeURIComponent('ｈ330326')}`).expect(200)).body)).toEqual(['PY-COUNTY']);
    expect(ids((await search('q=fz-xie').expect(200)).body)).toEqual(['FZ-XIEHE']);
    expect(ids((await search(`q=${encodeURIComponent('平阳县 人民')}`).expect(200)).body)).toEqual(['PY-COUNTY']);
    expect((await search('q=nothing-like-it').expect(200)).body).toEqual({ q: 'nothing-like-it', hospitals: [], total: 0, next: null });
  });

  it('within a division (province, city or county prefix)', async () => {
    const res = await search('admdvs=3505').expect(200);
    expect(res.body.hospitals.length).toBeGreaterThan(0);
    for (const hospital of res.body.hospitals) expect(hospital.admdvs.startsWith('3505')).toBe(true);
    expect(ids((await search(`admdvs=350582&q=${encodeURIComponent('中医')}`).expect(200)).body)).toEqual(['JJ-TCM']);
  });

  it('a page at a time: every hospital once, the total on every page', async () => {
    const all = await search('limit=50').expect(200);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { hospitals: { hospitalId: string }[]; total: number; next: string | null } } = await search(`limit=3${cursor ? `&cursor=${cursor}` : ''}`).expect(200);
      expect(page.body.hospitals.length).toBeLessThanOrEqual(3);
      expect(page.body.total).toBe(all.body.total);
      seen.push(...ids(page.body));
      cursor = page.body.next;
    } while (cursor !== null);
    expect(seen).toEqual(ids(all.body));
    expect(new Set(seen).size).toBe(all.body.total);
  });

  it('refuses a query past its bounds, naming the field, with nothing read', async () => {
    for (const [query, path] of [
      ['limit=51', 'limit'],
      ['limit=0', 'limit'],
      [`q=${'医'.repeat(51)}`, 'q'],
      ['q=a%00b', 'q'],
      ['q=a&q=b', 'q'],
      ['admdvs=335', 'admdvs'],
      ['cursor=x', 'cursor'],
    ] as const) {
      const res = await search(query).expect(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain(path);
    }
  });
});

describe('the index behind the search', () => {
  it('follows a renamed hospital at once (another process wrote it: the version moved)', async () => {
    await t.http
      .put('/v1/hospitals/PY-TOWN')
      .set(t.auth(t.keys.admin))
      .send({ name: '鳌江镇中心卫生院（更名）', admdvs: '330326', level: 1, kind: 'township-health-center', countyRun: true })
      .expect(200);
    expect((await search(`q=${encodeURIComponent('更名')}`).expect(200)).body.hospitals).toMatchObject([{ hospitalId: 'PY-TOWN', name: '鳌江镇中心卫生院（更名）' }]);
  });

  it('holds the hospitals the bulk import writes', async () => {
    const bulk = new RegistryBulk(openRepositories(t.redis));
    await bulk.putHospitals([
      { hospitalId: 'BULK-1', name: '龙港市人民医院', admdvs: '330383', level: 2, kind: 'general', countyRun: true, consortium: null, fixmedinsCode: 'H33038300001' },
    ]);
    expect(ids((await search(`q=${encodeURIComponent('龙港')}`).expect(200)).body)).toEqual(['BULK-1']);
  });

  it('fills in hospitals written before the index existed', async () => {
    const old = { hospitalId: 'OLD-1', name: '苍南县人民医院', admdvs: '330327', level: 2, kind: 'general', countyRun: true, consortium: null };
    await t.redis.set('hospital:OLD-1', JSON.stringify(old));
    await t.redis.sadd('hospitals', 'OLD-1');
    // Any write moves the version, so this process reloads and sees the index short of the registry.
    await t.redis.hincrby('hospital-index', '~v', 1);
    expect((await search(`q=${encodeURIComponent('苍南')}`).expect(200)).body.hospitals).toEqual([{ ...old, fixmedinsCode: null }]);
    expect(await t.redis.hexists('hospital-index', 'OLD-1')).toBe(1);
  });
});
