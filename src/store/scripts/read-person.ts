/** read-person-12.lua with named arguments, in the order its header documents, and its reply decoded. */
import { accumulatorsOfYear, namedAccumulators, staysOfYear } from '../codec/person-hash.js';
import { settlementIdOfCard } from '../keys.js';
import type { ScriptedClient } from '../redis.js';

export interface ReadPersonCall {
  enrolleeKey: string;
  activeFilingsKey: string;
  accumulatorsKey: string;
  filingsVersionKey: string;
  idempotencyKey: string;
  coverageKey: string;
  voidClaimKey: string;
  filingsKey: string;
  /** The stays keys of the look-back (none, one or two years); unused places take the first key. */
  staysKeys: string[];
  previousAccumulatorsKey: string;
  /** person:{card}: read beside the earlier keys above. */
  personKey: string;
  benefitYear: number;
  /** The years of staysKeys. */
  staysYears: number[];
  dischargeDay: number;
  idempotencyField: string;
  referralId: string | null;
  staysFromDay: number;
  staysToDay: number;
  previousYear: boolean;
}

export interface PersonRecords {
  enrollee: string | null;
  activeFilings: string[];
  accumulators: Record<string, string>;
  filingsVersion: string | null;
  idempotency: string | null;
  coverageEntry: string | null;
  voidClaim: string | null;
  namedFiling: string | null;
  stays: string[];
  previousAccumulators: Record<string, string> | null;
}

/**
 * HGETALL's flat reply as an object. Without a prototype it is a dictionary
 * from the start: a hash's field names (idempotency fields, line ids) are new
 * each request, and a plain object would make V8 build and migrate a hidden
 * class per name (~6× the cost measured on a person's hash).
 */
export function hashOf(flat: string[]): Record<string, string> {
  const hash: Record<string, string> = Object.create(null);
  for (let i = 0; i < flat.length; i += 2) hash[flat[i]!] = flat[i + 1]!;
  return hash;
}

export async function readPerson(client: ScriptedClient, c: ReadPersonCall): Promise<PersonRecords> {
  const stays = c.staysKeys.length;
  const reply = (await client.readPerson(
    c.enrolleeKey,
    c.activeFilingsKey,
    c.accumulatorsKey,
    c.filingsVersionKey,
    c.idempotencyKey,
    c.coverageKey,
    c.voidClaimKey,
    c.filingsKey,
    c.staysKeys[0] ?? c.enrolleeKey,
    c.staysKeys[1] ?? c.enrolleeKey,
    c.previousAccumulatorsKey,
    c.personKey,
    String(c.dischargeDay),
    c.idempotencyField,
    c.referralId ?? '',
    String(stays),
    String(c.staysFromDay),
    String(c.staysToDay),
    c.previousYear ? '1' : '0',
    String(c.benefitYear),
    String(c.staysYears[0] ?? ''),
    String(c.staysYears[1] ?? ''),
  )) as [string | null, string[], string[], string | null, string | null, string | null, string | null, string | null, string[], string[], string[], string[]];
  // Each part is in the person's hash or in the earlier layout's key, never both: the two are joined.
  const person = hashOf(reply[11]);
  const staysOf = (i: number, earlier: string[]) => (i < stays ? [...staysOfYear(person, c.staysYears[i]!, c.staysFromDay, c.staysToDay), ...earlier] : []);
  return {
    enrollee: reply[0],
    activeFilings: reply[1],
    accumulators: { ...hashOf(reply[2]), ...accumulatorsOfYear(person, c.benefitYear) },
    filingsVersion: reply[3],
    idempotency: person[c.idempotencyField] ?? reply[4],
    coverageEntry: reply[5],
    voidClaim: reply[6],
    namedFiling: reply[7],
    stays: [...staysOf(0, reply[8]), ...staysOf(1, reply[9])],
    previousAccumulators: c.previousYear ? { ...hashOf(reply[10]), ...accumulatorsOfYear(person, c.benefitYear - 1) } : null,
  };
}

/** read-person-year-3.lua: a person's accumulators and settlement ids of one year, whichever layout holds them. */
export async function readPersonYear(
  client: ScriptedClient,
  c: { card: string; personKey: string; accumulatorsKey: string; settlementsOfYearKey: string; year: number },
): Promise<{ accumulators: Record<string, string>; ids: string[] }> {
  const [accumulators, ids] = await client.readPersonYear(c.personKey, c.accumulatorsKey, c.settlementsOfYearKey, String(c.year));
  return { accumulators: namedAccumulators(hashOf(accumulators)), ids: ids.map((id) => settlementIdOfCard(c.card, id)) };
}
