/** Billing desk routes: preview, settle, read, reverse, a person's settlements. */
import type { Request, RequestHandler } from 'express';
import { z } from 'zod';
import { REFUSAL_CODES } from '../../domain/errors.js';
import { SettlementService } from '../../service/settlements.js';
import { callerOf } from '../auth.js';
import { refusalExample, settlementRequestExamples, settlementResponseExample } from '../openapi/examples.js';
import type { ApiRouter } from '../openapi/operations.js';
import { settlementListSchema, settlementRequestSchema, settlementResponseSchema } from '../../contract/settlement.js';
import { cardSchema, idSchema, operatorSchema, pageSchema, reversalBodySchema, yearSchema } from '../../contract/fields.js';
import { parseOrThrow } from '../validate.js';
import { answerBytesInTurns, parseSettlementBody } from '../bill-body.js';
import { itemsOf, sendJsonText, type RouteDependencies } from './common.js';

function operatorOf(body: unknown) {
  return parseOrThrow(operatorSchema, (body as { operator?: unknown } | null)?.operator, 'operator');
}

const settlementBody = {
  schema: settlementRequestSchema.safeExtend({ operator: operatorSchema }).meta({ id: 'SettlementRequest' }),
  examples: settlementRequestExamples,
};
const settlementParams = z.object({ settlementId: idSchema });
const OWN_HOSPITAL = 'billing: its own hospital only; admin: any';

/** A 5,000-line bill is about 1 MB of JSON. */
export const SETTLEMENT_BODY_LIMIT = '2mb';
const SETTLEMENT_POSTS = /^\/v1\/settlements(\/preview)?\/?$/;

/** The two routes whose bodies may carry an itemised bill (parsed after authentication, with their own limit). */
export function isSettlementPost(req: Request): boolean {
  return req.method === 'POST' && SETTLEMENT_POSTS.test(req.path);
}

/** A bill's fee lines as sent, charged to the key before they are validated. */
function chargeLines(deps: RouteDependencies, req: Request): Promise<void> | undefined {
  return deps.chargeItems?.(req, itemsOf((req.body as { charges?: { lines?: unknown } } | null)?.charges?.lines), 'lines');
}

