/**
 * put-fee-lines-6.lua, withdraw-fee-lines-6.lua and replace-unsettled-encounter-6.lua
 * with named arguments, in the order their headers document, and their replies
 * decoded. The three share one layout: the stay's keys, then what the change
 * expects of the stay (still unsettled as read), checked in the same script.
 */
import type { ScriptedClient } from '../redis.js';
import { feeLinesOutcome, stayChangeOutcome, type FeeLinesOutcome, type StayChangeOutcome } from '../script-results.js';

/** The stay's keys every change of it names (all in the person's slot). */
export interface StayKeys {
  linesKey: string;
  encounterKey: string;
  /** enc-settling:{card}:<mdtrtId>: a token per settlement of the stay at work. */
  settlingKey: string;
  idempotencyKey: string;
  /** The settlement the expectation names (any key of the slot when none). */
  settlementKey: string;
  /** person:{card}: its idempotency fields, read before the earlier idempotencyKey. */
  personKey: string;
}

/** The stay as read before the change. */
export interface StayExpectationArgs {
  round: number;
  /** "<hospitalId>:<requestId>" of the stay's current round */
  field: string;
  /** that field's value as read ('' when absent) */
  idem: string;
}

const stayKeyList = (k: StayKeys): string[] => [k.linesKey, k.encounterKey, k.settlingKey, k.idempotencyKey, k.settlementKey, k.personKey];
const expectationArgs = (e: StayExpectationArgs): string[] => [String(e.round), e.field, e.idem];

export async function putFeeLines(
  client: ScriptedClient,
  c: StayKeys & { expect: StayExpectationArgs; maxLines: number; lines: readonly { lineId: string; json: string; refundOf: string | null }[] },
): Promise<FeeLinesOutcome> {
  const args: string[] = [String(c.maxLines), ...expectationArgs(c.expect)];
  for (const line of c.lines) args.push(line.lineId, line.json, line.refundOf ?? '');
  return feeLinesOutcome(await client.putFeeLines(...stayKeyList(c), ...args));
}

/** One line (and its refund), or every line ('0000'); `count` says how many went. */
export async function withdrawFeeLines(client: ScriptedClient, c: StayKeys & { expect: StayExpectationArgs; lineId: string }): Promise<StayChangeOutcome> {
  return stayChangeOutcome(await client.withdrawFeeLines(...stayKeyList(c), c.lineId, ...expectationArgs(c.expect)));
}

/** Replaces the encounter if it is still `raw` and its stay still unsettled as expected. */
export async function replaceUnsettledEncounter(client: ScriptedClient, c: StayKeys & { expect: StayExpectationArgs; raw: string; next: string }): Promise<StayChangeOutcome> {
  return stayChangeOutcome(await client.replaceUnsettledEncounter(...stayKeyList(c), c.raw, ...expectationArgs(c.expect), c.next));
}
