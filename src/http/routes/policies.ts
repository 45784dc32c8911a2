/** Policy routes: the loaded policies and their cited parameters. */
import { z } from 'zod';
import { NotFoundError } from '../../domain/errors.js';
import { flattenParameters } from '../../policy/parameters.js';
import type { ApiRouter } from '../openapi/operations.js';
import { policyDetailSchema, policyListSchema } from '../../contract/policy.js';
import type { RouteDependencies } from './common.js';

const READERS = ['admin', 'billing', 'referral'] as const;

export function policyRoutes(v1: ApiRouter, deps: RouteDependencies): void {
  v1.on(
    {
      method: 'get',
      path: '/policies',
      operationId: 'listPolicies',
      summary: 'The loaded policies (one per region and benefit year)',
      tags: ['Policies'],
      roles: READERS,
      responses: { 200: { description: 'the policies', schema: policyListSchema } },
    },
    (_req, res) => {
      res.json({
        policies: deps.catalog.entries.map(({ policy, version }) => ({
          policyId: policy.id,
          version,
          region: policy.region,
          name: policy.name,
          benefitYear: policy.benefitYear,
          document: policy.document,
          attribution: policy.attribution.rule,
          visitTypes: Object.keys(policy.visitTypes),
        })),
      });
    },
  );
  v1.on(
    {
      method: 'get',
      path: '/policies/{policyId}',
      operationId: 'getPolicy',
      summary: "A policy's parameters, each with its citation and whether it is assumed",
      tags: ['Policies'],
      roles: READERS,
      params: z.object({ policyId: z.string().meta({ example: 'pingyang-2019' }) }),
      responses: { 200: { description: 'the policy', schema: policyDetailSchema } },
      errors: ['NOT_FOUND'],
    },
    (req, res) => {
      const loaded = deps.catalog.get(String(req.params.policyId));
      if (!loaded) throw new NotFoundError(`no policy ${String(req.params.policyId)}`);
      const { policy, source, version } = loaded;
      const parameters = flattenParameters(source);
      res.json({
        policyId: policy.id,
        version,
        region: policy.region,
        name: policy.name,
        benefitYear: policy.benefitYear,
        document: policy.document,
        parameters,
        assumedParameters: parameters.filter((p) => p.assumed).map((p) => p.path),
        source,
      });
    },
  );
}
