import { useEffect, useState } from 'react';
import { Tag, Tooltip } from 'antd';
import { ClockCircleOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { AppealChannel, AppealState, AppealType, AppealUrgency, AppellantStatus } from '@huizhi/domain';
import { formatDateTime } from '../format';
import { useLocale } from '../i18n';

const STATE_COLORS: Record<AppealState, string> = {
  received: 'blue',
  dispatched: 'geekblue',
  accepted: 'cyan',
  inProgress: 'processing',
  returned: 'magenta',
  replied: 'purple',
  merged: 'default',
  closed: 'success',
};

const APPELLANT_STATUS_COLORS: Record<AppellantStatus, string> = {
  received: 'blue',
  inProgress: 'processing',
  replied: 'purple',
  closed: 'success',
};

const TYPE_COLORS: Record<AppealType, string> = {
  consultation: 'cyan',
  help: 'green',
  complaint: 'volcano',
  report: 'red',
  suggestion: 'gold',
};

/** The internal state of an appeal (staff only), as a coloured tag. */
export function AppealStateTag({ state }: { state: AppealState }) {
  const { m } = useLocale();
  return (
    <Tag color={STATE_COLORS[state]} data-testid="appeal-state" data-state={state}>
      {m.appeals.states[state]}
    </Tag>
  );
}

/** The status the appellant sees (received, in progress, replied, closed). */
export function AppellantStatusTag({ status }: { status: AppellantStatus }) {
  const { m } = useLocale();
  return (
    <Tag color={APPELLANT_STATUS_COLORS[status]} variant="outlined" data-testid="appellant-status">
      {m.appeals.appellantStatuses[status]}
    </Tag>
  );
}

/** The appeal type: 咨询, 求助, 投诉, 举报, 建议. */
export function AppealTypeTag({ type }: { type: AppealType }) {
  const { m } = useLocale();
  return (
    <Tag color={TYPE_COLORS[type]} data-testid="appeal-type">
      {m.appeals.types[type]}
    </Tag>
  );
}

/** The intake channel. */
export function AppealChannelTag({ channel }: { channel: AppealChannel }) {
  const { m } = useLocale();
  return <Tag>{m.appeals.channels[channel]}</Tag>;
}

/** The urgency; a normal appeal shows nothing unless `showNormal`. */
export function AppealUrgencyTag({ urgency, showNormal }: { urgency: AppealUrgency; showNormal?: boolean }) {
  const { m } = useLocale();
  if (urgency === 'normal' && !showNormal) return null;
  return (
    <Tag color={urgency === 'urgent' ? 'red' : 'default'} data-testid="appeal-urgency">
      {m.appeals.urgencies[urgency]}
    </Tag>
  );
}

/** The present time, refreshed every `intervalMs`, for countdowns. */
export function useNow(intervalMs = 30_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), intervalMs);
    return () => window.clearInterval(timer);
  }, [intervalMs]);
  return now;
}

/** A duration as "2天3小时" / "2 d 3 h": the two largest units, minutes under an hour. */
export function useFormatDuration(): (ms: number) => string {
  const { t } = useTranslation();
  return (ms: number) => {
    const minutes = Math.floor(Math.abs(ms) / 60_000);
    if (minutes < 1) return t('appeals.countdown.lessThanMinute');
    const days = Math.floor(minutes / 1440);
    const hours = Math.floor((minutes % 1440) / 60);
    const rest = minutes % 60;
    const parts: string[] = [];
    if (days > 0) parts.push(t('appeals.countdown.days', { count: days }));
    if (hours > 0) parts.push(t('appeals.countdown.hours', { count: hours }));
    if (days === 0 && rest > 0) parts.push(t('appeals.countdown.minutes', { count: rest }));
    return parts.slice(0, 2).join(' ');
  };
}

/** How urgent a deadline is: overdue (red), due soon (orange) or fine. */
export type DeadlineTone = 'overdue' | 'dueSoon' | 'normal';

/**
 * The reply deadline with a countdown, coloured by the server's marks (overdue red, due soon
 * orange); a deadline passed since the page loaded is shown overdue too.
 */
export function DeadlineCountdown({
  dueAt,
  overdue,
  dueSoon,
  stopped,
}: {
  dueAt: string | null;
  overdue: boolean;
  dueSoon: boolean;
  /** True once the clock stopped (replied or closed): the due time only, no countdown. */
  stopped?: boolean;
}) {
  const { t } = useTranslation();
  const { locale } = useLocale();
  const now = useNow();
  const formatDuration = useFormatDuration();
  if (!dueAt) return <span className="muted">—</span>;
  const left = new Date(dueAt).getTime() - now;
  const tone: DeadlineTone = stopped
    ? 'normal'
    : overdue || left < 0
      ? 'overdue'
      : dueSoon
        ? 'dueSoon'
        : 'normal';
  return (
    <Tooltip title={formatDateTime(dueAt, locale)}>
      <span className={`deadline deadline-${tone}`} data-testid="deadline" data-tone={tone}>
        <span className="deadline-time">{formatDateTime(dueAt, locale)}</span>
        {stopped ? null : (
          <span className="deadline-countdown">
            <ClockCircleOutlined />{' '}
            {left < 0
              ? t('appeals.countdown.overdueBy', { time: formatDuration(left) })
              : t('appeals.countdown.left', { time: formatDuration(left) })}
          </span>
        )}
      </span>
    </Tooltip>
  );
}
