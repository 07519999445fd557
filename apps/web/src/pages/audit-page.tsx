import { useState } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Card, Input, Table, Tooltip, Typography, type TableColumnsType } from 'antd';
import type { TAuditEntry } from '@huizhi/contracts';
import { api } from '../api';
import { useLocale } from '../i18n';
import { formatDateTime } from '../format';
import { LoadError } from '../components/feedback';
import { PageHeader } from '../components/page-header';
import { usePaging } from '../components/paging';

/** The audit log, newest first as the server sends it, filtered by action and entity type. */
export function AuditPage() {
  const { m, locale } = useLocale();
  const paging = usePaging();
  const [action, setAction] = useState('');
  const [entityType, setEntityType] = useState('');
  const auditLabels: Record<string, string | undefined> = m.auditActions;

  const query = useQuery({
    queryKey: ['audit', { action, entityType, limit: paging.limit, offset: paging.offset }],
    queryFn: ({ signal }) =>
      api.audit(
        {
          action: action || undefined,
          entityType: entityType || undefined,
          limit: paging.limit,
          offset: paging.offset,
        },
        signal,
      ),
    placeholderData: keepPreviousData,
  });

  const columns: TableColumnsType<TAuditEntry> = [
    {
      key: 'at',
      title: m.audit.time,
      width: 190,
      render: (_, entry) => <span className="nowrap">{formatDateTime(entry.at, locale)}</span>,
    },
    {
      key: 'actor',
      title: m.audit.actor,
      render: (_, entry) => entry.actorName ?? <span className="muted">{m.audit.system}</span>,
    },
    {
      key: 'action',
      title: m.audit.action,
      render: (_, entry) => (
        <span data-testid="audit-action" data-action={entry.action}>
          <Typography.Text code>{entry.action}</Typography.Text>
          {auditLabels[entry.action] ? (
            <span className="audit-action-label">{auditLabels[entry.action]}</span>
          ) : null}
        </span>
      ),
    },
    { key: 'entityType', title: m.audit.entityType, dataIndex: 'entityType', responsive: ['sm'] },
    {
      key: 'entityId',
      title: m.audit.entityId,
      responsive: ['md'],
      render: (_, entry) =>
        entry.entityId ? (
          <Tooltip title={entry.entityId}>
            <Typography.Text className="mono" copyable={{ text: entry.entityId }}>
              {entry.entityId.length > 13 ? `${entry.entityId.slice(0, 8)}…` : entry.entityId}
            </Typography.Text>
          </Tooltip>
        ) : (
          <span className="muted">—</span>
        ),
    },
    {
      key: 'ip',
      title: m.audit.ip,
      responsive: ['lg'],
      render: (_, entry) =>
        entry.ip ? <span className="mono">{entry.ip}</span> : <span className="muted">—</span>,
    },
  ];

  return (
    <>
      <PageHeader title={m.audit.title} description={m.audit.description} />
      <Card className="section-card">
        <div className="toolbar">
          <Input.Search
            data-testid="audit-action-filter"
            className="toolbar-search"
            allowClear
            maxLength={64}
            placeholder={m.audit.actionFilter}
            enterButton={m.common.search}
            onSearch={(value) => {
              setAction(value.trim());
              paging.reset();
            }}
          />
          <Input.Search
            data-testid="audit-entity-filter"
            className="toolbar-search"
            allowClear
            maxLength={64}
            placeholder={m.audit.entityTypeFilter}
            enterButton={m.common.search}
            onSearch={(value) => {
              setEntityType(value.trim());
              paging.reset();
            }}
          />
        </div>
        {query.error && !query.data ? (
          <LoadError error={query.error} onRetry={() => void query.refetch()} />
        ) : (
          <Table<TAuditEntry>
            data-testid="audit-table"
            rowKey="id"
            size="middle"
            loading={query.isFetching}
            columns={columns}
            dataSource={query.data?.items ?? []}
            pagination={paging.pagination(query.data?.total)}
            scroll={{ x: 'max-content' }}
          />
        )}
      </Card>
    </>
  );
}
