/**
 * The Redis connection (one server or a Redis Cluster) and the Lua scripts,
 * loaded from ./scripts/<name>-<numKeys>.lua and defined as ioredis commands
 * (EVALSHA with automatic fallback to EVAL).
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Cluster, Redis, type ClusterNode, type RedisOptions } from 'ioredis';

export type RedisClient = Redis | Cluster;

export interface RedisConnectionOptions {
  /** redis://host:port[/db] for one server. */
  url?: string | undefined;
  /** host:port seed nodes of a Redis Cluster; when set, url is ignored. */
  clusterNodes?: string[] | undefined;
  /** ms before an unanswered command fails (ioredis commandTimeout). */
  commandTimeoutMs?: number | undefined;
  /** Queue commands while disconnected (false: fail fast). */
  offlineQueue?: boolean | undefined;
  connectionName?: string | undefined;
  /** An ACL user for every node of a cluster (a single server takes them from its url). */
  username?: string | undefined;
  password?: string | undefined;
}

const SCRIPT_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'scripts');

interface ScriptCommands {
  commitSettlement(...keysAndArgs: (string | Buffer)[]): Promise<[number, string?]>;
  reverseSettlement(...keysAndArgs: string[]): Promise<[number]>;
  putFiling(...keysAndArgs: string[]): Promise<number>;
  revokeFiling(...keysAndArgs: string[]): Promise<number>;
  specialDiseaseFiling(...keysAndArgs: string[]): Promise<number>;
  fenceClaim(...keysAndArgs: string[]): Promise<[number, string?]>;
  putFeeLines(...keysAndArgs: string[]): Promise<[number, string?]>;
  withdrawFeeLines(...keysAndArgs: string[]): Promise<[number, (number | string)?]>;
  replaceUnsettledEncounter(...keysAndArgs: string[]): Promise<[number, string?]>;
  compareAndSet(...keysAndArgs: string[]): Promise<[number, (string | null)?]>;
  archiveSettlement(...keysAndArgs: string[]): Promise<number>;
  archiveLedgerEntry(...keysAndArgs: string[]): Promise<number>;
  archiveDayEntry(...keysAndArgs: string[]): Promise<number>;
  compactLedger(...keysAndArgs: string[]): Promise<number>;
  forgetLedgerSlots(...keysAndArgs: string[]): Promise<number>;
  /** put-enrollees-n.lua: the number of keys first. */
  putEnrollees(numberOfKeys: number, ...keysAndArgs: string[]): Promise<number[]>;
  readPerson(...keysAndArgs: string[]): Promise<unknown[]>;
  readPersonYear(...keysAndArgs: string[]): Promise<[string[], string[]]>;
  holdStay(...keysAndArgs: string[]): Promise<unknown[]>;
}

export type ScriptedClient = RedisClient & ScriptCommands;

/** Every key matching `pattern` on the single Redis or every master of the cluster, a SCAN batch at a time, each batch sorted. */
export async function* scanKeys(redis: RedisClient, pattern: string): AsyncGenerator<string[]> {
  const nodes = redis instanceof Cluster ? redis.nodes('master') : [redis];
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, batch] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      if (batch.length) yield batch.sort();
    } while (cursor !== '0');
  }
}

/** Each script's source by command name (for pipelines that send EVALSHA/EVAL themselves: store/replication.ts). */
export const SCRIPT_SOURCES = new Map<string, { lua: string; sha: string; numberOfKeys: number }>();

function camelCase(name: string): string {
  return name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** A line `--#include <name>.lua` is replaced by scripts/include/<name>.lua: a check several scripts make is written once. */
function withIncludes(lua: string): string {
  return lua.replace(/^--#include ([a-z-]+\.lua)$/gm, (_, name: string) => readFileSync(path.join(SCRIPT_DIR, 'include', name), 'utf8').trimEnd());
}

/**
 * Defines every script of the directory on the client: `commit-settlement-5.lua` →
 * client.commitSettlement(5 keys, args…); `put-enrollees-n.lua` (a variable number of
 * keys) → client.putEnrollees(numberOfKeys, keys…, args…).
 */
export function defineScripts(client: RedisClient): ScriptedClient {
  for (const file of readdirSync(SCRIPT_DIR)) {
    const match = /^([a-z-]+)-(\d+|n)\.lua$/.exec(file);
    if (!match) continue;
    const lua = withIncludes(readFileSync(path.join(SCRIPT_DIR, file), 'utf8'));
    client.defineCommand(camelCase(match[1]!), { ...(match[2] === 'n' ? {} : { numberOfKeys: Number(match[2]) }), lua });
    if (match[2] !== 'n') SCRIPT_SOURCES.set(camelCase(match[1]!), { lua, sha: createHash('sha1').update(lua).digest('hex'), numberOfKeys: Number(match[2]) });
  }
  return client as ScriptedClient;
}

export function parseClusterNodes(spec: string): ClusterNode[] {
  return spec
    .split(',')
    .map((node) => node.trim().replace(/^redis(-cluster)?:\/\//, ''))
    .filter(Boolean)
    .map((node) => {
      const [host, port] = node.split(':');
      return { host: host || '127.0.0.1', port: Number(port || 6379) };
    });
}

export function createRedis(options: RedisConnectionOptions): ScriptedClient {
  const common: RedisOptions = {
    enableOfflineQueue: options.offlineQueue ?? true,
    commandTimeout: options.commandTimeoutMs,
    enableAutoPipelining: true,
    maxRetriesPerRequest: options.offlineQueue === false ? 0 : 20,
    connectionName: options.connectionName,
    ...(options.password !== undefined ? { username: options.username, password: options.password } : {}),
    // Reconnect quickly and keep trying: the breaker, not the client, decides when to fail requests.
    retryStrategy: (times) => Math.min(50 * times, 1000),
    lazyConnect: false,
  };
  let client: RedisClient;
  if (options.clusterNodes && options.clusterNodes.length > 0) {
    client = new Cluster(parseClusterNodes(options.clusterNodes.join(',')), {
      redisOptions: common,
      enableOfflineQueue: common.enableOfflineQueue,
      enableAutoPipelining: true,
      clusterRetryStrategy: (times) => Math.min(100 * times, 2000),
      slotsRefreshTimeout: 2000,
    });
  } else {
    client = new Redis(options.url ?? 'redis://127.0.0.1:6379', common);
  }
  return defineScripts(client);
}

/** Resolves once the client is connected (with the offline queue off, commands before that fail). */
export function whenReady(client: RedisClient, timeoutMs = 10_000): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`Redis not ready after ${timeoutMs} ms`));
    }, timeoutMs);
    const onReady = () => {
      cleanup();
      resolve();
    };
    const cleanup = () => {
      clearTimeout(timer);
      client.off('ready', onReady);
    };
    client.on('ready', onReady);
  });
}
