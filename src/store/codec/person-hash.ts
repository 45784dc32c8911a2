/**
 * Fields of a person's hash (person:{card}) as the client reads them; the
 * scripts write them (src/store/scripts/include/person.lua):
 * '<year>|<short name>' accumulators, 't|<year>' the year's stays as
 * '<discharge day>|<stay member>' joined by ' ', and idempotency records
 * under '<hospitalId>:<requestId>'.
 */
import { dateOfDayNumber } from '../../domain/dates.js';

/**
 * Short field names of the fixed accumulators (SHORT in
 * scripts/include/person.lua: keep the two alike, test/unit/person-hash.test.ts
 * checks). A policy's own ledgers ('l:<key>') keep their names.
 */
export const SHORT_ACCUMULATOR_NAMES: Readonly<Record<string, string>> = {
  version: 'v',
  admissions: 'a',
  specialOutpatientCounted: 'so',
  basicEligible: 'be',
  basicPaid: 'bp',
  compliantSelfBurden: 'cs',
  criticalIllnessPaid: 'ci',
  outpatientPaid: 'op',
  retiredCadreSpousePaid: 'rs',
};
const LONG_NAMES = new Map(Object.entries(SHORT_ACCUMULATOR_NAMES).map(([name, short]) => [short, name]));

/** Deltas under the short names (a compact meta line's `d`: its bytes count in every record); others kept. */
export function shortNamed(deltas: Record<string, string>): Record<string, string> {
  const short: Record<string, string> = {};
  for (const name in deltas) short[SHORT_ACCUMULATOR_NAMES[name] ?? name] = deltas[name]!;
  return short;
}

/** Accumulators by their names: short hash-field names made whole, earlier-layout names kept. */
export function namedAccumulators(hash: Record<string, string>): Record<string, string> {
  const named: Record<string, string> = {};
  for (const field in hash) named[LONG_NAMES.get(field) ?? field] = hash[field]!;
  return named;
}

/** The year's accumulators, by their names. */
export function accumulatorsOfYear(fields: Record<string, string>, year: number): Record<string, string> {
  const prefix = `${year}|`;
  const found: Record<string, string> = {};
  for (const field in fields) if (field.startsWith(prefix)) found[field.slice(prefix.length)] = fields[field]!;
  return namedAccumulators(found);
}

/**
 * The year's stay members discharged from day `from` to day `to`, in a sorted
 * set's order (day, then member), each with its discharge date (a member the
 * hash keeps without it gets it from its day: codec/stay.ts).
 */
export function staysOfYear(fields: Record<string, string>, year: number, from: number, to: number): string[] {
  const value = fields[`t|${year}`];
  if (!value) return [];
  const found: [number, string][] = [];
  for (const entry of value.split(' ')) {
    const bar = entry.indexOf('|');
    const day = Number(entry.slice(0, bar));
    if (day >= from && day <= to) found.push([day, entry.slice(bar + 1)]);
  }
  return found.sort((a, b) => a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0)).map(([day, member]) => withDischargeDate(member, day));
}

/** '<id>|<hospital>|<consortium>||<ordinal>' with the date of `day` in its fourth place; a member holding its date as it is. */
function withDischargeDate(member: string, day: number): string {
  const parts = member.split('|');
  if (parts[3] !== '') return member;
  parts[3] = dateOfDayNumber(day);
  return parts.join('|');
}
