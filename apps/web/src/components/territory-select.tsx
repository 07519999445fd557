import { useEffect, useMemo, useState } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Select } from 'antd';
import { useTranslation } from 'react-i18next';
import type { TTerritory } from '@huizhi/contracts';
import { api } from '../api';
import { describeError } from '../errors';
import { useLocale } from '../i18n';

const PICK_LIMIT = 500;

/**
 * A territory picker for forms. It loads the first 500 territories in scope and filters them locally;
 * when the scope holds more, typing asks the server (`q`) instead, so every territory can be found.
 */
export function TerritorySelect({
  value,
  onChange,
  enabled = true,
  ...rest
}: {
  value?: string;
  onChange?: (value: string | undefined) => void;
  enabled?: boolean;
  'data-testid'?: string;
}) {
  const { t } = useTranslation();
  const { m } = useLocale();
  const [search, setSearch] = useState('');
  const [debounced, setDebounced] = useState('');
  const [picked, setPicked] = useState<TTerritory | null>(null);

  useEffect(() => {
    const timer = window.setTimeout(() => setDebounced(search.trim()), 250);
    return () => window.clearTimeout(timer);
  }, [search]);

  const all = useQuery({
    queryKey: ['territories', 'all'],
    queryFn: ({ signal }) => api.territories({ limit: PICK_LIMIT }, signal),
    enabled,
  });
  const isTruncated = (all.data?.total ?? 0) > (all.data?.items.length ?? 0);
  const remote = useQuery({
    queryKey: ['territories', 'search', debounced],
    queryFn: ({ signal }) => api.territories({ q: debounced, limit: 50 }, signal),
    enabled: enabled && isTruncated && debounced !== '',
    placeholderData: keepPreviousData,
  });

  const searchedRemotely = isTruncated && debounced !== '';
  const options = useMemo(() => {
    const items = searchedRemotely ? (remote.data?.items ?? []) : (all.data?.items ?? []);
    const list = picked && !items.some((item) => item.id === picked.id) ? [picked, ...items] : items;
    return list.map((territory) => ({
      value: territory.id,
      label: `${territory.name}（${m.levels[territory.level]}）`,
      territory,
    }));
  }, [searchedRemotely, remote.data, all.data, picked, m]);
  const error = all.error ?? remote.error;

  return (
    <Select<string, (typeof options)[number]>
      {...rest}
      value={value}
      onChange={(next, option) => {
        setPicked(option && !Array.isArray(option) ? option.territory : null);
        onChange?.(next);
      }}
      allowClear
      showSearch={{
        optionFilterProp: 'label',
        filterOption: isTruncated ? false : true,
        onSearch: setSearch,
      }}
      loading={all.isLoading || remote.isFetching}
      options={options}
      notFoundContent={error ? describeError(error, t) : undefined}
    />
  );
}
