import { Button, Result, Spin } from 'antd';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api';
import { describeError } from '../errors';

/** A centred spinner for the whole page, while the session loads. */
export function FullPageSpinner() {
  const { t } = useTranslation();
  return (
    <div className="full-page-center" aria-busy="true">
      <Spin size="large" description={t('common.loading')} />
    </div>
  );
}

/** A failed load: the translated error, its code, and a retry button. */
export function LoadError({
  error,
  onRetry,
  fullPage,
}: {
  error: unknown;
  onRetry?: () => void;
  fullPage?: boolean;
}) {
  const { t } = useTranslation();
  const result = (
    <Result
      status="warning"
      title={t('common.loadFailed')}
      subTitle={
        <>
          {describeError(error, t)}
          {error instanceof ApiError ? (
            <div className="muted">{t('common.errorCode', { code: error.code })}</div>
          ) : null}
        </>
      }
      extra={
        <Button type="primary" onClick={onRetry ?? (() => window.location.reload())}>
          {t('common.retry')}
        </Button>
      }
    />
  );
  return fullPage ? <div className="full-page-center">{result}</div> : result;
}
