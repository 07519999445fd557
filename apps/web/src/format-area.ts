import type { TLocale } from '@huizhi/contracts';

const SQUARE_KILOMETRE = 1_000_000;

/**
 * Formats an area in the user's locale: square metres below 0.1 km², square kilometres (two decimals)
 * above. Null when unknown.
 */
export function formatArea(squareMeters: number | null | undefined, locale: TLocale): string | null {
  if (squareMeters === null || squareMeters === undefined || !Number.isFinite(squareMeters)) return null;
  if (squareMeters < SQUARE_KILOMETRE / 10) {
    return `${new Intl.NumberFormat(locale, { maximumFractionDigits: 0 }).format(squareMeters)} m²`;
  }
  const km = new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(
    squareMeters / SQUARE_KILOMETRE,
  );
  return `${km} km²`;
}
