/** Configuration from the environment: the limits at the edges and Redis credentials. */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/ops/config.js';

const base = { API_KEYS_FILE: '/run/secrets/api-keys.json' };

describe('loadConfig', () => {
  it('defaults: a busy HIS batch per key, a bounded process, metrics on loopback', () => {
    const config = loadConfig(base);
    expect(config.rateLimit).toEqual({ perSecond: 100, burst: 200 });
    expect(config.load).toEqual({ maxInFlight: 1024, maxEventLoopDelayMs: 200 });
    expect(config.heavy).toEqual({ maxInFlight: 2, maxInFlightPerKey: 1 });
    expect(config.metricsListener).toEqual({ port: 9464, host: '127.0.0.1' });
  });

  it('0 switches each guard off', () => {
    const config = loadConfig({
      ...base,
      RATE_LIMIT_RPS: '0',
      MAX_IN_FLIGHT: '0',
      MAX_EVENT_LOOP_DELAY_MS: '0',
      MAX_HEAVY_IN_FLIGHT: '0',
      MAX_HEAVY_IN_FLIGHT_PER_KEY: '0',
      METRICS_PORT: '0',
    });
    expect(config.rateLimit).toBeNull();
    expect(config.load).toEqual({ maxInFlight: 0, maxEventLoopDelayMs: 0 });
    expect(config.heavy).toEqual({ maxInFlight: 0, maxInFlightPerKey: 0 });
    expect(config.metricsListener).toBeNull();
  });

  it('refuses negative, fractional or non-numeric limits', () => {
    for (const [name, value] of [
      ['RATE_LIMIT_RPS', '-1'],
      ['RATE_LIMIT_BURST', '1.5'],
      ['MAX_IN_FLIGHT', 'lots'],
      ['MAX_EVENT_LOOP_DELAY_MS', '-5'],
      ['MAX_HEAVY_IN_FLIGHT', '2.5'],
      ['MAX_HEAVY_IN_FLIGHT_PER_KEY', 'one'],
      ['METRICS_PORT', '65536'],
    ]) {
      expect(() => loadConfig({ ...base, [name!]: value }), name).toThrow(ConfigError);
      expect(() => loadConfig({ ...base, [name!]: value }), name).toThrow(new RegExp(`invalid configuration: ${name}`));
    }
  });

  it('a single server takes its credentials in REDIS_URL; a cluster in redis-cluster://user:password@nodes', () => {
    expect(loadConfig({ ...base, REDIS_URL: 'redis://settlement:s3cret@redis:6379' }).redis).toEqual({
      url: 'redis://settlement:s3cret@redis:6379',
      clusterNodes: undefined,
      credentials: undefined,
    });
    expect(loadConfig({ ...base, REDIS_URL: 'redis-cluster://settlement:p%40ss:word@h1:7000,h2:7001' }).redis).toEqual({
      url: undefined,
      clusterNodes: ['h1:7000', 'h2:7001'],
      credentials: { username: 'settlement', password: 'p@ss:word' },
    });
    expect(loadConfig({ ...base, REDIS_URL: 'redis-cluster://:only-a-password@h1:7000' }).redis.credentials).toEqual({ username: undefined, password: 'only-a-password' });
  });
});
