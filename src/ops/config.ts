/** Configuration from the environment, validated at start: the server refuses to start with a one-line reason. */
import os from 'node:os';
import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();
/** 0 switches the guard off. */
const limit = z.coerce.number().int().min(0);

const envSchema = z.object({
  PORT: port.default(8080),
  HOST: z.string().default('0.0.0.0'),
  REDIS_URL: z
    .string()
    .regex(/^(rediss?|redis-cluster):\/\//, 'expected redis://host:port or redis-cluster://host:port,…')
    .optional(),
  REDIS_CLUSTER_NODES: z
    .string()
    .regex(/^[^,\s]+:\d+(,[^,\s]+:\d+)*$/, 'expected host:port[,host:port…]')
    .optional(),
  API_KEYS_FILE: z.string().min(1, 'API_KEYS_FILE is required: the JSON file of caller key hashes (api.md)'),
  POLICY_DIR: z.string().default('config/policies'),
  CATALOGUE_DIR: z.string().min(1).default('config/catalogues'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** ms a Redis command may take before it counts as failed */
  REDIS_TIMEOUT_MS: positiveInt.default(500),
  /** Replicas a commit or reversal must reach before it is answered; auto: 1 when the deployment has replicas at start, else 0 */
  REDIS_MIN_REPLICAS: z.union([z.literal('auto'), z.coerce.number().int().min(0).max(10)]).default('auto'),
  /** ms WAIT gives the replicas before the answer is 503 "result unknown" (default: 200, or half REDIS_TIMEOUT_MS if that is less) */
  REDIS_WAIT_TIMEOUT_MS: positiveInt.optional(),
  /** ms the breaker waits before probing Redis again */
  BREAKER_RESET_MS: positiveInt.default(2000),
  WORKERS: z.union([z.literal('auto'), positiveInt]).default(1),
  COVERAGE_URL: z.url().optional(),
  COVERAGE_TTL_S: positiveInt.default(3600),
  COVERAGE_MAX_STALE_S: positiveInt.default(86400),
  COVERAGE_TIMEOUT_MS: positiveInt.default(300),
  COVERAGE_NEGATIVE_TTL_S: positiveInt.default(60),
  SHUTDOWN_GRACE_MS: positiveInt.default(10000),
  /** Active referral filings one person may hold (past it: 422 LIMIT_REACHED). */
  MAX_ACTIVE_FILINGS: positiveInt.max(1000).default(20),
  /** Days a national-platform message (msgid) is remembered for replays and 2601. */
  HSA_MESSAGE_TTL_DAYS: positiveInt.max(3650).default(30),
  /** 'previous' while processes of the previous release still run (docs/deploy.md "Upgrades"). */
  STORE_WRITE_FORMAT: z.enum(['compact', 'previous']).default('compact'),
  /** ms between readiness turning 503 and the listener closing, for load balancers to notice */
  SHUTDOWN_DRAIN_MS: z.coerce.number().int().min(0).default(0),
  /** requests a second per caller key, per process (0 = no limit) */
  RATE_LIMIT_RPS: limit.default(100),
  /** requests a key may send beyond RATE_LIMIT_RPS within any 10 s window */
  RATE_LIMIT_BURST: limit.default(200),
  /** requests being served at once by a process; more are answered 503 OVERLOADED at once (0 = no bound) */
  MAX_IN_FLIGHT: limit.default(1024),
  /** event-loop delay (ms, worst in the last 100 ms) above which new requests are answered 503 OVERLOADED (0 = off) */
  MAX_EVENT_LOOP_DELAY_MS: limit.default(200),
  /** requests with a body over 64 kB being served at once by a process; more are answered 503 OVERLOADED before their body is read (0 = no bound) */
  MAX_HEAVY_IN_FLIGHT: limit.default(2),
  /** such requests of one caller key at once in a process; more are answered 429 before their body is read (0 = no bound) */
  MAX_HEAVY_IN_FLIGHT_PER_KEY: limit.default(1),
  /** the listener of /metrics and the detailed /readyz (0 = none) */
  METRICS_PORT: port.default(9464),
  METRICS_HOST: z.string().min(1).default('127.0.0.1'),
});

export interface AppConfig {
  port: number;
  host: string;
  /** credentials: of a Redis Cluster (redis-cluster://user:password@h1:p1,…); a single server's are in its url. */
  redis: { url: string | undefined; clusterNodes: string[] | undefined; credentials: { username: string | undefined; password: string } | undefined };
  apiKeysFile: string;
  policyDir: string;
  catalogueDir: string;
  logLevel: string;
  redisTimeoutMs: number;
  redisMinReplicas: number | 'auto';
  redisWaitTimeoutMs: number;
  breakerResetMs: number;
  workers: number;
  coverage: { url: string; ttlSeconds: number; maxStaleSeconds: number; timeoutMs: number; negativeTtlSeconds: number } | null;
  shutdownGraceMs: number;
  shutdownDrainMs: number;
  maxActiveFilings: number;
  nationalMessageTtlDays: number;
  /** Settlements written as the previous release reads them (during a rolling upgrade). */
  previousStoreFormat: boolean;
  /** Per caller key and process; null: off. */
  rateLimit: RateLimitSettings | null;
  load: LoadSettings;
  heavy: HeavySettings;
  /** The operations listener (/metrics, detailed /readyz); null: off. */
  metricsListener: { port: number; host: string } | null;
}

export interface RateLimitSettings {
  /** Requests a second, sustained. */
  perSecond: number;
  /** Requests beyond perSecond allowed within any 10-second window. */
  burst: number;
}

/** Requests with a large body (docs/bounds.md "heavy lane"); 0: no bound. */
export interface HeavySettings {
  /** In this process, all keys. */
  maxInFlight: number;
  /** In this process, per caller key. */
  maxInFlightPerKey: number;
}

export interface LoadSettings {
  /** 0: no bound. */
  maxInFlight: number;
  /** 0: not judged. */
  maxEventLoopDelayMs: number;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const result = envSchema.safeParse(env);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new ConfigError(`invalid configuration: ${issue.path.join('.') || 'environment'}: ${issue.message}`);
  }
  const e = result.data;
  // A commit and its WAIT share the Redis call's time limit.
  const waitTimeoutMs = e.REDIS_WAIT_TIMEOUT_MS ?? Math.max(1, Math.min(200, Math.floor(e.REDIS_TIMEOUT_MS / 2)));
  if (waitTimeoutMs >= e.REDIS_TIMEOUT_MS) {
    throw new ConfigError(`invalid configuration: REDIS_WAIT_TIMEOUT_MS (${waitTimeoutMs}) must be below REDIS_TIMEOUT_MS (${e.REDIS_TIMEOUT_MS})`);
  }
  let clusterNodes = e.REDIS_CLUSTER_NODES?.split(',');
  let url = e.REDIS_URL;
  let credentials: AppConfig['redis']['credentials'];
  if (url?.startsWith('redis-cluster://')) {
    let nodes = url.slice('redis-cluster://'.length);
    const at = nodes.lastIndexOf('@');
    if (at >= 0) {
      const [user = '', ...password] = nodes.slice(0, at).split(':');
      credentials = { username: user ? decodeURIComponent(user) : undefined, password: decodeURIComponent(password.join(':')) };
      nodes = nodes.slice(at + 1);
    }
    clusterNodes = nodes.split(',');
    url = undefined;
  }
  return {
    port: e.PORT,
    host: e.HOST,
    redis: { url: url ?? (clusterNodes ? undefined : 'redis://127.0.0.1:6379'), clusterNodes, credentials },
    apiKeysFile: e.API_KEYS_FILE,
    policyDir: e.POLICY_DIR,
    catalogueDir: e.CATALOGUE_DIR,
    logLevel: e.LOG_LEVEL,
    redisTimeoutMs: e.REDIS_TIMEOUT_MS,
    redisMinReplicas: e.REDIS_MIN_REPLICAS,
    redisWaitTimeoutMs: waitTimeoutMs,
    breakerResetMs: e.BREAKER_RESET_MS,
    workers: e.WORKERS === 'auto' ? os.availableParallelism() : e.WORKERS,
    coverage: e.COVERAGE_URL
      ? {
          url: e.COVERAGE_URL.replace(/\/+$/, ''),
          ttlSeconds: e.COVERAGE_TTL_S,
          maxStaleSeconds: e.COVERAGE_MAX_STALE_S,
          timeoutMs: e.COVERAGE_TIMEOUT_MS,
          negativeTtlSeconds: e.COVERAGE_NEGATIVE_TTL_S,
        }
      : null,
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    shutdownDrainMs: e.SHUTDOWN_DRAIN_MS,
    maxActiveFilings: e.MAX_ACTIVE_FILINGS,
    nationalMessageTtlDays: e.HSA_MESSAGE_TTL_DAYS,
    previousStoreFormat: e.STORE_WRITE_FORMAT === 'previous',
    rateLimit: e.RATE_LIMIT_RPS > 0 ? { perSecond: e.RATE_LIMIT_RPS, burst: e.RATE_LIMIT_BURST } : null,
    load: { maxInFlight: e.MAX_IN_FLIGHT, maxEventLoopDelayMs: e.MAX_EVENT_LOOP_DELAY_MS },
    heavy: { maxInFlight: e.MAX_HEAVY_IN_FLIGHT, maxInFlightPerKey: e.MAX_HEAVY_IN_FLIGHT_PER_KEY },
    metricsListener: e.METRICS_PORT > 0 ? { port: e.METRICS_PORT, host: e.METRICS_HOST } : null,
  };
}
