/** Referral desk routes: file, read, revoke filings of persons of the key's region; a person's filings. */
import type { Request, Router } from 'express';
import { z } from 'zod';
import { AuthError } from '../../domain/errors.js';
import { requireRegion, requireRole } from '../auth.js';
import { cardSchema, filingCreateSchema, idSchema, reversalBodySchema } from '../schemas.js';
import { parseOrThrow } from '../validate.js';
import type { RouteDependencies } from './common.js';

const filingListQuery = z.object({
  status: z.enum(['active', 'all']).default('active'),
  limit: z
    .string()
    .regex(/^\d{1,3}$/, 'limit is a whole number from 1 to 200')
    .transform(Number)
    .refine((n) => n >= 1 && n <= 200, 'limit is a whole number from 1 to 200')
    .default(50),
  cursor: z.string().regex(/^\d{1,20}$/, 'cursor is the `next` of the previous page').optional(),
});

export function referralRoutes(v1: Router, deps: RouteDependencies): void {
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
    return { caller, filing };
  };
  v1.get('/referrals/:referralId', async (req, res) => {
    res.json((await filingInScope(req)).filing);
  });
  v1.delete('/referrals/:referralId', async (req, res) => {
    const { caller, filing } = await filingInScope(req);
    const { operator, reason } = parseOrThrow(reversalBodySchema, req.body);
    res.json(await deps.referrals.revoke(filing.referralId, { operator, keyId: caller.id }, reason));
  });

  // A person's filings: billing desks see them in the person panel, referral desks of the person's region manage them.
  v1.get('/enrollees/:card/referrals', async (req, res) => {
    const caller = requireRole(req, 'admin', 'billing', 'referral');
    const card = parseOrThrow(cardSchema, req.params.card, 'card', 'card');
    const query = parseOrThrow(filingListQuery, { status: req.query.status, limit: req.query.limit, cursor: req.query.cursor }, '', 'query');
    if (caller.role === 'referral') requireRegion(caller, (await deps.registry.getEnrollee(card)).region);
    const page = await deps.referrals.ofPerson(card, query.status, query.cursor ?? null, query.limit);
    res.json({ card, status: query.status, referrals: page.items, next: page.next });
  });
}
