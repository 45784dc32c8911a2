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
 * - the heavy lane: a body over HEAVY_BODY_BYTES (by Content-Length, or a
 *   chunked body once that much has arrived) needs a heavy slot: at most
 *   `heavy.maxInFlightPerKey` per key (else 429) and `heavy.maxInFlight` in
 *   the process (else 503 OVERLOADED), so large bills queue at their senders,
 *   not in this event loop.
 * - items: after parsing, a bill's lines and a reconciliation's rows cost
 *   one point per ITEMS_PER_POINT (less what the bytes already cost), at most
 *   what the rate and burst allow at once, so the largest bill still passes.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { BurstyRateLimiter, RLWrapperTimeouts, RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { OverloadedError, RateLimitedError } from '../domain/errors.js';
import { say } from '../messages/index.js';
import type { HeavySettings, RateLimitSettings } from '../ops/config.js';
import type { Metrics } from '../ops/metrics.js';
import type { Cluster, Redis } from 'ioredis';

const BURST_WINDOW_S = 10;
/** Body bytes that cost one more point (about 40 fee lines or 100 reconciliation rows). */
export const WORK_UNIT_BYTES = 16 * 1024;
/** A body larger than this needs a heavy slot (every route but the bills' and the platform's takes at most this). */
export const HEAVY_BODY_BYTES = 64 * 1024;
/**
 * Fee lines (or reconciliation rows) that cost one point. Measured (bench:attack):
 * a 5,000-line preview takes the server's CPU of about 30 small ones (166–175
 * lines a point); its heap churn, whose collections pause everyone, is not in
 * that, so a point is 100 lines: a 5,000-line bill costs 50, about what its bytes do.
 */
export const ITEMS_PER_POINT = 100;
export const DEFAULT_HEAVY: HeavySettings = { maxInFlight: 2, maxInFlightPerKey: 1 };
/** How long the shared counters may take before this process's own count stands in. */
const REDIS_LIMIT_TIMEOUT_MS = 50;

declare module 'express-serve-static-core' {
  interface Request {
    /** Raw bytes of the body as read (set by the body parsers' verify hook). */
    bodyBytes?: number;
    /** Points this request has cost beyond its first (its body, then its items). */
    pointsCharged?: number;
  }
}

/** Records the raw body's size for the work charge (the body parsers' `verify` option). */
export function noteBodyBytes(req: Request, _res: Response, body: Buffer): void {
  req.bodyBytes = body.length;
}

export interface KeyBudget {
  /** Rate, in-flight cap and, for a large declared body, a heavy slot: before any body is read. */
  admit: (req: Request, res: Response, next: NextFunction) => void;
  /** Wraps a body parser: a chunked body needs a heavy slot once it passes HEAVY_BODY_BYTES. */
  watchBody: (parser: RequestHandler) => RequestHandler;
  /** Charges the body just read (after a body parser). */
  chargeBody: (req: Request, res: Response, next: NextFunction) => void;
  /** Charges a parsed body's items (fee lines, rows); rejects with RateLimitedError past the key's share. */
  chargeItems: (req: Request, items: number, what: ItemKind) => Promise<void>;
}

export type ItemKind = 'lines' | 'rows';

export interface KeyBudgetOptions {
  rate: RateLimitSettings | null | undefined;
  perKeyInFlight: number;
  /** Absent: DEFAULT_HEAVY. */
  heavy?: HeavySettings | undefined;
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

/** Large bodies in flight, per key and in all: a slot is taken before the body is read and freed when the answer is done. */
class HeavyLane {
  private readonly byKey = new Map<string, number>();
  private total = 0;

  constructor(
    private readonly settings: HeavySettings,
    private readonly metrics: Metrics | undefined,
  ) {}

  /** Takes a slot for the request (freed when its answer closes), or says why not. */
  take(key: string, res: Response): RateLimitedError | OverloadedError | null {
    const { maxInFlightPerKey, maxInFlight } = this.settings;
    const held = this.byKey.get(key) ?? 0;
    if (maxInFlightPerKey > 0 && held >= maxInFlightPerKey) {
      this.metrics?.rejected.labels({ reason: 'key-heavy' }).inc();
      return new RateLimitedError(
        `this key has ${held} requests with a body over ${HEAVY_BODY_BYTES / 1024} kB in flight (at most ${maxInFlightPerKey}); wait for their answers`,
        1,
      );
    }
    if (maxInFlight > 0 && this.total >= maxInFlight) {
      this.metrics?.rejected.labels({ reason: 'overloaded-heavy' }).inc();
      return new OverloadedError(`the service is too busy (${this.total} requests with a large body in flight); nothing was done, retry shortly`, 1);
    }
    this.byKey.set(key, held + 1);
    this.total++;
    res.once('close', () => {
      this.total--;
      const left = (this.byKey.get(key) ?? 1) - 1;
      if (left > 0) this.byKey.set(key, left);
      else this.byKey.delete(key);
    });
    return null;
  }
}

declare module 'express-serve-static-core' {
  interface Request {
    /** Whether this request holds a heavy slot. */
    heavySlot?: boolean;
  }
}

export function keyBudget(options: KeyBudgetOptions): KeyBudget {
  const { rate, perKeyInFlight, metrics } = options;
  const limiter = rate ? limiterOf(rate, options.redis) : null;
  const rateLimited = metrics?.rejected.labels({ reason: 'rate-limited' });
  const tooMany = metrics?.rejected.labels({ reason: 'key-in-flight' });
  const heavy = new HeavyLane(options.heavy ?? DEFAULT_HEAVY, metrics);
  // The most one consume may take: more would never pass (the burst is tried when the rate alone refuses).
  const mostAtOnce = rate ? Math.max(rate.perSecond, rate.burst) : 0;
  const inFlight = new Map<string, number>();
  const refusal = (rejection: RateLimiterRes) =>
    new RateLimitedError(
      `this key may spend ${rate!.perSecond} points a second (and ${rate!.burst} more within ${BURST_WINDOW_S} s): a request is one, and each ${WORK_UNIT_BYTES / 1024} kB of body one more; retry later`,
      Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)),
    );
  const consumeOrReject = (key: string, points: number): Promise<RateLimiterRes | RateLimitedError> =>
    limiter!.consume(key, points).then(
      (granted) => granted,
      (rejection: unknown) => {
        if (!(rejection instanceof RateLimiterRes)) throw rejection;
        rateLimited?.inc();
        return refusal(rejection);
      },
    );
  const consume = (key: string, points: number, next: NextFunction) => {
    consumeOrReject(key, points).then((outcome) => next(outcome instanceof RateLimitedError ? outcome : undefined), next);
  };
  const refuseUnread = (res: Response, next: NextFunction, error: Error) => {
    res.shouldKeepAlive = false; // its body is not read: the connection cannot be reused
    next(error);
  };
  return {
    admit(req, res, next) {
      // authenticate() ran first: without a caller the request was already answered 401.
      const key = req.caller!.id;
      const held = inFlight.get(key) ?? 0;
      if (perKeyInFlight > 0 && held >= perKeyInFlight) {
        tooMany?.inc();
        return refuseUnread(res, next, new RateLimitedError(`this key has ${held} requests in flight (at most ${perKeyInFlight}); wait for their answers`, 1));
      }
      if (Number(req.headers['content-length'] ?? 0) > HEAVY_BODY_BYTES) {
        const refused = heavy.take(key, res);
        if (refused) return refuseUnread(res, next, refused);
        req.heavySlot = true;
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
    watchBody(parser) {
      return (req, res, next) => {
        if (req.heavySlot || req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] === undefined) return parser(req, res, next);
        // Chunked: its size shows as it arrives. Counted beside the parser (both listen from the same tick).
        let answered = false;
        const once = (error?: unknown) => {
          if (answered) return;
          answered = true;
          req.off('data', count);
          next(error);
        };
        let bytes = 0;
        const count = (chunk: Buffer) => {
          bytes += chunk.length;
          if (bytes <= HEAVY_BODY_BYTES || req.heavySlot) return;
          const refused = heavy.take(req.caller!.id, res);
          if (refused === null) {
            req.heavySlot = true;
            return;
          }
          // The rest is not read; the parser's own end (the connection closes) is ignored.
          req.pause();
          refuseUnread(res, once, refused);
        };
        req.on('data', count);
        parser(req, res, once);
      };
    },
    chargeBody(req, _res, next) {
      const extra = Math.floor((req.bodyBytes ?? 0) / WORK_UNIT_BYTES);
      if (!limiter || extra === 0) return next();
      req.pointsCharged = extra;
      consume(req.caller!.id, extra, next);
    },
    async chargeItems(req, items, what) {
      if (!limiter) return;
      const points = Math.min(mostAtOnce, Math.ceil(items / ITEMS_PER_POINT));
      const extra = points - (req.pointsCharged ?? 0);
      if (extra <= 0) return;
      req.pointsCharged = points;
      const outcome = await consumeOrReject(req.caller!.id, extra);
      if (!(outcome instanceof RateLimitedError)) return;
      const params = {
        items,
        what: say(`bounds.items.${what}`, {}, 'en'),
        perPoint: ITEMS_PER_POINT,
        points,
        perSecond: rate!.perSecond,
        burst: rate!.burst,
        retry: outcome.retryAfterSeconds,
      };
      const error = new RateLimitedError(say('bounds.itemsCharged', { ...params }, 'en'), outcome.retryAfterSeconds);
      error.zh = { message: say('bounds.itemsCharged', { ...params, what: say(`bounds.items.${what}`) }) };
      throw error;
    },
  };
}
