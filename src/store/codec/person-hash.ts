/**
 * Fields of a person's hash (person:{card}) as the client reads them; the
 * scripts write them (src/store/scripts/include/person.lua):
 * '<year>|<name>' accumulators, 't|<year>' the year's stays as
 * '<discharge day>|<stay member>' joined by ' ', and idempotency records
 * under '<hospitalId>:<requestId>'.
 */

/** The year's accumulators, their names without the year. */
export function accumulatorsOfYear(fields: Record<string, string>, year: number): Record<string, string> {
  const prefix = `${year}|`;
  const found: Record<string, string> = {};
  for (const field in fields) if (field.startsWith(prefix)) found[field.slice(prefix.length)] = fields[field]!;
  return found;
}

/** The year's stay members discharged from day `from` to day `to`, in a sorted set's order (day, then member). */
export function staysOfYear(fields: Record<string, string>, year: number, from: number, to: number): string[] {
  const value = fields[`t|${year}`];
  if (!value) return [];
  const found: [number, string][] = [];
  for (const entry of value.split(' ')) {
    const bar = entry.indexOf('|');
    const day = Number(entry.slice(0, bar));
    if (day >= from && day <= to) found.push([day, entry.slice(bar + 1)]);
  }
  return found.sort((a, b) => a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0)).map(([, member]) => member);
}
