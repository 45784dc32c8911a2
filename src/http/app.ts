/**
 * The Express application: thin entry points that validate, authorise, call a
 * use-case and translate its answer. Errors are mapped to HTTP in one place
 * (errors.ts). Every route is declared as an operation (openapi/operations.ts),
 * from which the OpenAPI document is generated here, at start. Routing is
 * case-sensitive: /v1/Enrollees/… is no route.
 *
 * Order: shed load (503 OVERLOADED, counted, not logged) → observe (request
 * id, log line, duration) → body deadline (408) → headers → the platform's
 * face (its own lossless body parser) → operations endpoints → /v1:
 * authenticate (401) → the key's budget (429: in flight, rate) → body (its
 * size charged to the key, its depth bounded) → routes → pages. No body is
 * read before its caller is known.
 */
import express, { type Request, type Response } from 'express';
import helmet from 'helmet';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { NationalDependencies } from '../national/transactions.js';
import type { HeavySettings, RateLimitSettings } from '../ops/config.js';
import type { LoadMonitor } from '../ops/load.js';
import type { Metrics } from '../ops/metrics.js';
import { authenticate, callerIfAny, type KeyRingHolder } from './auth.js';
import { deskPages } from './desk.js';
import { errorHandler, sendError } from './errors.js';
import { observeRequests } from './observe.js';
import { RETRY_AFTER_HEADER, buildOpenApiDocument, packageVersion, type OpenApiDocument } from './openapi/document.js';
import { ApiRouter, OperationRegistry } from './openapi/operations.js';
import { bodyDeadline, jsonInTurns, verifyBody } from './body-bounds.js';
import { keyBudget } from './rate-limit.js';
import { DEFAULT_BOUNDS, type Bounds } from '../service/bounds.js';
import type { Cluster, Redis } from 'ioredis';
import { healthSchema, readinessSchema, type Readiness } from '../contract/service.js';
import { bulkRoutes } from './routes/bulk.js';
import type { RouteDependencies } from './routes/common.js';
import { meRoutes } from './routes/me.js';
import { nationalRoutes } from './routes/national.js';
import { policyRoutes } from './routes/policies.js';
import { referenceRoutes } from './routes/reference.js';
import { referralRoutes } from './routes/referrals.js';
import { specialDiseaseRoutes } from './routes/special-diseases.js';
import { registryRoutes } from './routes/registry.js';
import { SETTLEMENT_BODY_LIMIT, isSettlementPost, settlementRoutes } from './routes/settlements.js';
import { statementRoutes } from './routes/statements.js';
import { shedLoad } from './shed.js';

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
  /** Where the loaded policies' notice texts are (the policy directory), for the desk's clause viewer. */
  policyDir?: string;
  /** Per caller key; absent or null: no limit. */
  rateLimit?: RateLimitSettings | null | undefined;
  /** Requests with large bodies (the heavy lane); absent: DEFAULT_HEAVY. */
  heavy?: HeavySettings | undefined;
  /** Where per-key rate counters are shared across processes; absent: each process counts alone. */
  rateLimitStore?: Redis | Cluster | undefined;
  /** The request bounds (docs/bounds.md); absent: the defaults. */
  bounds?: Pick<Bounds, 'perKeyInFlight' | 'requestTimeoutMs' | 'maxJsonDepth'> | undefined;
}

/** The operations and pages an app serves, and the document made from them (for tests and tools). */
export interface ApiDescription {
  registry: OperationRegistry;
  document: OpenApiDocument;
}

export function apiDescriptionOf(app: express.Express): ApiDescription {
  return app.locals.api as ApiDescription;
}

/** Readiness as a probe sees it (status only) or, with details, as operators do. */
export async function answerReadiness(readiness: () => Promise<Readiness>, res: Response, detailed: boolean): Promise<void> {
  const { ready, checks } = await readiness();
  if (!ready) res.set('Retry-After', '1');
  const status = ready ? 'ready' : 'not-ready';
  res.status(ready ? 200 : 503).json(detailed ? { status, checks } : { status });
}

