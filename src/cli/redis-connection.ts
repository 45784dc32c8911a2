/**
 * How an operator tool (dist/cli/*) reaches Redis: REDIS_URL or
 * REDIS_CLUSTER_NODES read exactly as the server reads them (loadConfig). A
 * tool that cannot connect says which address it tried (password hidden) and
 * how to give it another, instead of a bare "not reachable".
 */
import { type ConfigError, loadConfig } from '../ops/config.js';
import { createRedis, whenReady, type ScriptedClient } from '../store/redis.js';

/** Connection errors before a tool stops retrying (ioredis retries after 50, 100, 150 … ms). */
const GIVE_UP_AFTER_ERRORS = 6;

export interface RedisTarget {
  url: string | undefined;
  clusterNodes: string[] | undefined;
  credentials: { username: string | undefined; password: string } | undefined;
  /** What was tried, for messages: the URL with any password replaced by ***. */
  shown: string;
}

export const HOW_TO_SET_REDIS =
  'Set REDIS_URL=redis://[user:password@]host:port (one server) or redis-cluster://[user:password@]h1:p1,h2:p2 (a cluster).\n' +
  '  Against `npm run local`: the REDIS_URL it printed. In production: docker compose run --rm settlement node dist/cli/<tool>.js …\n' +
  '  (the container has the service\'s REDIS_URL from secrets/settlement.env and is on Redis\'s network; docs/deploy.md "Operator tools").';

function hidePassword(url: string): string {
  return url.replace(/^([a-z-]+:\/\/)([^@/]*:)[^@]*@/i, '$1$2***@');
}

/** Throws ConfigError for a malformed REDIS_URL or REDIS_CLUSTER_NODES, naming the variable. */
export function redisTarget(env: NodeJS.ProcessEnv = process.env): RedisTarget {
  // API_KEYS_FILE is the server's and required there; the tools never read it.
  const { redis } = loadConfig({ ...env, API_KEYS_FILE: env.API_KEYS_FILE || 'unused-by-tools' });
  const shown = env.REDIS_URL
    ? hidePassword(env.REDIS_URL)
    : redis.clusterNodes
      ? `REDIS_CLUSTER_NODES=${redis.clusterNodes.join(',')}`
      : `${redis.url} (the default: REDIS_URL is not set)`;
  return { ...redis, shown };
}

export interface ToolRedisOptions {
  connectionName: string;
  commandTimeoutMs: number;
  offlineQueue?: boolean;
  readyTimeoutMs?: number;
}

/** Connected, or a message for the operator: the address tried, why it failed, and how to set another. */
export async function connectToolRedis(tool: string, options: ToolRedisOptions, env: NodeJS.ProcessEnv = process.env): Promise<ScriptedClient> {
  let target: RedisTarget;
  try {
    target = redisTarget(env);
  } catch (error) {
    throw new ToolRedisError(`${tool}: ${(error as ConfigError).message}\n  ${HOW_TO_SET_REDIS}`);
  }
  const redis = createRedis({
    url: target.url,
    clusterNodes: target.clusterNodes,
    username: target.credentials?.username,
    password: target.credentials?.password,
    commandTimeoutMs: options.commandTimeoutMs,
    offlineQueue: options.offlineQueue ?? true,
    connectionName: options.connectionName,
  });
  let lastError = '';
  let errors = 0;
  let refused: () => void = () => undefined;
  const gaveUp = new Promise<never>((_, reject) => {
    refused = () => reject(new Error(lastError));
  });
  gaveUp.catch(() => undefined);
  redis.on('error', (error: Error) => {
    lastError = error.message;
    // A wrong address fails the same way each time: after a few quick retries (~1 s) say so, rather than wait out the timeout.
    if (++errors === GIVE_UP_AFTER_ERRORS) refused();
  });
  try {
    await Promise.race([whenReady(redis, options.readyTimeoutMs ?? 10_000), gaveUp]);
  } catch (error) {
    redis.disconnect();
    throw new ToolRedisError(`${tool}: cannot reach Redis at ${target.shown}: ${lastError || (error as Error).message}\n  ${HOW_TO_SET_REDIS}`);
  }
  return redis;
}

export class ToolRedisError extends Error {}
