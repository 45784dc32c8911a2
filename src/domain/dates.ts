/**
 * Calendar dates as ISO strings `YYYY-MM-DD`. Lexical order is calendar order,
 * so comparisons need no Date objects (and no clock, no time zone).
 */
export type IsoDate = string;

export const ISO_DATE_PATTERN = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

/** A real calendar date (rejects 2019-02-30). */
export function isIsoDate(value: string): boolean {
  if (!ISO_DATE_PATTERN.test(value)) return false;
  const year = Number(value.slice(0, 4));
  const month = Number(value.slice(5, 7));
  const day = Number(value.slice(8, 10));
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const daysInMonth = month === 2 ? (leap ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
  return day <= daysInMonth;
}

export function yearOf(date: IsoDate): number {
  return Number(date.slice(0, 4));
}

/** Inclusive on both ends. */
export function withinPeriod(date: IsoDate, from: IsoDate, to: IsoDate): boolean {
  return from <= date && date <= to;
}

const DAY_MS = 86_400_000;
/** Asia/Shanghai is UTC+8 all year (no daylight saving since 1991). */
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

/** Days since 1970-01-01 (a sortable number for a date, e.g. a sorted-set score). */
export function dayNumber(date: IsoDate): number {
  return Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / DAY_MS;
}

export function dateOfDayNumber(day: number): IsoDate {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** The latest day businessDayOf wrote out: the instants of a burst share one day, and the string costs more than the division. */
let lastDayNumber = Number.NaN;
let lastDay: IsoDate = '';

/** api.md "Day statements": a hospital's business day is the Asia/Shanghai date of the instant. */
export function businessDayOf(instant: string | Date): IsoDate {
  const ms = typeof instant === 'string' ? Date.parse(instant) : instant.getTime();
  const day = Math.floor((ms + SHANGHAI_OFFSET_MS) / DAY_MS);
  if (day !== lastDayNumber) {
    lastDay = dateOfDayNumber(day);
    lastDayNumber = day;
  }
  return lastDay;
}

/** The dates the service accepts anywhere (api.md: a date outside is a 400). */
export const EARLIEST_DATE: IsoDate = '1900-01-01';
export const LATEST_DATE: IsoDate = '2100-12-31';

export function withinSupportedDates(date: IsoDate): boolean {
  return withinPeriod(date, EARLIEST_DATE, LATEST_DATE);
}
