/** put-filing-4.lua and revoke-filing-3.lua with named arguments, in the order their headers document, and their replies decoded. */
import type { ScriptedClient } from '../redis.js';
import { filingOutcome, revokeOutcome, type FilingOutcome, type RevokeOutcome } from '../script-results.js';

export interface PutFilingCall {
  filingsKey: string;
  activeFilingsKey: string;
  filingsVersionKey: string;
  idIndexKey: string;
  referralId: string;
  filing: string;
  card: string;
  validToDay: number;
  maxActive: number;
}

export async function putFiling(client: ScriptedClient, c: PutFilingCall): Promise<FilingOutcome> {
  return filingOutcome(
    await client.putFiling(c.filingsKey, c.activeFilingsKey, c.filingsVersionKey, c.idIndexKey, c.referralId, c.filing, c.card, String(c.validToDay), String(c.maxActive)),
  );
}

export interface RevokeFilingCall {
  filingsKey: string;
  activeFilingsKey: string;
  filingsVersionKey: string;
  referralId: string;
  /** The filing with status 'revoked', written only if unchanged since read. */
  revoked: string;
  /** The filing as read (compare-and-set). */
  read: string;
}

export async function revokeFiling(client: ScriptedClient, c: RevokeFilingCall): Promise<RevokeOutcome> {
  return revokeOutcome(await client.revokeFiling(c.filingsKey, c.activeFilingsKey, c.filingsVersionKey, c.referralId, c.revoked, c.read));
}
