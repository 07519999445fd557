import { useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { App as AntApp, Badge, Button, Empty, List, Popover, Spin, Tag, Typography } from 'antd';
import { BellOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { TNotification } from '@huizhi/contracts';
import { appealsApi } from '../appeals-api';
import { describeError } from '../errors';
import { formatDateTime } from '../format';
import { useLocale } from '../i18n';

/** How often the bell asks for new notifications. */
const POLL_MS = 30_000;
export const NOTIFICATIONS_QUERY_KEY = ['notifications'] as const;

function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

/**
 * The bell in the header: the number of unread notifications (new dispatch, warning, overdue,
 * returned, urged, summoned by a whistle, a steward asked, …), polled every 30 s; its list links each
 * one to its appeal, whistle or steward task and marks it read.
 */
export function NotificationBell() {
  const { t } = useTranslation();
  const { m, locale } = useLocale();
  const { message } = AntApp.useApp();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const list = useQuery({
    queryKey: NOTIFICATIONS_QUERY_KEY,
    queryFn: ({ signal }) => appealsApi.notifications(signal),
    refetchInterval: POLL_MS,
    refetchIntervalInBackground: false,
    staleTime: 10_000,
  });
  const unread = list.data?.unreadCount ?? 0;
  const n = m.appeals.notifications;
  // Every kind the contract lists has a label: the appeals', the whistles' and the steward chain's.
  const kindLabels: Record<TNotification['kind'], string> = {
    ...n.kinds,
    ...m.whistles.notifications.kinds,
  };

  const refresh = () => queryClient.invalidateQueries({ queryKey: NOTIFICATIONS_QUERY_KEY });

  const openNotification = async (item: TNotification) => {
    setOpen(false);
    if (!item.readAt) {
      try {
        await appealsApi.readNotification(item.id);
      } catch (error) {
        void message.error(describeError(error, t));
      }
      void refresh();
    }
    if (item.orderKind === 'appeal' && item.orderId) void navigate(`/appeals/${item.orderId}`);
    else if (item.orderKind === 'whistle' && item.orderId) void navigate(`/whistles/${item.orderId}`);
    else if (item.kind === 'stewardAsked') void navigate('/steward-tasks');
  };

  const readAll = async () => {
    try {
      await appealsApi.readAllNotifications();
    } catch (error) {
      void message.error(describeError(error, t));
    }
    void refresh();
  };

  const content = (
    <div className="notification-panel" data-testid="notification-panel">
      <div className="notification-panel-head">
        <Typography.Text strong>{n.title}</Typography.Text>
        <Button
          size="small"
          type="link"
          disabled={unread === 0}
          onClick={() => void readAll()}
          data-testid="notifications-read-all"
        >
          {n.readAll}
        </Button>
      </div>
      {list.error ? (
        <Typography.Text type="warning">{describeError(list.error, t)}</Typography.Text>
      ) : list.isLoading ? (
        <Spin size="small" />
      ) : (list.data?.items.length ?? 0) === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={n.empty} />
      ) : (
        <List<TNotification>
          size="small"
          className="notification-list"
          dataSource={list.data?.items ?? []}
          renderItem={(item) => {
            const number = text(item.data.number);
            // A whistle's notification names its matter (title) and the unit concerned.
            const excerpt = text(item.data.excerpt) ?? text(item.data.title);
            const unitName = text(item.data.unitName);
            const actorName = text(item.data.actorName);
            const due = text(item.data.replyDueAt);
            const checkInDue = item.kind === 'summoned' ? text(item.data.checkInDueAt) : null;
            // A late check-in is marked; an escalation names the level the matter moved to.
            const isLate = item.kind === 'checkedIn' && item.data.late === true;
            const level = item.kind === 'escalated' ? text(item.data.level) : null;
            const levelName =
              level !== null && Object.hasOwn(m.whistles.levels, level)
                ? m.whistles.levels[level as keyof typeof m.whistles.levels]
                : null;
            return (
              <List.Item
                className={item.readAt ? 'notification-item' : 'notification-item notification-unread'}
                data-testid="notification-item"
                data-kind={item.kind}
                data-read={item.readAt ? 'true' : 'false'}
                onClick={() => void openNotification(item)}
                role="link"
                tabIndex={0}
                onKeyDown={(event) => {
                  if (event.key === 'Enter') void openNotification(item);
                }}
              >
                <div className="notification-body">
                  <div className="notification-title">
                    {item.readAt ? null : <Badge status="processing" />}
                    <Typography.Text strong className={`notification-kind notification-kind-${item.kind}`}>
                      {kindLabels[item.kind]}
                    </Typography.Text>
                    {number ? <span className="mono notification-number">{number}</span> : null}
                    {isLate ? (
                      <Tag color="warning" className="notification-late">
                        {m.whistles.status.late}
                      </Tag>
                    ) : null}
                  </div>
                  {excerpt ? <div className="notification-excerpt">{excerpt}</div> : null}
                  {unitName || levelName ? (
                    <div className="notification-excerpt">
                      {unitName ?? t('whistles.notifications.escalatedTo', { level: levelName })}
                    </div>
                  ) : null}
                  <div className="notification-meta muted">
                    {formatDateTime(item.createdAt, locale)}
                    {actorName ? ` · ${t('appeals.notifications.by', { name: actorName })}` : ''}
                    {due ? ` · ${t('appeals.notifications.due', { time: formatDateTime(due, locale) })}` : ''}
                    {checkInDue
                      ? ` · ${t('whistles.notifications.checkInDue', { time: formatDateTime(checkInDue, locale) })}`
                      : ''}
                  </div>
                </div>
              </List.Item>
            );
          }}
        />
      )}
    </div>
  );

  return (
    <Popover
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        if (next) void refresh();
      }}
      trigger="click"
      placement="bottomRight"
      content={content}
      arrow={false}
    >
      <Button
        type="text"
        className="header-icon-button notification-bell"
        data-testid="notification-bell"
        aria-label={t('appeals.notifications.open', { count: unread })}
      >
        <Badge count={unread} size="small" overflowCount={99} data-testid="notification-count">
          <BellOutlined className="notification-bell-icon" />
        </Badge>
      </Button>
    </Popover>
  );
}
