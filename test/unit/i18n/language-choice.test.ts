import { describe, expect, it } from 'vitest';
import { pickConsoleLanguage } from '../../../src-shared/console-languages';
import { formatters } from '../../../src-renderer/i18n/format';

describe('console language choice', () => {
  it('takes the first preferred locale the console speaks, by its language part', () => {
    expect(pickConsoleLanguage(['de-DE', 'nl_BE', 'fr'])).toBe('nl');
    expect(pickConsoleLanguage(['fr-CA'])).toBe('fr');
    expect(pickConsoleLanguage(['ES-mx'])).toBe('es');
    expect(pickConsoleLanguage(['en-US', 'fr-BE'])).toBe('en');
  });

  it('falls back to English when none is spoken, or none is given', () => {
    expect(pickConsoleLanguage(['de-DE', 'ja'])).toBe('en');
    expect(pickConsoleLanguage([])).toBe('en');
    expect(pickConsoleLanguage([''])).toBe('en');
  });
});

describe('formatters', () => {
  it('write numbers and dates the way each locale does', () => {
    expect(formatters('fr-BE').number(12345)).toBe('12\u202f345');
    expect(formatters('nl-BE').number(12345)).toBe('12.345');
    expect(formatters('en-GB').number(12345)).toBe('12,345');
    expect(formatters('nl-BE').date('2026-03-05T10:00:00Z')).toBe('5 mrt 2026');
  });

  it('say how long ago in the locale', () => {
    const now = Date.parse('2026-03-05T10:00:00Z');
    expect(formatters('en-GB').relative('2026-03-05T09:57:00Z', now)).toBe('3 minutes ago');
    expect(formatters('fr-BE').relative('2026-03-07T10:00:00Z', now)).toBe('après-demain');
  });
});
