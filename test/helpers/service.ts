/** The real app over a real throw-away redis-server, with keys for every role. */
import supertest from 'supertest';
import { composeService, type ComposeOptions, type Service } from '../../src/compose.js';
import { KeyRing, generateKey, sha256Hex } from '../../src/ops/api-keys.js';
import { CatalogueHolder } from '../../src/catalogue/catalogue.js';
import { loadCatalogues } from '../../src/catalogue/loader.js';
import { loadPolicyDirectory } from '../../src/policy/loader.js';
import { createRedis, whenReady, type ScriptedClient } from '../../src/store/redis.js';
import { enforceContract } from './contract.js';
import { startRedis, type RedisServer } from './redis-server.js';
import { CATALOGUE_DIR, POLICY_DIR, workedExamples } from './worked-examples.js';

export interface TestKeys {
  admin: string;
  billing: Record<string, string>;
  referral: Record<string, string>;
}

export function makeKeys(hospitalIds: string[], regions: string[]): { ring: KeyRing; keys: TestKeys; entries: unknown[] } {
  const keys: TestKeys = { admin: generateKey(), billing: {}, referral: {} };
  const entries: unknown[] = [{ id: 'ops', role: 'admin', sha256: sha256Hex(keys.admin) }];
  for (const hospitalId of hospitalIds) {
    keys.billing[hospitalId] = generateKey();
    entries.push({ id: `billing-${hospitalId}`, role: 'billing', hospitalId, sha256: sha256Hex(keys.billing[hospitalId]) });
  }
  for (const region of regions) {
    keys.referral[region] = generateKey();
    entries.push({ id: `referral-${region}`, role: 'referral', region, sha256: sha256Hex(keys.referral[region]) });
  }
  return { ring: KeyRing.fromEntries(entries), keys, entries };
}

export interface TestService {
  server: RedisServer;
  redis: ScriptedClient;
  service: Service;
  http: ReturnType<typeof supertest>;
  keys: TestKeys;
  auth(key: string): { Authorization: string };
  /** Loads the worked-example hospitals, enrollees and referral filings through the API. */
  loadWorkedRegistry(): Promise<void>;
  /** Gives a worked-example hospital its national facility code (fixmedins_code), through the API. */
  giveNationalCode(hospitalId: string, code: string): Promise<void>;
  close(): Promise<void>;
}

export interface TestServiceOptions {
  redisServer?: RedisServer;
  redisTimeoutMs?: number;
  breakerResetMs?: number;
  coverage?: ComposeOptions['coverage'];
  now?: () => Date;
  /** Folder of catalogue files; default config/catalogues. */
  catalogueDir?: string;
  /** Folder of policy files; default config/policies. */
  policyDir?: string;
  rateLimit?: ComposeOptions['rateLimit'];
  load?: ComposeOptions['load'];
  logger?: ComposeOptions['logger'];
  archivedYearsTtlMs?: number;
  bounds?: ComposeOptions['bounds'];
  /** STORE_WRITE_FORMAT=previous */
  previousStoreFormat?: boolean;
  heavy?: ComposeOptions['heavy'];
}

export async function startTestService(options: TestServiceOptions = {}): Promise<TestService> {
  const server = options.redisServer ?? (await startRedis());
  const redis = createRedis({ url: server.url, offlineQueue: false, commandTimeoutMs: options.redisTimeoutMs ?? 1000 });
  await whenReady(redis);
  const catalog = loadPolicyDirectory(options.policyDir ?? POLICY_DIR);
  const catalogues = new CatalogueHolder(await loadCatalogues(options.catalogueDir ?? CATALOGUE_DIR, catalog));
  // A referral key per loaded region, however many the policy directory holds.
  const { ring, keys } = makeKeys(
    [...Object.keys(workedExamples.hospitals), 'OTHER'],
    catalog.regions.map((r) => r.region),
  );
  const service = composeService({
    redis,
    catalog,
    catalogues,
    keys: ring,
    redisTimeoutMs: options.redisTimeoutMs ?? 1000,
    breakerResetMs: options.breakerResetMs ?? 500,
    coverage: options.coverage ?? null,
    ...(options.now ? { now: options.now } : {}),
    ...(options.rateLimit ? { rateLimit: options.rateLimit } : {}),
    // As the in-flight cap below: the heavy lane is tested where it is set.
    heavy: options.heavy ?? { maxInFlight: 0, maxInFlightPerKey: 0 },
    ...(options.load ? { load: options.load } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.archivedYearsTtlMs !== undefined ? { archivedYearsTtlMs: options.archivedYearsTtlMs } : {}),
    ...(options.previousStoreFormat ? { previousStoreFormat: true } : {}),
    // Tests fire bursts of concurrent requests under one key: the in-flight cap is tested where it is set.
    bounds: { perKeyInFlight: 10_000, ...options.bounds },
  });
  // Every answer of this app is held against its OpenAPI document (test/helpers/contract.ts).
  enforceContract(service.app);
  const http = supertest(service.app);
  const auth = (key: string) => ({ Authorization: `Bearer ${key}` });
  return {
    server,
    redis,
    service,
    http,
    keys,
    auth,
    async giveNationalCode(hospitalId, code) {
      await http
        .put(`/v1/hospitals/${hospitalId}`)
        .set(auth(keys.admin))
        .send({ ...workedExamples.hospitals[hospitalId], fixmedinsCode: code })
        .expect(200);
    },
    async loadWorkedRegistry() {
      for (const [id, hospital] of Object.entries(workedExamples.hospitals)) {
        await http
          .put(`/v1/hospitals/${id}`)
          .set(auth(keys.admin))
          .send(hospital)
          .expect((r) => {
            if (r.status !== 201 && r.status !== 200) throw new Error(`hospital ${id}: ${r.status} ${r.text}`);
          });
      }
      for (const [card, enrollee] of Object.entries(workedExamples.enrollees)) {
        await http
          .put(`/v1/enrollees/${card}`)
          .set(auth(keys.admin))
          .send(enrollee)
          .expect((r) => {
            if (r.status !== 201 && r.status !== 200) throw new Error(`enrollee ${card}: ${r.status} ${r.text}`);
          });
      }
      for (const referral of workedExamples.referrals) {
        await http.post('/v1/referrals').set(auth(keys.admin)).send(referral).expect(201);
      }
    },
    async close() {
      redis.disconnect();
      service.breaker.shutdown();
      service.coverageBreaker?.shutdown();
      service.load?.stop();
      if (!options.redisServer) await server.stop();
    },
  };
}
