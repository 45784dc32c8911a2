/** Who am I: the caller behind the key, so the desk pages know which tabs to show. */
import type { ApiRouter } from '../openapi/operations.js';
import { callerSchema } from '../../contract/service.js';
import { callerOf } from '../auth.js';

export function meRoutes(v1: ApiRouter): void {
  v1.on(
    {
      method: 'get',
      path: '/me',
      operationId: 'getCaller',
      summary: 'The caller behind the key: its id, role and hospital or region',
      tags: ['Callers'],
      roles: ['admin', 'billing', 'referral'],
      responses: { 200: { description: 'the caller', schema: callerSchema } },
    },
    (req, res) => {
      const caller = callerOf(req);
      res.json({
        id: caller.id,
        role: caller.role,
        ...(caller.role === 'billing' ? { hospitalId: caller.hospitalId } : {}),
        ...(caller.role === 'referral' ? { region: caller.region } : {}),
      });
    },
  );
}
