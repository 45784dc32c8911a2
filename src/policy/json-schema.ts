/** The JSON Schema of a policy file as written (zod 4's toJSONSchema on the input side of the schema). */
import { z } from 'zod';
import { policyFileSchema } from './schema.js';

export function policyJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(policyFileSchema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }) as Record<string, unknown>;
  return {
    ...schema,
    $id: 'https://resident-insurance-settlement.local/schemas/policy.schema.json',
    title: 'Policy file (policy vocabulary)',
    description: "A pooling region's resident-insurance rules for one benefit year, as data. See docs/policy-authoring.md.",
  };
}
