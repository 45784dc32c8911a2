/** Policy routes: the loaded policies and their cited parameters. */
import type { Router } from 'express';
import { NotFoundError } from '../../domain/errors.js';
import { flattenParameters } from '../../policy/parameters.js';
import { requireRole } from '../auth.js';
import type { RouteDependencies } from './common.js';

export function policyRoutes(v1: Router, deps: RouteDependencies): void {
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
    const parameters = flattenParameters(source);
    res.json({
      policyId: policy.id,
      region: policy.region,
      name: policy.name,
      benefitYear: policy.benefitYear,
      document: policy.document,
      parameters,
      assumedParameters: parameters.filter((p) => p.assumed).map((p) => p.path),
      source,
    });
  });
}
