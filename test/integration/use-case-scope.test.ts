/**
 * The scope rules live in the use-cases, so they hold whichever face calls
 * them: attacked here as a face that forgot every check would, straight on
 * the use-cases over a real redis-server, with keys of the wrong hospital
 * and the wrong region. Each refusal records nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSettlementRequest } from '../../src/contract/settlement.js';
import type { Caller } from '../../src/domain/caller.js';
import { AuthError, ValidationError } from '../../src/domain/errors.js';
import { loadPolicyDirectory } from '../../src/policy/loader.js';
import { LocalCoverage } from '../../src/service/coverage.js';
import { ReferralService } from '../../src/service/referrals.js';
import { RegistryService } from '../../src/service/registry.js';
import { SettlementService } from '../../src/service/settlements.js';
import { createRedis, whenReady, type ScriptedClient } from '../../src/store/redis.js';
import { openRepositories } from '../../src/store/repositories.js';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';
import { POLICY_DIR, registry as workedRegistry } from '../helpers/worked-examples.js';

const PY_CARD = '330326198001010001';
const NOBODY = { id: null, name: null };
const admin: Caller = { id: 'admin-1', role: 'admin' };
const pyCounty: Caller = { id: 'billing-py-county', role: 'billing', hospitalId: 'PY-COUNTY' };
const pyTown: Caller = { id: 'billing-py-town', role: 'billing', hospitalId: 'PY-TOWN' };
const pingyangDesk: Caller = { id: 'referral-pingyang', role: 'referral', region: 'pingyang' };
const jinjiangDesk: Caller = { id: 'referral-jinjiang', role: 'referral', region: 'jinjiang' };

let server: RedisServer;
let redis: ScriptedClient;
let settlements: SettlementService;
let referrals: ReferralService;
let registry: RegistryService;

const stay = (requestId: string, hospitalId = 'PY-COUNTY') =>
  parseSettlementRequest({
    requestId,
    card: PY_CARD,
    hospitalId,
    visitType: 'inpatient',
    admissionDate: '2019-03-01',
    dischargeDate: '2019-03-02',
    charges: { total: '1000.00' },
  });

const forbidden = (promise: Promise<unknown>) => expect(promise).rejects.toSatisfy((error) => error instanceof AuthError && error.code === 'FORBIDDEN');

beforeAll(async () => {
  server = await startRedis();
  redis = createRedis({ url: server.url });
  await whenReady(redis);
  const store = openRepositories(redis);
  const coverage = new LocalCoverage(store);
  const now = () => new Date('2019-06-01T02:00:00.000Z');
  registry = new RegistryService(store, coverage, now);
  settlements = new SettlementService(store, loadPolicyDirectory(POLICY_DIR), coverage, { now });
  referrals = new ReferralService(store, now, 20, registry);
  const { hospitals, enrollees } = workedRegistry();
  for (const hospital of hospitals.values()) await registry.putHospital(hospital);
  for (const enrollee of enrollees.values()) await registry.putEnrollee(enrollee);
});
afterAll(async () => {
  redis?.disconnect();
  await server?.kill('SIGTERM');
});

describe('settlements: a billing key acts for its own hospital only', () => {
  it('cannot preview or settle for another hospital, and nothing is recorded', async () => {
    await forbidden(settlements.previewFor(pyTown, stay('X-1'), NOBODY));
    await forbidden(settlements.settleFor(pyTown, stay('X-1'), NOBODY));
    expect((await settlements.listFor(admin, PY_CARD, 2019, null, 50)).bodies).toEqual([]);
  });

  it("cannot read, reverse or list another hospital's settlement, even holding its record", async () => {
    const settled = await settlements.settleFor(pyCounty, stay('OWN-1'), { id: 'c1', name: '收费员' });
    const settlementId = (JSON.parse(settled.body.toString()) as { settlementId: string }).settlementId;
    await forbidden(settlements.getFor(pyTown, settlementId));
    // A face that skipped getFor and hands over the stored record is still refused.
    const stored = await settlements.getFor(admin, settlementId);
    await forbidden(settlements.reverseFor(pyTown, stored, NOBODY, 'not ours'));
    expect((await settlements.getFor(pyCounty, settlementId)).status).toBe('settled');
    // The list is filtered on the stored record's hospital: the other key sees none, page after page.
    expect(await settlements.listFor(pyTown, PY_CARD, 2019, null, 50)).toEqual({ bodies: [], next: null });
    expect((await settlements.listFor(pyCounty, PY_CARD, 2019, null, 50)).bodies).toHaveLength(1);
    // Its own key reverses it, recorded with that key.
    const reversed = JSON.parse((await settlements.reverseFor(pyCounty, stored, { id: 'c1', name: null }, 'wrong stay')).toString());
    expect(reversed.status).toBe('reversed');
    expect(reversed.reversal.operator.keyId).toBe(pyCounty.id);
  });
});

describe('referrals: a referral key acts for persons of its own region only', () => {
  const draft = { card: PY_CARD, kind: 'out-of-area' as const, validFrom: '2019-01-01', validTo: '2019-12-31' };

  it("cannot file for, read, revoke or list another region's person, and nothing is recorded", async () => {
    await forbidden(referrals.fileFor(jinjiangDesk, draft));
    expect((await referrals.ofPersonFor(admin, PY_CARD, 'all', null, 50)).items).toEqual([]);
    const filing = await referrals.fileFor(pingyangDesk, draft);
    await forbidden(referrals.getFor(jinjiangDesk, filing.referralId));
    // A face that skipped getFor and hands over the filing is still refused.
    await forbidden(referrals.revokeFor(jinjiangDesk, filing, NOBODY, 'not ours'));
    await forbidden(referrals.ofPersonFor(jinjiangDesk, PY_CARD, 'active', null, 50));
    expect((await referrals.getFor(pingyangDesk, filing.referralId)).status).toBe('active');
    const revoked = await referrals.revokeFor(pingyangDesk, filing, NOBODY, 'moved');
    expect(revoked.status).toBe('revoked');
  });

  it("a filing of a person unknown to the registry is nobody's region", async () => {
    await expect(referrals.fileFor(pingyangDesk, { ...draft, card: 'NOBODY1' })).rejects.toMatchObject({ code: 'ENROLLEE_NOT_FOUND' });
  });
});

describe('registry: invariants hold whoever writes', () => {
  it('refuses a birth date after today (Asia/Shanghai) and stores nothing', async () => {
    const enrollee = {
      card: 'FUTURE1',
      region: 'pingyang',
      sex: 'F' as const,
      birthDate: '2019-06-02',
      coverage: [],
      categories: [],
      specialDiseases: [],
      maternityInsured: false,
    };
    await expect(registry.putEnrollee(enrollee)).rejects.toBeInstanceOf(ValidationError);
    await expect(registry.getEnrollee('FUTURE1')).rejects.toMatchObject({ code: 'ENROLLEE_NOT_FOUND' });
    // Born today in Shanghai (already 2019-06-01 there at 02:00 UTC) may be enrolled today.
    await expect(registry.putEnrollee({ ...enrollee, birthDate: '2019-06-01' })).resolves.toBe('created');
  });
});
