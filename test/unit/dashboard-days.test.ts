/** The dashboard's days: where each calendar day begins in a time zone, over clock changes. */
import { describe, expect, it } from 'vitest';
import { calendarDays } from '../../src-main/core/api/dashboard.handlers';
import { isTimeZone } from '../../src-shared/contract/dashboard';

describe('calendarDays', () => {
  it('gives the last days ending today, each from local midnight, with the spring-forward day 23 hours long (Brussels)', () => {
    const { dates, starts } = calendarDays(new Date('2026-03-29T10:00:00Z'), 'Europe/Brussels', 3);
    expect(dates).toEqual(['2026-03-27', '2026-03-28', '2026-03-29']);
    expect(starts).toEqual(['2026-03-26T23:00:00.000Z', '2026-03-27T23:00:00.000Z', '2026-03-28T23:00:00.000Z', '2026-03-29T22:00:00.000Z']);
  });

  it('makes the autumn day 25 hours long (Brussels)', () => {
    const { dates, starts } = calendarDays(new Date('2026-10-25T12:00:00Z'), 'Europe/Brussels', 1);
    expect(dates).toEqual(['2026-10-25']);
    expect(starts).toEqual(['2026-10-24T22:00:00.000Z', '2026-10-25T23:00:00.000Z']);
  });

  it('takes "today" from the time zone, not from UTC', () => {
    // 23:30 UTC on 28 March is already 29 March in Brussels, still 28 March in New York.
    const now = new Date('2026-03-28T23:30:00Z');
    expect(calendarDays(now, 'Europe/Brussels', 1).dates).toEqual(['2026-03-29']);
    expect(calendarDays(now, 'America/New_York', 1).dates).toEqual(['2026-03-28']);
    expect(calendarDays(now, 'UTC', 2)).toEqual({ dates: ['2026-03-27', '2026-03-28'], starts: ['2026-03-27T00:00:00.000Z', '2026-03-28T00:00:00.000Z', '2026-03-29T00:00:00.000Z'] });
  });

  it('starts a day without a midnight at the clock change (Santiago jumps from 23:59 to 01:00 on 6 September 2026)', () => {
    const { dates, starts } = calendarDays(new Date('2026-09-06T15:00:00Z'), 'America/Santiago', 2);
    expect(dates).toEqual(['2026-09-05', '2026-09-06']);
    expect(starts).toEqual(['2026-09-05T04:00:00.000Z', '2026-09-06T04:00:00.000Z', '2026-09-07T03:00:00.000Z']);
  });

  it('crosses months and years', () => {
    const { dates } = calendarDays(new Date('2026-01-02T12:00:00Z'), 'Asia/Tokyo', 4);
    expect(dates).toEqual(['2025-12-30', '2025-12-31', '2026-01-01', '2026-01-02']);
  });
});

describe('isTimeZone', () => {
  it('knows IANA names and UTC, not made-up ones', () => {
    expect(isTimeZone('Europe/Brussels')).toBe(true);
    expect(isTimeZone('UTC')).toBe(true);
    expect(isTimeZone('Mars/Olympus_Mons')).toBe(false);
    expect(isTimeZone('')).toBe(false);
  });
});
