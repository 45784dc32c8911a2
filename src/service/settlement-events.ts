/**
 * What a settlement use-case reports about each outcome. Its own module so that
 * the metrics (ops) and the use-cases (service) both import it without a loop.
 */
import type { SettlementComputation } from '../engine/types.js';

export interface SettlementEvent {
  policyId: string;
  visitType: string;
  outcome: 'settled' | 'replay' | 'refused' | 'preview' | 'reversed';
  computation?: SettlementComputation;
  code?: string;
}
