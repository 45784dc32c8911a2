/**
 * The Redis breaker judges Redis's health, not one call's cost (a busy process is not a sick Redis):
 * reply errors and our own typed errors do not open it; an answer that sat
 * unread while the process was busy is still read; a timeout while the
 * process was busy is OVERLOADED and does not count; a Redis that does not
 * answer while the process is idle does open it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotFoundError, OverloadedError, UnavailableError } from '../../src/domain/errors.js';
import { createBreaker, guarded, notARedisFailure } from '../../src/ops/breaker.js';
import { createRedis, whenReady, type ScriptedClient } from '../../src/store/redis.js';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';

const TIMEOUT_MS = 150;
let server: RedisServer;
let redis: ScriptedClient;
let admin: ScriptedClient;

beforeAll(async () => {
  server = await startRedis();
  redis = createRedis({ url: server.url, offlineQueue: false, commandTimeoutMs: TIMEOUT_MS * 20 });
  admin = createRedis({ url: server.url, offlineQueue: false });
  await Promise.all([whenReady(redis), whenReady(admin)]);
});
afterAll(async () => {
  redis?.disconnect();
  admin?.disconnect();
  await server?.stop();
});

function storage() {
  const breaker = createBreaker({ name: 'redis', timeoutMs: TIMEOUT_MS, resetTimeoutMs: 60_000, notAFailure: notARedisFailure });
  const target = {
    scriptError: () => redis.eval("return redis.error_reply('ERR something in the script')", 0),
    wrongType: async () => {
      await redis.set('breaker-test:string', 'x');
      return redis.hgetall('breaker-test:string');
    },
    notFound: async () => {
      throw new NotFoundError('no such settlement');
    },
    loading: () => redis.eval("return redis.error_reply('LOADING Redis is loading the dataset in memory')", 0),
    ping: () => redis.ping(),
    // Not auto-pipelined: written to the socket at once (ioredis sends auto-pipelined commands from a setImmediate).
    clientId: () => redis.client('ID'),
  };
  return { breaker, store: guarded(target, breaker, 'storage') };
}

/** Keeps the event loop busy for ms: the process's own work, not Redis's. */
function busyFor(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

describe('the Redis breaker', () => {
  it('a stream of script reply errors, WRONGTYPE replies and typed errors does not open it', async () => {
    const { breaker, store } = storage();
    for (let i = 0; i < 20; i++) {
      const scriptError = await rejectionOf(store.scriptError());
      expect(scriptError).not.toBeInstanceOf(UnavailableError);
      expect((scriptError as Error).message).toMatch(/something in the script/);
      expect(await rejectionOf(store.wrongType())).not.toBeInstanceOf(UnavailableError);
      // Our own typed errors pass through unchanged.
      expect(await rejectionOf(store.notFound())).toBeInstanceOf(NotFoundError);
    }
    expect(breaker.closed).toBe(true);
    expect(breaker.stats.failures).toBe(0);
    breaker.shutdown();
  });

  it('replies in which Redis says it cannot serve do open it (they are about its health)', async () => {
    const { breaker, store } = storage();
    for (let i = 0; i < 10; i++) expect(await rejectionOf(store.loading())).toBeInstanceOf(UnavailableError);
    expect(breaker.opened).toBe(true);
    breaker.shutdown();
  });

  it('an answer that arrived while the process was busy past the deadline is still read', async () => {
    const { breaker, store } = storage();
    const outcomes: string[] = [];
    // More calls than the breaker's volume threshold (5): before, each was a timeout and the breaker opened.
    for (let i = 0; i < 6; i++) {
      const answer = store.clientId().then(
        () => 'answered',
        (error: Error) => error.constructor.name,
      );
      busyFor(TIMEOUT_MS * 4); // the reply lands in the socket meanwhile, unread
      outcomes.push(await answer);
    }
    // On a crowded machine Redis itself may not have answered yet: then the busy process says OVERLOADED, never UNAVAILABLE.
    expect(
      outcomes.every((o) => o === 'answered' || o === 'OverloadedError'),
      outcomes.join(),
    ).toBe(true);
    expect(outcomes).toContain('answered');
    expect(breaker.closed).toBe(true);
    expect(breaker.stats.failures).toBe(0);
    breaker.shutdown();
  });

  it('a Redis that does not answer while the process is busy: OVERLOADED, and the breaker stays closed', async () => {
    const { breaker, store } = storage();
    for (let i = 0; i < 6; i++) {
      await admin.call('CLIENT', 'PAUSE', String(TIMEOUT_MS * 4), 'ALL');
      const answer = rejectionOf(store.ping());
      busyFor(TIMEOUT_MS * 2);
      expect(await answer).toBeInstanceOf(OverloadedError);
      await admin.call('CLIENT', 'UNPAUSE');
    }
    expect(breaker.closed).toBe(true);
    breaker.shutdown();
  });

  it('a Redis that does not answer while the process is idle: UNAVAILABLE, and the breaker opens', async () => {
    const { breaker, store } = storage();
    await admin.call('CLIENT', 'PAUSE', String(TIMEOUT_MS * 12), 'ALL');
    try {
      for (let i = 0; i < 6 && !breaker.opened; i++) expect(await rejectionOf(store.ping())).toBeInstanceOf(UnavailableError);
      expect(breaker.opened).toBe(true);
    } finally {
      await admin.call('CLIENT', 'UNPAUSE');
      breaker.shutdown();
    }
  });
});
