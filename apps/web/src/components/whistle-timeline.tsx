import type { ReactNode } from 'react';
import { Empty, Tag, Timeline, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { TWhistleDetail, TWhistleEvent } from '@huizhi/contracts';
import { WHISTLE_LEVELS, type WhistleLevel } from '@huizhi/domain';
import { formatDateTime } from '../format';
import { useLocale } from '../i18n';
import type { Messages } from '../i18n/zh-CN';

type WhistleMessages = Messages['whistles'];

/** Looks a value up in a label table, or returns null when it is not one of its keys. */
function labelOf(table: Record<string, string>, value: unknown): string | null {
  return typeof value === 'string' && Object.hasOwn(table, value) ? table[value]! : null;
}

function isLevel(value: unknown): value is WhistleLevel {
  return typeof value === 'string' && (WHISTLE_LEVELS as readonly string[]).includes(value);
}

const EVENT_COLORS: Record<string, string> = {
  blown: 'blue',
  checkIn: 'green',
  summonMore: 'blue',
  reportPart: 'cyan',
  reportResult: 'purple',
  confirm: 'green',
  markMissed: 'red',
  sendBack: 'orange',
  escalate: 'orange',
  withdrawSummons: 'gray',
  changeLead: 'blue',
  cancel: 'red',
  addNote: 'gray',
};

interface Field {
  key: string;
  label: string;
  value: ReactNode;
}

/** The event's data as labelled fields: levels and reasons translated, unit ids named. */
function eventFields(
  event: TWhistleEvent,
  w: WhistleMessages,
  unitName: (id: unknown) => string | null,
  yesNo: (value: boolean) => string,
  formatTime: (iso: string) => string,
): Field[] {
  const data = event.data;
  const f = w.timeline.fields;
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

  if (event.type === 'blown' || event.type === 'summonMore') add('units', f.units, names(data.unitIds));
  if (event.type === 'blown') add('leadUnit', f.leadUnit, unitName(data.leadUnitId));
  if (event.type === 'changeLead') add('leadUnit', f.leadUnit, unitName(data.toUnitId));
  // A system event (a missed check-in) names its unit in the data only.
  if (!event.unit && event.type !== 'changeLead') add('unit', f.unit, unitName(data.unitId));
  if (event.type === 'blown' && isLevel(data.level)) add('level', f.level, w.levels[data.level]);
  if (isLevel(data.fromLevel) && isLevel(data.toLevel)) {
    add('fromTo', f.fromTo, `${w.levels[data.fromLevel]} → ${w.levels[data.toLevel]}`);
  }
  if ((event.type === 'blown' || event.type === 'summonMore') && typeof data.checkInDueAt === 'string') {
    add('checkInDueAt', f.checkInDueAt, formatTime(data.checkInDueAt));
  }
  if (typeof data.responsibleName === 'string') add('responsible', f.responsible, data.responsibleName);
  if (typeof data.late === 'boolean') {
    add(
      'late',
      f.late,
      data.late ? (
        <Tag color="warning" data-testid="event-late">
          {yesNo(true)}
        </Tag>
      ) : (
        yesNo(false)
      ),
    );
  }
  if (typeof data.onTime === 'boolean') add('onTime', f.onTime, yesNo(data.onTime));
  add(
    'reason',
    f.reason,
    labelOf(w.withdrawReasons, data.reason) ?? (typeof data.reason === 'string' ? data.reason : null),
  );
  for (const key of ['part', 'result', 'note'] as const) {
    if (typeof data[key] === 'string') add(key, f[key], data[key]);
  }
  return fields;
}

/**
 * The joint handling of a whistle, oldest first: who blew it and whom it summoned, each check-in (late
 * ones marked), parts and the result, escalations, notes and the close; who (for which unit), when,
 * the state change, and the details.
 */
export function WhistleTimeline({ whistle }: { whistle: TWhistleDetail }) {
  const { t } = useTranslation();
  const { m, locale } = useLocale();
  const w = m.whistles;
  const units = new Map<string, string>();
  for (const summons of whistle.summons) units.set(summons.unit.id, summons.unit.name);
  for (const event of whistle.events) if (event.unit) units.set(event.unit.id, event.unit.name);
  const unitName = (id: unknown) => (typeof id === 'string' ? (units.get(id) ?? null) : null);
  const yesNo = (value: boolean) => (value ? w.timeline.yes : w.timeline.no);

  const events = [...whistle.events].sort((x, y) => x.seq - y.seq);
  if (events.length === 0) return <Empty description={w.timeline.empty} />;

  return (
    <div className="appeal-timeline whistle-timeline" data-testid="whistle-timeline">
      <Timeline
        items={events.map((event) => {
          const fields = eventFields(event, w, unitName, yesNo, (iso) => formatDateTime(iso, locale));
          const changed =
            event.fromState !== null && event.toState !== null && event.fromState !== event.toState;
          return {
            key: event.seq,
            color:
              event.type === 'checkIn' && event.data.late === true
                ? 'orange'
                : (EVENT_COLORS[event.type] ?? 'gray'),
            content: (
              <div className="appeal-event" data-testid="whistle-event" data-type={event.type}>
                <div className="appeal-event-head">
                  <Typography.Text strong className="appeal-event-label">
                    {labelOf(w.events, event.type) ?? event.type}
                  </Typography.Text>
                  {changed ? (
                    <Tag className="appeal-event-state">
                      {t('whistles.timeline.stateChange', {
                        from: w.states[event.fromState!],
                        to: w.states[event.toState!],
                      })}
                    </Tag>
                  ) : null}
                </div>
                <div className="appeal-event-meta muted">
                  <span>{formatDateTime(event.at, locale)}</span>
                  <span>
                    {event.actor ? event.actor.name : w.timeline.system}
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
    </div>
  );
}
