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
  };
}

/** Dates, times and numbers in the console language; re-renders when the language changes. */
export function useFormat(): Formatters {
  const { i18n } = useTranslation();
  const language = pickConsoleLanguage([i18n.resolvedLanguage ?? 'en']);
  return useMemo(() => formatters(INTL_LOCALE[language]), [language]);
}
