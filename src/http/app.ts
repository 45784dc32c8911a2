/**
 * The Express application: thin entry points that validate, authorise, call a
 * use-case and translate its answer. Errors are mapped to HTTP in one place
 * (errors.ts).
 */
import express, { type Request, type Response } from 'express';
import helmet from 'helmet';
import type { Logger } from 'pino';
import type { Metrics } from '../ops/metrics.js';
import { authenticate, type KeyRingHolder } from './auth.js';
import { deskPages } from './desk.js';
import { errorHandler, sendError } from './errors.js';
import { observeRequests } from './observe.js';
import type { RouteDependencies } from './routes/common.js';
import { meRoutes } from './routes/me.js';
import { policyRoutes } from './routes/policies.js';
import { referralRoutes } from './routes/referrals.js';
import { registryRoutes } from './routes/registry.js';
import { statementRoutes } from './routes/statements.js';
import { SETTLEMENT_BODY_LIMIT, isSettlementPost, settlementRoutes } from './routes/settlements.js';

export interface Readiness {
  ready: boolean;
  checks: Record<string, string>;
}

export interface AppDependencies extends RouteDependencies {
  keys: KeyRingHolder;
  readiness: () => Promise<Readiness>;
  metrics?: Metrics;
  logger?: Logger;
  bodyLimit?: string;
  /** Preview and settle take itemised bills of up to 5,000 lines; parsed only for an authenticated caller. */
  settlementBodyLimit?: string;
  /** While shutting down, answers ask clients to close their connection. */
  isShuttingDown?: () => boolean;
}

function isJson(req: Request): boolean {
  return Boolean(req.is('application/json'));
}

export function createApp(deps: AppDependencies): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');

  app.use(observeRequests({ logger: deps.logger, metrics: deps.metrics, isShuttingDown: deps.isShuttingDown }));
  app.use(helmet());
  // Settlement bodies are parsed after authentication, with their own larger limit (routes/settlements.ts).
  app.use(express.json({ limit: deps.bodyLimit ?? '64kb', strict: false, type: (req) => !isSettlementPost(req as Request) && isJson(req as Request) }));

  // ── Operations (no key) ────────────────────────────────────────────────
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const readiness = await deps.readiness();
    if (!readiness.ready) res.set('Retry-After', '1');
    res.status(readiness.ready ? 200 : 503).json({ status: readiness.ready ? 'ready' : 'not-ready', checks: readiness.checks });
  });
  if (deps.metrics) {
    const registry = deps.metrics.registry;
    app.get('/metrics', async (_req, res) => {
      res.type(registry.contentType).send(await registry.metrics());
    });
  }

  const v1 = express.Router();
  v1.use(authenticate(deps.keys));
  // Settlement routes first: Express tries routes in order, and they carry nearly all the traffic.
  settlementRoutes(v1, deps, express.json({ limit: deps.settlementBodyLimit ?? SETTLEMENT_BODY_LIMIT, strict: false }));
  registryRoutes(v1, deps);
  referralRoutes(v1, deps);
  policyRoutes(v1, deps);
  statementRoutes(v1, deps);
  meRoutes(v1);

  app.use('/v1', v1);
  // The desk pages (desk.md): static, no key; they call /v1 with the clerk's key.
  app.use('/desk', deskPages());
  app.use((_req: Request, res: Response) => sendError(res, 'NOT_FOUND', 'no such endpoint'));
  app.use(
    errorHandler((error, req) => {
      deps.logger?.error({ req: { id: req.id }, err: error }, 'unexpected error');
    }),
  );
  return app;
}
