/**
 * A settlement load for backup drills, and the proof a restored Redis holds
 * what the hospitals were told: every settlement acknowledged (201) before the
 * backup began is readable with the identical body and replays to the same
 * answer, and every person's balance is exactly the sum of their listed
 * settlements. Runs against any built server by URL (single Redis or cluster).
 */
import supertest from 'supertest';
import { expect } from 'vitest';
import { allSettlements } from './pages.js';
import { charges, countedPart, dec, deltasOf, jinjiangEnrollee, pingyangEnrollee, plusDeltas, sleep, type WireAccumulators } from './load-support.js';
import { workedExamples } from './worked-examples.js';
import { nextNightOf } from './stay-days.js';

export interface DrillPerson {
  card: string;
  year: number;
  hospitalId: string;
  dates: { admissionDate: string; dischargeDate: string };
}

export interface Sent {
  body: Record<string, unknown>;
  person: DrillPerson;
  status: number | 'error';
  text: string;
}

export function drillPersons(prefix: string, perRegion = 4): { person: DrillPerson; enrollee: Record<string, unknown> }[] {
  return Array.from({ length: perRegion }, (_, i) => i + 1).flatMap((n) => [
    {
      person: { card: `${prefix}JJ${n}`, year: 2018, hospitalId: 'JJ-CITY', dates: { admissionDate: '2018-06-01', dischargeDate: '2018-06-09' } },
      enrollee: jinjiangEnrollee(),
    },
    {
      person: { card: `${prefix}PY${n}`, year: 2019, hospitalId: 'PY-COUNTY', dates: { admissionDate: '2019-06-01', dischargeDate: '2019-06-09' } },
      enrollee: pingyangEnrollee(),
    },
  ]);
}

export async function seedRegistry(base: string, adminKey: string, people: { person: DrillPerson; enrollee: Record<string, unknown> }[]): Promise<void> {
  const http = supertest(base);
  const auth = { Authorization: `Bearer ${adminKey}` };
  for (const [id, hospital] of Object.entries(workedExamples.hospitals))
    await http
      .put(`/v1/hospitals/${id}`)
      .set(auth)
      .send(hospital)
      .expect((r) => expect(r.status).toBeLessThan(300));
  for (const { person, enrollee } of people) await http.put(`/v1/enrollees/${person.card}`).set(auth).send(enrollee).expect(201);
}

/** Settles in a loop, one worker per person, until stop(); records every answer. */
export function startLoad(base: string, adminKey: string, persons: DrillPerson[]) {
  const http = supertest(base);
  const auth = { Authorization: `Bearer ${adminKey}` };
  const sent: Sent[] = [];
  let stopped = false;
  let seq = 0;
  const worker = async (person: DrillPerson) => {
    // One person is in one hospital at a time: each settlement its own night of the year (at most 720 a person).
    for (let stays = 0; !stopped && stays < 700; stays++) {
      const n = seq++;
      const body = {
        requestId: `BK-${person.card}-${n}`,
        card: person.card,
        hospitalId: person.hospitalId,
        visitType: 'inpatient',
        ...nextNightOf(person.card, person.year),
        charges: charges(
          dec(1500)
            .plus(dec(n % 97).times('211.13'))
            .toFixed(2),
        ),
      };
      try {
        const res = await http.post('/v1/settlements').set(auth).send(body);
        sent.push({ body, person, status: res.status, text: res.text });
      } catch (error) {
        sent.push({ body, person, status: 'error', text: String(error) });
        await sleep(20);
      }
    }
  };
  const workers = persons.map(worker);
  return {
    sent,
    acknowledged: () => sent.filter((s) => s.status === 201),
    async until(count: number, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      while (sent.filter((s) => s.status === 201).length < count) {
        if (Date.now() > deadline)
          throw new Error(
            `only ${sent.filter((s) => s.status === 201).length} of ${count} settlements acknowledged; statuses: ${[...new Set(sent.map((s) => s.status))].join(',')}`,
          );
        await sleep(10);
      }
    },
    async stop() {
      stopped = true;
      await Promise.all(workers);
    },
  };
}

export interface RestoreReport {
  acknowledgedBefore: number;
  listed: number;
}

/** Everything acknowledged before the backup is in the restored data, and every balance adds up. */
export async function expectRestored(base: string, adminKey: string, persons: DrillPerson[], acknowledgedBefore: Sent[]): Promise<RestoreReport> {
  const http = supertest(base);
  const auth = { Authorization: `Bearer ${adminKey}` };
  for (const s of acknowledgedBefore) {
    const id = (JSON.parse(s.text) as { settlementId: string }).settlementId;
    const read = await http.get(`/v1/settlements/${id}`).set(auth);
    expect(read.status, `${id} acknowledged before the backup`).toBe(200);
    expect(read.text).toBe(s.text);
  }
  // The idempotency records came back too: a retry replays the very answer.
  for (const s of acknowledgedBefore.filter((_, i) => i % 7 === 0)) {
    const again = await http.post('/v1/settlements').set(auth).send(s.body);
    expect(again.status, again.text).toBe(200);
    expect(again.text).toBe(s.text);
  }
  let listed = 0;
  for (const person of persons) {
    const list = await allSettlements<{
      settlementId: string;
      requestId: string;
      accumulatorsBefore: WireAccumulators;
      accumulatorsAfter: WireAccumulators;
      admissionOrdinal: number | null;
      payments: Record<string, string>;
    }>(http, auth, person.card, person.year);
    listed += list.length;
    const ids = new Set(list.map((s) => s.settlementId));
    for (const s of acknowledgedBefore.filter((a) => a.person.card === person.card)) expect(ids).toContain(JSON.parse(s.text).settlementId);
    for (let k = 1; k < list.length; k++) expect(list[k]!.accumulatorsBefore, person.card).toEqual(list[k - 1]!.accumulatorsAfter);
    const acc = (await http.get(`/v1/enrollees/${person.card}/accumulators/${person.year}`).set(auth).expect(200)).body as WireAccumulators;
    const zero = (await http.get(`/v1/enrollees/NOBODY${person.year}/accumulators/${person.year}`).set(auth).expect(200)).body as WireAccumulators;
    expect(countedPart(acc), person.card).toEqual(plusDeltas(zero, deltasOf(list)));
    expect(acc.basicPaid).toBe(list.reduce((sum, s) => sum.plus(dec(s.payments.basic!)), dec(0)).toFixed(2));
  }
  return { acknowledgedBefore: acknowledgedBefore.length, listed };
}
