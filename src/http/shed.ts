/**
 * Load shedding: while this process has too many requests in flight, or its
 * event loop lags, new requests are answered at once with 503 OVERLOADED and
 * Retry-After, before any body is read, so queues do not build (and Redis
 * answers are not left unread long enough to look like an outage). /healthz
 * and /readyz are never shed: liveness and load balancers must see the truth.
 *
 * A shed answer must cost far less than the work it avoids: under a storm of
 * clients that resend at once, shedding is most of what the process does. So
 * it runs first, writes a body made once, and is counted
 * (http_requests_rejected_total) rather than logged line by line. And it
 * closes the connection: a kept-alive client that resends the moment it is
 * answered keeps the event loop in its poll phase (libuv reads up to 48 × 1024
 * events before it runs timers and immediates, where ioredis sends its
 * pipelined commands), starving the admitted requests. Measured with 3,000
 * connections for 4 s: 300 settled with keep-alive, 2,400–10,900 with close.
 */
import type { NextFunction, Request, Response } from 'express';
import type { LoadMonitor } from '../ops/load.js';
import type { Metrics } from '../ops/metrics.js';

function answer(reason: string): { head: Record<string, string | number>; body: Buffer } {
  const body = Buffer.from(JSON.stringify({ error: { code: 'OVERLOADED', message: `the service is too busy (${reason}); nothing was done, retry shortly`, details: [] } }));
  return { head: { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': body.length, 'Retry-After': '1' }, body };
}

const NEVER_SHED = new Set(['/healthz', '/readyz']);

export function shedLoad(load: LoadMonitor, metrics?: Metrics) {
  const answers = { 'in-flight': answer('in-flight'), 'event-loop-delay': answer('event-loop-delay') };
  const counters = {
    'in-flight': metrics?.rejected.labels({ reason: 'overloaded-in-flight' }),
    'event-loop-delay': metrics?.rejected.labels({ reason: 'overloaded-event-loop-delay' }),
  };
  const release = () => {
    load.inFlight--;
  };
  return (req: Request, res: Response, next: NextFunction): void => {
    if (NEVER_SHED.has(req.path)) return next();
    const reason = load.shedReason();
    if (reason) {
      counters[reason]?.inc();
      const { head, body } = answers[reason];
      res.shouldKeepAlive = false; // Connection: close
      res.writeHead(503, head).end(body);
      return;
    }
    load.inFlight++;
    // 'close' follows 'finish', and also comes when the client goes away first.
    res.once('close', release);
    next();
  };
}
