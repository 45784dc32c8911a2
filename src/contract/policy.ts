/** Policies as the service lists and explains them (api.md "Policies"). */
import { z } from 'zod';
import { VISIT_TYPES } from '../domain/types.js';
import { nullableString, policyVersionSchema } from './fields.js';

export const policyListSchema = z.strictObject({
  policies: z.array(
    z.strictObject({
      policyId: z.string(),
      version: policyVersionSchema,
      region: z.string(),
      name: z.string(),
      benefitYear: z.number().int(),
      document: z.string(),
      attribution: z.string(),
      visitTypes: z.array(z.enum(VISIT_TYPES)),
    }),
  ),
});

export const policyDetailSchema = z.strictObject({
  policyId: z.string(),
  version: policyVersionSchema,
  region: z.string(),
  name: z.string(),
  benefitYear: z.number().int(),
  document: z.string(),
  parameters: z.array(
    z.strictObject({
      path: z.string(),
      value: z.union([z.string(), z.number(), z.boolean(), z.null()]),
      cite: nullableString,
      assumed: z.boolean(),
      decision: nullableString,
    }),
  ),
  assumedParameters: z.array(z.string()),
  source: z.record(z.string(), z.unknown()).meta({ description: 'the policy file as loaded' }),
});
