/**
 * Per-key rate limits (rate-limiter-flexible, in memory): each caller key may
 * send `perSecond` requests a second and, beyond that, `burst` more within any
 * 10-second window (a HIS batch starting up). Past that: 429 RATE_LIMITED with
 * Retry-After. Counters live in this process: with WORKERS=N a key gets N
 * times the limit per host. Runs after authentication, so only known keys
 * (a bounded set) ever get a counter; unauthenticated requests never reach it.
 */
import type { NextFunction, Request, Response } from 'express';
import { BurstyRateLimiter, RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { RateLimitedError } from '../domain/errors.js';
import type { RateLimitSettings } from '../ops/config.js';
import type { Metrics } from '../ops/metrics.js';

const BURST_WINDOW_S = 10;

export function limitPerKey(settings: RateLimitSettings, metrics?: Metrics) {
  const steady = new RateLimiterMemory({ keyPrefix: 'rps', points: settings.perSecond, duration: 1 });
  const limiter =
    settings.burst > 0 ? new BurstyRateLimiter(steady, new RateLimiterMemory({ keyPrefix: 'burst', points: settings.burst, duration: BURST_WINDOW_S })) : steady;
  const rejected = metrics?.rejected.labels({ reason: 'rate-limited' });
  return (req: Request, _res: Response, next: NextFunction): void => {
    // authenticate() ran first: without a caller the request was already answered 401.
    const key = req.caller!.id;
    limiter.consume(key).then(
      () => next(),
      (rejection: unknown) => {
        if (!(rejection instanceof RateLimiterRes)) return next(rejection);
        rejected?.inc();
        next(
          new RateLimitedError(
            `this key may send ${settings.perSecond} requests a second (and ${settings.burst} more within ${BURST_WINDOW_S} s); retry later`,
            Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)),
          ),
        );
      },
    );
  };
}
