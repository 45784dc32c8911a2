/**
 * Fail fast, recover alone: every data-access call goes through an opossum
 * circuit breaker with a timeout suited to a sub-10 ms service. While Redis is
 * unreachable requests fail at once with UNAVAILABLE (503 + Retry-After); when
 * it returns, the half-open probe closes the breaker without a restart.
 */
import CircuitBreaker from 'opossum';
import { AppError, ReplicationUnconfirmedError, UnavailableError } from '../domain/errors.js';
import type { Metrics } from './metrics.js';

type Operation = () => Promise<unknown>;

export interface BreakerOptions {
  name: string;
  timeoutMs: number;
  resetTimeoutMs: number;
  /** Failing share of calls in the rolling window that opens the breaker. */
  errorThresholdPercentage?: number;
  /** Calls in the window before the percentage is judged. */
  volumeThreshold?: number;
}

export function createBreaker(options: BreakerOptions, metrics?: Metrics): CircuitBreaker<[Operation], unknown> {
  const breaker = new CircuitBreaker<[Operation], unknown>((operation: Operation) => operation(), {
    name: options.name,
    timeout: options.timeoutMs,
    resetTimeout: options.resetTimeoutMs,
    errorThresholdPercentage: options.errorThresholdPercentage ?? 50,
    volumeThreshold: options.volumeThreshold ?? 5,
    rollingCountTimeout: 10_000,
    rollingCountBuckets: 10,
    // Latency is measured by our own histogram. With these on, every second opossum
    // concatenates and sorts the window's latencies (tens of thousands under load)
    // to emit a snapshot nobody reads, a few ms of blocked event loop each time.
    rollingPercentilesEnabled: false,
    enableSnapshots: false,
    // Redis answered; only too few replicas confirmed in time (store/replication.ts): not a Redis failure.
    errorFilter: (error: unknown) => error instanceof ReplicationUnconfirmedError,
  });
  if (metrics) {
    const gauge = metrics.breakerState.labels({ breaker: options.name });
    gauge.set(0);
    breaker.on('close', () => gauge.set(0));
    breaker.on('halfOpen', () => gauge.set(1));
    breaker.on('open', () => gauge.set(2));
  }
  return breaker;
}

export function breakerState(breaker: CircuitBreaker<never[], unknown> | CircuitBreaker<[Operation], unknown>): 'closed' | 'half-open' | 'open' {
  return breaker.opened ? 'open' : breaker.halfOpen ? 'half-open' : 'closed';
}

/**
 * Wraps every async method of a data-access object: each call runs through the
 * breaker, is timed, and any failure becomes UnavailableError.
 */
export function guarded<T extends object>(target: T, breaker: CircuitBreaker<[Operation], unknown>, what: string, metrics?: Metrics, retryAfterSeconds = 1): T {
  // One wrapper per method, made on first use (not on every call).
  const wrappers = new Map<string, (...args: unknown[]) => Promise<unknown>>();
  const wrap = (method: (...a: unknown[]) => Promise<unknown>, name: string) => async (...args: unknown[]) => {
    const started = process.hrtime.bigint();
    let outcome = 'ok';
    try {
      return await breaker.fire(() => method.apply(target, args));
    } catch (error) {
      outcome = breaker.opened ? 'rejected' : 'error';
      // The store's own contract errors (e.g. ReplicationUnconfirmedError) keep their message.
      if (error instanceof AppError) throw error;
      throw new UnavailableError(`${what} is unavailable (${(error as Error).message}); nothing was recorded unless a retry with the same requestId says so`, retryAfterSeconds);
    } finally {
      metrics?.redisDuration.observe({ operation: name, outcome }, Number(process.hrtime.bigint() - started) / 1e9);
    }
  };
  return new Proxy(target, {
    get(object, property, receiver) {
      const value = Reflect.get(object, property, receiver);
      if (typeof value !== 'function' || typeof property !== 'string') return value;
      let wrapper = wrappers.get(property);
      if (!wrapper) wrappers.set(property, (wrapper = wrap(value as (...a: unknown[]) => Promise<unknown>, property)));
      return wrapper;
    },
  });
}
