/** commit-settlement-13.lua with named arguments, in the order its header documents, and its reply decoded. */
import type { ScriptedClient } from '../redis.js';
import type { ReplicaAcknowledgement } from '../replication.js';
import { commitOutcome, type CommitOutcome } from '../script-results.js';

export interface CommitSettlementCall {
  accumulatorsKey: string;
  idempotencyKey: string;
  settlementKey: string;
  settlementsOfYearKey: string;
  idIndexKey: string;
  filingsVersionKey: string;
  /** The person's slot's ledger outbox (ledger-records.ts). */
  ledgerOutboxKey: string;
  staysKey: string;
  /** The platform message's record (a placeholder key when none). */
  messageKey: string;
  occupancyKey: string;
  voidClaimKey: string;
  /** The hold of the stay this settles (a placeholder key when none). */
  stayHoldKey: string;
  /** person:{card}: the earlier keys above are folded into it whenever it is written. */
  personKey: string;
  /** "<hospitalId>:<requestId>" */
  idempotencyField: string;
  bodyHash: string;
  claimToken: string;
  expectedVersion: string;
  expectedFilingsVersion: string;
  settlementId: string;
  card: string;
  /** Meta line + deflated response (codec/settlement-record.ts). */
  record: Buffer | string;
  ledgerEntry: string;
  /** '' when the settlement lists no stay. */
  stayDischargeDay: string;
  stayMember: string;
  /** '' when no message asked for this settlement. */
  messageRecord: string;
  messageTtlSeconds: number;
  /** '' when the settlement is no stay. */
  occupancyAdmissionDay: string;
  occupancyDischargeDay: string;
  occupancyMember: string;
  occupancySeconds: number;
  /** Accumulator field → integer delta (fen or count). */
  deltas: Record<string, string>;
  /** "<hospitalId>|<date>|<settlementId>": the entry's field in the outbox. */
  ledgerOutboxField: string;
  /** When the claim with claimToken was made, wall-clock ms (compared with Redis TIME). */
  claimedAtMs: number;
  /** How long after claimedAtMs the claim may still commit. */
  maxClaimAgeMs: number;
  /** The hold's token, taken out by the commit ('' when none). */
  stayHoldToken: string;
  /** False (STORE_WRITE_FORMAT=previous): the earlier keys are written, unless the person's hash exists already. */
  writePersonHash: boolean;
  benefitYear: number;
}

export function commitSettlementKeysAndArgs(c: CommitSettlementCall): (string | Buffer)[] {
  return [
    c.accumulatorsKey,
    c.idempotencyKey,
    c.settlementKey,
    c.settlementsOfYearKey,
    c.idIndexKey,
    c.filingsVersionKey,
    c.ledgerOutboxKey,
    c.staysKey,
    c.messageKey,
    c.occupancyKey,
    c.voidClaimKey,
    c.stayHoldKey,
    c.personKey,
    c.idempotencyField,
    c.bodyHash,
    c.claimToken,
    c.expectedVersion,
    c.expectedFilingsVersion,
    c.settlementId,
    c.card,
    c.record,
    c.ledgerEntry,
    c.stayDischargeDay,
    c.stayMember,
    c.messageRecord,
    String(c.messageTtlSeconds),
    c.occupancyAdmissionDay,
    c.occupancyDischargeDay,
    c.occupancyMember,
    String(c.occupancySeconds),
    String(Object.keys(c.deltas).length),
    ...Object.entries(c.deltas).flat(),
    c.ledgerOutboxField,
    String(c.claimedAtMs),
    String(c.maxClaimAgeMs),
    c.stayHoldToken,
    c.writePersonHash ? '1' : '0',
    String(c.benefitYear),
  ];
}

/** Answered only once the required replicas hold the commit (replication.ts). */
export async function commitSettlement(client: ScriptedClient, replicas: ReplicaAcknowledgement, call: CommitSettlementCall): Promise<CommitOutcome> {
  const reply = await replicas.script<[number, string?]>(client, 'commitSettlement', commitSettlementKeysAndArgs(call), (r) => r[0] === 1);
  return commitOutcome(reply);
}
