import { useMemo, useState } from 'react';
import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useNavigate, useSearchParams } from 'react-router';
import { Badge, Button, Card, Input, Table, Tabs, Tag, Typography, type TableColumnsType } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { APPEAL_QUEUES, type TAppealQueue, type TAppealSummary } from '@huizhi/contracts';
import type { Role } from '@huizhi/domain';
import { appealsApi } from '../appeals-api';
import { useCurrentUser } from '../auth';
import { formatDateTime, formatNumber } from '../format';
import { useLocale } from '../i18n';
import { LoadError } from '../components/feedback';
import { distinctRoles } from '../components/labels';
import { PageHeader } from '../components/page-header';
import {
  AppealStateTag,
  AppealTypeTag,
  AppealUrgencyTag,
  DeadlineCountdown,
} from '../components/appeal-labels';

const PAGE_SIZE = 50;

/** The queues that matter to each role, most pressing first. */
const ROLE_QUEUES: Partial<Record<Role, readonly TAppealQueue[]>> = {
  dispatcher: ['toDispatch', 'returned', 'dueSoon', 'overdue'],
  handler: ['toAccept', 'inProgress', 'dueSoon', 'overdue'],
  unitLead: ['toAccept', 'inProgress', 'dueSoon', 'overdue'],
  operator: ['toReview'],
  gridWorker: ['inProgress'],
};
const SEE_ALL_QUEUES: ReadonlySet<Role> = new Set<Role>(['assessor', 'admin']);

/** The tabs a person sees: their roles' queues in order, then all (and closed) appeals. */
export function queuesFor(roles: readonly Role[]): TAppealQueue[] {
  if (roles.some((role) => SEE_ALL_QUEUES.has(role))) return [...APPEAL_QUEUES];
  const queues = new Set<TAppealQueue>(roles.flatMap((role) => ROLE_QUEUES[role] ?? []));
  queues.add('all');
  queues.add('closed');
  return [...queues];
}

function isQueue(value: string | null): value is TAppealQueue {
  return value !== null && (APPEAL_QUEUES as readonly string[]).includes(value);
}

/**
 * The appeal queues (诉求工单): one tab per queue that matters to the person's roles, with counts; a
 * table of the queue, searchable, loaded newest first in pages ("load more", keyset cursor). A row
 * opens the appeal.
 */
