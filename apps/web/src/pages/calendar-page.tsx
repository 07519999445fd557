import { useState, type CSSProperties } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App as AntApp,
  Button,
  Card,
  Form,
  Input,
  InputNumber,
  Modal,
  Radio,
  Select,
  Space,
  Spin,
  Table,
  Tag,
  Typography,
  type TableColumnsType,
} from 'antd';
import { useTranslation } from 'react-i18next';
import type {
  TCalendarDay,
  TCalendarDayKind,
  TCalendarYear,
  TSetCalendarDay,
  TSlaTier,
  TSlaTierList,
  TUpdateSlaTier,
} from '@huizhi/contracts';
import { request } from '../api';
import { describeError } from '../errors';
import { useLocale } from '../i18n';
import { LoadError } from '../components/feedback';
import { PageHeader } from '../components/page-header';

const FIRST_YEAR = 2020;
const LAST_YEAR = 2030;
const YEARS = Array.from({ length: LAST_YEAR - FIRST_YEAR + 1 }, (_, i) => FIRST_YEAR + i);

// The calendar's own calls (public reads, admin writes); they go through the shared request helper.
const calendarApi = {
  year: (year: number, signal?: AbortSignal) =>
    request<TCalendarYear>('GET', '/calendar/days', { query: { year }, signal }),
  setDay: (date: string, body: TSetCalendarDay) =>
    request<TCalendarDay>('PUT', `/calendar/days/${encodeURIComponent(date)}`, { body }),
  resetDay: (date: string) => request<TCalendarDay>('DELETE', `/calendar/days/${encodeURIComponent(date)}`),
  tiers: (signal?: AbortSignal) => request<TSlaTierList>('GET', '/sla/tiers', { signal }),
  setTier: (code: string, body: TUpdateSlaTier) =>
    request<TSlaTier>('PUT', `/sla/tiers/${encodeURIComponent(code)}`, { body }),
};

/** Colours of the day kinds: holidays red, 调休 working days blue, weekends grey. */
const KIND_STYLES: Record<TCalendarDayKind, CSSProperties> = {
  workday: { background: '#ffffff', color: 'rgba(0,0,0,0.88)', borderColor: '#f0f0f0' },
  weekend: { background: '#f5f5f5', color: '#8c8c8c', borderColor: '#f0f0f0' },
  holiday: { background: '#fff1f0', color: '#cf1322', borderColor: '#ffa39e' },
  makeupWorkday: { background: '#e6f4ff', color: '#0958d9', borderColor: '#91caff' },
};
const KIND_TAG_COLORS: Record<TCalendarDayKind, string> = {
  workday: 'default',
  weekend: 'default',
  holiday: 'red',
  makeupWorkday: 'blue',
};

const styles = {
  months: {
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fill, minmax(220px, 1fr))',
    gap: 12,
  } satisfies CSSProperties,
  month: { border: '1px solid #f0f0f0', borderRadius: 6, padding: 8 } satisfies CSSProperties,
  monthTitle: { fontWeight: 600, marginBottom: 6 } satisfies CSSProperties,
  week: { display: 'grid', gridTemplateColumns: 'repeat(7, 1fr)', gap: 2 } satisfies CSSProperties,
  weekday: { textAlign: 'center', fontSize: 12, color: '#8c8c8c' } satisfies CSSProperties,
  day: {
    height: 28,
    padding: 0,
    border: '1px solid',
    borderRadius: 4,
    fontSize: 12,
    cursor: 'pointer',
    lineHeight: '26px',
    textAlign: 'center',
  } satisfies CSSProperties,
  overridden: { outline: '2px dashed #fa8c16', outlineOffset: -2 } satisfies CSSProperties,
  legend: { display: 'flex', flexWrap: 'wrap', gap: 8, alignItems: 'center' } satisfies CSSProperties,
};