export function settlementRoutes(v1: ApiRouter, deps: RouteDependencies, billParser: RequestHandler): void {
  v1.on(
    {
      method: 'post',
      path: '/settlements/preview',
      operationId: 'previewSettlement',
      summary: 'Preview a settlement (预结算): computes, records nothing',
      tags: ['Settlements'],
      roles: ['admin', 'billing'],
      scope: OWN_HOSPITAL,
      body: settlementBody,
      responses: { 200: { description: 'the split as it would be settled now (status "preview", settlementId null)', schema: settlementResponseSchema } },
      errors: ['ENROLLEE_NOT_FOUND', ...REFUSAL_CODES, 'ARCHIVED', 'UNAVAILABLE'],
    },
    billParser,
    async (req, res) => {
      await chargeLines(deps, req);
      const request = await parseSettlementBody(req.body);
      const view = await deps.settlements.previewFor(callerOf(req), request, operatorOf(req.body));
      sendJsonText(res, 200, await answerBytesInTurns(view));
    },
  );
  v1.on(
    {
      method: 'post',
      path: '/settlements',
      operationId: 'settle',
      summary: 'Settle a stay or visit (结算)',
      description:
        'Idempotent by hospital + requestId: the same body again answers 200 with the identical body and `Idempotent-Replay: true`; ' +
        'another body under the same requestId is 409 IDEMPOTENCY_CONFLICT. A refusal (422) records nothing.',
      tags: ['Settlements'],
      roles: ['admin', 'billing'],
      scope: OWN_HOSPITAL,
      body: settlementBody,
      responses: {
        201: {
          description: 'settled',
          schema: settlementResponseSchema,
          examples: { 'P-PY-1': { summary: settlementRequestExamples['P-PY-1'].summary, value: settlementResponseExample } },
        },
        200: {
          description: 'a replay of a settlement already made with this requestId and body: the first answer, byte for byte',
          schema: settlementResponseSchema,
          headers: { 'Idempotent-Replay': { description: 'always "true" on a replay', schema: z.literal('true'), required: true } },
        },
      },
      errors: ['ENROLLEE_NOT_FOUND', 'IDEMPOTENCY_CONFLICT', ...REFUSAL_CODES, 'ARCHIVED', 'UNAVAILABLE'],
      errorExamples: { 422: { 'P-JJ-5': { summary: settlementRequestExamples['P-JJ-5'].summary, value: refusalExample } } },
    },
    billParser,
    async (req, res) => {
      await chargeLines(deps, req);
      const request = await parseSettlementBody(req.body);
      const result = await deps.settlements.settleFor(callerOf(req), request, operatorOf(req.body));
      if (result.replay) res.set('Idempotent-Replay', 'true');
      sendJsonText(res, result.replay ? 200 : 201, result.body);
    },
  );
  const settlementIdOf = (req: Request) => parseOrThrow(idSchema, req.params.settlementId, 'settlementId', 'settlement id');
  v1.on(
    {
      method: 'get',
      path: '/settlements/{settlementId}',
      operationId: 'getSettlement',
      summary: 'Read a settlement with its current status',
      tags: ['Settlements'],
      roles: ['admin', 'billing'],
      scope: OWN_HOSPITAL,
      params: settlementParams,
      responses: { 200: { description: 'the settlement as answered, with its current status', schema: settlementResponseSchema } },
      errors: ['NOT_FOUND', 'ARCHIVED', 'UNAVAILABLE'],
    },
    async (req, res) => {
      sendJsonText(res, 200, SettlementService.currentBody(await deps.settlements.getFor(callerOf(req), settlementIdOf(req))));
    },
  );
  v1.on(
    {
      method: 'post',
      path: '/settlements/{settlementId}/reversal',
      operationId: 'reverseSettlement',
      summary: 'Reverse a settlement (撤销): its deltas come off the accumulators exactly once',
      description: 'Repeatable: a second reversal answers the first one identically (200).',
      tags: ['Settlements'],
      roles: ['admin', 'billing'],
      scope: OWN_HOSPITAL,
      params: settlementParams,
      body: { schema: reversalBodySchema, required: false },
      responses: { 200: { description: 'the settlement with status "reversed"', schema: settlementResponseSchema } },
      errors: ['NOT_FOUND', 'ARCHIVED', 'UNAVAILABLE'],
    },
    async (req, res) => {
      const caller = callerOf(req);
      // Read (and scope-checked) before the body is judged: an unknown or foreign id answers 404 or 403 first.
      const stored = await deps.settlements.getFor(caller, settlementIdOf(req));
      const { operator, reason } = parseOrThrow(reversalBodySchema, req.body);
      sendJsonText(res, 200, await deps.settlements.reverseFor(caller, stored, operator, reason));
    },
  );

  v1.on(
    {
      method: 'get',
      path: '/enrollees/{card}/settlements',
      operationId: 'listSettlementsOfPerson',
      summary: "A person's settlements of a benefit year, in commit order, a page at a time",
      tags: ['Settlements'],
      roles: ['admin', 'billing'],
      scope: "billing: sees its own hospital's settlements only (a page may then hold fewer; `next` still leads on)",
      params: z.object({ card: cardSchema }),
      query: z.object({ year: yearSchema }).extend(pageSchema.shape),
      responses: { 200: { description: 'a page of settlements', schema: settlementListSchema } },
      errors: ['ARCHIVED', 'UNAVAILABLE'],
    },
    async (req, res) => {
      const card = parseOrThrow(cardSchema, req.params.card, 'card', 'card');
      const year = parseOrThrow(yearSchema, req.query.year, 'year', 'query');
      const { limit, cursor } = parseOrThrow(pageSchema, { limit: req.query.limit, cursor: req.query.cursor }, '', 'query');
      const page = await deps.settlements.listFor(callerOf(req), card, year, cursor ?? null, limit);
      sendJsonText(res, 200, `{"card":${JSON.stringify(card)},"year":${year},"settlements":[${page.bodies.join(',')}],"next":${JSON.stringify(page.next)}}`);
    },
  );
}
