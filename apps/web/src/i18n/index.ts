import i18n from 'i18next';
import { initReactI18next, useTranslation } from 'react-i18next';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import 'dayjs/locale/en';
import type { TLocale } from '@huizhi/contracts';
import { zhCN, type Messages } from './zh-CN';
import { en } from './en';

export const LOCALE_STORAGE_KEY = 'huizhi.locale';
export const DEFAULT_LOCALE: TLocale = 'zh-CN';
export const SUPPORTED_LOCALES: readonly TLocale[] = ['zh-CN', 'en'];

export const messages: Record<TLocale, Messages> = { 'zh-CN': zhCN, en };

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: { translation: Messages };
  }
}

/** Returns the value as a supported locale, or null when it is not one. */
export function toLocale(value: string | null | undefined): TLocale | null {
  return SUPPORTED_LOCALES.find((locale) => locale === value) ?? null;
}

/** Reads the locale chosen on this device, defaulting to Chinese. */
export function readStoredLocale(): TLocale {
  try {
    return toLocale(window.localStorage.getItem(LOCALE_STORAGE_KEY)) ?? DEFAULT_LOCALE;
  } catch {
    return DEFAULT_LOCALE;
  }
}

/** Switches i18next, dayjs and the document to a locale and remembers it on this device. */
export async function applyLocale(locale: TLocale): Promise<void> {
  try {
    window.localStorage.setItem(LOCALE_STORAGE_KEY, locale);
  } catch {
    // Private browsing may forbid storage; the choice then lasts for this page only.
  }
  dayjs.locale(locale === 'zh-CN' ? 'zh-cn' : 'en');
  document.documentElement.lang = locale;
  await i18n.changeLanguage(locale);
  document.title = messages[locale].app.title;
}

const initialLocale = readStoredLocale();
dayjs.locale(initialLocale === 'zh-CN' ? 'zh-cn' : 'en');
document.documentElement.lang = initialLocale;
document.title = messages[initialLocale].app.title;

void i18n.use(initReactI18next).init({
  resources: { 'zh-CN': { translation: zhCN }, en: { translation: en } },
  lng: initialLocale,
  fallbackLng: DEFAULT_LOCALE,
  supportedLngs: SUPPORTED_LOCALES,
  interpolation: { escapeValue: false },
  returnNull: false,
});

/** The current locale and its message object, for labels whose keys contain dots. */
export function useLocale(): { locale: TLocale; m: Messages } {
  const { i18n: instance } = useTranslation();
  const locale = toLocale(instance.resolvedLanguage ?? instance.language) ?? DEFAULT_LOCALE;
  return { locale, m: messages[locale] };
}

export default i18n;
