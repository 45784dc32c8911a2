/** archive-settlement-5.lua and archive-ledger-entry-1.lua with named arguments, in the order their headers document, and their replies decoded. */
import type { ScriptedClient } from '../redis.js';
import { archiveRemovalOutcome, type ArchiveRemovalOutcome } from '../script-results.js';

export interface ArchiveSettlementCall {
  settlementKey: string;
  settlementsOfYearKey: string;
  staysKey: string;
  idIndexKey: string;
  /** person:{card}: the year list and stays when they are no longer in the earlier keys above. */
  personKey: string;
  settlementId: string;
  /** SHA-1 (hex) of the record as archived. */
  recordSha1: string;
  card: string;
  year: number;
  /** false: the id carries its year and is in the archive's id set, so its index entry goes instead of becoming a mark. */
  keepMark: boolean;
  /** "<hospitalId>:<requestId>": its idempotency record is kept without its body hash; null leaves it as it is. */
  idempotencyField: string | null;
}

export async function archiveSettlement(client: ScriptedClient, c: ArchiveSettlementCall): Promise<ArchiveRemovalOutcome> {
  return archiveRemovalOutcome(
    await client.archiveSettlement(
      c.settlementKey,
      c.settlementsOfYearKey,
      c.staysKey,
      c.idIndexKey,
      c.personKey,
      c.settlementId,
      c.recordSha1,
      c.card,
      String(c.year),
      c.keepMark ? '1' : '0',
      c.idempotencyField ?? '',
    ),
  );
}

export async function archiveLedgerEntry(client: ScriptedClient, c: { ledgerKey: string; field: string; stored: string }): Promise<ArchiveRemovalOutcome> {
  return archiveRemovalOutcome(await client.archiveLedgerEntry(c.ledgerKey, c.field, c.stored));
}
