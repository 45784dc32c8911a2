/**
 * One middleware observes every request: the request id (X-Request-Id, or a
 * new one; echoed back), one JSON log line when the answer is sent (card
 * masked), the duration histogram, and Connection: close while shutting down.
 *
 * The logged URL of a matched route is rebuilt from the route's pattern and
 * parameters (rememberMatch records them as the route's first handler: Express
 * restores req.params and req.baseUrl when an error leaves the router), so the
 * card is masked wherever it sits; an unmatched URL has every segment and
 * query value that could be a card masked.
 *
 * pino-http was measured first: its per-request child logger and serializer
 * wrapping cost about 8% of the service's CPU under load, so the line is
 * written here by one child of the shared logger (same destination), made
 * once, with no per-request allocation beyond the line itself.
 */
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { maskUnmatchedUrl, requestIdOf, routeUrl } from '../ops/logger.js';
import type { Metrics } from '../ops/metrics.js';

declare module 'express-serve-static-core' {
  interface Request {
    id?: string;
    /** The route that matched (pattern with the mount path) and its parameters. */
    matched?: { pattern: string; params: Readonly<Record<string, unknown>> };
  }
}

/** First handler of every route: remembers what matched, for the log line and the duration metric. */
export function rememberMatch(req: Request, _res: Response, next: NextFunction): void {
  req.matched = { pattern: `${req.baseUrl}${String(req.route?.path)}`, params: req.params };
  next();
}

export interface ObserveOptions {
  logger?: Logger | undefined;
  metrics?: Metrics | undefined;
  isShuttingDown?: (() => boolean) | undefined;
}

/** At most one log line per this many ms for 429 answers (with their count). */
const LIMITED_LOG_INTERVAL_MS = 1000;

export function observeRequests({ logger, metrics, isShuttingDown }: ObserveOptions) {
  // The line is built from masked fields only, so it skips the logger's redaction pass (~2 µs a line).
  const accessLog = logger?.child({}, { redact: [] });
  // 429s come in floods (a key past its share): one line a second says how many, not one line each.
  let limitedSince = 0;
  let limitedUnlogged = 0;
  return (req: Request, res: Response, next: NextFunction): void => {
    const started = process.hrtime.bigint();
    const id = requestIdOf(req.headers['x-request-id']);
    req.id = id;
    res.setHeader('X-Request-Id', id);
    if (isShuttingDown?.()) res.setHeader('Connection', 'close');
    res.once('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const status = res.statusCode;
      const matched = req.matched;
      metrics?.observeHttp(req.method, matched ? matched.pattern : 'unmatched', status, seconds);
      if (accessLog) {
        const url = matched ? routeUrl(matched.pattern, matched.params, req.originalUrl) : maskUnmatchedUrl(req.originalUrl);
        if (status === 429) {
          limitedUnlogged++;
          const nowMs = Date.now();
          if (nowMs - limitedSince < LIMITED_LOG_INTERVAL_MS) return;
          limitedSince = nowMs;
          const count = limitedUnlogged;
          limitedUnlogged = 0;
          accessLog.warn({ req: { id, method: req.method, url }, res: { statusCode: 429 }, rateLimited: count }, `${count} requests answered 429 since the last such line`);
          return;
        }
        const level = status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
        accessLog[level]({ req: { id, method: req.method, url }, res: { statusCode: status }, responseTime: Math.round(seconds * 1e4) / 10 }, `${req.method} ${url} ${status}`);
      }
    });
    next();
  };
}
