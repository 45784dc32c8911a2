/** reverse-settlement-6.lua with named arguments, in the order its header documents, and its reply decoded. */
import type { ScriptedClient } from '../redis.js';
import type { ReplicaAcknowledgement } from '../replication.js';
import { reversalOutcome, type ReversalOutcome } from '../script-results.js';

export interface ReverseSettlementCall {
  settlementKey: string;
  accumulatorsKey: string;
  /** The person's slot's ledger outbox (ledger-records.ts). */
  ledgerOutboxKey: string;
  staysKey: string;
  occupancyKey: string;
  /** person:{card}: where the parts not in the earlier keys above are. */
  personKey: string;
  /** Reversal meta JSON {at, reason, operator}. */
  reversal: string;
  /** "<hospitalId>|<date>|<settlementId>:r": the entry's field in the outbox. */
  ledgerOutboxField: string;
  /** Ledger entry JSON, amounts negated. */
  ledgerEntry: string;
  /** Puts it back into a compact meta line's stay and occupancy members. */
  settlementId: string;
  benefitYear: number;
}

/** Answered only once the required replicas hold the reversal (replication.ts). */
export async function reverseSettlement(client: ScriptedClient, replicas: ReplicaAcknowledgement, c: ReverseSettlementCall): Promise<ReversalOutcome> {
  const reply = await replicas.script<[number]>(
    client,
    'reverseSettlement',
    [
      c.settlementKey,
      c.accumulatorsKey,
      c.ledgerOutboxKey,
      c.staysKey,
      c.occupancyKey,
      c.personKey,
      c.reversal,
      c.ledgerOutboxField,
      c.ledgerEntry,
      c.settlementId,
      String(c.benefitYear),
    ],
    (r) => r[0] === 1,
  );
  return reversalOutcome(reply);
}
