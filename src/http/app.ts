/**
 * The Express application: thin entry points that validate, authorise, call a
 * use-case and translate its answer. Errors are mapped to HTTP in one place
 * (errors.ts). Every route is declared as an operation (openapi/operations.ts),
 * from which the OpenAPI document is generated here, at start.
 */
import express, { type Request, type Response } from 'express';
import helmet from 'helmet';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Metrics } from '../ops/metrics.js';
import { authenticate, type KeyRingHolder } from './auth.js';
import { errorHandler, sendError } from './errors.js';
import { observeRequests } from './observe.js';
import { RETRY_AFTER_HEADER, buildOpenApiDocument, packageVersion, type OpenApiDocument } from './openapi/document.js';
import { ApiRouter, OperationRegistry } from './openapi/operations.js';
import { healthSchema, readinessSchema } from './response-schemas.js';
import { bulkRoutes } from './routes/bulk.js';
import type { RouteDependencies } from './routes/common.js';
import { policyRoutes } from './routes/policies.js';
import { referenceRoutes } from './routes/reference.js';
import { referralRoutes } from './routes/referrals.js';
import { registryRoutes } from './routes/registry.js';
import { settlementRoutes } from './routes/settlements.js';
import { statementRoutes } from './routes/statements.js';

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
  /** While shutting down, answers ask clients to close their connection. */
  isShuttingDown?: () => boolean;
}

/** The operations and pages an app serves, and the document made from them (for tests and tools). */
export interface ApiDescription {
  registry: OperationRegistry;
  document: OpenApiDocument;
}

export function apiDescriptionOf(app: express.Express): ApiDescription {
  return app.locals.api as ApiDescription;
}

export function createApp(deps: AppDependencies): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');

  app.use(observeRequests({ logger: deps.logger, metrics: deps.metrics, isShuttingDown: deps.isShuttingDown }));
  app.use(helmet());
  app.use(express.json({ limit: deps.bodyLimit ?? '64kb', strict: false }));

  const registry = new OperationRegistry();
  const root = new ApiRouter(app, '', registry);

  // ── Operations (no key) ────────────────────────────────────────────────
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
      tags: ['Operations'],
      roles: 'public',
      responses: {
        200: { description: 'ready', schema: readinessSchema },
        503: { description: 'not ready (the checks say why)', schema: readinessSchema, headers: { 'Retry-After': RETRY_AFTER_HEADER } },
      },
    },
    async (_req, res) => {
      const readiness = await deps.readiness();
      if (!readiness.ready) res.set('Retry-After', '1');
      res.status(readiness.ready ? 200 : 503).json({ status: readiness.ready ? 'ready' : 'not-ready', checks: readiness.checks });
    },
  );
  if (deps.metrics) {
    const metricsRegistry = deps.metrics.registry;
    root.on(
      {
        method: 'get',
        path: '/metrics',
        operationId: 'getMetrics',
        summary: 'Prometheus metrics (no card or person in any label)',
        tags: ['Operations'],
        roles: 'public',
        responses: { 200: { description: 'Prometheus text exposition', contentType: 'text/plain', schema: z.string() } },
      },
      async (_req, res) => {
        res.type(metricsRegistry.contentType).send(await metricsRegistry.metrics());
      },
    );
  }
  let documentText = '';
  referenceRoutes(root, packageVersion(), () => documentText);

  const v1Router = express.Router();
  v1Router.use(authenticate(deps.keys));
  const v1 = new ApiRouter(v1Router, '/v1', registry);
  // Settlement routes first: Express tries routes in order, and they carry nearly all the traffic.
  settlementRoutes(v1, deps);
  registryRoutes(v1, deps);
  bulkRoutes(v1, deps);
  referralRoutes(v1, deps);
  policyRoutes(v1, deps);
  statementRoutes(v1, deps);

  app.use('/v1', v1Router);
  app.use((_req: Request, res: Response) => sendError(res, 'NOT_FOUND', 'no such endpoint'));
  app.use(
    errorHandler((error, req) => {
      deps.logger?.error({ req: { id: req.id }, err: error }, 'unexpected error');
    }),
  );

  // Generated now, once every route is declared: a schema it cannot render stops the start.
  const document = buildOpenApiDocument(registry);
  documentText = JSON.stringify(document);
  app.locals.api = { registry, document } satisfies ApiDescription;
  return app;
}
