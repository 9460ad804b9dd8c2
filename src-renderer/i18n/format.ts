import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { INTL_LOCALE, pickConsoleLanguage } from '../../src-shared/console-languages';

export interface Formatters {
  /** The Intl locale of the console language (fr → fr-BE). */
  locale: string;
  number: (n: number) => string;
  percent: (fraction: number) => string;
  date: (value: string | number | Date) => string;
  dateTime: (value: string | number | Date) => string;
  time: (value: string | number | Date) => string;
  /** "3 minutes ago", "in 2 days" in the console language. */
  relative: (value: string | number | Date, now?: number) => string;
  /** How a day is written here, for a field to type one in: its parts in order, and what goes between them (31/12/2026 in en-GB, fr-BE, nl-BE, es-ES). */
  dayPattern: { order: DayPart[]; separator: string };
  /** A day (YYYY-MM-DD) as written here: 2026-03-05 → 05/03/2026. */
  formatDay: (day: string) => string;
  /** A day typed as written here (any of / . - or a space between its parts; a two-digit year is 20xx) as YYYY-MM-DD; null when it is not a day of the calendar. */
  parseDay: (text: string) => string | null;
}

export type DayPart = 'day' | 'month' | 'year';

const DAY_PARTS: readonly string[] = ['day', 'month', 'year'] satisfies DayPart[];
const isDayPart = (type: string): type is DayPart => DAY_PARTS.includes(type);
const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/** The order of a locale's numeric date, and the mark between its parts, as Intl writes it. */
function dayPatternOf(locale: string): { order: DayPart[]; separator: string } {
  const parts = new Intl.DateTimeFormat(locale, { year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(new Date(2026, 11, 31));
  const order = parts.map((p) => p.type).filter(isDayPart);
  const separator = parts.find((p) => p.type === 'literal')?.value ?? '/';
  return order.length === 3 ? { order, separator } : { order: ['day', 'month', 'year'], separator: '/' };
}

function parseDayIn(order: readonly DayPart[], text: string): string | null {
  const numbers = text.trim().split(/[\s./-]+/);
  if (numbers.length !== 3 || numbers.some((n) => !/^\d{1,4}$/.test(n))) return null;
  const value: Record<DayPart, number> = { day: 0, month: 0, year: 0 };
  for (const [i, part] of order.entries()) {
    const raw = numbers[i] ?? '';
    if (part === 'year' ? raw.length !== 2 && raw.length !== 4 : raw.length > 2) return null;
    value[part] = Number(raw) + (part === 'year' && raw.length === 2 ? 2000 : 0);
  }
  const date = new Date(Date.UTC(value.year, value.month - 1, value.day));
  // 31/02 rolls over to March: not a day of the calendar.
  if (date.getUTCFullYear() !== value.year || date.getUTCMonth() !== value.month - 1 || date.getUTCDate() !== value.day) return null;
  return `${pad(value.year, 4)}-${pad(value.month, 2)}-${pad(value.day, 2)}`;
}

const RELATIVE_STEPS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['second', 60],
  ['minute', 60],
  ['hour', 24],
  ['day', 30],
  ['month', 12],
  ['year', Number.POSITIVE_INFINITY],
];

export function formatters(locale: string): Formatters {
  const number = new Intl.NumberFormat(locale);
  const percent = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 });
  const date = new Intl.DateTimeFormat(locale, { dateStyle: 'medium' });
  const dateTime = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
  const time = new Intl.DateTimeFormat(locale, { timeStyle: 'medium' });
  const relative = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  const dayPattern = dayPatternOf(locale);
  return {
    locale,
    number: (n) => number.format(n),
    percent: (f) => percent.format(f),
    date: (v) => date.format(new Date(v)),
    dateTime: (v) => dateTime.format(new Date(v)),
    time: (v) => time.format(new Date(v)),
    relative: (v, now = Date.now()) => {
      let amount = (new Date(v).getTime() - now) / 1000;
      for (const [unit, size] of RELATIVE_STEPS) {
        if (Math.abs(amount) < size) return relative.format(Math.round(amount), unit);
        amount /= size;
      }
      return relative.format(Math.round(amount), 'year');
    },
    dayPattern,
    formatDay: (day) => {
      const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
      if (match === null) return day;
      const value: Record<DayPart, string> = { year: match[1] ?? '', month: match[2] ?? '', day: match[3] ?? '' };
      return dayPattern.order.map((part) => value[part]).join(dayPattern.separator);
    },
    parseDay: (text) => parseDayIn(dayPattern.order, text),
  };
}

/** Dates, times and numbers in the console language; re-renders when the language changes. */
export function useFormat(): Formatters {
  const { i18n } = useTranslation();
  const language = pickConsoleLanguage([i18n.resolvedLanguage ?? 'en']);
  return useMemo(() => formatters(INTL_LOCALE[language]), [language]);
}
