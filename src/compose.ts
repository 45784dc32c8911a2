/**
 * The composition root: wires policies, keys, Redis (behind the breaker),
 * use-cases and the HTTP app. Used by the server and by the tests, so tests
 * exercise the real wiring.
 */
import type { Logger } from 'pino';
import type CircuitBreaker from 'opossum';
import { CatalogueHolder } from './catalogue/catalogue.js';
import type { Readiness } from './contract/service.js';
import { createApp } from './http/app.js';
import { KeyRingHolder } from './http/auth.js';
import type { KeyRing } from './ops/api-keys.js';
import { breakerState, createBreaker, guarded, notARedisFailure } from './ops/breaker.js';
import type { HeavySettings, LoadSettings, RateLimitSettings } from './ops/config.js';
import { DEFAULT_HEAVY } from './http/rate-limit.js';
import { LoadMonitor } from './ops/load.js';
import { createEnrollmentClient } from './ops/enrollment-client.js';
import { Metrics } from './ops/metrics.js';
import { CachedUpstreamCoverage, LocalCoverage, type CoverageSource } from './service/coverage.js';
import type { PolicyCatalog } from './policy/catalog.js';
import { ReferralService } from './service/referrals.js';
import { SpecialDiseaseFilings } from './service/special-disease-filings.js';
import { RegistryBulk } from './service/registry-bulk.js';
import { RegistryService } from './service/registry.js';
import { SettlementService } from './service/settlements.js';
import { StatementService } from './service/statements.js';
import { EncounterService } from './service/encounters.js';
import { NationalMessages } from './service/national-messages.js';
import type { NationalDependencies } from './national/transactions.js';
import type { ScriptedClient } from './store/redis.js';
import { slotTag } from './store/keys.js';
import type { ReplicaAcknowledgement } from './store/replication.js';
import { openRepositories, type Repositories } from './store/repositories.js';
import { DEFAULT_BOUNDS, type Bounds } from './service/bounds.js';
import { ArchivedYears } from './service/archived-years.js';

export interface ComposeOptions {
  redis: ScriptedClient;
  catalog: PolicyCatalog;
  /** The policy directory: the desk serves the notice texts beside the policy files from it. */
  policyDir?: string;
  /** The catalogues the policies name (the server swaps them on SIGHUP); absent: none, and bills sent as lines cannot settle. */
  catalogues?: CatalogueHolder;
  keys: KeyRing;
  logger?: Logger;
  metrics?: Metrics;
  redisTimeoutMs?: number;
  breakerResetMs?: number;
  now?: () => Date;
  /** Replica acknowledgement of answered writes (absent: none required). */
  replicas?: ReplicaAcknowledgement;
  /** How stale each process's view of archived years may be (default ARCHIVED_YEARS_TTL_MS). */
  archivedYearsTtlMs?: number;
  /** Active referral filings one person may hold. */
  maxActiveFilings?: number;
  /** Days a national-platform message (msgid) is remembered (replays, 2601). */
  nationalMessageTtlDays?: number;
  /** Load shedding (MAX_IN_FLIGHT, MAX_EVENT_LOOP_DELAY_MS); absent: never shed. */
  load?: LoadSettings;
  /** Per-key rate limit (RATE_LIMIT_RPS, RATE_LIMIT_BURST); absent or null: none. */
  rateLimit?: RateLimitSettings | null;
  /** Requests with large bodies (MAX_HEAVY_IN_FLIGHT, MAX_HEAVY_IN_FLIGHT_PER_KEY); absent: the defaults. */
  heavy?: HeavySettings;
  /** Whether the rate limit's counters are shared through Redis (per deployment); default true. */
  sharedRateLimit?: boolean;
  /** Sizes, counts, lives and per-request costs (docs/bounds.md); absent: the defaults. */
  bounds?: Partial<Bounds>;
  /** Write settlements as the previous release reads them (STORE_WRITE_FORMAT=previous, during a rolling upgrade). */
  previousStoreFormat?: boolean;
  /** The enrollment system of record (COVERAGE_URL); absent: the registry is the source. */
  coverage?: {
    url: string;
    ttlSeconds: number;
    maxStaleSeconds: number;
    timeoutMs: number;
    negativeTtlSeconds: number;
    breakerResetMs?: number;
  } | null;
}

export interface Service {
  app: ReturnType<typeof createApp>;
  keys: KeyRingHolder;
  catalogues: CatalogueHolder;
  metrics: Metrics;
  breaker: CircuitBreaker<[() => Promise<unknown>], unknown>;
  /** The enrollment system's breaker, when COVERAGE_URL is set. */
  coverageBreaker: CircuitBreaker<[() => Promise<unknown>], unknown> | null;
  /** The repositories unguarded (tests and tools reach Redis through them directly). */
  repositories: Repositories;
  /** Readiness: Redis through the breaker, breaker closed, policies loaded, not shutting down. */
  readiness: () => Promise<Readiness>;
  /** Absent when the service does not shed load. */
  load: LoadMonitor | undefined;
  /** Readiness turns false for good once shutdown begins. */
  beginShutdown(): void;
}