function MonthGrid({
  year,
  month,
  days,
  onPick,
}: {
  year: number;
  month: number;
  days: TCalendarDay[];
  onPick: (day: TCalendarDay) => void;
}) {
  const { locale, m } = useLocale();
  const title = new Intl.DateTimeFormat(locale, { month: 'long', timeZone: 'UTC' }).format(
    Date.UTC(year, month - 1, 1),
  );
  // Weeks start on Monday; the first day's weekday decides the leading blanks.
  const first = days[0] ? new Date(`${days[0].date}T00:00:00Z`).getUTCDay() : 1;
  const blanks = (first + 6) % 7;
  return (
    <div style={styles.month} data-testid={`calendar-month-${month}`}>
      <div style={styles.monthTitle}>{title}</div>
      <div style={styles.week}>
        {[...m.calendar.weekdayInitials].map((label, index) => (
          <div key={`h${index}`} style={styles.weekday} aria-hidden="true">
            {label}
          </div>
        ))}
        {Array.from({ length: blanks }, (_, index) => (
          <div key={`b${index}`} />
        ))}
        {days.map((day) => {
          const label = [day.date, m.calendar.kinds[day.kind], day.name].filter(Boolean).join(' ');
          return (
            <button
              key={day.date}
              type="button"
              title={label}
              aria-label={label}
              data-testid={`calendar-day-${day.date}`}
              data-kind={day.kind}
              onClick={() => onPick(day)}
              style={{
                ...styles.day,
                ...KIND_STYLES[day.kind],
                ...(day.overridden ? styles.overridden : {}),
              }}
            >
              {Number(day.date.slice(8, 10))}
            </button>
          );
        })}
      </div>
    </div>
  );
}

interface DayForm {
  working: boolean;
  name?: string;
  source?: string;
}

