import type { TLocale } from '@huizhi/contracts';

const dateTimeFormats = new Map<TLocale, Intl.DateTimeFormat>();
const numberFormats = new Map<TLocale, Intl.NumberFormat>();

/** Formats an ISO timestamp as a date and time in the user's locale; returns the input if unreadable. */
export function formatDateTime(iso: string | null | undefined, locale: TLocale): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  let format = dateTimeFormats.get(locale);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, {
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hour12: false,
    });
    dateTimeFormats.set(locale, format);
  }
  return format.format(date);
}

/** Formats a count in the user's locale (grouping separators). */
export function formatNumber(value: number, locale: TLocale): string {
  let format = numberFormats.get(locale);
  if (!format) {
    format = new Intl.NumberFormat(locale);
    numberFormats.set(locale, format);
  }
  return format.format(value);
}
