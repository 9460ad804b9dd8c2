/**
 * A day typed into a field (the audit log's period) is written and read the
 * way the console's locale writes a day, not the browser's mm/dd/yyyy:
 * formatDay and parseDay of src-renderer/i18n/format.ts.
 */
import { describe, expect, it } from 'vitest';
import { formatters } from '../../../src-renderer/i18n/format';
import { CONSOLE_LANGUAGES, INTL_LOCALE } from '../../../src-shared/console-languages';

describe('a day as the console’s locale writes it', () => {
  it('each console language writes day, month, year, in that order', () => {
    for (const language of CONSOLE_LANGUAGES) {
      const format = formatters(INTL_LOCALE[language]);
      expect(format.dayPattern.order).toEqual(['day', 'month', 'year']);
      expect(format.formatDay('2026-03-05')).toBe('05/03/2026');
      expect(format.parseDay('05/03/2026')).toBe('2026-03-05');
    }
  });

  it('reads what people type: one digit, other separators, a two-digit year, spaces around', () => {
    const fr = formatters('fr-BE');
    expect(fr.parseDay('5/3/2026')).toBe('2026-03-05');
    expect(fr.parseDay(' 5.3.2026 ')).toBe('2026-03-05');
    expect(fr.parseDay('31-12-26')).toBe('2026-12-31');
    expect(fr.parseDay('29 02 2028')).toBe('2028-02-29');
  });

  it('refuses what is not a day of the calendar', () => {
    const nl = formatters('nl-BE');
    for (const text of ['', '31/02/2026', '29/02/2026', '00/01/2026', '12/13/2026', '1/1/202', '1/1/20266', '1/1', '1/1/2026/1', 'morgen', '2026-03-05x', '5/3/2026 10:00']) {
      expect(nl.parseDay(text), text).toBeNull();
    }
  });

  it('follows a locale that writes the month first', () => {
    const us = formatters('en-US');
    expect(us.dayPattern).toEqual({ order: ['month', 'day', 'year'], separator: '/' });
    expect(us.parseDay('12/31/2026')).toBe('2026-12-31');
    expect(us.parseDay('31/12/2026')).toBeNull();
    expect(us.formatDay('2026-03-05')).toBe('03/05/2026');
  });
});
