/** Billing desk routes: preview, settle, read, reverse, a person's settlements. */
import type { Request, RequestHandler, Router } from 'express';
import { AuthError } from '../../domain/errors.js';
import type { Actor } from '../../domain/types.js';
import { SettlementService } from '../../service/settlements.js';
import type { SettlementView } from '../../service/settlement-view.js';
import type { Caller } from '../../ops/api-keys.js';
import { requireHospital, requireRole } from '../auth.js';
import { cardSchema, idSchema, operatorSchema, pageSchema, reversalBodySchema, settlementRequestSchema, yearSchema } from '../schemas.js';
import { parseOrThrow } from '../validate.js';
import { sendJsonText, type RouteDependencies } from './common.js';

function actorOf(caller: Caller, body: unknown): Actor {
  const operator = parseOrThrow(operatorSchema, (body as { operator?: unknown } | null)?.operator, 'operator');
  return { operator, keyId: caller.id };
}

/** A 5,000-line bill is about 1 MB of JSON. */
export const SETTLEMENT_BODY_LIMIT = '2mb';
const SETTLEMENT_POSTS = /^\/v1\/settlements(\/preview)?\/?$/i;

/** The two routes whose bodies may carry an itemised bill. */
export function isSettlementPost(req: Request): boolean {
  return req.method === 'POST' && SETTLEMENT_POSTS.test(req.path);
}

export function settlementRoutes(v1: Router, deps: RouteDependencies, billParser: RequestHandler): void {
  v1.post('/settlements/preview', billParser, async (req, res) => {
    const caller = requireRole(req, 'admin', 'billing');
    const request = parseOrThrow(settlementRequestSchema, req.body);
    const actor = actorOf(caller, req.body);
    requireHospital(caller, request.hospitalId);
    res.status(200).json(await deps.settlements.preview(request, actor));
  });
  v1.post('/settlements', billParser, async (req, res) => {
    const caller = requireRole(req, 'admin', 'billing');
    const request = parseOrThrow(settlementRequestSchema, req.body);
    const actor = actorOf(caller, req.body);
    requireHospital(caller, request.hospitalId);
    const result = await deps.settlements.settle(request, actor);
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
    return { caller, stored };
  };
  v1.get('/settlements/:settlementId', async (req, res) => {
    sendJsonText(res, 200, SettlementService.currentBody((await settlementInScope(req)).stored));
  });
  v1.post('/settlements/:settlementId/reversal', async (req, res) => {
    const { caller, stored } = await settlementInScope(req);
    const { operator, reason } = parseOrThrow(reversalBodySchema, req.body);
    sendJsonText(res, 200, await deps.settlements.reverse(stored, { operator, keyId: caller.id }, reason));
  });

  v1.get('/enrollees/:card/settlements', async (req, res) => {
    const caller = requireRole(req, 'admin', 'billing');
    const card = parseOrThrow(cardSchema, req.params.card, 'card', 'card');
    const year = parseOrThrow(yearSchema, req.query.year, 'year', 'query');
    const { limit, cursor } = parseOrThrow(pageSchema, { limit: req.query.limit, cursor: req.query.cursor }, '', 'query');
    const page = await deps.settlements.list(card, year, cursor ?? null, limit);
    // A billing key sees its own hospital's settlements only (a page may then hold fewer; `next` still leads on).
    const visible = page.bodies.filter(
      (body) => caller.role !== 'billing' || (JSON.parse(body.toString()) as SettlementView).hospitalId === caller.hospitalId,
    );
    sendJsonText(
      res,
      200,
      `{"card":${JSON.stringify(card)},"year":${year},"settlements":[${visible.join(',')}],"next":${JSON.stringify(page.next)}}`,
    );
  });
}
