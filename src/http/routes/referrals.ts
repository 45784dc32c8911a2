/** Referral desk routes: file, read, revoke filings of persons of the key's region. */
import type { Request, Router } from 'express';
import { AuthError } from '../../domain/errors.js';
import { requireRegion, requireRole } from '../auth.js';
import { filingCreateSchema, idSchema } from '../schemas.js';
import { parseOrThrow } from '../validate.js';
import type { RouteDependencies } from './common.js';

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
    return filing;
  };
  v1.get('/referrals/:referralId', async (req, res) => {
    res.json(await filingInScope(req));
  });
  v1.delete('/referrals/:referralId', async (req, res) => {
    const filing = await filingInScope(req);
    res.json(await deps.referrals.revoke(filing.referralId));
  });
}
