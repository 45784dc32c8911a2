/** Who am I: the caller behind the key, so the desk pages know which tabs to show. */
import type { Router } from 'express';
import { callerOf } from '../auth.js';

export function meRoutes(v1: Router): void {
  v1.get('/me', (req, res) => {
    const caller = callerOf(req);
    res.json({
      id: caller.id,
      role: caller.role,
      ...(caller.role === 'billing' ? { hospitalId: caller.hospitalId } : {}),
      ...(caller.role === 'referral' ? { region: caller.region } : {}),
    });
  });
}
