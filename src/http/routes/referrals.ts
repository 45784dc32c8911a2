/** Referral desk routes: file, read, revoke filings of persons of the key's region; a person's filings. */
import type { Request } from 'express';
import { z } from 'zod';
import { callerOf } from '../auth.js';
import { referralExample } from '../openapi/examples.js';
import type { ApiRouter } from '../openapi/operations.js';
import { filingListSchema, filingResponseSchema } from '../../contract/referral.js';
import { cardSchema, idSchema, pageQuery, reversalBodySchema } from '../../contract/fields.js';
import { filingCreateSchema } from '../../contract/referral.js';
import { parseOrThrow } from '../validate.js';
import type { RouteDependencies } from './common.js';

const filingListQuery = pageQuery(200, 50, 20).extend({ status: z.enum(['active', 'all']).default('active') });

const OWN_REGION = 'referral: persons of its own region only; admin: any';
const referralParams = z.object({ referralId: idSchema });

export function referralRoutes(v1: ApiRouter, deps: RouteDependencies): void {
  v1.on(
    {
      method: 'post',
      path: '/referrals',
      operationId: 'fileReferral',
      summary: 'File a referral (转诊转院备案), relocation (异地安置) or out-of-area (异地就医备案) approval',
      tags: ['Referrals'],
      roles: ['admin', 'referral'],
      scope: OWN_REGION,
      body: { schema: filingCreateSchema, examples: { 'worked-examples': { summary: 'a referral to a Wenzhou city hospital for 2019', value: referralExample } } },
      responses: { 201: { description: 'filed, active', schema: filingResponseSchema } },
      errors: ['ENROLLEE_NOT_FOUND', 'HOSPITAL_NOT_FOUND', 'LIMIT_REACHED', 'UNAVAILABLE'],
    },
    async (req, res) => {
      const draft = parseOrThrow(filingCreateSchema, req.body);
      res.status(201).json(await deps.referrals.fileFor(callerOf(req), draft));
    },
  );
  const referralIdOf = (req: Request) => parseOrThrow(idSchema, req.params.referralId, 'referralId', 'referral id');
  v1.on(
    {
      method: 'get',
      path: '/referrals/{referralId}',
      operationId: 'getReferral',
      summary: 'Read a filing',
      tags: ['Referrals'],
      roles: ['admin', 'referral'],
      scope: OWN_REGION,
      params: referralParams,
      responses: { 200: { description: 'the filing', schema: filingResponseSchema } },
      errors: ['NOT_FOUND', 'UNAVAILABLE'],
    },
    async (req, res) => {
      res.json(await deps.referrals.getFor(callerOf(req), referralIdOf(req)));
    },
  );
  v1.on(
    {
      method: 'delete',
      path: '/referrals/{referralId}',
      operationId: 'revokeReferral',
      summary: 'Revoke a filing (kept, never erased; repeatable)',
      tags: ['Referrals'],
      roles: ['admin', 'referral'],
      scope: OWN_REGION,
      params: referralParams,
      body: { schema: reversalBodySchema, required: false },
      responses: { 200: { description: 'the filing with status "revoked"', schema: filingResponseSchema } },
      errors: ['NOT_FOUND', 'UNAVAILABLE'],
    },
    async (req, res) => {
      const caller = callerOf(req);
      // Read (and scope-checked) before the body is judged: an unknown or foreign id answers 404 or 403 first.
      const filing = await deps.referrals.getFor(caller, referralIdOf(req));
      const { operator, reason } = parseOrThrow(reversalBodySchema, req.body);
      res.json(await deps.referrals.revokeFor(caller, filing, operator, reason));
    },
  );

  // A person's filings: billing desks see them in the person panel, referral desks of the person's region manage them.
  v1.on(
    {
      method: 'get',
      path: '/enrollees/{card}/referrals',
      operationId: 'listReferralsOfPerson',
      summary: "A person's filings: the active ones, or all a page at a time",
      tags: ['Referrals'],
      roles: ['admin', 'billing', 'referral'],
      scope: 'referral: persons of its own region only',
      params: z.object({ card: cardSchema }),
      query: filingListQuery,
      responses: { 200: { description: 'the filings', schema: filingListSchema } },
      errors: ['ENROLLEE_NOT_FOUND', 'UNAVAILABLE'],
    },
    async (req, res) => {
      const card = parseOrThrow(cardSchema, req.params.card, 'card', 'card');
      const query = parseOrThrow(filingListQuery, { status: req.query.status, limit: req.query.limit, cursor: req.query.cursor }, '', 'query');
      const page = await deps.referrals.ofPersonFor(callerOf(req), card, query.status, query.cursor ?? null, query.limit);
      res.json({ card, status: query.status, referrals: page.items, next: page.next });
    },
  );
}
