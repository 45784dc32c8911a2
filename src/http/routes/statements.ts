/** Finance office routes: a hospital's day statement and its reconciliations (对账). */
import type { Request } from 'express';
import { z } from 'zod';
import { requireHospital } from '../../service/scope.js';
import { callerOf } from '../auth.js';
import type { ApiRouter } from '../openapi/operations.js';
import { reconciliationListSchema, reconciliationResponseSchema, reconciliationSchema, statementPageSchema, statementSchema } from '../../contract/statement.js';
import { dateSchema, idSchema, pageQuery } from '../../contract/fields.js';

/** Runs of a hospital-day: 1–50 a page, default 20. */
const reconciliationPageSchema = pageQuery(50, 20);
import { parseOrThrow } from '../validate.js';
import { langOf } from '../../messages/index.js';
import { itemsOf, type RouteDependencies } from './common.js';

const dateQuery = z.object({ date: dateSchema });
const reconciliationPageQuery = dateQuery.extend(reconciliationPageSchema.shape);
const OWN_HOSPITAL = 'billing: its own hospital only; admin: any';

export function statementRoutes(v1: ApiRouter, deps: RouteDependencies): void {
  // Billing keys for their own hospital, admin for any.
  const hospitalInScope = (req: Request) => {
    const caller = callerOf(req);
    const hospitalId = parseOrThrow(idSchema, req.params.hospitalId, 'hospitalId', 'hospital id');
    requireHospital(caller, hospitalId);
    return { caller, hospitalId };
  };

  v1.on(
    {
      method: 'get',
      path: '/hospitals/{hospitalId}/statements/{date}',
      operationId: 'getDayStatement',
      summary: "A hospital's day statement: totals, groups and entries of the business day (Asia/Shanghai)",
      tags: ['Statements'],
      roles: ['admin', 'billing'],
      scope: OWN_HOSPITAL,
      params: z.object({ hospitalId: idSchema, date: dateSchema }),
      query: statementPageSchema,
      responses: { 200: { description: 'the statement (entries a page at a time)', schema: statementSchema } },
      errors: ['NOT_FOUND', 'UNAVAILABLE'],
    },
    async (req, res) => {
      const { hospitalId } = hospitalInScope(req);
      const date = parseOrThrow(dateSchema, req.params.date, 'date', 'date');
      const { limit, cursor } = parseOrThrow(statementPageSchema, { limit: req.query.limit, cursor: req.query.cursor }, '', 'query');
      res.json(await deps.statements.statement(hospitalId, date, { limit, cursor: cursor ?? null }, langOf(req.get('accept-language'))));
    },
  );

  v1.on(
    {
      method: 'post',
      path: '/hospitals/{hospitalId}/reconciliations',
      operationId: 'reconcileDay',
      summary: "Reconcile a day (对账): the hospital's figures beside ours, every difference classified; stored",
      tags: ['Statements'],
      roles: ['admin', 'billing'],
      scope: OWN_HOSPITAL,
      params: z.object({ hospitalId: idSchema }),
      body: { schema: reconciliationSchema },
      responses: { 200: { description: 'the reconciliation', schema: reconciliationResponseSchema } },
      errors: ['NOT_FOUND', 'ARCHIVED', 'UNAVAILABLE'],
    },
    async (req, res) => {
      const { caller, hospitalId } = hospitalInScope(req);
      await deps.chargeItems?.(req, itemsOf((req.body as { entries?: unknown } | null)?.entries), 'rows');
      const body = parseOrThrow(reconciliationSchema, req.body);
      const scope = { from: body.date, to: body.date, includeReversals: true };
      res.json(await deps.statements.reconcile(hospitalId, scope, body, { operator: body.operator, keyId: caller.id }));
    },
  );

  v1.on(
    {
      method: 'get',
      path: '/hospitals/{hospitalId}/reconciliations',
      operationId: 'listReconciliations',
      summary: 'The reconciliation runs kept for a hospital-day, a page at a time (the newest RECON_MAX_RUNS_PER_DAY are kept)',
      tags: ['Statements'],
      roles: ['admin', 'billing'],
      scope: OWN_HOSPITAL,
      params: z.object({ hospitalId: idSchema }),
      query: reconciliationPageQuery,
      responses: { 200: { description: 'the kept runs, oldest first; dropped counts older runs no longer kept', schema: reconciliationListSchema } },
      errors: ['NOT_FOUND', 'UNAVAILABLE'],
    },
    async (req, res) => {
      const { hospitalId } = hospitalInScope(req);
      const { date, limit, cursor } = parseOrThrow(reconciliationPageQuery, { date: req.query.date, limit: req.query.limit, cursor: req.query.cursor }, '', 'query');
      const page = await deps.statements.reconciliations(hospitalId, date, { limit, cursor: cursor ?? null });
      res.json({ hospitalId, date, reconciliations: page.items, next: page.next, dropped: page.dropped });
    },
  );
}
