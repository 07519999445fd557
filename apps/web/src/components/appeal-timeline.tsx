import type { ReactNode } from 'react';
import { Divider, Empty, Tag, Timeline, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { TAppealDetail, TAppealEvent } from '@huizhi/contracts';
import { APPEAL_STATES, type AppealState } from '@huizhi/domain';
import { formatDateTime } from '../format';
import { useLocale } from '../i18n';
import type { Messages } from '../i18n/zh-CN';

type AppealMessages = Messages['appeals'];

/** Looks a value up in a label table, or returns null when it is not one of its keys. */
function labelOf(table: Record<string, string>, value: unknown): string | null {
  return typeof value === 'string' && Object.hasOwn(table, value) ? table[value]! : null;
}

function isAppealState(value: string | null): value is AppealState {
  return value !== null && (APPEAL_STATES as readonly string[]).includes(value);
}

const EVENT_COLORS: Record<string, string> = {
  dispatch: 'blue',
  accept: 'blue',
  contact: 'blue',
  reply: 'green',
  answerAtIntake: 'green',
  replyViaParent: 'green',
  return: 'red',
  reopen: 'red',
  slaOverdue: 'red',
  slaWarning: 'orange',
  urge: 'orange',
  supervise: 'orange',
  review: 'purple',
  addNote: 'gray',
};

interface Field {
  key: string;
  label: string;
  value: ReactNode;
}

/** The event's data as labelled fields: reasons and methods translated, unit ids named. */
function eventFields(
  event: TAppealEvent,
  a: AppealMessages,
  unitName: (id: unknown) => string | null,
  formatTime: (iso: string) => string,
  yesNo: (value: boolean) => string,
): Field[] {
  const data = event.data;
  const fields: Field[] = [];
  const add = (key: string, label: string, value: ReactNode) => {
    if (value !== null && value !== undefined && value !== '') fields.push({ key, label, value });
  };
  const names = (value: unknown) =>
    Array.isArray(value)
      ? value
          .map(unitName)
          .filter((name): name is string => name !== null)
          .join('、')
      : null;
  const reasonTables = [a.nonDispatchReasons, a.returnReasons, a.closeWithoutReviewReasons];
  const methodTables = [a.contactMethods, a.reviewMethods];

  add('channel', a.detail.channel, labelOf(a.channels, data.channel));
  if (data.urgency === 'urgent') add('urgency', a.detail.urgency, a.urgencies.urgent);
  if (event.type === 'dispatch')
    add('handlingUnit', a.timeline.fields.handlingUnit, unitName(data.handlingUnitId));
  add('assistingUnits', a.timeline.fields.assistingUnits, names(data.assistingUnitIds));
  add('copyTo', a.timeline.fields.copyTo, names(data.copyToUnitIds));
  add('taskForce', a.timeline.fields.taskForce, names(data.unitIds));
  add('suggestedUnit', a.timeline.fields.suggestedUnit, unitName(data.suggestedUnitId));
  if (typeof data.parentNumber === 'string') add('parent', a.timeline.fields.parent, data.parentNumber);
  add(
    'reason',
    a.timeline.fields.reason,
    reasonTables.map((table) => labelOf(table, data.reason)).find((label) => label !== null) ??
      (typeof data.reason === 'string' ? data.reason : null),
  );
  add(
    'method',
    a.timeline.fields.method,
    methodTables.map((table) => labelOf(table, data.method)).find((label) => label !== null) ?? null,
  );
  if (typeof data.contacted === 'boolean')
    add('contacted', a.timeline.fields.contacted, yesNo(data.contacted));
  if (typeof data.resolved === 'boolean') add('resolved', a.timeline.fields.resolved, yesNo(data.resolved));
  add('satisfaction', a.timeline.fields.satisfaction, labelOf(a.satisfactions, data.satisfaction));
  if (typeof data.amount === 'number') add('amount', a.timeline.fields.amount, String(data.amount));
  if (typeof data.requestedUntil === 'string') {
    add('requestedUntil', a.timeline.fields.requestedUntil, formatTime(data.requestedUntil));
  }
  if (typeof data.replyDueAt === 'string') {
    add('replyDueAt', a.timeline.fields.replyDueAt, formatTime(data.replyDueAt));
  }
  const files = Array.isArray(data.attachmentIds) ? data.attachmentIds.length : data.attachments;
  if (typeof files === 'number' && files > 0)
    add('attachments', a.timeline.fields.attachments, String(files));
  for (const key of ['note', 'comment'] as const) {
    if (typeof data[key] === 'string') add(key, a.timeline.fields[key], data[key]);
  }
  if (typeof data.reply === 'string') add('reply', a.timeline.fields.reply, data.reply);
  return fields;
}

/**
 * The appeal's whole history, oldest first, in blocks per round of handling (二次办理 starts a new
 * block); each event shows what happened, who (and for which unit), when, the state change, and its
 * details. Internal events (notes, consultations) carry an 内部 mark.
 */
export function AppealTimeline({ appeal }: { appeal: TAppealDetail }) {
  const { t } = useTranslation();
  const { m, locale } = useLocale();
  const a = m.appeals;
  const units = new Map<string, string>();
  for (const assignment of appeal.assignments) units.set(assignment.unit.id, assignment.unit.name);
  if (appeal.handlingUnit) units.set(appeal.handlingUnit.id, appeal.handlingUnit.name);
  for (const event of appeal.events) if (event.unit) units.set(event.unit.id, event.unit.name);
  const unitName = (id: unknown) => (typeof id === 'string' ? (units.get(id) ?? null) : null);
  const formatTime = (iso: string) => formatDateTime(iso, locale);
  const yesNo = (value: boolean) => (value ? a.timeline.yes : a.timeline.no);

  const events = [...appeal.events].sort((x, y) => x.seq - y.seq);
  if (events.length === 0) return <Empty description={a.timeline.empty} />;
  const rounds: { round: number; events: TAppealEvent[] }[] = [];
  for (const event of events) {
    const last = rounds.at(-1);
    if (last && last.round === event.round) last.events.push(event);
    else rounds.push({ round: event.round, events: [event] });
  }

  return (
    <div className="appeal-timeline" data-testid="appeal-timeline">
      {rounds.map((block, index) => (
        <section
          key={`${block.round}-${index}`}
          className="appeal-timeline-round"
          data-testid="timeline-round"
          data-round={block.round}
        >
          <Divider titlePlacement="start" className="appeal-timeline-divider">
            {t('appeals.timeline.round', { round: block.round })}
          </Divider>
          <Timeline
            items={block.events.map((event) => {
              const label = labelOf(a.events, event.type) ?? event.type;
              const fields = eventFields(event, a, unitName, formatTime, yesNo);
              const changed =
                isAppealState(event.fromState) &&
                isAppealState(event.toState) &&
                event.fromState !== event.toState;
              return {
                key: event.seq,
                color: EVENT_COLORS[event.type] ?? 'gray',
                content: (
                  <div
                    className="appeal-event"
                    data-testid="timeline-event"
                    data-type={event.type}
                    data-round={event.round}
                  >
                    <div className="appeal-event-head">
                      <Typography.Text strong className="appeal-event-label">
                        {label}
                      </Typography.Text>
                      {event.internal ? (
                        <Tag color="default" className="appeal-event-internal" data-testid="event-internal">
                          {a.timeline.internal}
                        </Tag>
                      ) : null}
                      {changed ? (
                        <Tag className="appeal-event-state">
                          {t('appeals.timeline.stateChange', {
                            from: a.states[event.fromState as AppealState],
                            to: a.states[event.toState as AppealState],
                          })}
                        </Tag>
                      ) : null}
                    </div>
                    <div className="appeal-event-meta muted">
                      <span>{formatTime(event.at)}</span>
                      <span>
                        {event.actor ? event.actor.name : a.timeline.system}
                        {event.unit ? ` · ${event.unit.name}` : ''}
                      </span>
                    </div>
                    {fields.length > 0 ? (
                      <dl className="appeal-event-fields">
                        {fields.map((field) => (
                          <div key={field.key} className="appeal-event-field">
                            <dt>{field.label}</dt>
                            <dd>{field.value}</dd>
                          </div>
                        ))}
                      </dl>
                    ) : null}
                  </div>
                ),
              };
            })}
          />
        </section>
      ))}
    </div>
  );
}
