/** Configuration from the environment, validated at start: the server refuses to start with a one-line reason. */
import os from 'node:os';
import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();

const envSchema = z.object({
  PORT: port.default(8080),
  HOST: z.string().default('0.0.0.0'),
  REDIS_URL: z.string().regex(/^(rediss?|redis-cluster):\/\//, 'expected redis://host:port or redis-cluster://host:port,…').optional(),
  REDIS_CLUSTER_NODES: z.string().regex(/^[^,\s]+:\d+(,[^,\s]+:\d+)*$/, 'expected host:port[,host:port…]').optional(),
  API_KEYS_FILE: z.string().min(1, 'API_KEYS_FILE is required: the JSON file of caller key hashes (api.md)'),
  POLICY_DIR: z.string().default('config/policies'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** ms a Redis command may take before it counts as failed */
  REDIS_TIMEOUT_MS: positiveInt.default(500),
  /** Replicas a commit or reversal must reach before it is answered; auto: 1 when the deployment has replicas at start, else 0 */
  REDIS_MIN_REPLICAS: z.union([z.literal('auto'), z.coerce.number().int().min(0).max(10)]).default('auto'),
  /** ms WAIT gives the replicas before the answer is 503 "result unknown" */
  REDIS_WAIT_TIMEOUT_MS: positiveInt.default(200),
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
  /** ms between readiness turning 503 and the listener closing, for load balancers to notice */
  SHUTDOWN_DRAIN_MS: z.coerce.number().int().min(0).default(0),
});

export interface AppConfig {
  port: number;
  host: string;
  redis: { url: string | undefined; clusterNodes: string[] | undefined };
  apiKeysFile: string;
  policyDir: string;
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
  if (e.REDIS_WAIT_TIMEOUT_MS >= e.REDIS_TIMEOUT_MS) {
    throw new ConfigError(`invalid configuration: REDIS_WAIT_TIMEOUT_MS (${e.REDIS_WAIT_TIMEOUT_MS}) must be below REDIS_TIMEOUT_MS (${e.REDIS_TIMEOUT_MS})`);
  }
  let clusterNodes = e.REDIS_CLUSTER_NODES?.split(',');
  let url = e.REDIS_URL;
  if (url?.startsWith('redis-cluster://')) {
    clusterNodes = url.slice('redis-cluster://'.length).split(',');
    url = undefined;
  }
  return {
    port: e.PORT,
    host: e.HOST,
    redis: { url: url ?? (clusterNodes ? undefined : 'redis://127.0.0.1:6379'), clusterNodes },
    apiKeysFile: e.API_KEYS_FILE,
    policyDir: e.POLICY_DIR,
    logLevel: e.LOG_LEVEL,
    redisTimeoutMs: e.REDIS_TIMEOUT_MS,
    redisMinReplicas: e.REDIS_MIN_REPLICAS,
    redisWaitTimeoutMs: e.REDIS_WAIT_TIMEOUT_MS,
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
  };
}