export function AppealsPage() {
  const me = useCurrentUser();
  const { t } = useTranslation();
  const { m, locale } = useLocale();
  const navigate = useNavigate();
  const [searchParams, setSearchParams] = useSearchParams();
  const queues = useMemo(() => queuesFor(distinctRoles(me.assignments)), [me.assignments]);
  const asked = searchParams.get('queue');
  const queue: TAppealQueue = isQueue(asked) && queues.includes(asked) ? asked : queues[0]!;
  const q = searchParams.get('q') ?? '';
  const [search, setSearch] = useState(q);

  const counts = useQuery({
    queryKey: ['appeals', 'queues'],
    queryFn: ({ signal }) => appealsApi.queues(signal),
    refetchInterval: 60_000,
  });
  const list = useInfiniteQuery({
    queryKey: ['appeals', 'list', queue, q],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam, signal }) =>
      appealsApi.list({ queue, q: q || undefined, limit: PAGE_SIZE, cursor: pageParam }, signal),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });
  const rows = useMemo(() => list.data?.pages.flatMap((page) => page.items) ?? [], [list.data]);

  const setParams = (next: { queue?: TAppealQueue; q?: string }) => {
    const params: Record<string, string> = {};
    const nextQueue = next.queue ?? queue;
    const nextQ = next.q ?? q;
    if (nextQueue !== queues[0]) params.queue = nextQueue;
    if (nextQ) params.q = nextQ;
    setSearchParams(params, { replace: true });
  };

  const countLabel = (key: TAppealQueue) => {
    const count = counts.data?.counts[key];
    if (count === undefined) return null;
    const cap = counts.data?.cap ?? Infinity;
    const shown = count >= cap ? `${formatNumber(cap, locale)}+` : formatNumber(count, locale);
    // Red for overdue, orange for due soon, blue for work waiting, grey for the rest and for none.
    const color =
      count === 0
        ? '#bfbfbf'
        : key === 'overdue'
          ? '#cf1322'
          : key === 'dueSoon'
            ? '#d46b08'
            : key === 'all' || key === 'closed'
              ? '#8c8c8c'
              : '#1d4e9e';
    return (
      <Badge
        count={shown}
        showZero
        color={color}
        overflowCount={Number.MAX_SAFE_INTEGER}
        className="queue-count"
        data-testid={`queue-count-${key}`}
      />
    );
  };

  const columns: TableColumnsType<TAppealSummary> = [
    {
      key: 'number',
      title: m.appeals.columns.number,
      width: 150,
      fixed: 'left',
      render: (_, row) => (
        <>
          <span className="mono appeal-number" data-testid="appeal-number">
            {row.number}
          </span>
          {row.round > 1 ? (
            <div>
              <Tag color="volcano">{t('appeals.roundTag', { round: row.round })}</Tag>
            </div>
          ) : null}
        </>
      ),
    },
    {
      key: 'receivedAt',
      title: m.appeals.columns.receivedAt,
      width: 104,
      render: (_, row) => <span className="appeal-cell-time">{formatDateTime(row.receivedAt, locale)}</span>,
    },
    {
      key: 'type',
      title: `${m.appeals.columns.type} / ${m.appeals.columns.state}`,
      width: 110,
      render: (_, row) => (
        <div className="appeal-cell-tags">
          <span>
            <AppealTypeTag type={row.type} />
            <AppealUrgencyTag urgency={row.urgency} />
          </span>
          <span>
            <AppealStateTag state={row.state} />
          </span>
        </div>
      ),
    },
    {
      key: 'category',
      title: m.appeals.columns.category,
      width: 110,
      render: (_, row) => row.categoryName ?? <span className="muted">{m.appeals.detail.noCategory}</span>,
    },
    {
      key: 'excerpt',
      title: m.appeals.columns.excerpt,
      render: (_, row) => (
        <Typography.Paragraph
          className="appeal-excerpt"
          ellipsis={{ rows: 2, tooltip: row.excerpt }}
          data-testid="appeal-excerpt"
        >
          {row.hardCase ? <Tag color="red">{m.appeals.hardCase}</Tag> : null}
          {row.excerpt}
        </Typography.Paragraph>
      ),
    },
    {
      key: 'territory',
      title: m.appeals.columns.territory,
      width: 110,
      render: (_, row) => row.territory.name,
    },
    {
      key: 'handlingUnit',
      title: m.appeals.columns.handlingUnit,
      width: 130,
      render: (_, row) => row.handlingUnit?.name ?? <span className="muted">—</span>,
    },
    {
      key: 'deadline',
      title: m.appeals.columns.deadline,
      width: 150,
      render: (_, row) => (
        <DeadlineCountdown
          dueAt={row.replyDueAt}
          overdue={row.overdue}
          dueSoon={row.dueSoon}
          stopped={row.state === 'replied' || row.state === 'closed' || row.state === 'merged'}
        />
      ),
    },
  ];

  return (
    <>
      <PageHeader
        title={m.appeals.title}
        description={m.appeals.description}
        extra={
          me.nav.includes('appealIntake') ? (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => void navigate('/intake')}>
              {m.appeals.newAppeal}
            </Button>
          ) : undefined
        }
      />
      <Card className="section-card">
        <Tabs
          data-testid="appeal-queues"
          activeKey={queue}
          onChange={(key) => setParams({ queue: key as TAppealQueue })}
          items={queues.map((key) => ({
            key,
            label: (
              <span data-testid={`queue-${key}`} className="queue-tab">
                {m.appeals.queues[key]}
                {countLabel(key)}
              </span>
            ),
          }))}
        />
        <div className="toolbar">
          <Input.Search
            className="toolbar-search"
            data-testid="appeal-search"
            allowClear
            maxLength={100}
            placeholder={m.appeals.searchPlaceholder}
            value={search}
            onChange={(event) => setSearch(event.target.value)}
            onSearch={(value) => setParams({ q: value.trim() })}
          />
        </div>
        {list.error && !list.data ? (
          <LoadError error={list.error} onRetry={() => void list.refetch()} />
        ) : (
          <>
            <Table<TAppealSummary>
              data-testid="appeal-table"
              size="middle"
              rowKey="id"
              columns={columns}
              dataSource={rows}
              loading={list.isLoading || (list.isFetching && !list.isFetchingNextPage)}
              pagination={false}
              scroll={{ x: 1060 }}
              locale={{ emptyText: m.appeals.empty }}
              rowClassName={(row) =>
                row.overdue
                  ? 'appeal-row appeal-row-overdue'
                  : row.dueSoon
                    ? 'appeal-row appeal-row-due'
                    : 'appeal-row'
              }
              onRow={(row) => ({
                onClick: () => void navigate(`/appeals/${row.id}`),
                onKeyDown: (event) => {
                  if (event.key === 'Enter') void navigate(`/appeals/${row.id}`);
                },
                tabIndex: 0,
                'data-testid': 'appeal-row',
                'data-number': row.number,
              })}
            />
            <div className="load-more">
              {list.hasNextPage ? (
                <Button
                  data-testid="appeal-load-more"
                  loading={list.isFetchingNextPage}
                  onClick={() => void list.fetchNextPage()}
                >
                  {m.appeals.loadMore}
                </Button>
              ) : rows.length > 0 ? (
                <Typography.Text type="secondary">
                  {t('appeals.loadedAll', { count: rows.length })}
                </Typography.Text>
              ) : null}
            </div>
          </>
        )}
      </Card>
    </>
  );
}