/** Inside the /v1 router a request's path lacks the prefix the settlement routes' test expects. */
function withV1Prefix(req: Request): Request {
  return { method: req.method, path: `/v1${req.path}` } as Request;
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

  const registry = new OperationRegistry();
  const keyCheck = authenticate(deps.keys);

  const bounds = deps.bounds ?? DEFAULT_BOUNDS;
  const budget = keyBudget({ rate: deps.rateLimit, perKeyInFlight: bounds.perKeyInFlight, heavy: deps.heavy, redis: deps.rateLimitStore, metrics: deps.metrics });
  const verify = verifyBody(bounds.maxJsonDepth);
  if (deps.load) app.use(shedLoad(deps.load, deps.metrics));
  app.use(observeRequests({ logger: deps.logger, metrics: deps.metrics, isShuttingDown: deps.isShuttingDown }));
  app.use(bodyDeadline(bounds.requestTimeoutMs));
  app.use(helmet());
  // The platform's envelope is read losslessly (amounts as their own text), never by the JSON parser below.
  if (deps.national) {
    app.use(nationalRoutes({ national: deps.national, keys: deps.keys, budget, maxJsonDepth: bounds.maxJsonDepth, metrics: deps.metrics, logger: deps.logger, registry }));
  }

  const root = new ApiRouter(app, '', registry, keyCheck);

  // ── Operations ─────────────────────────────────────────────────────────
  // No key: liveness, and readiness as status only (load balancers need it). The checks
  // behind readiness and the metrics are for an admin key here, or the metrics listener.
  root.on(
    {
      method: 'get',
      path: '/healthz',
      operationId: 'getLiveness',
      summary: 'Liveness: the process answers',
      tags: ['Operations'],
      roles: 'public',
      responses: { 200: { description: 'alive', schema: healthSchema } },
    },
    (_req, res) => {
      res.json({ status: 'ok' });
    },
  );
  root.on(
    {
      method: 'get',
      path: '/readyz',
      operationId: 'getReadiness',
      summary: 'Readiness: Redis answers through the breaker, the breaker is closed, policies are loaded',
      description: 'Status only without a key (load balancers need no more); an admin key also sees the checks.',
      tags: ['Operations'],
      roles: 'public',
      responses: {
        200: { description: 'ready', schema: readinessSchema },
        503: { description: 'not ready', schema: readinessSchema, headers: { 'Retry-After': RETRY_AFTER_HEADER } },
      },
    },
    async (req, res) => {
      await answerReadiness(deps.readiness, res, callerIfAny(deps.keys, req)?.role === 'admin');
    },
  );
  if (deps.metrics) {
    const metricsRegistry = deps.metrics.registry;
    root.on(
      {
        method: 'get',
        path: '/metrics',
        operationId: 'getMetrics',
        summary: 'Prometheus metrics (no card or person in any label); also on the metrics listener without a key',
        tags: ['Operations'],
        roles: ['admin'],
        responses: { 200: { description: 'Prometheus text exposition', contentType: 'text/plain', schema: z.string() } },
      },
      async (_req, res) => {
        res.type(metricsRegistry.contentType).send(await metricsRegistry.metrics());
      },
    );
  }
  let documentText = '';
  referenceRoutes(root, packageVersion(), () => documentText);

  const v1Router = express.Router({ caseSensitive: true });
  v1Router.use(keyCheck);
  v1Router.use(budget.admit);
  // Settlement bodies have their own larger limit (routes/settlements.ts); every other body 64 kB.
  v1Router.use(
    express.json({ limit: deps.bodyLimit ?? '64kb', strict: false, verify, type: (req) => !isSettlementPost(withV1Prefix(req as Request)) && isJson(req as Request) }),
    budget.chargeBody,
  );
  const v1 = new ApiRouter(v1Router, '/v1', registry);
  const billParser = budget.watchBody(jsonInTurns({ limit: deps.settlementBodyLimit ?? SETTLEMENT_BODY_LIMIT, maxDepth: bounds.maxJsonDepth }));
  const routeDeps = { ...deps, chargeItems: budget.chargeItems };
  // Settlement routes first: Express tries routes in order, and they carry nearly all the traffic.
  settlementRoutes(v1, routeDeps, (req, res, next) => billParser(req, res, (error?: unknown) => (error ? next(error) : budget.chargeBody(req, res, next))));
  registryRoutes(v1, routeDeps);
  bulkRoutes(v1, deps);
  referralRoutes(v1, deps);
  specialDiseaseRoutes(v1, deps);
  policyRoutes(v1, deps);
  statementRoutes(v1, deps);
  meRoutes(v1);
  app.use('/v1', v1Router);

  // The desk pages (desk.md): static, no key; they call /v1 with the clerk's key.
  root.pages(
    '/desk',
    deskPages(undefined, deps.policyDir ? { catalog: deps.catalog, directory: deps.policyDir } : undefined),
    'the desk pages (desk.md): the page, its assets and the policy documents',
  );

  app.use((_req: Request, res: Response) => sendError(res, 'NOT_FOUND', 'no such endpoint'));
  app.use(
    errorHandler((error, req) => {
      // Name, message and stack only: an error's other fields (ioredis attaches the command's arguments) may hold keys with cards.
      const { name, message, stack } = error instanceof Error ? error : new Error(String(error));
      deps.logger?.error({ req: { id: req.id }, err: { type: name, message, stack } }, 'unexpected error');
    }),
  );

  // Generated now, once every route is declared: a schema it cannot render stops the start.
  const document = buildOpenApiDocument(registry);
  documentText = JSON.stringify(document);
  app.locals.api = { registry, document } satisfies ApiDescription;
  return app;
}
