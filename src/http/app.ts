/**
 * The Express application: thin entry points that validate, authorise, call a
 * use-case and translate its answer. Errors are mapped to HTTP in one place
 * (errors.ts).
 */
import express, { type Request, type Response } from 'express';
import helmet from 'helmet';
import type { Logger } from 'pino';
import { z } from 'zod';
import { AuthError, NotFoundError } from '../domain/errors.js';
import type { Metrics } from '../ops/metrics.js';
import type { PolicyCatalog } from '../policy/catalog.js';
import { flattenParameters } from '../policy/parameters.js';
import type { ReferralService } from '../service/referrals.js';
import type { RegistryService } from '../service/registry.js';
import { SettlementService } from '../service/settlements.js';
import type { SettlementView } from '../service/settlement-view.js';
import { authenticate, requireHospital, requireRegion, requireRole, type KeyRingHolder } from './auth.js';
import { errorHandler, sendError } from './errors.js';
import { observeRequests } from './observe.js';
import {
  cardSchema,
  enrolleeSchema,
  filingCreateSchema,
  hospitalSchema,
  idSchema,
  settlementRequestSchema,
  toEnrollee,
  toHospital,
} from './schemas.js';
import { parseOrThrow } from './validate.js';

export interface Readiness {
  ready: boolean;
  checks: Record<string, string>;
}

export interface AppDependencies {
  catalog: PolicyCatalog;
  settlements: SettlementService;
  registry: RegistryService;
  referrals: ReferralService;
  keys: KeyRingHolder;
  readiness: () => Promise<Readiness>;
  metrics?: Metrics;
  logger?: Logger;
  bodyLimit?: string;
  /** While shutting down, answers ask clients to close their connection. */
  isShuttingDown?: () => boolean;
}

const yearSchema = z.coerce.number().int().min(1990).max(2100);

function sendJsonText(res: Response, status: number, body: string | Buffer): void {
  res.status(status).type('application/json').send(body);
}

