import { useState } from 'react';
import type { TablePaginationConfig } from 'antd';
import { useTranslation } from 'react-i18next';
import { formatNumber } from '../format';
import { useLocale } from '../i18n';

/** Page state for a server-paginated table: limit/offset for the API, a pagination prop for antd. */
export function usePaging(initialPageSize = 20) {
  const { t } = useTranslation();
  const { locale } = useLocale();
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(initialPageSize);
  return {
    limit: pageSize,
    offset: (page - 1) * pageSize,
    /** Goes back to the first page, after a filter changes. */
    reset: () => setPage(1),
    pagination: (total: number | undefined): TablePaginationConfig => ({
      current: page,
      pageSize,
      total: total ?? 0,
      showSizeChanger: true,
      pageSizeOptions: [10, 20, 50, 100],
      showTotal: (count) => t('common.total', { total: formatNumber(count, locale) }),
      onChange: (nextPage, nextSize) => {
        setPage(nextSize !== pageSize ? 1 : nextPage);
        setPageSize(nextSize);
      },
    }),
  };
}
