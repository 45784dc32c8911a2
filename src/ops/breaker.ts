/**
 * Fail fast, recover alone: every data-access call goes through an opossum
 * circuit breaker with a timeout suited to a sub-10 ms service. While Redis is
 * unreachable requests fail at once with UNAVAILABLE (503 + Retry-After); when
 * it returns, the half-open probe closes the breaker without a restart.
 *
 * The Redis breaker judges Redis's health, not one call's cost. What opens it:
 * connection errors (refused, reset, closed, offline), calls that outlive the
 * timeout while this process was free to read the answer, and replies in which
 * Redis says it cannot serve (LOADING, BUSY, OOM, READONLY, MASTERDOWN,
 * CLUSTERDOWN, TRYAGAIN, MOVED or ASK while a failover moves slots, MISCONF,
 * NOREPLICAS, NOAUTH, WRONGPASS). What does not:
 * our own typed errors (AppError: e.g. too few replicas confirming a write in
 * time, store/replication.ts — Redis itself answered), any other reply error (a script's error,
 * WRONGTYPE: Redis answered, so it is up), and a timeout while this process was
 * too busy to read the answer (answered 503 OVERLOADED instead).
 */
import CircuitBreaker from 'opossum';
import { ReplyError } from 'ioredis';
import { AppError, OverloadedError, UnavailableError } from '../domain/errors.js';
import { busySince, utilisationMark } from './load.js';
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
  /** True for an error that says nothing about the dependency's health (opossum errorFilter): it does not count as a failure. */
  notAFailure?: (error: unknown) => boolean;
}

/** A call that outlived its deadline; `busy`: this process ran code for most of the wait. */
export class DeadlineError extends Error {
  override name = 'DeadlineError';
  readonly code = 'ETIMEDOUT';
  constructor(
    timeoutMs: number,
    readonly busy: boolean,
  ) {
    super(`timed out after ${timeoutMs} ms${busy ? ' while this process was busy' : ''}`);
  }
}

/**
 * Runs the operation with a deadline. When the deadline passes, pending I/O
 * gets one turn of the event loop first (timers run before the poll phase, so
 * an answer already in the socket would otherwise lose to the timer): a busy
 * event loop must not pass for a slow dependency. An answer that is still not
 * there (under load ioredis may not even have sent an auto-pipelined command,
 * which it does from a setImmediate) is judged by how busy the process was.
 */
export function withDeadline<T>(operation: () => Promise<T>, timeoutMs: number): Promise<T> {
  const mark = utilisationMark();
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    let late = false;
    const giveUp = () => {
      settled = true;
      reject(new DeadlineError(timeoutMs, busySince(mark)));
    };
    const timer = setTimeout(() => {
      late = true;
      setImmediate(() => {
        if (!settled) giveUp();
      });
    }, timeoutMs);
    let pending: Promise<T>;
    try {
      pending = operation();
    } catch (error) {
      pending = Promise.reject(error);
    }
    pending.then(
      (value) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        if (settled) return;
        // Past the deadline, a failure is the deadline's (the client's own command timeout, a backstop, fires in the same turn).
        if (late) return giveUp();
        settled = true;
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/** Reply errors in which Redis says it cannot serve now: these are about its health. */
const UNHEALTHY_REPLY = /^(LOADING|BUSY|OOM|READONLY|MASTERDOWN|CLUSTERDOWN|TRYAGAIN|MOVED|ASK|MISCONF|NOREPLICAS|NOAUTH|WRONGPASS)\b/;

function isReplyError(error: unknown): error is Error {
  return error instanceof (ReplyError as new () => Error);
}

/** The Redis breaker's errorFilter: true when the error says nothing bad about Redis's health. */
export function notARedisFailure(error: unknown): boolean {
  if (error instanceof AppError) return true;
  if (error instanceof DeadlineError) return error.busy;
  if (isReplyError(error)) return !UNHEALTHY_REPLY.test(error.message);
  return false;
}

export function createBreaker(options: BreakerOptions, metrics?: Metrics): CircuitBreaker<[Operation], unknown> {
  const { timeoutMs } = options;
  const breaker = new CircuitBreaker<[Operation], unknown>((operation: Operation) => withDeadline(operation, timeoutMs), {
    name: options.name,
    // The deadline is withDeadline's, which lets a pending answer be read before it gives up.
    timeout: false,
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
    ...(options.notAFailure ? { errorFilter: options.notAFailure } : {}),
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
 * breaker and is timed. Our own typed errors pass through unchanged; a reply
 * error that is not about Redis's health becomes a plain error (500, logged,
 * without the command's arguments, which hold keys); a deadline missed while
 * the process was busy becomes OverloadedError; anything else UnavailableError.
 */
export function guarded<T extends object>(target: T, breaker: CircuitBreaker<[Operation], unknown>, what: string, metrics?: Metrics, retryAfterSeconds = 1): T {
  // One wrapper per method, made on first use (not on every call).
  const wrappers = new Map<string, (...args: unknown[]) => Promise<unknown>>();
  const wrap =
    (method: (...a: unknown[]) => Promise<unknown>, name: string) =>
    async (...args: unknown[]) => {
      const started = process.hrtime.bigint();
      let outcome = 'ok';
      try {
        return await breaker.fire(() => method.apply(target, args));
      } catch (error) {
        if (error instanceof AppError) {
          outcome = 'refused';
          throw error;
        }
        if (isReplyError(error) && notARedisFailure(error)) {
          outcome = 'refused';
          throw new Error(`${what} refused the command: ${error.message}`);
        }
        if (error instanceof DeadlineError && error.busy) {
          outcome = 'busy';
          // Counted with the other sheds: every 503 OVERLOADED an operator sees has its reason in one counter.
          metrics?.rejected.inc({ reason: 'overloaded-redis-deadline' });
          throw new OverloadedError(
            `this process is too busy: the ${what} answer was not read in time; nothing was recorded unless a retry with the same requestId says so`,
            retryAfterSeconds,
          );
        }
        outcome = breaker.opened ? 'rejected' : 'error';
        throw new UnavailableError(`${what} is unavailable (${(error as Error).message}); nothing was recorded unless a retry with the same requestId says so`, retryAfterSeconds);
      } finally {
        metrics?.observeRedis(name, outcome, Number(process.hrtime.bigint() - started) / 1e9);
      }
    };
  return new Proxy(target, {
    get(object, property, receiver) {
      const value = Reflect.get(object, property, receiver);
      if (typeof value !== 'function' || typeof property !== 'string') return value;
      // Methods that do no I/O of their own (a class lists them in `localMethods`) are called as they are.
      if ((object.constructor as { localMethods?: readonly string[] }).localMethods?.includes(property)) return value.bind(object);
      let wrapper = wrappers.get(property);
      if (!wrapper) wrappers.set(property, (wrapper = wrap(value as (...a: unknown[]) => Promise<unknown>, property)));
      return wrapper;
    },
  });
}
