/** reverse-settlement-5.lua with named arguments, in the order its header documents, and its reply decoded. */
import type { ScriptedClient } from '../redis.js';
import type { ReplicaAcknowledgement } from '../replication.js';
import { reversalOutcome, type ReversalOutcome } from '../script-results.js';

export interface ReverseSettlementCall {
  settlementKey: string;
  accumulatorsKey: string;
  /** The ledger of the reversal's day, the person's slot. */
  ledgerKey: string;
  staysKey: string;
  occupancyKey: string;
  /** Reversal meta JSON {at, reason, operator}. */
  reversal: string;
  /** "<settlementId>:r" */
  ledgerField: string;
  /** Ledger entry JSON, amounts negated. */
  ledgerEntry: string;
}

/** Answered only once the required replicas hold the reversal (replication.ts). */
export async function reverseSettlement(client: ScriptedClient, replicas: ReplicaAcknowledgement, c: ReverseSettlementCall): Promise<ReversalOutcome> {
  const reply = await replicas.script<[number]>(
    client,
    'reverseSettlement',
    [c.settlementKey, c.accumulatorsKey, c.ledgerKey, c.staysKey, c.occupancyKey, c.reversal, c.ledgerField, c.ledgerEntry],
    (r) => r[0] === 1,
  );
  return reversalOutcome(reply);
}
