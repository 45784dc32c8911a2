/**
 * The /v1 contract as the desk reads it: the answers' types derived from the
 * service's own response schemas (src/contract), so the desk cannot drift
 * from what the service sends. Type-only imports: no zod reaches the bundle.
 */
import type { z } from 'zod';
import type { callerSchema } from '../../src/contract/service.js';
import type { errorDetailSchema, operatorView } from '../../src/contract/fields.js';
import type { policyDetailSchema, policyListSchema } from '../../src/contract/policy.js';
import type { filingResponseSchema } from '../../src/contract/referral.js';
import type { accumulatorsSchema, enrolleeResponseSchema, hospitalResponseSchema } from '../../src/contract/registry.js';
import type { feeCategoryResponseSchema, feeLineResponseSchema, settlementResponseSchema } from '../../src/contract/settlement.js';
import type { reconciliationResponseSchema, statementSchema } from '../../src/contract/statement.js';

export type Me = z.output<typeof callerSchema>;
export type Role = Me['role'];

/** The clerk as the desk names them in a request body. */
export interface Operator {
  id: string;
  name: string;
}

/** An operator as the service records it: the clerk named in the body and the key. */
export type RecordedOperator = z.output<typeof operatorView>;

export type FeeLineView = z.output<typeof feeLineResponseSchema>;
export type FeeCategoryView = z.output<typeof feeCategoryResponseSchema>;
type SettlementAnswer = z.output<typeof settlementResponseSchema>;
type FundLine = SettlementAnswer['lines'][number];

/** Read tolerantly: answers from older servers (no charges echo, rates, operator or flag) still render. */
export type Accumulators = Omit<z.output<typeof accumulatorsSchema>, 'specialOutpatientCounted'> & { specialOutpatientCounted?: boolean };
export type Settlement = Omit<SettlementAnswer, 'charges' | 'lines' | 'accumulatorsBefore' | 'accumulatorsAfter' | 'operator' | 'referralId'> & {
  charges?: SettlementAnswer['charges'];
  operator?: SettlementAnswer['operator'];
  referralId?: SettlementAnswer['referralId'];
  lines: (Omit<FundLine, 'rate'> & { rate?: FundLine['rate'] })[];
  accumulatorsBefore: Accumulators;
  accumulatorsAfter: Accumulators;
};
export type Enrollee = z.output<typeof enrolleeResponseSchema>;
export type Hospital = z.output<typeof hospitalResponseSchema>;
export type Filing = z.output<typeof filingResponseSchema>;
export type PolicySummary = z.output<typeof policyListSchema>['policies'][number];
export type PolicyDetail = z.output<typeof policyDetailSchema>;
export type Statement = z.output<typeof statementSchema>;
export type StatementEntry = Statement['entries'][number];
export type Reconciliation = z.output<typeof reconciliationResponseSchema>;
export type ReconciliationDifference = Reconciliation['differences'][number];

export interface ErrorBody {
  error: { code: string; message: string; details: z.output<typeof errorDetailSchema>[] };
}
