import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { TWhistleSummons } from '@huizhi/contracts';
import type { SummonsRole, WhistleLevel, WhistleState, WhistleUrgency } from '@huizhi/domain';
import { useLocale } from '../i18n';

const STATE_COLORS: Record<WhistleState, string> = {
  summoning: 'orange',
  handling: 'processing',
  resultReported: 'purple',
  closed: 'success',
  cancelled: 'default',
};

/** The state of a whistle, as a coloured tag. */
export function WhistleStateTag({ state }: { state: WhistleState }) {
  const { m } = useLocale();
  return (
    <Tag color={STATE_COLORS[state]} data-testid="whistle-state" data-state={state}>
      {m.whistles.states[state]}
    </Tag>
  );
}

/** The urgency of a whistle (紧急 in red, 一般 plain). */
export function WhistleUrgencyTag({ urgency }: { urgency: WhistleUrgency }) {
  const { m } = useLocale();
  return (
    <Tag color={urgency === 'urgent' ? 'red' : 'default'} data-testid="whistle-urgency">
      {m.whistles.urgencies[urgency]}
    </Tag>
  );
}

/** The responsible level of the escalation ladder (网格级 … 区级). */
export function WhistleLevelTag({ level }: { level: WhistleLevel }) {
  const { t } = useTranslation();
  const { m } = useLocale();
  return (
    <Tag color="geekblue" data-testid="whistle-level" data-level={level}>
      {t('whistles.levelTag', { level: m.whistles.levels[level] })}
    </Tag>
  );
}

/** Lead (牵头) or assisting (配合). */
export function SummonsRoleTag({ role }: { role: SummonsRole }) {
  const { m } = useLocale();
  return (
    <Tag color={role === 'lead' ? 'blue' : 'cyan'} data-testid="summons-role" data-role={role}>
      {m.whistles.roles[role]}
    </Tag>
  );
}

/** Where a summoned unit stands, as the board shows it. */
export type SummonsStatus = 'checkedIn' | 'late' | 'overdue' | 'waiting' | 'withdrawn';

type SummonsFacts = Pick<TWhistleSummons, 'state' | 'checkedInAt' | 'late' | 'overdue' | 'checkInDueAt'>;

/**
 * The board status of a summons: withdrawn, checked in (on time or late), overdue (no check-in past
 * the deadline: the server's `overdue`, or a deadline passed since the page loaded), or waiting.
 */
export function summonsStatus(summons: SummonsFacts, now: number): SummonsStatus {
  if (summons.state === 'withdrawn') return 'withdrawn';
  if (summons.checkedInAt) return summons.late ? 'late' : 'checkedIn';
  if (summons.overdue || summons.state === 'missed' || new Date(summons.checkInDueAt).getTime() < now) {
    return 'overdue';
  }
  return 'waiting';
}

const STATUS_COLORS: Record<SummonsStatus, string> = {
  checkedIn: 'success',
  late: 'warning',
  overdue: 'error',
  waiting: 'processing',
  withdrawn: 'default',
};

/** The board status of a summons as a tag: 已报到 / 迟到报到 / 未报到（逾期） / 待报到 / 已撤回. */
export function SummonsStatusTag({ summons, now }: { summons: SummonsFacts; now: number }) {
  const { m } = useLocale();
  const status = summonsStatus(summons, now);
  return (
    <Tag color={STATUS_COLORS[status]} data-testid="summons-status" data-status={status}>
      {m.whistles.status[status]}
    </Tag>
  );
}

/**
 * A span of minutes as "30 分钟" / "24 小时" / "3 天 2 小时": the two largest units, days only from two
 * days up (check-in limits are spoken of in hours: 24 小时, not 1 天).
 */
export function useFormatMinutes(): (minutes: number) => string {
  const { t } = useTranslation();
  return (minutes: number) => {
    const whole = Math.max(0, Math.round(minutes));
    const days = whole >= 2 * 1440 ? Math.floor(whole / 1440) : 0;
    const hours = Math.floor((whole - days * 1440) / 60);
    const rest = whole % 60;
    const parts: string[] = [];
    if (days > 0) parts.push(t('whistles.duration.days', { count: days }));
    if (hours > 0) parts.push(t('whistles.duration.hours', { count: hours }));
    if (rest > 0 || parts.length === 0) parts.push(t('whistles.duration.minutes', { count: rest }));
    return parts.slice(0, 2).join(' ');
  };
}
