/** Every worked example through HTTP, in order, against a fresh real Redis. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../helpers/service.js';
import { expectWorkedOutcome, workedExamples } from '../helpers/worked-examples.js';

let t: TestService;
beforeAll(async () => {
  t = await startTestService();
  await t.loadWorkedRegistry();
});
afterAll(async () => t?.close());

describe('worked examples over HTTP', () => {
  const answers: Record<string, unknown>[] = [];
  for (const { request, expect: expected } of workedExamples.cases) {
    it(`${request.requestId}`, async () => {
      const res = await t.http.post('/v1/settlements').set(t.auth(t.keys.billing[request.hospitalId]!)).send(request);
      expectWorkedOutcome(res, expected);
      if (res.status === 201 || res.status === 200) answers.push(res.body as Record<string, unknown>);
    });
  }

  it('an answer shows its assumed values, its Chinese notes and what the hospital bears', () => {
    const taiyuan = answers.find((a) => String(a.policyId).startsWith('taiyuan-'))!;
    expect(taiyuan).toBeDefined();
    const assumed = taiyuan.assumed as { path: string; value: string; cite: string }[];
    expect(assumed.some((a) => a.path.startsWith('tables.') && a.cite.length > 0)).toBe(true);
    expect((taiyuan.notesZh as string[]).length).toBe((taiyuan.notes as string[]).length);
    expect((taiyuan.notesZh as string[]).some((n) => /[\u4e00-\u9fff]/.test(n))).toBe(true);
    for (const answer of answers) expect(answer.hospitalBorne).toMatch(/^\d+\.\d{2}$/);
  });

  it('accumulators reflect the settled examples', async () => {
    const res = await t.http.get('/v1/enrollees/330326198001010001/accumulators/2019').set(t.auth(t.keys.admin)).expect(200);
    expect(res.body.admissions).toBe(3);
    // 11925.67 + 55000 + 83074.33 = 150000 (the expense cap)
    expect(res.body.basicEligible).toBe('150000.00');
    expect(res.body.basicPaid).toBe('63188.99');
  });
});