export function composeService(options: ComposeOptions): Service {
  // Build the slot-tag table now rather than inside the first settlement.
  slotTag(0);
  const metrics = options.metrics ?? new Metrics({ defaultMetrics: false });
  const breaker = createBreaker(
    { name: 'redis', timeoutMs: options.redisTimeoutMs ?? 500, resetTimeoutMs: options.breakerResetMs ?? 2000, notAFailure: notARedisFailure },
    metrics,
  );
  const load = options.load ? new LoadMonitor(options.load) : undefined;
  const bounds: Bounds = { ...DEFAULT_BOUNDS, ...options.bounds };
  const repositories = openRepositories(options.redis, options.replicas, bounds.voidClaimSeconds, options.previousStoreFormat ?? false);
  // Every repository behind the one breaker: Redis is one dependency, however many aggregates it holds.
  const repos = Object.fromEntries(Object.entries(repositories).map(([name, repository]) => [name, guarded(repository, breaker, 'storage', metrics)])) as unknown as Repositories;
  const now = options.now ?? (() => new Date());
  let coverageBreaker: Service['coverageBreaker'] = null;
  let coverage: CoverageSource = new LocalCoverage(repos);
  if (options.coverage) {
    const client = createEnrollmentClient({
      baseUrl: options.coverage.url,
      timeoutMs: options.coverage.timeoutMs,
      resetTimeoutMs: options.coverage.breakerResetMs,
      metrics,
    });
    coverageBreaker = client.breaker;
    coverage = new CachedUpstreamCoverage(repos, client.fetch, { ...options.coverage, now: () => now().getTime(), metrics });
  }
  const catalogues = options.catalogues ?? new CatalogueHolder();
  const archiveStore = repos.archive;
  const archivedYears = new ArchivedYears(archiveStore, Date.now, options.archivedYearsTtlMs);
  const specialDiseases = new SpecialDiseaseFilings(repos.specialDiseases, now);
  const settlements = new SettlementService(repos, options.catalog, coverage, {
    now,
    specialDiseases,
    onOutcome: (event) => metrics.recordSettlement(event),
    catalogues,
    archivedYears,
    previousStoreFormat: options.previousStoreFormat ?? false,
  });
  const registry = new RegistryService(repos, coverage, now);
  const referrals = new ReferralService(repos, now, options.maxActiveFilings, registry);
  const statements = new StatementService(repos, now, archiveStore, bounds);
  const encounters = new EncounterService(repos, coverage, settlements, options.catalog, catalogues);
  const national: NationalDependencies = {
    catalog: options.catalog,
    registry,
    settlements,
    encounters,
    referrals,
    statements,
    messages: new NationalMessages(repos, now, options.nationalMessageTtlDays),
    now,
    specialDiseases,
  };
  const bulk = new RegistryBulk(repos, now, options.maxActiveFilings);
  const keys = new KeyRingHolder(options.keys);
  let shuttingDown = false;

  const readiness = async (): Promise<Readiness> => {
    const checks: Record<string, string> = {
      policies: `${options.catalog.policies.length} loaded`,
      catalogues: [...catalogues.current.values()].map((c) => `${c.id} (${c.size} rows)`).join(', ') || 'none',
      breaker: breakerState(breaker),
    };
    // The ping goes through the breaker: while half-open it is the probe that closes it again.
    let redisOk = false;
    try {
      redisOk = (await breaker.fire(() => options.redis.ping())) === 'PONG';
    } catch {
      redisOk = false;
    }
    checks.redis = redisOk ? 'ok' : breaker.opened ? 'not tried (breaker open)' : 'unreachable';
    checks.breaker = breakerState(breaker);
    // Informational: with the enrollment system down, cached coverage still settles (or answers 503).
    if (coverageBreaker) checks.coverageUpstream = breakerState(coverageBreaker);
    if (shuttingDown) checks.shutdown = 'in progress';
    // A process that sheds every new request cannot take work: the balancer should send it elsewhere.
    const shedding = load?.shedReason() ?? null;
    if (shedding) checks.load = `shedding (${shedding})`;
    const ready = !shuttingDown && shedding === null && redisOk && breaker.closed && options.catalog.policies.length > 0;
    return { ready, checks };
  };

  const app = createApp({
    now,
    load,
    rateLimit: options.rateLimit ?? null,
    heavy: options.heavy ?? DEFAULT_HEAVY,
    rateLimitStore: options.sharedRateLimit === false ? undefined : options.redis,
    bounds,
    catalog: options.catalog,
    ...(options.policyDir ? { policyDir: options.policyDir } : {}),
    settlements,
    registry,
    referrals,
    statements,
    national,
    bulk,
    keys,
    readiness,
    metrics,
    isShuttingDown: () => shuttingDown,
    ...(options.logger ? { logger: options.logger } : {}),
  });
  return {
    app,
    keys,
    catalogues,
    metrics,
    breaker,
    coverageBreaker,
    repositories,
    readiness,
    load,
    beginShutdown: () => {
      shuttingDown = true;
    },
  };
}
