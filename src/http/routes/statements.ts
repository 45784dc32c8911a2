/** Finance office routes: a hospital's day statement and its reconciliations (对账). */
import type { Request, Router } from 'express';
import { z } from 'zod';
import { requireHospital, requireRole } from '../auth.js';
import { dateSchema, idSchema, reconciliationSchema, statementPageSchema } from '../schemas.js';
import { parseOrThrow } from '../validate.js';
import type { RouteDependencies } from './common.js';

const dateQuery = z.object({ date: dateSchema });

export function statementRoutes(v1: Router, deps: RouteDependencies): void {
  // Billing keys for their own hospital, admin for any.
  const hospitalInScope = (req: Request) => {
    const caller = requireRole(req, 'admin', 'billing');
    const hospitalId = parseOrThrow(idSchema, req.params.hospitalId, 'hospitalId', 'hospital id');
    requireHospital(caller, hospitalId);
    return { caller, hospitalId };
  };

  v1.get('/hospitals/:hospitalId/statements/:date', async (req, res) => {
    const { hospitalId } = hospitalInScope(req);
    const date = parseOrThrow(dateSchema, req.params.date, 'date', 'date');
    const { limit, cursor } = parseOrThrow(statementPageSchema, { limit: req.query.limit, cursor: req.query.cursor }, '', 'query');
    res.json(await deps.statements.statement(hospitalId, date, { limit, cursor: cursor ?? null }));
  });

  v1.post('/hospitals/:hospitalId/reconciliations', async (req, res) => {
    const { caller, hospitalId } = hospitalInScope(req);
    const body = parseOrThrow(reconciliationSchema, req.body);
    res.json(await deps.statements.reconcile(hospitalId, body, { operator: body.operator, keyId: caller.id }));
  });

  v1.get('/hospitals/:hospitalId/reconciliations', async (req, res) => {
    const { hospitalId } = hospitalInScope(req);
    const { date } = parseOrThrow(dateQuery, { date: req.query.date }, '', 'query');
    res.json({ hospitalId, date, reconciliations: await deps.statements.reconciliations(hospitalId, date) });
  });
}
