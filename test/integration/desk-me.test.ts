/** GET /v1/me: who the key is, so the desk shows the right pages; and the desk's static route knows no key. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../helpers/service.js';

let t: TestService;
beforeAll(async () => {
  t = await startTestService();
});
afterAll(async () => {
  await t?.close();
});

describe('GET /v1/me', () => {
  it('answers the caller of any valid key, and nothing more', async () => {
    const billing = await t.http.get('/v1/me').set(t.auth(t.keys.billing['PY-COUNTY']!)).expect(200);
    expect(billing.body).toEqual({ id: 'billing-PY-COUNTY', role: 'billing', hospitalId: 'PY-COUNTY' });
    const referral = await t.http.get('/v1/me').set(t.auth(t.keys.referral.jinjiang!)).expect(200);
    expect(referral.body).toEqual({ id: 'referral-jinjiang', role: 'referral', region: 'jinjiang' });
    const admin = await t.http.get('/v1/me').set(t.auth(t.keys.admin)).expect(200);
    expect(admin.body).toEqual({ id: 'ops', role: 'admin' });
    expect(JSON.stringify(admin.body)).not.toContain(t.keys.admin);
  });

  it('is 401 without a key or with an unknown one', async () => {
    const none = await t.http.get('/v1/me').expect(401);
    expect(none.body.error.code).toBe('UNAUTHENTICATED');
    await t.http.get('/v1/me').set('Authorization', 'Bearer not-a-key').expect(401);
    await t.http.post('/v1/me').set(t.auth(t.keys.admin)).expect(404);
  });
});
