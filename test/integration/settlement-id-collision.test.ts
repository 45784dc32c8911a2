/**
 * A new settlement id has 65 random bits: two of one slot and year may, very
 * rarely, be alike. The commit never overwrites an id its slot's index holds:
 * it writes nothing and answers id-taken, and the service names the
 * settlement anew, so the earlier settlement keeps its id and the new one
 * settles once.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { keys, slotOfCard } from '../../src/store/keys.js';
import { allSettlements } from '../helpers/pages.js';
import { idempotencyCount } from '../helpers/person-records.js';
import { pyStay } from '../helpers/load-support.js';
import { rawCommit } from '../helpers/raw-commit.js';
import type { TestService } from '../helpers/service.js';
import { workedExamples } from '../helpers/worked-examples.js';

const taken = vi.hoisted(() => ({ ids: [] as string[] }));
vi.mock('../../src/store/keys.js', async (original) => {
  const actual = await original<typeof import('../../src/store/keys.js')>();
  // The first id a settlement draws is the one queued here, when there is one.
  return { ...actual, newSettlementId: (card: string, year: number) => taken.ids.shift() ?? actual.newSettlementId(card, year) };
});

let t: TestService;
beforeAll(async () => {
  // The setup file loaded the service's modules before this file's mock: load them again, mocked.
  vi.resetModules();
  const { startTestService } = await import('../helpers/service.js');
  t = await startTestService();
  await t.loadWorkedRegistry();
});
afterAll(async () => t?.close());

const admin = () => t.auth(t.keys.admin);
const billing = () => t.auth(t.keys.billing['PY-COUNTY']!);

describe('a settlement id already in its slot’s index', () => {
  it('the commit writes nothing and answers id-taken', async () => {
    const card = 'IDC1';
    const id = `S-${slotOfCard(card).toString(16).padStart(4, '0')}-19aaaaaaaaaaaaa`;
    expect((await t.service.repositories.settlements.commitSettlement(rawCommit({ card, requestId: 'IDC-1', settlementId: id }))).kind).toBe('committed');
    expect(await t.service.repositories.settlements.commitSettlement(rawCommit({ card, requestId: 'IDC-2', settlementId: id, expectedVersion: '1' }))).toEqual({
      kind: 'id-taken',
    });
    expect(await idempotencyCount(t.redis, card)).toBe(1);
    expect(await t.redis.hget(keys.idIndex(slotOfCard(card)), id)).toBe(card);
  });

  it('the service names the settlement anew and settles it once; the earlier one keeps its id', async () => {
    const card = '330326198001010001';
    expect((await t.http.put(`/v1/enrollees/${card}`).set(admin()).send(workedExamples.enrollees[card])).status).toBeLessThan(300);
    const first = await t.http.post('/v1/settlements').set(billing()).send(pyStay(card, 'IDC-HTTP-1')).expect(201);
    // The next settlement's first draw is the id the first one holds.
    taken.ids.push(first.body.settlementId);
    const second = await t.http
      .post('/v1/settlements')
      .set(billing())
      .send(pyStay(card, 'IDC-HTTP-2', { admissionDate: '2019-09-01', dischargeDate: '2019-09-05' }))
      .expect(201);
    expect(taken.ids).toHaveLength(0);
    expect(second.body.settlementId).not.toBe(first.body.settlementId);
    expect(await t.redis.hget(keys.idIndex(slotOfCard(card)), first.body.settlementId)).toBe(card);
    const got = await t.http.get(`/v1/settlements/${first.body.settlementId}`).set(admin()).expect(200);
    expect(got.body.requestId).toBe('IDC-HTTP-1');
    expect((await allSettlements(t.http, admin(), card, 2019)).map((s) => s.settlementId).sort()).toEqual([first.body.settlementId, second.body.settlementId].sort());
  });
});
