/**
 * POST /v1/enrollees:bulk: NDJSON in, a result per line out as it streams,
 * PUT semantics (a re-run changes nothing), admin only, bounded lines, a body
 * cut off mid-line, the coverage cache dropped for changed persons only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BULK_LINE_BYTES } from '../../src/http/routes/bulk.js';
import { keys } from '../../src/store/keys.js';
import { startTestService, type TestService } from '../helpers/service.js';

let t: TestService;
beforeAll(async () => {
  t = await startTestService();
});
afterAll(async () => t?.close());

const person = (card: string, overrides: Record<string, unknown> = {}) => ({
  card,
  region: 'pingyang',
  sex: 'F',
  birthDate: '1980-05-01',
  coverage: [{ from: '2019-01-01', to: '2019-12-31' }],
  ...overrides,
});
const ndjson = (rows: unknown[]) => rows.map((row) => `${JSON.stringify(row)}\n`).join('');

async function bulk(body: string, key = t.keys.admin, type = 'application/x-ndjson') {
  const res = await t.http.post('/v1/enrollees:bulk').set(t.auth(key)).set('Content-Type', type).send(body);
  const lines =
    res.status === 200
      ? res.text
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line) as Record<string, any>)
      : [];
  return { res, lines, results: lines.filter((l) => 'line' in l), summary: lines.find((l) => 'summary' in l)?.summary };
}

describe('POST /v1/enrollees:bulk', () => {
  it('applies valid lines, rejects bad ones with the field, and answers a result per line then a summary', async () => {
    const body = ndjson([person('BLK1'), person('BLK2', { sex: 'X' }), person('BLK3', { categories: ['registered-poor'] }), { card: 'BLK:4' }]);
    const { res, results, summary } = await bulk(body);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/application\/x-ndjson/);
    expect(results.map((r) => [r.line, r.card, r.outcome])).toEqual([
      [1, 'BLK1', 'created'],
      [2, 'BLK2', 'rejected'],
      [3, 'BLK3', 'created'],
      [4, 'BLK:4', 'rejected'],
    ]);
    expect(results[1]!.errors).toEqual([expect.objectContaining({ path: 'sex' })]);
    expect(results[3]!.errors!.map((e: { path: string }) => e.path)).toEqual(expect.arrayContaining(['card', 'region']));
    expect(summary).toMatchObject({ rows: 4, created: 2, rejected: 2, updated: 0, unchanged: 0, interrupted: false });
    const read = await t.http.get('/v1/enrollees/BLK3').set(t.auth(t.keys.admin)).expect(200);
    expect(read.body).toEqual({ ...person('BLK3'), categories: ['registered-poor'], specialDiseases: [], maternityInsured: false });
    await t.http.get('/v1/enrollees/BLK2').set(t.auth(t.keys.admin)).expect(404);
  });

  it('is PUT: the same body again changes nothing; a changed line updates', async () => {
    const rows = [person('BLKR1'), person('BLKR2')];
    expect((await bulk(ndjson(rows))).summary).toMatchObject({ created: 2 });
    const before = await t.redis.get(keys.enrollee('BLKR1'));
    const again = await bulk(ndjson(rows));
    expect(again.results.map((r) => r.outcome)).toEqual(['unchanged', 'unchanged']);
    expect(await t.redis.get(keys.enrollee('BLKR1'))).toBe(before);
    const changed = await bulk(ndjson([person('BLKR1', { sex: 'M' }), rows[1]]));
    expect(changed.results.map((r) => r.outcome)).toEqual(['updated', 'unchanged']);
    // The same record as PUT /v1/enrollees/{card} writes: a PUT of it afterwards is an update with equal content.
    const put = await t.http
      .put('/v1/enrollees/BLKR2')
      .set(t.auth(t.keys.admin))
      .send({ region: 'pingyang', sex: 'F', birthDate: '1980-05-01', coverage: [{ from: '2019-01-01', to: '2019-12-31' }] })
      .expect(200);
    expect(JSON.stringify(put.body)).toBe(await t.redis.get(keys.enrollee('BLKR2')));
    expect((await bulk(ndjson([rows[1]]))).results[0]!.outcome).toBe('unchanged');
  });

  it('drops the cached coverage copy of a changed person only (as PUT does)', async () => {
    await bulk(ndjson([person('BLKC1'), person('BLKC2')]));
    await t.redis.set(keys.coverage('BLKC1'), '{"fetchedAt":0,"enrollee":null}');
    await t.redis.set(keys.coverage('BLKC2'), '{"fetchedAt":0,"enrollee":null}');
    const { results } = await bulk(ndjson([person('BLKC1', { maternityInsured: true }), person('BLKC2')]));
    expect(results.map((r) => r.outcome)).toEqual(['updated', 'unchanged']);
    expect(await t.redis.exists(keys.coverage('BLKC1'))).toBe(0);
    expect(await t.redis.exists(keys.coverage('BLKC2'))).toBe(1);
  });

  it('a body cut off mid-line: the complete rows before it are applied, that last line is rejected', async () => {
    const whole = ndjson([person('BLKT1'), person('BLKT2')]);
    const { results, summary } = await bulk(`${whole}{"card":"BLKT3","region":"pingy`);
    expect(results.map((r) => [r.line, r.outcome])).toEqual([
      [1, 'created'],
      [2, 'created'],
      [3, 'rejected'],
    ]);
    expect(results[2]!.errors[0].message).toMatch(/cut off/);
    expect(summary).toMatchObject({ rows: 3, created: 2, rejected: 1 });
    await t.http.get('/v1/enrollees/BLKT2').set(t.auth(t.keys.admin)).expect(200);
    await t.http.get('/v1/enrollees/BLKT3').set(t.auth(t.keys.admin)).expect(404);
    // A last line that is whole but lacks its newline is a complete row.
    const last = await bulk(JSON.stringify(person('BLKT4')));
    expect(last.results.map((r) => r.outcome)).toEqual(['created']);
  });

  it('an oversized line is rejected without being kept, and the lines after it still apply', async () => {
    const huge = JSON.stringify(person('BLKO1', { specialDiseases: ['x'.repeat(MAX_BULK_LINE_BYTES)] }));
    const { results } = await bulk(`${JSON.stringify(person('BLKO0'))}\n${huge}\n${JSON.stringify(person('BLKO2'))}\n`);
    expect(results.map((r) => [r.line, r.outcome])).toEqual([
      [1, 'created'],
      [2, 'rejected'],
      [3, 'created'],
    ]);
    expect(results[1]!.errors[0].message).toMatch(/over the limit/);
    await t.http.get('/v1/enrollees/BLKO1').set(t.auth(t.keys.admin)).expect(404);
  });

  it('lines that are not enrollee objects are rejected one by one; blank lines are skipped', async () => {
    const { results } = await bulk(`[1,2]\n\n42\nnot json\n{"card":"BLKJ1"}\n\r\n${JSON.stringify(person('BLKJ2'))}\r\n`);
    expect(results.map((r) => [r.line, r.outcome])).toEqual([
      [1, 'rejected'],
      [3, 'rejected'],
      [4, 'rejected'],
      [5, 'rejected'],
      [7, 'created'],
    ]);
    expect(results[2]!.errors[0].message).toMatch(/not valid JSON/);
  });

  it('admin only: billing and referral keys are 403, no key 401, and nothing is applied', async () => {
    const body = ndjson([person('BLKA1')]);
    for (const key of [t.keys.billing['PY-COUNTY']!, t.keys.referral.pingyang!]) {
      const { res } = await bulk(body, key);
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('FORBIDDEN');
    }
    const anonymous = await t.http.post('/v1/enrollees:bulk').set('Content-Type', 'application/x-ndjson').send(body);
    expect(anonymous.status).toBe(401);
    await t.http.get('/v1/enrollees/BLKA1').set(t.auth(t.keys.admin)).expect(404);
  });

  it('refuses a body that is not NDJSON, or compressed, with 400 and applies nothing', async () => {
    const asJson = await t.http.post('/v1/enrollees:bulk').set(t.auth(t.keys.admin)).send(person('BLKN1'));
    expect(asJson.status).toBe(400);
    expect(asJson.body.error).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ path: '(body)' }] });
    const asText = await bulk(ndjson([person('BLKN1')]), t.keys.admin, 'text/plain');
    expect(asText.res.status).toBe(400);
    const gzipped = await t.http
      .post('/v1/enrollees:bulk')
      .set(t.auth(t.keys.admin))
      .set('Content-Type', 'application/x-ndjson')
      .set('Content-Encoding', 'gzip')
      .send(ndjson([person('BLKN1')]));
    expect(gzipped.status).toBe(400);
    await t.http.get('/v1/enrollees/BLKN1').set(t.auth(t.keys.admin)).expect(404);
  });

  it('the same card twice in one body: applied in order (the later line wins)', async () => {
    const { results } = await bulk(ndjson([person('BLKD1'), person('BLKD1', { sex: 'M' }), person('BLKD1', { sex: 'M' })]));
    expect(results.map((r) => r.outcome)).toEqual(['created', 'updated', 'unchanged']);
    expect((await t.http.get('/v1/enrollees/BLKD1').set(t.auth(t.keys.admin)).expect(200)).body.sex).toBe('M');
  });

  it('two identical bodies sent at once (a retried upload) leave exactly the rows', async () => {
    const rows = Array.from({ length: 300 }, (_, i) => person(`BLKP${i}`, { birthDate: `19${String(10 + (i % 80)).padStart(2, '0')}-01-01` }));
    const [a, b] = await Promise.all([bulk(ndjson(rows)), bulk(ndjson(rows))]);
    for (const run of [a, b]) expect(run.summary).toMatchObject({ rows: 300, rejected: 0 });
    // Each row was created by exactly one of the two uploads.
    expect(a.summary.created + b.summary.created).toBe(300);
    for (const i of [0, 150, 299]) {
      expect(JSON.parse((await t.redis.get(keys.enrollee(`BLKP${i}`)))!)).toMatchObject({ card: `BLKP${i}`, birthDate: rows[i]!.birthDate });
    }
  });

  it('streams a large body in bounded batches: one result per line, in order', async () => {
    const rows = Array.from({ length: 5_000 }, (_, i) => person(`BLKL${i}`));
    const { results, summary } = await bulk(ndjson(rows));
    expect(summary).toMatchObject({ rows: 5_000, created: 5_000, lastLine: 5_000 });
    expect(results.map((r) => r.line)).toEqual(rows.map((_, i) => i + 1));
    expect(await t.redis.exists(keys.enrollee('BLKL4999'))).toBe(1);
  });
});
