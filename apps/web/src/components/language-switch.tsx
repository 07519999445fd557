import { Segmented } from 'antd';
import type { TLocale } from '@huizhi/contracts';
import { useChangeLocale } from '../auth';
import { messages, SUPPORTED_LOCALES, useLocale } from '../i18n';

/** The 中文 / English switch, shown on the login page, in the header and on the account page. */
export function LanguageSwitch({ size = 'middle' }: { size?: 'small' | 'middle' | 'large' }) {
  const { locale, m } = useLocale();
  const changeLocale = useChangeLocale();
  return (
    <Segmented<TLocale>
      data-testid="locale-switch"
      aria-label={m.locale.label}
      size={size}
      value={locale}
      onChange={(value) => void changeLocale(value)}
      options={SUPPORTED_LOCALES.map((value) => ({
        value,
        label: <span data-testid={`locale-${value}`}>{messages[value].locale[value]}</span>,
      }))}
    />
  );
}
