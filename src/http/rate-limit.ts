/**
 * What one caller key may cost (docs/bounds.md), held after authentication,
 * so only known keys (a bounded set) ever get a counter:
 *
 * - a rate: `perSecond` points a second and, beyond that, `burst` more within
 *   any 10-second window. A request costs one point, and its body one more per
 *   WORK_UNIT_BYTES read (lines and rows are bytes: a 5,000-line upload costs
 *   what ~60 small requests do). Past it: 429 RATE_LIMITED with Retry-After.
 *   Counters live in Redis (RateLimiterRedis), so the limit holds per
 *   deployment whatever WORKERS is; when Redis answers late or not at all an
 *   in-memory limiter of this process stands in (insurance).
 * - requests in flight: at most `perKeyInFlight` at once in this process,
 *   bodies still arriving included; past it 429 at once, before any body is
 *   read, so one key cannot hold the process's request slots.
 */
import type { NextFunction, Request, Response } from 'express';
import { BurstyRateLimiter, RLWrapperTimeouts, RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { RateLimitedError } from '../domain/errors.js';
import type { RateLimitSettings } from '../ops/config.js';
import type { Metrics } from '../ops/metrics.js';
import type { Cluster, Redis } from 'ioredis';

const BURST_WINDOW_S = 10;
/** Body bytes that cost one more point (about 40 fee lines or 100 reconciliation rows). */
export const WORK_UNIT_BYTES = 16 * 1024;
/** How long the shared counters may take before this process's own count stands in. */
const REDIS_LIMIT_TIMEOUT_MS = 50;

declare module 'express-serve-static-core' {
  interface Request {
    /** Raw bytes of the body as read (set by the body parsers' verify hook). */
    bodyBytes?: number;
  }
}

/** Records the raw body's size for the work charge (the body parsers' `verify` option). */
export function noteBodyBytes(req: Request, _res: Response, body: Buffer): void {
  req.bodyBytes = body.length;
}

export interface KeyBudget {
  /** Rate and in-flight cap: before any body is read. */
  admit: (req: Request, res: Response, next: NextFunction) => void;
  /** Charges the body just read (after a body parser). */
  chargeBody: (req: Request, res: Response, next: NextFunction) => void;
}

export interface KeyBudgetOptions {
  rate: RateLimitSettings | null | undefined;
  perKeyInFlight: number;
  /** Where the rate's counters are shared; absent: this process only. */
  redis?: Redis | Cluster | undefined;
  metrics?: Metrics | undefined;
}

function limiterOf(rate: RateLimitSettings, redis: Redis | Cluster | undefined): RateLimiterAbstract {
  const one = (keyPrefix: string, points: number, duration: number): RateLimiterAbstract => {
    const memory = new RateLimiterMemory({ keyPrefix, points, duration });
    if (!redis) return memory;
    const shared = new RateLimiterRedis({ storeClient: redis, useRedisPackage: false, keyPrefix: `ratelimit:${keyPrefix}`, points, duration, rejectIfRedisNotReady: true });
    return new RLWrapperTimeouts({ limiter: shared, timeoutMs: REDIS_LIMIT_TIMEOUT_MS, insuranceLimiter: memory }) as unknown as RateLimiterAbstract;
  };
  const steady = one('rps', rate.perSecond, 1);
  return rate.burst > 0 ? (new BurstyRateLimiter(steady, one('burst', rate.burst, BURST_WINDOW_S)) as unknown as RateLimiterAbstract) : steady;
}

export function keyBudget(options: KeyBudgetOptions): KeyBudget {
  const { rate, perKeyInFlight, metrics } = options;
  const limiter = rate ? limiterOf(rate, options.redis) : null;
  const rateLimited = metrics?.rejected.labels({ reason: 'rate-limited' });
  const tooMany = metrics?.rejected.labels({ reason: 'key-in-flight' });
  const inFlight = new Map<string, number>();
  const refusal = (rejection: RateLimiterRes) =>
    new RateLimitedError(
      `this key may spend ${rate!.perSecond} points a second (and ${rate!.burst} more within ${BURST_WINDOW_S} s): a request is one, and each ${WORK_UNIT_BYTES / 1024} kB of body one more; retry later`,
      Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)),
    );
  const consume = (key: string, points: number, next: NextFunction) => {
    limiter!.consume(key, points).then(
      () => next(),
      (rejection: unknown) => {
        if (!(rejection instanceof RateLimiterRes)) return next(rejection);
        rateLimited?.inc();
        next(refusal(rejection));
      },
    );
  };
  return {
    admit(req, res, next) {
      // authenticate() ran first: without a caller the request was already answered 401.
      const key = req.caller!.id;
      const held = inFlight.get(key) ?? 0;
      if (perKeyInFlight > 0 && held >= perKeyInFlight) {
        tooMany?.inc();
        res.shouldKeepAlive = false; // its body is not read: the connection cannot be reused
        return next(new RateLimitedError(`this key has ${held} requests in flight (at most ${perKeyInFlight}); wait for their answers`, 1));
      }
      inFlight.set(key, held + 1);
      res.once('close', () => {
        const left = (inFlight.get(key) ?? 1) - 1;
        if (left > 0) inFlight.set(key, left);
        else inFlight.delete(key);
      });
      if (!limiter) return next();
      consume(key, 1, next);
    },
    chargeBody(req, _res, next) {
      const extra = Math.floor((req.bodyBytes ?? 0) / WORK_UNIT_BYTES);
      if (!limiter || extra === 0) return next();
      consume(req.caller!.id, extra, next);
    },
  };
}
