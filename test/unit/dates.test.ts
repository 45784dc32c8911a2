import { describe, expect, it } from 'vitest';
import { isIsoDate, withinPeriod, yearOf } from '../../src/domain/dates.js';

describe('calendar dates', () => {
  it('accepts real dates only, with Gregorian leap years (year 0 included)', () => {
    for (const date of ['2019-01-01', '2019-12-31', '2000-02-29', '2020-02-29', '0000-02-29']) expect(isIsoDate(date), date).toBe(true);
    for (const date of ['2019-02-29', '1900-02-29', '2019-04-31', '2019-13-01', '2019-00-10', '2019-1-01', '', '20190101']) expect(isIsoDate(date), date).toBe(false);
  });
  it('periods are inclusive at both ends; the year is the first four digits', () => {
    expect(withinPeriod('2019-01-01', '2019-01-01', '2019-12-31')).toBe(true);
    expect(withinPeriod('2019-12-31', '2019-01-01', '2019-12-31')).toBe(true);
    expect(withinPeriod('2020-01-01', '2019-01-01', '2019-12-31')).toBe(false);
    expect(yearOf('2018-12-31')).toBe(2018);
  });
});