export function createApp(deps: AppDependencies): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');

  app.use(observeRequests({ logger: deps.logger, metrics: deps.metrics, isShuttingDown: deps.isShuttingDown }));
  app.use(helmet());
  app.use(express.json({ limit: deps.bodyLimit ?? '64kb', strict: false }));

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

  // ── Settlement (billing desk) ──────────────────────────────────────────
  // First: Express tries routes in order, and these carry nearly all the traffic.
  v1.post('/settlements/preview', async (req, res) => {
    const caller = requireRole(req, 'admin', 'billing');
    const request = parseOrThrow(settlementRequestSchema, req.body);
    requireHospital(caller, request.hospitalId);
    res.status(200).json(await deps.settlements.preview(request));
  });
  v1.post('/settlements', async (req, res) => {
    const caller = requireRole(req, 'admin', 'billing');
    const request = parseOrThrow(settlementRequestSchema, req.body);
    requireHospital(caller, request.hospitalId);
    const result = await deps.settlements.settle(request);
    if (result.replay) res.set('Idempotent-Replay', 'true');
    sendJsonText(res, result.replay ? 200 : 201, result.body);
  });
  const settlementInScope = async (req: Request) => {
    const caller = requireRole(req, 'admin', 'billing');
    const settlementId = parseOrThrow(idSchema, req.params.settlementId, 'settlementId', 'settlement id');
    const stored = await deps.settlements.get(settlementId);
    // A billing key reads and reverses its own hospital's settlements only.
    if (caller.role === 'billing' && caller.hospitalId !== stored.hospitalId) {
      throw new AuthError('FORBIDDEN', `this key acts for hospital ${caller.hospitalId}, not for the hospital of this settlement`);
    }
    return stored;
  };
  v1.get('/settlements/:settlementId', async (req, res) => {
    sendJsonText(res, 200, SettlementService.currentBody(await settlementInScope(req)));
  });
  v1.post('/settlements/:settlementId/reversal', async (req, res) => {
    const stored = await settlementInScope(req);
    sendJsonText(res, 200, await deps.settlements.reverse(stored));
  });

  // ── Registry ───────────────────────────────────────────────────────────
  v1.put('/hospitals/:hospitalId', async (req, res) => {
    requireRole(req, 'admin');
    const hospitalId = parseOrThrow(idSchema, req.params.hospitalId, 'hospitalId', 'hospital id');
    const hospital = toHospital(hospitalId, parseOrThrow(hospitalSchema, req.body));
    const outcome = await deps.registry.putHospital(hospital);
    res.status(outcome === 'created' ? 201 : 200).json(hospital);
  });
  v1.get('/hospitals/:hospitalId', async (req, res) => {
    requireRole(req, 'admin', 'billing', 'referral');
    const hospitalId = parseOrThrow(idSchema, req.params.hospitalId, 'hospitalId', 'hospital id');
    res.json(await deps.registry.getHospital(hospitalId));
  });

  v1.put('/enrollees/:card', async (req, res) => {
    requireRole(req, 'admin');
    const card = parseOrThrow(cardSchema, req.params.card, 'card', 'card');
    const enrollee = toEnrollee(card, parseOrThrow(enrolleeSchema, req.body));
    const outcome = await deps.registry.putEnrollee(enrollee);
    res.status(outcome === 'created' ? 201 : 200).json(enrollee);
  });
  v1.get('/enrollees/:card', async (req, res) => {
    requireRole(req, 'admin', 'billing', 'referral');
    const card = parseOrThrow(cardSchema, req.params.card, 'card', 'card');
    res.json(await deps.registry.getEnrollee(card));
  });
  v1.post('/enrollees/:card/refresh', async (req, res) => {
    requireRole(req, 'admin');
    const card = parseOrThrow(cardSchema, req.params.card, 'card', 'card');
    await deps.registry.refreshCoverage(card);
    res.json({ card, refreshed: true, source: deps.registry.coverageUpstream ? 'enrollment system (next request fetches again)' : 'registry' });
  });
  v1.get('/enrollees/:card/accumulators/:year', async (req, res) => {
    requireRole(req, 'admin', 'billing', 'referral');
    const card = parseOrThrow(cardSchema, req.params.card, 'card', 'card');
    const year = parseOrThrow(yearSchema, req.params.year, 'year', 'year');
    res.json(await deps.registry.getAccumulators(card, year));
  });
  v1.get('/enrollees/:card/settlements', async (req, res) => {
    const caller = requireRole(req, 'admin', 'billing');
    const card = parseOrThrow(cardSchema, req.params.card, 'card', 'card');
    const year = parseOrThrow(yearSchema, req.query.year, 'year', 'query');
    const bodies = await deps.settlements.list(card, year);
    // A billing key sees its own hospital's settlements only.
    const visible = bodies.filter((body) => caller.role !== 'billing' || (JSON.parse(body) as SettlementView).hospitalId === caller.hospitalId);
    sendJsonText(res, 200, `{"card":${JSON.stringify(card)},"year":${year},"settlements":[${visible.join(',')}]}`);
  });

  // ── Referral desk ──────────────────────────────────────────────────────
  v1.post('/referrals', async (req, res) => {
    const caller = requireRole(req, 'admin', 'referral');
    const draft = parseOrThrow(filingCreateSchema, req.body);
    const enrollee = await deps.registry.getEnrollee(draft.card);
    requireRegion(caller, enrollee.region);
    res.status(201).json(await deps.referrals.create(draft));
  });
  const filingInScope = async (req: Request) => {
    const caller = requireRole(req, 'admin', 'referral');
    const referralId = parseOrThrow(idSchema, req.params.referralId, 'referralId', 'referral id');
    const filing = await deps.referrals.get(referralId);
    if (caller.role === 'referral') {
      const enrollee = await deps.registry.getEnrollee(filing.card).catch(() => null);
      if (!enrollee) throw new AuthError('FORBIDDEN', 'the filing belongs to no enrollee of this region');
      requireRegion(caller, enrollee.region);
    }
    return filing;
  };
  v1.get('/referrals/:referralId', async (req, res) => {
    res.json(await filingInScope(req));
  });
  v1.delete('/referrals/:referralId', async (req, res) => {
    const filing = await filingInScope(req);
    res.json(await deps.referrals.revoke(filing.referralId));
  });

  // ── Policies ───────────────────────────────────────────────────────────
  v1.get('/policies', (req, res) => {
    requireRole(req, 'admin', 'billing', 'referral');
    res.json({
      policies: deps.catalog.policies.map((policy) => ({
        policyId: policy.id,
        region: policy.region,
        name: policy.name,
        benefitYear: policy.benefitYear,
        document: policy.document,
        attribution: policy.attribution.rule,
        visitTypes: Object.keys(policy.visitTypes),
      })),
    });
  });
  v1.get('/policies/:policyId', (req, res) => {
    requireRole(req, 'admin', 'billing', 'referral');
    const loaded = deps.catalog.get(String(req.params.policyId));
    if (!loaded) throw new NotFoundError(`no policy ${String(req.params.policyId)}`);
    const { policy, source } = loaded;
    res.json({
      policyId: policy.id,
      region: policy.region,
      name: policy.name,
      benefitYear: policy.benefitYear,
      document: policy.document,
      parameters: flattenParameters(source),
      assumedParameters: flattenParameters(source).filter((p) => p.assumed).map((p) => p.path),
      source,
    });
  });

  app.use('/v1', v1);
  app.use((_req: Request, res: Response) => sendError(res, 'NOT_FOUND', 'no such endpoint'));
  app.use(
    errorHandler((error, req) => {
      deps.logger?.error({ req: { id: req.id }, err: error }, 'unexpected error');
    }),
  );
  return app;
}
