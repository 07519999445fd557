import { useCallback, useMemo, useState, type HTMLAttributes } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useSearchParams } from 'react-router';
import { App as AntApp, Card, Input, Spin, Table, Tabs, Typography, type TableColumnsType } from 'antd';
import { useTranslation } from 'react-i18next';
import type { TTerritory } from '@huizhi/contracts';
import { api } from '../api';
import { useLocale } from '../i18n';
import { describeError } from '../errors';
import { formatNumber } from '../format';
import { LevelTag } from '../components/labels';
import { LoadError } from '../components/feedback';
import { PageHeader } from '../components/page-header';
import { findRoots } from '../territory-tree';
import { TerritoryMapPanel } from './territory-map-panel';

const LIST_LIMIT = 500;

interface TerritoryRow extends TTerritory {
  children?: TerritoryRow[];
}

type TerritoryView = 'map' | 'list';

/** The territories page: the map of the person's scope, and the same tree as a table. */
export function TerritoriesPage() {
  const { m } = useLocale();
  const [searchParams, setSearchParams] = useSearchParams();
  const view: TerritoryView = searchParams.get('view') === 'list' ? 'list' : 'map';
  return (
    <>
      <PageHeader title={m.territories.title} description={m.map.description} />
      <Tabs
        data-testid="territory-tabs"
        activeKey={view}
        onChange={(key) => setSearchParams(key === 'list' ? { view: 'list' } : {}, { replace: true })}
        items={[
          {
            key: 'map',
            label: <span data-testid="tab-map">{m.territories.tabMap}</span>,
            children: <TerritoryMapPanel />,
          },
          {
            key: 'list',
            label: <span data-testid="tab-list">{m.territories.tabList}</span>,
            children: <TerritoryListPanel />,
          },
        ]}
      />
    </>
  );
}

/** The territory tree of the person's scope, loading each node's children when it is expanded. */
function TerritoryListPanel() {
  const { t } = useTranslation();
  const { m, locale } = useLocale();
  const { message } = AntApp.useApp();
  const queryClient = useQueryClient();
  const [q, setQ] = useState('');
  const [expandedKeys, setExpandedKeys] = useState<readonly string[]>([]);
  const [childrenById, setChildrenById] = useState<ReadonlyMap<string, TTerritory[]>>(new Map());
  const [loadingIds, setLoadingIds] = useState<ReadonlySet<string>>(new Set());

  const top = useQuery({
    queryKey: ['territories', 'all'],
    queryFn: ({ signal }) => api.territories({ limit: LIST_LIMIT }, signal),
    enabled: q === '',
  });
  const search = useQuery({
    queryKey: ['territories', 'search', q],
    queryFn: ({ signal }) => api.territories({ q, limit: LIST_LIMIT }, signal),
    enabled: q !== '',
  });
  const active = q === '' ? top : search;

  const loadChildren = useCallback(
    async (parent: TTerritory) => {
      if (childrenById.has(parent.id)) return;
      setLoadingIds((ids) => new Set(ids).add(parent.id));
      try {
        const list = await queryClient.fetchQuery({
          queryKey: ['territories', 'children', parent.id],
          queryFn: ({ signal }) => api.territories({ parentId: parent.id, limit: LIST_LIMIT }, signal),
          staleTime: 60_000,
        });
        setChildrenById((map) => new Map(map).set(parent.id, list.items));
      } catch (error) {
        setExpandedKeys((keys) => keys.filter((key) => key !== parent.id));
        void message.error(describeError(error, t));
      } finally {
        setLoadingIds((ids) => {
          const next = new Set(ids);
          next.delete(parent.id);
          return next;
        });
      }
    },
    [childrenById, queryClient, message, t],
  );

  const rows = useMemo(() => {
    const toRow = (territory: TTerritory, depth: number): TerritoryRow => {
      if (territory.childCount === 0 || depth > 8) return { ...territory };
      const children = childrenById.get(territory.id);
      return { ...territory, children: children ? children.map((child) => toRow(child, depth + 1)) : [] };
    };
    const items = active.data?.items ?? [];
    // Search results are a flat list: a match and its matching descendants would otherwise appear twice.
    if (q !== '') return items.map((territory) => ({ ...territory }));
    return findRoots(items).map((territory) => toRow(territory, 0));
  }, [active.data, childrenById, q]);

  const columns: TableColumnsType<TerritoryRow> = [
    {
      key: 'name',
      title: m.territories.name,
      render: (_, row) => (
        <span className="territory-name" data-testid="territory-name">
          {row.name}
          {loadingIds.has(row.id) ? <Spin size="small" className="inline-spin" /> : null}
        </span>
      ),
    },
    {
      key: 'level',
      title: m.territories.level,
      width: 100,
      render: (_, row) => <LevelTag level={row.level} />,
    },
    {
      key: 'code',
      title: m.territories.code,
      width: 170,
      responsive: ['md'],
      render: (_, row) => <Typography.Text className="mono">{row.code}</Typography.Text>,
    },
    {
      key: 'childCount',
      title: m.territories.childCount,
      width: 100,
      align: 'right',
      render: (_, row) => formatNumber(row.childCount, locale),
    },
  ];

  return (
    <>
      <Card className="section-card">
        <Typography.Paragraph type="secondary">{m.territories.description}</Typography.Paragraph>
        <div className="toolbar">
          <Input.Search
            data-testid="territory-search"
            allowClear
            placeholder={m.territories.searchPlaceholder}
            enterButton={m.common.search}
            maxLength={50}
            onSearch={(value) => setQ(value.trim())}
            className="toolbar-search"
          />
          {q !== '' && search.data ? (
            <Typography.Text type="secondary">
              {t('territories.searchResults', { count: search.data.total })}
            </Typography.Text>
          ) : null}
        </div>
        {active.error ? (
          <LoadError error={active.error} onRetry={() => void active.refetch()} />
        ) : (
          <Table<TerritoryRow>
            data-testid="territory-table"
            rowKey="id"
            size="middle"
            loading={active.isFetching && !active.data}
            columns={columns}
            dataSource={rows}
            pagination={false}
            locale={{ emptyText: m.territories.empty }}
            onRow={(row) => ({ 'data-level': row.level }) as HTMLAttributes<HTMLElement>}
            expandable={{
              expandedRowKeys: expandedKeys,
              indentSize: 20,
              onExpand: (expanded, row) => {
                setExpandedKeys((keys) =>
                  expanded ? [...keys, row.id] : keys.filter((key) => key !== row.id),
                );
                if (expanded) void loadChildren(row);
              },
            }}
            scroll={{ x: 'max-content' }}
            tableLayout="auto"
          />
        )}
      </Card>
    </>
  );
}
