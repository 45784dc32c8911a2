/**
 * The Express application: thin entry points that validate, authorise, call a
 * use-case and translate its answer. Errors are mapped to HTTP in one place
 * (errors.ts). Routing is case-sensitive: /v1/Enrollees/… is no route.
 *
 * Order: shed load (503 OVERLOADED, counted, not logged) → observe (request
 * id, log line, duration) → headers → body → operations endpoints → /v1: authenticate (401) →
 * per-key rate limit (429) → routes.
 */
import express, { type Request, type Response, type Router } from 'express';
import helmet from 'helmet';
import type { Logger } from 'pino';
import type { RateLimitSettings } from '../ops/config.js';
import type { LoadMonitor } from '../ops/load.js';
import type { Metrics } from '../ops/metrics.js';
import { authenticate, callerIfAny, requireRole, type KeyRingHolder } from './auth.js';
import { deskPages } from './desk.js';
import { errorHandler, sendError } from './errors.js';
import { observeRequests, rememberMatch } from './observe.js';
import { limitPerKey } from './rate-limit.js';
import { shedLoad } from './shed.js';
import type { RouteDependencies } from './routes/common.js';
import { meRoutes } from './routes/me.js';
import { policyRoutes } from './routes/policies.js';
import { referralRoutes } from './routes/referrals.js';
import { registryRoutes } from './routes/registry.js';
import { statementRoutes } from './routes/statements.js';
import { nationalRoutes } from './routes/national.js';
import type { NationalDependencies } from '../national/transactions.js';
import { SETTLEMENT_BODY_LIMIT, isSettlementPost, settlementRoutes } from './routes/settlements.js';

export interface Readiness {
  ready: boolean;
  checks: Record<string, string>;
}

export interface AppDependencies extends RouteDependencies {
  keys: KeyRingHolder;
  /** The national platform's face (/hsa/v1); absent: not served. */
  national?: NationalDependencies;
  readiness: () => Promise<Readiness>;
  metrics?: Metrics;
  logger?: Logger;
  bodyLimit?: string;
  /** Preview and settle take itemised bills of up to 5,000 lines; parsed only for an authenticated caller. */
  settlementBodyLimit?: string;
  /** While shutting down, answers ask clients to close their connection. */
  isShuttingDown?: () => boolean;
  /** Sheds new requests while the process is too busy; absent: never shed. */
  load?: LoadMonitor | undefined;
  /** Per caller key; absent or null: no limit. */
  rateLimit?: RateLimitSettings | null | undefined;
}

/** Readiness as a probe sees it (status only) or, with details, as operators do. */
export async function answerReadiness(readiness: () => Promise<Readiness>, res: Response, detailed: boolean): Promise<void> {
  const { ready, checks } = await readiness();
  if (!ready) res.set('Retry-After', '1');
  const status = ready ? 'ready' : 'not-ready';
  res.status(ready ? 200 : 503).json(detailed ? { status, checks } : { status });
}

const ROUTE_METHODS = ['get', 'post', 'put', 'delete', 'patch'] as const;

/** The router as route modules see it: every route they add first remembers what it matched (observe.ts). */
function rememberingMatches(router: Router): Router {
  const view = Object.create(router) as Router;
  for (const method of ROUTE_METHODS) {
    const add = router[method] as (...args: unknown[]) => Router;
    view[method] = ((path: unknown, ...handlers: unknown[]) => add.call(router, path, rememberMatch, ...handlers)) as Router[typeof method];
  }
  return view;
}

function isJson(req: Request): boolean {
  return Boolean(req.is('application/json'));
}

export function createApp(deps: AppDependencies): express.Express {
  const app = express();
  // Before the app's router exists (it is made on first use and reads the setting then).
  app.set('case sensitive routing', true);
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');

  if (deps.load) app.use(shedLoad(deps.load, deps.metrics));
  app.use(observeRequests({ logger: deps.logger, metrics: deps.metrics, isShuttingDown: deps.isShuttingDown }));
  app.use(helmet());
  // The platform's envelope is read losslessly (amounts as their own text), never by the JSON parser below.
  if (deps.national) app.use(nationalRoutes({ national: deps.national, keys: deps.keys, rateLimit: deps.rateLimit, metrics: deps.metrics, logger: deps.logger }));
  // Settlement bodies are parsed after authentication, with their own larger limit (routes/settlements.ts).
  app.use(express.json({ limit: deps.bodyLimit ?? '64kb', strict: false, type: (req) => !isSettlementPost(req as Request) && isJson(req as Request) }));

  // ── Operations ─────────────────────────────────────────────────────────
  // No key: liveness, and readiness as status only (load balancers need it). The checks
  // behind readiness and the metrics are for an admin key here, or the metrics listener.
  app.get('/healthz', rememberMatch, (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', rememberMatch, async (req, res) => {
    await answerReadiness(deps.readiness, res, callerIfAny(deps.keys, req)?.role === 'admin');
  });
  if (deps.metrics) {
    const registry = deps.metrics.registry;
    app.get('/metrics', rememberMatch, authenticate(deps.keys), async (req, res) => {
      requireRole(req, 'admin');
      res.type(registry.contentType).send(await registry.metrics());
    });
  }

  const v1 = express.Router({ caseSensitive: true });
  v1.use(authenticate(deps.keys));
  if (deps.rateLimit) v1.use(limitPerKey(deps.rateLimit, deps.metrics));
  const routes = rememberingMatches(v1);
  // Settlement routes first: Express tries routes in order, and they carry nearly all the traffic.
  settlementRoutes(routes, deps, express.json({ limit: deps.settlementBodyLimit ?? SETTLEMENT_BODY_LIMIT, strict: false }));
  registryRoutes(routes, deps);
  referralRoutes(routes, deps);
  policyRoutes(routes, deps);
  statementRoutes(routes, deps);
  meRoutes(routes);

  app.use('/v1', v1);
  // The desk pages (desk.md): static, no key; they call /v1 with the clerk's key.
  app.use('/desk', deskPages());
  app.use((_req: Request, res: Response) => sendError(res, 'NOT_FOUND', 'no such endpoint'));
  app.use(
    errorHandler((error, req) => {
      // Name, message and stack only: an error's other fields (ioredis attaches the command's arguments) may hold keys with cards.
      const { name, message, stack } = error instanceof Error ? error : new Error(String(error));
      deps.logger?.error({ req: { id: req.id }, err: { type: name, message, stack } }, 'unexpected error');
    }),
  );
  return app;
}