function DayModal({ day, onClose }: { day: TCalendarDay; onClose: () => void }) {
  const { t } = useTranslation();
  const { m } = useLocale();
  const { message } = AntApp.useApp();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<DayForm>();
  const done = async (text: string) => {
    void message.success(text);
    await queryClient.invalidateQueries({ queryKey: ['calendar-days'] });
    onClose();
  };
  const save = useMutation({
    mutationFn: (values: DayForm) =>
      calendarApi.setDay(day.date, {
        working: values.working,
        name: values.name?.trim() || null,
        source: values.source?.trim() || null,
      }),
    onSuccess: () => done(t('calendar.saved', { date: day.date })),
  });
  const reset = useMutation({
    mutationFn: () => calendarApi.resetDay(day.date),
    onSuccess: () => done(t('calendar.resetDone', { date: day.date })),
  });
  const error = save.error ?? reset.error;
  return (
    <Modal
      open
      title={t('calendar.editDay', { date: day.date })}
      onCancel={onClose}
      data-testid="calendar-day-modal"
      footer={[
        day.overridden ? (
          <Button
            key="reset"
            danger
            data-testid="calendar-day-reset"
            loading={reset.isPending}
            onClick={() => reset.mutate()}
          >
            {m.calendar.reset}
          </Button>
        ) : null,
        <Button key="cancel" onClick={onClose}>
          {m.common.cancel}
        </Button>,
        <Button
          key="save"
          type="primary"
          data-testid="calendar-day-save"
          loading={save.isPending}
          onClick={() => form.submit()}
        >
          {m.calendar.save}
        </Button>,
      ]}
    >
      <Typography.Paragraph type="secondary">
        <Tag color={KIND_TAG_COLORS[day.kind]}>{m.calendar.kinds[day.kind]}</Tag>
        {day.name ?? ''} {day.overridden ? <Tag color="orange">{m.calendar.overridden}</Tag> : null}
      </Typography.Paragraph>
      {error ? (
        <Alert
          type="error"
          showIcon
          className="form-error"
          data-testid="calendar-day-error"
          title={t('calendar.saveFailed', { message: describeError(error, t) })}
        />
      ) : null}
      <Form<DayForm>
        form={form}
        layout="vertical"
        initialValues={{ working: day.working, name: day.name ?? '', source: day.source ?? '' }}
        onFinish={(values) => save.mutate(values)}
      >
        <Form.Item name="working" label={m.calendar.status}>
          <Radio.Group
            data-testid="calendar-day-working"
            options={[
              { value: true, label: m.calendar.working },
              { value: false, label: m.calendar.off },
            ]}
          />
        </Form.Item>
        <Form.Item name="name" label={m.calendar.name}>
          <Input maxLength={50} placeholder={m.calendar.namePlaceholder} data-testid="calendar-day-name" />
        </Form.Item>
        <Form.Item name="source" label={m.calendar.source}>
          <Input.TextArea
            maxLength={500}
            rows={2}
            placeholder={m.calendar.sourcePlaceholder}
            data-testid="calendar-day-source"
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function TierTable() {
  const { t } = useTranslation();
  const { m } = useLocale();
  const { message } = AntApp.useApp();
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState<TUpdateSlaTier & { code: string }>();
  const query = useQuery({ queryKey: ['sla-tiers'], queryFn: ({ signal }) => calendarApi.tiers(signal) });
  const save = useMutation({
    mutationFn: ({ code, ...body }: TUpdateSlaTier & { code: string }) => calendarApi.setTier(code, body),
    onSuccess: async (tier) => {
      void message.success(t('calendar.tierSaved', { code: tier.code }));
      setEditing(undefined);
      await queryClient.invalidateQueries({ queryKey: ['sla-tiers'] });
    },
    onError: (error) => void message.error(t('calendar.saveFailed', { message: describeError(error, t) })),
  });

  const isEditing = (tier: TSlaTier) => editing?.code === tier.code;
  const edit = (patch: Partial<TUpdateSlaTier>) =>
    setEditing((current) => current && { ...current, ...patch });
  const numberCell = (
    tier: TSlaTier,
    field: 'acceptMinutes' | 'contactMinutes' | 'warnPercent',
    max: number,
    suffix: string,
  ) =>
    isEditing(tier) ? (
      <InputNumber
        size="small"
        min={1}
        max={max}
        precision={0}
        value={editing?.[field]}
        aria-label={`${tier.code} ${field}`}
        data-testid={`tier-${tier.code}-${field}`}
        onChange={(value) => edit({ [field]: value ?? 1 })}
      />
    ) : (
      `${tier[field]} ${suffix}`
    );

  const columns: TableColumnsType<TSlaTier> = [
    {
      key: 'code',
      title: m.calendar.tierCode,
      width: 90,
      render: (_, tier) => <Tag color="geekblue">{tier.code}</Tag>,
    },
    {
      key: 'reply',
      title: m.calendar.reply,
      render: (_, tier) =>
        isEditing(tier) ? (
          <Space.Compact>
            <InputNumber
              size="small"
              min={1}
              max={editing?.replyUnit === 'hours' ? 2160 : 366}
              precision={0}
              value={editing?.replyAmount}
              aria-label={`${tier.code} replyAmount`}
              data-testid={`tier-${tier.code}-replyAmount`}
              onChange={(value) => edit({ replyAmount: value ?? 1 })}
            />
            <Select
              size="small"
              value={editing?.replyUnit}
              onChange={(replyUnit) => edit({ replyUnit })}
              options={[
                { value: 'hours', label: m.calendar.unitHours },
                { value: 'workdays', label: m.calendar.unitWorkdays },
              ]}
            />
          </Space.Compact>
        ) : (
          `${tier.replyAmount} ${tier.replyUnit === 'hours' ? m.calendar.unitHours : m.calendar.unitWorkdays}`
        ),
    },
    {
      key: 'accept',
      title: m.calendar.accept,
      render: (_, tier) => numberCell(tier, 'acceptMinutes', 43200, m.calendar.unitMinutes),
    },
    {
      key: 'contact',
      title: m.calendar.contact,
      render: (_, tier) => numberCell(tier, 'contactMinutes', 43200, m.calendar.unitMinutes),
    },
    {
      key: 'warn',
      title: m.calendar.warn,
      render: (_, tier) => numberCell(tier, 'warnPercent', 99, '%'),
    },
    {
      key: 'actions',
      title: '',
      width: 160,
      render: (_, tier) =>
        isEditing(tier) ? (
          <Space>
            <Button
              size="small"
              type="primary"
              loading={save.isPending}
              data-testid={`tier-${tier.code}-save`}
              onClick={() => editing && save.mutate(editing)}
            >
              {m.calendar.save}
            </Button>
            <Button size="small" onClick={() => setEditing(undefined)}>
              {m.common.cancel}
            </Button>
          </Space>
        ) : (
          <Button
            size="small"
            data-testid={`tier-${tier.code}-edit`}
            onClick={() =>
              setEditing({
                code: tier.code,
                replyUnit: tier.replyUnit,
                replyAmount: tier.replyAmount,
                acceptMinutes: tier.acceptMinutes,
                contactMinutes: tier.contactMinutes,
                warnPercent: tier.warnPercent,
              })
            }
          >
            {m.calendar.edit}
          </Button>
        ),
    },
  ];

  return (
    <Card className="section-card" title={m.calendar.tiers}>
      <Typography.Paragraph type="secondary" className="card-help">
        {m.calendar.tiersHelp}
      </Typography.Paragraph>
      {query.error && !query.data ? (
        <LoadError error={query.error} onRetry={() => void query.refetch()} />
      ) : (
        <Table<TSlaTier>
          data-testid="sla-tier-table"
          rowKey="code"
          size="middle"
          loading={query.isFetching}
          columns={columns}
          dataSource={query.data?.items ?? []}
          pagination={false}
          scroll={{ x: 'max-content' }}
        />
      )}
    </Card>
  );
}

/** The working-day calendar of a year (holidays, 调休) with admins' corrections, and the time-limit tiers. */
export function CalendarPage() {
  const { m } = useLocale();
  const [year, setYear] = useState(() => Math.min(Math.max(new Date().getFullYear(), FIRST_YEAR), LAST_YEAR));
  const [picked, setPicked] = useState<TCalendarDay | null>(null);
  const query = useQuery({
    queryKey: ['calendar-days', year],
    queryFn: ({ signal }) => calendarApi.year(year, signal),
  });
  const data = query.data?.year === year ? query.data : undefined;
  const months = Array.from({ length: 12 }, (_, i) => i + 1).map((month) => ({
    month,
    days: (data?.days ?? []).filter((d) => Number(d.date.slice(5, 7)) === month),
  }));

  return (
    <>
      <PageHeader title={m.calendar.title} description={m.calendar.description} />
      <Card className="section-card">
        <div className="toolbar">
          <Select<number>
            data-testid="calendar-year"
            className="toolbar-select"
            aria-label={m.calendar.year}
            value={year}
            onChange={setYear}
            options={YEARS.map((value) => ({ value, label: String(value) }))}
          />
          <div style={styles.legend}>
            {(['workday', 'weekend', 'holiday', 'makeupWorkday'] as const).map((kind) => (
              <span
                key={kind}
                style={{ ...styles.day, ...KIND_STYLES[kind], padding: '0 8px', cursor: 'default' }}
              >
                {m.calendar.kinds[kind]}
              </span>
            ))}
            <span style={{ ...styles.day, ...styles.overridden, padding: '0 8px', cursor: 'default' }}>
              {m.calendar.overridden}
            </span>
          </div>
        </div>
        {data ? (
          <Typography.Paragraph data-testid="calendar-source">
            <Tag color={data.covered ? 'green' : 'orange'} data-testid="calendar-covered">
              {data.covered ? m.calendar.covered : m.calendar.notCovered}
            </Tag>
            {m.calendar.sourceOfYear}
            {data.source ? (
              data.source.split('；').map((part) => {
                const url = /https?:\/\/\S+$/.exec(part)?.[0];
                const title = url ? part.slice(0, -url.length) : part;
                return (
                  <span key={part} style={{ marginRight: 12 }}>
                    {url ? (
                      <Typography.Link href={url} target="_blank" rel="noreferrer">
                        {title}
                      </Typography.Link>
                    ) : (
                      title
                    )}
                  </span>
                );
              })
            ) : (
              <span>{data.covered ? m.calendar.sourceAdmin : m.common.none}</span>
            )}
          </Typography.Paragraph>
        ) : null}
        {data && !data.covered ? (
          <Alert type="warning" showIcon className="form-error" title={m.calendar.notCoveredHelp} />
        ) : null}
        {query.error && !data ? (
          <LoadError error={query.error} onRetry={() => void query.refetch()} />
        ) : !data ? (
          <div className="page-spinner">
            <Spin />
          </div>
        ) : (
          <div style={styles.months} data-testid="calendar-months">
            {months.map(({ month, days }) => (
              <MonthGrid key={month} year={year} month={month} days={days} onPick={setPicked} />
            ))}
          </div>
        )}
      </Card>
      <TierTable />
      {/* Keyed by date: each day opens a fresh form with that day's values. */}
      {picked ? <DayModal key={picked.date} day={picked} onClose={() => setPicked(null)} /> : null}
    </>
  );
}
