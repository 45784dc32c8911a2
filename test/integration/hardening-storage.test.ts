/**
 * Storage-side hardening findings, each reproduced as the attack first:
 * one person's records cannot deny service to others, a requestId is unique
 * per hospital across persons, a consortium transfer must continue a real
 * stay, a revocation between read and commit is noticed, and ids cannot
 * collide inside keys.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keys, newId } from '../../src/store/keys.js';
import { requestHash } from '../../src/service/settlements.js';
import { settlementRequestSchema } from '../../src/contract/settlement.js';
import { allSettlements } from '../helpers/pages.js';
import { rawCommit } from '../helpers/raw-commit.js';
import { startTestService, type TestService } from '../helpers/service.js';
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
const billing = (hospitalId: string) => t.auth(t.keys.billing[hospitalId]!);
const PY_ENROLLEE = workedExamples.enrollees['330326198001010001']!;
const JJ_ENROLLEE = workedExamples.enrollees['350582198001010001']!;

async function enrol(card: string, enrollee: Record<string, unknown> = PY_ENROLLEE) {
  await t.http.put(`/v1/enrollees/${card}`).set(admin()).send(enrollee).expect(201);
}

describe('1. one person cannot deny service to all', () => {
  it('a person holds at most 20 active filings: the 21st is 422 LIMIT_REACHED, nothing recorded; revoking makes room', async () => {
    const card = 'FLOOD1';
    await enrol(card);
    const referral = t.auth(t.keys.referral.pingyang!);
    const filed: string[] = [];
    for (let i = 0; i < 20; i++) {
      const res = await t.http.post('/v1/referrals').set(referral).send({ card, kind: 'referral', validFrom: '2019-01-01', validTo: '2019-12-31' }).expect(201);
      filed.push(res.body.referralId);
    }
    const over = await t.http.post('/v1/referrals').set(referral).send({ card, kind: 'referral', validFrom: '2019-01-01', validTo: '2019-12-31' }).expect(422);
    expect(over.body.error.code).toBe('LIMIT_REACHED');
    expect(await t.redis.hlen(keys.filings(card))).toBe(20);
    await t.http.delete(`/v1/referrals/${filed[0]}`).set(referral).send({ reason: '患者已出院' }).expect(200);
    await t.http.post('/v1/referrals').set(referral).send({ card, kind: 'out-of-area', validFrom: '2019-01-01', validTo: '2019-12-31' }).expect(201);
    // The person's filings: active ones (bounded), or every one a page at a time.
    const active = await t.http.get(`/v1/enrollees/${card}/referrals`).set(billing('PY-COUNTY')).expect(200);
    expect(active.body.referrals).toHaveLength(20);
    const all = await t.http.get(`/v1/enrollees/${card}/referrals?status=all&limit=100`).set(referral).expect(200);
    expect(all.body.referrals.length + (all.body.next ? 1 : 0)).toBeGreaterThanOrEqual(21);
    const revoked = (await t.http.get(`/v1/referrals/${filed[0]}`).set(referral).expect(200)).body;
    expect(revoked).toMatchObject({ status: 'revoked', revocation: { reason: '患者已出院', operator: { keyId: 'referral-pingyang' } } });
  });

  it('20,000 revoked filings of one person stay out of every settlement read: bystanders keep settling, the breaker stays closed', async () => {
    const card = 'FLOOD2';
    await enrol(card);
    // The history an abuser built up over time: filed and revoked, again and again.
    const pipeline = t.redis.pipeline();
    for (let i = 0; i < 20_000; i++) {
      const id = newId('R', card);
      pipeline.hset(
        keys.filings(card),
        id,
        JSON.stringify({ referralId: id, card, kind: 'referral', validFrom: '2019-01-01', validTo: '2019-12-31', status: 'revoked', diagnosis: 'x'.repeat(200) }),
      );
    }
    await pipeline.exec();
    const bystanders = ['BYSTANDER1', 'BYSTANDER2', 'BYSTANDER3'];
    for (const card of bystanders) await enrol(card);
    const abuse = Array.from({ length: 10 }, (_, i) =>
      t.http
        .post('/v1/settlements/preview')
        .set(billing('WZ-CITY'))
        .send(pyStay(card, `FLOOD-P-${i}`, { hospitalId: 'WZ-CITY' })),
    );
    const others = bystanders.flatMap((b, i) =>
      Array.from({ length: 5 }, (_, k) =>
        t.http
          .post('/v1/settlements')
          .set(billing('PY-COUNTY'))
          .send(pyStay(b, `BY-${i}-${k}`, { admissionDate: `2019-0${k + 1}-01`, dischargeDate: `2019-0${k + 1}-02` })),
      ),
    );
    const [abuseAnswers, otherAnswers] = await Promise.all([Promise.all(abuse), Promise.all(others)]);
    expect(abuseAnswers.map((r) => r.status)).toEqual(Array(10).fill(200));
    expect(otherAnswers.map((r) => r.status)).toEqual(Array(15).fill(201));
    expect(t.service.breaker.closed).toBe(true);
    // Revoked filings are kept (never erased), and the unfiled out-of-area stay was penalised as such.
    expect(await t.redis.hlen(keys.filings(card))).toBe(20_000);
    expect(abuseAnswers[0]!.body.steps.some((s: { rule: string }) => s.rule.endsWith('/referral-penalty'))).toBe(true);
  });

  it('a settlement reads only the active filings that could cover the stay (validTo on or after discharge), and the one it names', async () => {
    const card = 'FLOOD3';
    await enrol(card);
    const referral = t.auth(t.keys.referral.pingyang!);
    const expired = await t.http.post('/v1/referrals').set(referral).send({ card, kind: 'referral', validFrom: '2019-01-01', validTo: '2019-03-31' }).expect(201);
    const current = await t.http
      .post('/v1/referrals')
      .set(referral)
      .send({ card, kind: 'referral', validFrom: '2019-06-01', validTo: '2019-12-31', toHospitalId: 'WZ-CITY' })
      .expect(201);
    const snapshot = await t.service.repositories.settlements.readPerson(card, { year: 2019, idempotencyField: 'X:Y', dischargeDate: '2019-07-03' });
    expect(snapshot.filings.map((f) => f.referralId)).toEqual([current.body.referralId]);
    // A named filing is read whatever its dates or status, so the note can say why it does not cover.
    const named = await t.service.repositories.settlements.readPerson(card, {
      year: 2019,
      idempotencyField: 'X:Y',
      dischargeDate: '2019-07-03',
      referralId: expired.body.referralId,
    });
    expect(named.filings.map((f) => f.referralId).sort()).toEqual([current.body.referralId, expired.body.referralId].sort());
    const res = await t.http
      .post('/v1/settlements/preview')
      .set(billing('WZ-CITY'))
      .send(pyStay(card, 'FLOOD3-1', { hospitalId: 'WZ-CITY', referralId: expired.body.referralId }))
      .expect(200);
    expect(res.body.notes.join(' ')).toMatch(/valid 2019-01-01\.\.2019-03-31/);
  });

  it('a person with 1,200 settlements of a year is listed a page at a time (default 50, at most 200)', async () => {
    const card = 'LISTFLOOD1';
    await enrol(card);
    const outpatient = (i: number) => pyStay(card, `LF-${i}`, { visitType: 'outpatient', hospitalId: 'PY-TOWN', charges: { total: '0.00' } });
    for (let batch = 0; batch < 12; batch++) {
      const answers = await Promise.all(
        Array.from({ length: 100 }, (_, k) =>
          t.http
            .post('/v1/settlements')
            .set(billing('PY-TOWN'))
            .send(outpatient(batch * 100 + k)),
        ),
      );
      expect(answers.every((r) => r.status === 201)).toBe(true);
    }
    const first = await t.http.get(`/v1/enrollees/${card}/settlements?year=2019`).set(admin()).expect(200);
    expect(first.body.settlements).toHaveLength(50);
    expect(first.body.next).toBe('50');
    expect(first.text.length).toBeLessThan(200_000);
    const all = await allSettlements<{ settlementId: string; requestId: string }>(t.http, admin(), card, 2019);
    expect(all).toHaveLength(1200);
    expect(new Set(all.map((s) => s.settlementId)).size).toBe(1200);
    for (const bad of ['limit=0', 'limit=201', 'limit=1e2', 'limit=-1', 'cursor=abc', 'cursor=-5']) {
      const res = await t.http.get(`/v1/enrollees/${card}/settlements?year=2019&${bad}`).set(admin()).expect(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
    }
    // A billing key of another hospital sees none of them, page after page.
    const other = await t.http.get(`/v1/enrollees/${card}/settlements?year=2019&limit=200`).set(billing('PY-COUNTY')).expect(200);
    expect(other.body.settlements).toEqual([]);
    expect(other.body.next).toBe('200');
  });
});

describe('2. a requestId is unique per hospital across persons', () => {
  it('the same hospital and requestId with another card is 409 IDEMPOTENCY_CONFLICT (the corrected-card retry)', async () => {
    await enrol('RQA1');
    await enrol('RQB1');
    const first = await t.http.post('/v1/settlements').set(billing('PY-COUNTY')).send(pyStay('RQA1', 'HIS-CROSS-1')).expect(201);
    const corrected = await t.http.post('/v1/settlements').set(billing('PY-COUNTY')).send(pyStay('RQB1', 'HIS-CROSS-1')).expect(409);
    expect(corrected.body.error.code).toBe('IDEMPOTENCY_CONFLICT');
    expect(await allSettlements(t.http, admin(), 'RQB1', 2019)).toHaveLength(0);
    // The first card's retry still replays.
    const again = await t.http.post('/v1/settlements').set(billing('PY-COUNTY')).send(pyStay('RQA1', 'HIS-CROSS-1')).expect(200);
    expect(again.text).toBe(first.text);
    // Another hospital may use the same requestId.
    await t.http
      .post('/v1/settlements')
      .set(billing('PY-TOWN'))
      .send(pyStay('RQB1', 'HIS-CROSS-1', { hospitalId: 'PY-TOWN' }))
      .expect(201);
  });

  it('30 concurrent attempts with 30 cards under one requestId: exactly one settlement', async () => {
    const cards = Array.from({ length: 30 }, (_, i) => `RACE${i}`);
    for (const card of cards) await enrol(card);
    const answers = await Promise.all(cards.map((card) => t.http.post('/v1/settlements').set(billing('PY-COUNTY')).send(pyStay(card, 'HIS-RACE-1'))));
    const statuses = answers.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(29);
    let listed = 0;
    for (const card of cards) listed += (await allSettlements(t.http, admin(), card, 2019)).length;
    expect(listed).toBe(1);
  });

  it('a claim left by a crash between claim and commit does not stick: after the lease another body may settle', async () => {
    await enrol('STUCKA');
    await enrol('STUCKB');
    // The claim of a request whose process died before its commit (written as the service writes it).
    const hashA = requestHash(settlementRequestSchema.parse(pyStay('STUCKA', 'HIS-STUCK-1')));
    await t.redis.set(keys.requestClaim('PY-COUNTY', 'HIS-STUCK-1'), `STUCKA ${hashA} tokA ${clock - 5_000}`);
    // Within the lease: another body is a conflict.
    await t.http.post('/v1/settlements').set(billing('PY-COUNTY')).send(pyStay('STUCKB', 'HIS-STUCK-1')).expect(409);
    // The same body completes the claim it finds.
    // (…and once the lease is over, another body takes the claim over.)
    clock += 60_000;
    const taken = await t.http.post('/v1/settlements').set(billing('PY-COUNTY')).send(pyStay('STUCKB', 'HIS-STUCK-1')).expect(201);
    expect(taken.body.card).toBe('STUCKB');
    // The old claim was fenced in STUCKA's slot: its late commit cannot settle a second time.
    const late = await t.service.repositories.settlements.commitSettlement({
      ...rawCommit({ card: 'STUCKA', requestId: 'HIS-STUCK-1', settlementId: newId('S', 'STUCKA'), hospitalId: 'PY-COUNTY' }),
      bodyHash: hashA,
      claimToken: 'tokA',
    });
    expect(late.kind).toBe('fenced');
    // And the fenced request's own retry is now a conflict, not a second settlement.
    await t.http.post('/v1/settlements').set(billing('PY-COUNTY')).send(pyStay('STUCKA', 'HIS-STUCK-1')).expect(409);
    expect(await allSettlements(t.http, admin(), 'STUCKA', 2019)).toHaveLength(0);
  });

  it('a refused or invalid request records nothing: its requestId is free at once for the corrected bill', async () => {
    await enrol('FIXEDCARD1');
    // A typo in the card (no such enrollee), then the corrected card under the same requestId.
    await t.http.post('/v1/settlements').set(billing('PY-COUNTY')).send(pyStay('TYPOCARD1', 'HIS-FIX-1')).expect(404);
    // A refusal by the rules, then the corrected bill.
    await t.http
      .post('/v1/settlements')
      .set(billing('PY-COUNTY'))
      .send(pyStay('FIXEDCARD1', 'HIS-FIX-1', { liability: 'third-party' }))
      .expect(422);
    const fixed = await t.http.post('/v1/settlements').set(billing('PY-COUNTY')).send(pyStay('FIXEDCARD1', 'HIS-FIX-1')).expect(201);
    expect(fixed.body.card).toBe('FIXEDCARD1');
    expect(await t.redis.get(keys.requestClaim('PY-COUNTY', 'HIS-FIX-1'))).toMatch(/^FIXEDCARD1 /);
  });

  it('a stale claim that did commit is never taken over', async () => {
    await enrol('DONEA');
    await enrol('DONEB');
    await t.http.post('/v1/settlements').set(billing('PY-COUNTY')).send(pyStay('DONEA', 'HIS-DONE-1')).expect(201);
    clock += 60_000;
    await t.http.post('/v1/settlements').set(billing('PY-COUNTY')).send(pyStay('DONEB', 'HIS-DONE-1')).expect(409);
    expect(await allSettlements(t.http, admin(), 'DONEB', 2019)).toHaveLength(0);
  });

  it("a claim voided but not yet replaced (the taker died between fence and replace): the holder's retry settles", async () => {
    await enrol('VOIDA');
    const body = pyStay('VOIDA', 'HIS-VOID-1');
    const hash = requestHash(settlementRequestSchema.parse(body));
    await t.redis.set(keys.requestClaim('PY-COUNTY', 'HIS-VOID-1'), `VOIDA ${hash} tokV ${clock}`);
    await t.redis.hset(keys.idempotency('VOIDA'), 'PY-COUNTY:HIS-VOID-1', 'void tokV');
    const res = await t.http.post('/v1/settlements').set(billing('PY-COUNTY')).send(body).expect(201);
    expect(res.body.card).toBe('VOIDA');
    await t.http.post('/v1/settlements').set(billing('PY-COUNTY')).send(body).expect(200);
  });

  it('"referralId": null and no referralId are the same request (a retry replays)', async () => {
    await enrol('NULLREF1');
    const withNulls = pyStay('NULLREF1', 'HIS-NULL-1', { referralId: null, specialDisease: null, majorDisease: null, delivery: null });
    const first = await t.http.post('/v1/settlements').set(billing('PY-COUNTY')).send(withNulls).expect(201);
    const again = await t.http.post('/v1/settlements').set(billing('PY-COUNTY')).send(pyStay('NULLREF1', 'HIS-NULL-1')).expect(200);
    expect(again.text).toBe(first.text);
  });
});

describe('3. a consortium transfer must continue a real stay (Jinjiang 六(一)3, decision)', () => {
  const JJ = 'CONS1';
  beforeAll(async () => {
    await enrol(JJ, JJ_ENROLLEE);
    for (const [id, consortium] of [
      ['JJ-CONS-A', 'JJ-YLT-9'],
      ['JJ-CONS-B', 'JJ-YLT-9'],
      ['JJ-CONS-C', 'JJ-YLT-8'],
    ] as const) {
      await t.http.put(`/v1/hospitals/${id}`).set(admin()).send({ name: id, admdvs: '350582', level: 2, kind: 'general', countyRun: true, consortium });
    }
  });
  const jjStay = (hospitalId: string, requestId: string, admissionDate: string, dischargeDate: string, transfer = false) => ({
    requestId,
    card: JJ,
    hospitalId,
    visitType: 'inpatient',
    admissionDate,
    dischargeDate,
    charges: { total: '10000.00' },
    consortiumTransfer: transfer,
  });

  it('a transfer with no earlier stay is 422 CONSORTIUM_TRANSFER_UNMATCHED and records nothing; repeated, still refused', async () => {
    for (let i = 0; i < 3; i++) {
      const res = await t.http
        .post('/v1/settlements')
        .set(admin())
        .send(jjStay('JJ-CONS-B', `CT-NONE-${i}`, '2018-03-01', '2018-03-05', true))
        .expect(422);
      expect(res.body.error.code).toBe('CONSORTIUM_TRANSFER_UNMATCHED');
    }
    const acc = (await t.http.get(`/v1/enrollees/${JJ}/accumulators/2018`).set(admin()).expect(200)).body;
    expect(acc.admissions).toBe(0);
  });

  it('continuing a stay discharged the same day at another consortium hospital: no deductible, no new admission', async () => {
    const first = await t.http
      .post('/v1/settlements')
      .set(admin())
      .send(jjStay('JJ-CONS-A', 'CT-1', '2018-04-01', '2018-04-10'))
      .expect(201);
    expect(first.body.admissionOrdinal).toBe(1);
    const transfer = await t.http
      .post('/v1/settlements')
      .set(admin())
      .send(jjStay('JJ-CONS-B', 'CT-2', '2018-04-10', '2018-04-20', true))
      .expect(201);
    expect(transfer.body.admissionOrdinal).toBe(1);
    expect(transfer.body.payments.basic).toBe('7500.00'); // level 2: 10000 × 0.75, deductible × 0
    expect(transfer.body.accumulatorsAfter.admissions).toBe(1);
    // A chain A → B → C only where C is of the same consortium: C is another one.
    await t.http
      .post('/v1/settlements')
      .set(admin())
      .send(jjStay('JJ-CONS-C', 'CT-3', '2018-04-21', '2018-04-25', true))
      .expect(422);
    // Two days later is no continuation either.
    await t.http
      .post('/v1/settlements')
      .set(admin())
      .send(jjStay('JJ-CONS-A', 'CT-4', '2018-04-22', '2018-04-25', true))
      .expect(422);
  });

  it('a reversed stay can no longer be continued', async () => {
    const first = await t.http
      .post('/v1/settlements')
      .set(admin())
      .send(jjStay('JJ-CONS-A', 'CT-R1', '2018-06-01', '2018-06-05'))
      .expect(201);
    await t.http.post(`/v1/settlements/${first.body.settlementId}/reversal`).set(admin()).send({}).expect(200);
    const res = await t.http
      .post('/v1/settlements')
      .set(admin())
      .send(jjStay('JJ-CONS-B', 'CT-R2', '2018-06-05', '2018-06-09', true))
      .expect(422);
    expect(res.body.error.code).toBe('CONSORTIUM_TRANSFER_UNMATCHED');
  });

  it('Pingyang has no such rule: the flag changes nothing and a note says so', async () => {
    await enrol('CONSPY1');
    const res = await t.http
      .post('/v1/settlements')
      .set(billing('PY-COUNTY'))
      .send(pyStay('CONSPY1', 'CT-PY-1', { consortiumTransfer: true }))
      .expect(201);
    expect(res.body.admissionOrdinal).toBe(1);
    expect(res.body.notes.join(' ')).toMatch(/no consortium-transfer rule/);
  });
});

describe('4. a filing revoked (or filed) between read and commit is noticed', () => {
  it('the commit of a settlement computed with a filing that was revoked meanwhile is stale, and the service recomputes', async () => {
    const card = 'REVRACE1';
    await enrol(card);
    const filing = await t.http
      .post('/v1/referrals')
      .set(admin())
      .send({ card, kind: 'referral', validFrom: '2019-01-01', validTo: '2019-12-31', toHospitalId: 'WZ-CITY' })
      .expect(201);
    const scope = { year: 2019, idempotencyField: 'WZ-CITY:REVRACE-1', dischargeDate: '2019-07-03' };
    const read = await t.service.repositories.settlements.readPerson(card, scope);
    expect(read.filings).toHaveLength(1);
    await t.http.delete(`/v1/referrals/${filing.body.referralId}`).set(admin()).expect(200);
    const outcome = await t.service.repositories.settlements.commitSettlement({
      ...rawCommit({ card, requestId: 'REVRACE-1', settlementId: newId('S', card), hospitalId: 'WZ-CITY' }),
      expectedVersion: read.version,
      expectedFilingsVersion: read.filingsVersion,
    });
    expect(outcome.kind).toBe('stale');
    // A new filing moves the version too.
    const again = await t.service.repositories.settlements.readPerson(card, scope);
    await t.http.post('/v1/referrals').set(admin()).send({ card, kind: 'referral', validFrom: '2019-01-01', validTo: '2019-12-31' }).expect(201);
    const outcome2 = await t.service.repositories.settlements.commitSettlement({
      ...rawCommit({ card, requestId: 'REVRACE-2', settlementId: newId('S', card), hospitalId: 'WZ-CITY' }),
      expectedVersion: again.version,
      expectedFilingsVersion: again.filingsVersion,
    });
    expect(outcome2.kind).toBe('stale');
  });

  it('revocations racing settlements: every settlement that used a filing names one that was active when it committed', async () => {
    const card = 'REVRACE2';
    await enrol(card);
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) {
      ids.push(
        (await t.http.post('/v1/referrals').set(admin()).send({ card, kind: 'referral', validFrom: '2019-01-01', validTo: '2019-12-31', toHospitalId: 'WZ-CITY' }).expect(201)).body
          .referralId,
      );
    }
    const settles = Array.from({ length: 10 }, (_, i) =>
      t.http
        .post('/v1/settlements')
        .set(billing('WZ-CITY'))
        .send(
          pyStay(card, `REVRACE2-${i}`, {
            hospitalId: 'WZ-CITY',
            referralId: ids[i],
            admissionDate: `2019-${String(i + 1).padStart(2, '0')}-01`,
            dischargeDate: `2019-${String(i + 1).padStart(2, '0')}-02`,
          }),
        ),
    );
    const revokes = ids.map((id) => t.http.delete(`/v1/referrals/${id}`).set(admin()));
    const [settled, revoked] = await Promise.all([Promise.all(settles), Promise.all(revokes)]);
    expect(revoked.every((r) => r.status === 200)).toBe(true);
    for (const res of settled) {
      expect(res.status).toBe(201);
      const filed = res.body.referralId !== null;
      // Filed: the 50% rate without penalty; unfiled: penalised, with a note naming the revoked filing.
      expect(res.body.steps.some((s: { rule: string }) => s.rule.endsWith('/referral-penalty'))).toBe(!filed);
      if (!filed) expect(res.body.notes.join(' ')).toMatch(/revoked/);
    }
  });
});

describe('6. ids cannot collide inside keys', () => {
  it('hospital ids and request ids with ":" (or "|") are 400 with the field path', async () => {
    const put = await t.http.put('/v1/hospitals/PY-COUNTY:X').set(admin()).send(workedExamples.hospitals['PY-COUNTY']).expect(400);
    expect(put.body.error.details[0].path).toBe('hospitalId');
    for (const requestId of ['A:B', 'A|B', ':X', 'a b']) {
      const res = await t.http.post('/v1/settlements').set(admin()).send(pyStay('330326198001010001', requestId)).expect(400);
      expect(res.body.error.details[0].path).toBe('requestId');
    }
  });
});
