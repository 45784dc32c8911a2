/**
 * A person is in one hospital at a time (overlapping stays are refused), so
 * fixtures that settle many stays of one person give each its own days: one
 * night each, one after another (discharge = next admission is no overlap).
 */
import { dateOfDayNumber, dayNumber } from '../../src/domain/dates.js';

const next = new Map<number, number>();

/**
 * The next stay's days in `year`: admission and discharge one day apart, never
 * overlapping an earlier one from here; with `nth`, the nth night from `from`.
 */
export function nextStayDays(year: number, from = `${year}-01-02`, nth?: number): { admissionDate: string; dischargeDate: string } {
  if (nth !== undefined) {
    const day = dayNumber(from) + nth;
    return { admissionDate: dateOfDayNumber(day), dischargeDate: dateOfDayNumber(day + 1) };
  }
  const day = next.get(year) ?? dayNumber(from);
  next.set(year, day + 1);
  return { admissionDate: dateOfDayNumber(day), dischargeDate: dateOfDayNumber(day + 1) };
}

const byKey = new Map<string, { admissionDate: string; dischargeDate: string }>();

/** nextStayDays, the same for every call with one key (a resent request keeps its body). */
export function stayDaysOf(key: string, year: number, from?: string): { admissionDate: string; dischargeDate: string } {
  let days = byKey.get(key);
  if (!days) byKey.set(key, (days = nextStayDays(year, from)));
  return days;
}

const nights = new Map<string, number>();

/**
 * The next stay of `series` (one person) in `year`, never overlapping the
 * earlier ones: a same-day stay on day k, then a one-night stay from k to
 * k+1, then day k+1 … (neither pair overlaps), about 720 a year.
 */
export function nextNightOf(series: string, year: number): { admissionDate: string; dischargeDate: string } {
  const nth = nights.get(`${series}|${year}`) ?? 0;
  if (nth >= 720) throw new Error(`more than 720 stays of ${series} in ${year}`);
  nights.set(`${series}|${year}`, nth + 1);
  const day = dayNumber(`${year}-01-02`) + Math.floor(nth / 2);
  return { admissionDate: dateOfDayNumber(day), dischargeDate: dateOfDayNumber(day + (nth % 2)) };
}
