/**
 * Inside the person's hash a settlement id is local: without 'S-<slot>-',
 * which the card gives back (keys.localSettlementId). Every face still
 * answers it whole: the settlement read by id, the year's list, a retry's
 * replay, an overlap's refusal. A person whose hash a release before wrote
 * (ids whole) reads, replays, lists and reverses the same, beside new local
 * ones. A listed stay's member leaves out its discharge date, which its
 * entry's day gives.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { derivedId, ID_BASE32, keys, localSettlementId, newId, newSettlementId, settlementIdOfCard } from '../../src/store/keys.js';
import { pyStay } from '../helpers/load-support.js';
import { asWrittenWhole, occupancyMembers, stayMembers } from '../helpers/person-records.js';
import { startTestService, type TestService } from '../helpers/service.js';
import { ROOT } from '../helpers/worked-examples.js';

let t: TestService;
beforeAll(async () => {
  t = await startTestService();
  await t.loadWorkedRegistry();
});
afterAll(async () => {
  await t?.close();
});

const CARD = '330326198001010001';
const PERSON = `person:{${CARD}}`;
let seq = 0;
const stay = (hospitalId: string, admissionDate: string, dischargeDate: string) =>
  pyStay(CARD, `LOCAL-${++seq}`, { hospitalId, admissionDate, dischargeDate, charges: { total: '9000.00' } });
const post = (body: Record<string, unknown>) =>
  t.http
    .post('/v1/settlements')
    .set(t.auth(t.keys.billing[String(body.hospitalId)]!))
    .send(body);
const listed = async () =>
  ((await t.http.get(`/v1/enrollees/${CARD}/settlements?year=2019`).set(t.auth(t.keys.admin)).expect(200)).body.settlements as { settlementId: string; status: string }[]).map(
    (s) => s.settlementId,
  );

describe('settlement ids in the person hash', () => {
  it('are local in every place the hash holds them, and whole in every answer', async () => {
    const body = stay('PY-COUNTY', '2019-03-01', '2019-03-10');
    const first = await post(body);
    expect(first.status, first.text).toBe(201);
    const id = first.body.settlementId as string;
    const local = localSettlementId(id);
    expect(id).toMatch(/^S-[0-9a-f]{4}-19[0-9a-z]{13}$/);
    expect(local).toBe(id.slice(7));
    expect(settlementIdOfCard(CARD, local)).toBe(id);

    const hash = await t.redis.hgetall(PERSON);
    const text = Object.entries(hash)
      .filter(([field]) => !field.startsWith('r|'))
      .map(([field, value]) => `${field}=${value}`)
      .join('\n');
    expect(text).not.toContain(id);
    expect(Object.keys(hash)).toContain(`r|${local}`);
    expect(hash['s|2019']).toBe(local);
    expect(hash[`PY-COUNTY:${String(body.requestId)}`]).toMatch(new RegExp(` ${local}$`));
    // Its discharge date is the entry's day: the member leaves it out.
    expect(hash['t|2019']).toMatch(new RegExp(`^\\d+\\|${local}\\|PY-COUNTY\\|[^|]*\\|\\|\\d*$`));
    expect(await stayMembers(t.redis, CARD, 2019)).toEqual([expect.stringMatching(new RegExp(`^${id}\\|PY-COUNTY\\|[^|]*\\|2019-03-10\\|`))]);
    expect(hash['o|']).toMatch(new RegExp(`^\\d+ \\d+\\|\\d+\\|${local}\\|PY-COUNTY$`));

    expect((await t.http.get(`/v1/settlements/${id}`).set(t.auth(t.keys.admin)).expect(200)).body.settlementId).toBe(id);
    const retry = await post(body);
    expect(retry.status, retry.text).toBe(200);
    expect(retry.body.settlementId).toBe(id);
    expect(await listed()).toEqual([id]);
    const overlap = await post(stay('PY-TOWN', '2019-03-05', '2019-03-12'));
    expect(overlap.status, overlap.text).toBe(422);
    expect(overlap.text).toContain(id);
    expect(overlap.text).not.toContain(`${local}|`);
  });

  it('written whole by a release before, they read, replay, list, refuse overlaps and reverse the same beside local ones', async () => {
    const body = stay('PY-COUNTY', '2019-05-01', '2019-05-06');
    const whole = (await post(body).expect(201)).body.settlementId as string;
    await asWrittenWhole(t.redis, CARD, whole);
    expect(await t.redis.hexists(PERSON, keys.wholeSettlementField(whole))).toBe(1);
    expect(await t.redis.hexists(PERSON, keys.settlementField(whole))).toBe(0);
    expect(await t.redis.hget(PERSON, 's|2019')).toContain(whole);

    const after = (await post(stay('PY-COUNTY', '2019-07-01', '2019-07-04')).expect(201)).body.settlementId as string;
    const ids = await listed();
    expect(ids).toContain(whole);
    expect(ids).toContain(after);
    expect((await t.http.get(`/v1/settlements/${whole}`).set(t.auth(t.keys.admin)).expect(200)).body.settlementId).toBe(whole);
    const retry = await post(body);
    expect(retry.status, retry.text).toBe(200);
    expect(retry.body.settlementId).toBe(whole);
    const overlap = await post(stay('PY-TOWN', '2019-05-02', '2019-05-03'));
    expect(overlap.status, overlap.text).toBe(422);
    expect(overlap.text).toContain(whole);

    // The reversal takes off the whole-written stay and occupancy members, and leaves the local ones.
    const own = (members: string[], of: string) => members.filter((m) => m.split('|').includes(of));
    expect(own(await stayMembers(t.redis, CARD, 2019), whole)).toHaveLength(1);
    await t.http.post(`/v1/settlements/${whole}/reversal`).set(t.auth(t.keys.billing['PY-COUNTY']!)).send({ reason: 'local ids test' }).expect(200);
    expect(own(await stayMembers(t.redis, CARD, 2019), whole)).toHaveLength(0);
    expect(own(await occupancyMembers(t.redis, CARD), whole)).toHaveLength(0);
    expect(own(await stayMembers(t.redis, CARD, 2019), after)).toHaveLength(1);
    expect(own(await occupancyMembers(t.redis, CARD), after)).toHaveLength(1);
    expect((await t.http.get(`/v1/settlements/${whole}`).set(t.auth(t.keys.admin)).expect(200)).body.status).toBe('reversed');
    // Its days are free again.
    expect((await post(stay('PY-TOWN', '2019-05-02', '2019-05-03'))).status).toBe(201);
  });

  it('an outsider with a real key cannot reach a settlement by its local form, or by its tail under another slot: 4xx, nothing changes', async () => {
    const id = (await post(stay('PY-COUNTY', '2019-09-01', '2019-09-03')).expect(201)).body.settlementId as string;
    const local = localSettlementId(id);
    const otherSlot = `S-${id.slice(2, 6) === '0000' ? '0001' : '0000'}-${local}`;
    const before = await t.redis.hgetall(PERSON);
    for (const probe of [local, otherSlot, `r|${local}`, `${id.slice(0, 7)}${local.toUpperCase()}`]) {
      const read = await t.http.get(`/v1/settlements/${encodeURIComponent(probe)}`).set(t.auth(t.keys.admin));
      expect([400, 404], `${probe}: ${read.text}`).toContain(read.status);
      const reversal = await t.http
        .post(`/v1/settlements/${encodeURIComponent(probe)}/reversal`)
        .set(t.auth(t.keys.billing['PY-COUNTY']!))
        .send({ reason: 'probe' });
      expect([400, 404], `${probe}: ${reversal.text}`).toContain(reversal.status);
    }
    expect(await t.redis.hgetall(PERSON)).toEqual(before);
    expect((await t.http.get(`/v1/settlements/${id}`).set(t.auth(t.keys.admin)).expect(200)).body.status).toBe('settled');
  });

  it('are made local by the scripts exactly as by the client, and whole again from the card alone', async () => {
    const lua = readFileSync(path.join(ROOT, 'src/store/scripts/include/person.lua'), 'utf8');
    const localIds = async (ids: string[]) =>
      (await t.redis.eval(`${lua}\nlocal out = {}\nfor i, id in ipairs(ARGV) do out[i] = localId(id) end\nreturn out`, 0, ...ids)) as string[];
    const letters = fc.constantFrom(...'0123456789abcdefghijklmnopqrstuvwxyzABC-|'.split(''));
    const base32 = fc.constantFrom(...ID_BASE32.split(''));
    const anyId = fc.oneof(
      fc.tuple(fc.string({ minLength: 4, maxLength: 9 }), fc.integer({ min: 2000, max: 2099 })).map(([card, year]) => newSettlementId(card || 'C', year)),
      fc.string({ minLength: 1, maxLength: 12 }).map((card) => newId('S', card)),
      fc.tuple(fc.string({ minLength: 1, maxLength: 12 }), fc.string()).map(([card, material]) => derivedId('S', card, material)),
      fc
        .tuple(fc.string({ minLength: 1, maxLength: 12 }), fc.array(base32, { minLength: 20, maxLength: 20 }))
        .map(([card, tail]) => `${newId('S', card).slice(0, 7)}19${tail.join('')}`),
      fc.array(letters, { minLength: 1, maxLength: 40 }).map((chars) => chars.join('')),
      fc.array(letters, { minLength: 1, maxLength: 30 }).map((chars) => `S-0a3b-${chars.join('')}`),
      fc.constantFrom('S-0A3B-18rsbf8w3w72208', 'S-0a3b-18rsbf8w3w7220i', 'S-0a3b-18rsbf8w3w722', 'R-0a3b-18rsbf8w3w72208', 'S-0a3b-0123456789abcdef0123456789abcdeF'),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(anyId, { minLength: 1, maxLength: 20 }), async (ids) => {
        expect(await localIds(ids)).toEqual(ids.map(localSettlementId));
      }),
      { numRuns: 200 },
    );
    for (const card of ['330326198001010001', 'A12345678', 'W000001']) {
      for (const id of [newSettlementId(card, 2019), newId('S', card), derivedId('S', card, 'row 1')]) {
        expect(localSettlementId(id)).toBe(id.slice(7));
        expect(settlementIdOfCard(card, localSettlementId(id))).toBe(id);
        expect(settlementIdOfCard(card, id)).toBe(id);
      }
    }
  });
});
