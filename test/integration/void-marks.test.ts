/**
 * A refused settlement leaves nothing that outlives a minute: its claim's void
 * mark lives VOID_CLAIM_SECONDS, which is enough because the commit script
 * fences any commit whose claim is older than MAX_CLAIM_AGE_MS (a commit that
 * ioredis re-sends after a reconnect, however late, finds the mark or is too
 * old). A retry of the same body holding an old claim claims afresh and settles.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boundsFromEnv } from '../../src/service/bounds.js';
import { settlementRequestSchema } from '../../src/contract/settlement.js';
import { requestHash } from '../../src/service/settlements.js';
import { keys, newId } from '../../src/store/keys.js';
import { MAX_CLAIM_AGE_MS, VOID_CLAIM_SECONDS } from '../../src/store/store-records.js';
import { allSettlements } from '../helpers/pages.js';
import { rawCommit } from '../helpers/raw-commit.js';
import { startTestService, type TestService } from '../helpers/service.js';
import { idempotencyCount } from '../helpers/person-records.js';
import { workedExamples } from '../helpers/worked-examples.js';
import { pyStay } from '../helpers/load-support.js';

let t: TestService;
let clock = Date.parse('2026-11-24T02:00:00.000Z');
beforeAll(async () => {
  t = await startTestService({ now: () => new Date(clock) });
  await t.loadWorkedRegistry();
});
afterAll(async () => t?.close());

const admin = () => t.auth(t.keys.admin);
const billing = () => t.auth(t.keys.billing['PY-COUNTY']!);
const PY_ENROLLEE = workedExamples.enrollees['330326198001010001']!;

async function enrol(card: string) {
  await t.http.put(`/v1/enrollees/${card}`).set(admin()).send(PY_ENROLLEE).expect(201);
}

describe('the void mark of a refused settlement and the age of a claim', () => {
  it('the mark lives no longer than the maximum claim age and a margin', () => {
    expect(VOID_CLAIM_SECONDS * 1000).toBeGreaterThanOrEqual(MAX_CLAIM_AGE_MS);
    expect(VOID_CLAIM_SECONDS).toBeLessThanOrEqual(MAX_CLAIM_AGE_MS / 1000 + 30);
    expect(VOID_CLAIM_SECONDS).toBeLessThanOrEqual(60);
  });

  it('a refused settlement leaves only a void mark that expires within VOID_CLAIM_SECONDS', async () => {
    await enrol('VMREF1');
    const res = await t.http
      .post('/v1/settlements')
      .set(billing())
      .send(pyStay('VMREF1', 'VM-REF-1', { liability: 'third-party' }))
      .expect(422);
    expect(res.body.error.code).toBeTruthy();
    const mark = keys.voidClaim('VMREF1', 'PY-COUNTY:VM-REF-1');
    const ttl = await t.redis.ttl(mark);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(VOID_CLAIM_SECONDS);
    expect(await idempotencyCount(t.redis, 'VMREF1')).toBe(0);
    expect(await t.redis.get(keys.requestClaim('PY-COUNTY', 'VM-REF-1'))).toBeNull();
  });

  it('a commit under a claim older than the maximum age is fenced and writes nothing; a younger one commits', async () => {
    const card = 'VMOLD1';
    const old = await t.service.repositories.settlements.commitSettlement({
      ...rawCommit({ card, requestId: 'VM-OLD-1', settlementId: newId('S', card) }),
      claimedAtMs: Date.now() - MAX_CLAIM_AGE_MS - 2_000,
    });
    expect(old.kind).toBe('fenced');
    expect(await idempotencyCount(t.redis, card)).toBe(0);
    expect((await t.service.repositories.settlements.getAccumulators(card, 2019)).version).toBe('0');
    const young = await t.service.repositories.settlements.commitSettlement({
      ...rawCommit({ card, requestId: 'VM-OLD-1', settlementId: newId('S', card) }),
      claimedAtMs: Date.now() - MAX_CLAIM_AGE_MS + 5_000,
    });
    expect(young.kind).toBe('committed');
  });

  it('a commit resent long after it committed still answers its settlement (replay before the age check)', async () => {
    const card = 'VMOLD2';
    const commit = rawCommit({ card, requestId: 'VM-OLD-2', settlementId: newId('S', card) });
    expect((await t.service.repositories.settlements.commitSettlement(commit)).kind).toBe('committed');
    const resent = await t.service.repositories.settlements.commitSettlement({ ...commit, claimedAtMs: Date.now() - 10 * MAX_CLAIM_AGE_MS });
    expect(resent).toEqual({ kind: 'replay', settlementId: commit.settlementId });
  });

  it('a retry of the same body holding a claim older than the maximum age claims afresh and settles once', async () => {
    await enrol('VMRETRY1');
    const body = pyStay('VMRETRY1', 'VM-RETRY-1');
    const hash = requestHash(settlementRequestSchema.parse(body));
    // The claim of the first try, whose process died before its commit (written as the service writes it).
    await t.redis.set(keys.requestClaim('PY-COUNTY', 'VM-RETRY-1'), `VMRETRY1 ${hash} tokOld ${clock}`);
    clock += MAX_CLAIM_AGE_MS + 5_000;
    const res = await t.http.post('/v1/settlements').set(billing()).send(body).expect(201);
    expect(res.body.card).toBe('VMRETRY1');
    const claim = await t.redis.get(keys.requestClaim('PY-COUNTY', 'VM-RETRY-1'));
    expect(claim).toMatch(new RegExp(`^VMRETRY1 ${hash} `));
    expect(claim).not.toContain('tokOld');
    await t.http.post('/v1/settlements').set(billing()).send(body).expect(200);
    expect(await allSettlements(t.http, admin(), 'VMRETRY1', 2019)).toHaveLength(1);
  });

  it('a claim and an idempotency record earlier releases wrote (a 43- or 22-character hash) replay the same body and refuse another', async () => {
    for (const length of [43, 22]) {
      const [card, other, requestId] = [`VMPREV${length}A`, `VMPREV${length}B`, `VM-PREV-${length}`];
      await enrol(card);
      await enrol(other);
      const body = pyStay(card, requestId);
      const first = await t.http.post('/v1/settlements').set(billing()).send(body).expect(201);
      const hash = requestHash(settlementRequestSchema.parse(body));
      expect(hash).toHaveLength(16);
      const full = createHash('sha256')
        .update(JSON.stringify(settlementRequestSchema.parse(body)))
        .digest('base64url');
      expect(full.startsWith(hash)).toBe(true);
      // As an earlier release stored them: the whole hash, or its first 22 characters.
      const stored = full.slice(0, length);
      const claim = (await t.redis.get(keys.requestClaim('PY-COUNTY', requestId)))!;
      await t.redis.set(keys.requestClaim('PY-COUNTY', requestId), claim.replace(` ${hash} `, ` ${stored} `));
      await t.redis.hset(keys.person(card), `PY-COUNTY:${requestId}`, `${stored} ${first.body.settlementId}`);
      clock += 60_000;
      const again = await t.http.post('/v1/settlements').set(billing()).send(body).expect(200);
      expect(again.text).toBe(first.text);
      await t.http
        .post('/v1/settlements')
        .set(billing())
        .send(pyStay(card, requestId, { dischargeDate: '2019-07-04' }))
        .expect(409);
      await t.http.post('/v1/settlements').set(billing()).send(pyStay(other, requestId)).expect(409);
      // The commit script compares a stored longer hash by its start too.
      const commit = { ...rawCommit({ card, requestId, settlementId: newId('S', card), hospitalId: 'PY-COUNTY' }), bodyHash: hash };
      expect(await t.service.repositories.settlements.commitSettlement(commit)).toEqual({ kind: 'replay', settlementId: first.body.settlementId });
      expect((await t.service.repositories.settlements.commitSettlement({ ...commit, bodyHash: `x${hash.slice(1)}` })).kind).toBe('conflict');
      expect(await allSettlements(t.http, admin(), card, 2019)).toHaveLength(1);
    }
  });

  it('VOID_CLAIM_TTL_SECONDS below the maximum claim age is refused at start', () => {
    expect(() => boundsFromEnv({ VOID_CLAIM_TTL_SECONDS: String(MAX_CLAIM_AGE_MS / 1000 - 1) })).toThrow(/VOID_CLAIM_TTL_SECONDS/);
    expect(boundsFromEnv({ VOID_CLAIM_TTL_SECONDS: String(MAX_CLAIM_AGE_MS / 1000) }).voidClaimSeconds).toBe(MAX_CLAIM_AGE_MS / 1000);
    expect(boundsFromEnv({}).voidClaimSeconds).toBe(VOID_CLAIM_SECONDS);
  });
});
