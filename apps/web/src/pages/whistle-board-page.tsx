import { useEffect, useMemo, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import {
  App as AntApp,
  Button,
  Card,
  Col,
  Empty,
  Form,
  InputNumber,
  Modal,
  Row,
  Segmented,
  Space,
  Spin,
  Statistic,
  Typography,
} from 'antd';
import { SettingOutlined, SoundOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { CHECK_IN_MINUTES_MAX, CHECK_IN_MINUTES_MIN } from '@huizhi/contracts';
import { DEFAULT_CHECK_IN_MINUTES, WHISTLE_URGENCIES, type WhistleUrgency } from '@huizhi/domain';
import { useCurrentUser } from '../auth';
import { describeError } from '../errors';
import { formatDateTime, formatNumber } from '../format';
import { useLocale } from '../i18n';
import {
  useCheckInLimits,
  usePutCheckInLimits,
  useWhistle,
  useWhistlePages,
  type WhistleListItem,
} from '../whistles-api';
import { LoadError } from '../components/feedback';
import { PageHeader } from '../components/page-header';
import { DeadlineCountdown, useNow } from '../components/appeal-labels';
import { BlowWhistleForm } from '../components/blow-whistle-form';
import {
  SummonsRoleTag,
  SummonsStatusTag,
  summonsStatus,
  useFormatMinutes,
  WhistleLevelTag,
  WhistleStateTag,
  WhistleUrgencyTag,
} from '../components/whistle-labels';
import './whistles.css';

const PAGE_SIZE = 20;
type Filter = 'open' | 'all';

/**
 * The summoned units of one whistle with their check-in status. The list answers counts only, so each
 * card reads its whistle (cached: opening the matter page then shows it at once).
 */
function SummonsChips({ item, now }: { item: WhistleListItem; now: number }) {
  const { t } = useTranslation();
  const detail = useWhistle(item.id, { staleTime: 30_000 });
  if (detail.isLoading) return <Spin size="small" />;
  if (detail.error || !detail.data) {
    return <Typography.Text type="warning">{describeError(detail.error, t)}</Typography.Text>;
  }
  const order = { lead: 0, assisting: 1 } as const;
  const summons = [...detail.data.summons].sort(
    (x, y) =>
      Number(x.state === 'withdrawn') - Number(y.state === 'withdrawn') || order[x.role] - order[y.role],
  );
  return (
    <div className="summons-chips">
      {summons.map((row) => (
        <div
          key={row.id}
          className={`summons-chip summons-chip-${summonsStatus(row, now)}`}
          data-testid="summons-chip"
          data-unit={row.unit.name}
          data-status={summonsStatus(row, now)}
        >
          <SummonsRoleTag role={row.role} />
          <span className="summons-chip-name">{row.unit.name}</span>
          <SummonsStatusTag summons={row} now={now} />
        </div>
      ))}
    </div>
  );
}

/** One whistle on the board: what, where, who leads, the check-in deadline and each unit's status. */
function WhistleCard({ item, now }: { item: WhistleListItem; now: number }) {
  const { t } = useTranslation();
  const { m, locale } = useLocale();
  const navigate = useNavigate();
  const b = m.whistles.board;
  const isOpen = item.state !== 'closed' && item.state !== 'cancelled';
  const allIn = item.checkedIn >= item.summoned;
  const open = () => void navigate(`/whistles/${item.id}`);
  return (
    <Card
      size="small"
      hoverable
      className={`whistle-card${item.missing > 0 && isOpen ? ' whistle-card-missing' : ''}`}
      data-testid="whistle-card"
      data-number={item.number}
      data-state={item.state}
      onClick={open}
      onKeyDown={(event) => {
        if (event.key === 'Enter') open();
      }}
      tabIndex={0}
      role="link"
    >
      <div className="whistle-card-head">
        <span className="mono whistle-number" data-testid="whistle-number">
          {item.number}
        </span>
        <span className="whistle-card-tags">
          <WhistleStateTag state={item.state} />
          <WhistleUrgencyTag urgency={item.urgency} />
          <WhistleLevelTag level={item.level} />
        </span>
      </div>
      <Typography.Paragraph strong className="whistle-card-title" ellipsis={{ rows: 2, tooltip: item.title }}>
        {item.title}
      </Typography.Paragraph>
      <div className="whistle-card-meta muted">
        <span>{t('whistles.board.lead', { name: item.leadUnit.name })}</span>
        <span>{item.territory.name}</span>
        {item.appeal ? <span>{t('whistles.board.fromAppeal', { number: item.appeal.number })}</span> : null}
      </div>
      <div className="whistle-card-deadline">
        <span className="muted">{b.checkInBy}</span>{' '}
        <DeadlineCountdown
          dueAt={item.checkInDueAt}
          overdue={item.missing > 0}
          dueSoon={false}
          stopped={allIn || !isOpen}
        />
      </div>
      <div className="whistle-card-counts" data-testid="whistle-counts">
        <span data-testid="count-summoned">{t('whistles.counts.summoned', { count: item.summoned })}</span>
        <span className={item.checkedIn > 0 ? 'count-checked-in' : ''} data-testid="count-checked-in">
          {t('whistles.counts.checkedIn', { count: item.checkedIn })}
        </span>
        <span className={item.late > 0 ? 'count-late' : ''} data-testid="count-late">
          {t('whistles.counts.late', { count: item.late })}
        </span>
        <span className={item.missing > 0 ? 'count-missing' : ''} data-testid="count-missing">
          {t('whistles.counts.missing', { count: item.missing })}
        </span>
      </div>
      <SummonsChips item={item} now={now} />
      <div className="whistle-card-foot muted">{formatDateTime(item.createdAt, locale)}</div>
    </Card>
  );
}

interface LimitValues {
  normal?: number;
  urgent?: number;
}

/** The check-in limit per urgency (whistle.configure): minutes, with the span spelled out. */
function CheckInLimitsModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const { m } = useLocale();
  const l = m.whistles.limits;
  const { message } = AntApp.useApp();
  const [form] = Form.useForm<LimitValues>();
  const limits = useCheckInLimits({ enabled: open });
  const put = usePutCheckInLimits();
  const formatMinutes = useFormatMinutes();
  const values = Form.useWatch([], form) as LimitValues | undefined;
  const initialValues = useMemo((): LimitValues => {
    const of = (urgency: WhistleUrgency) =>
      limits.data?.limits.find((limit) => limit.urgency === urgency)?.minutes ??
      DEFAULT_CHECK_IN_MINUTES[urgency];
    return { normal: of('normal'), urgent: of('urgent') };
  }, [limits.data]);

  useEffect(() => {
    if (open && limits.data) form.setFieldsValue(initialValues);
  }, [open, limits.data, initialValues, form]);

  const save = async (saved: LimitValues) => {
    try {
      await put.mutateAsync({
        limits: WHISTLE_URGENCIES.map((urgency) => ({
          urgency,
          minutes: saved[urgency] ?? DEFAULT_CHECK_IN_MINUTES[urgency],
        })),
      });
      void message.success(l.saved);
      onClose();
    } catch (error) {
      void message.error(t('whistles.form.failed', { message: describeError(error, t) }));
    }
  };

  return (
    <Modal
      open={open}
      title={l.title}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={l.save}
      cancelText={m.common.cancel}
      confirmLoading={put.isPending}
      okButtonProps={{ disabled: !limits.data, ...({ 'data-testid': 'limits-save' } as object) }}
      destroyOnHidden
      data-testid="limits-modal"
    >
      <Typography.Paragraph type="secondary">{l.help}</Typography.Paragraph>
      {limits.error ? <LoadError error={limits.error} onRetry={() => void limits.refetch()} /> : null}
      {limits.isLoading ? <Spin /> : null}
      {limits.data ? (
        <Form<LimitValues>
          form={form}
          layout="vertical"
          initialValues={initialValues}
          onFinish={(saved) => void save(saved)}
        >
          {WHISTLE_URGENCIES.map((urgency) => (
            <Form.Item
              key={urgency}
              name={urgency}
              label={m.whistles.urgencies[urgency]}
              rules={[{ required: true, message: m.whistles.form.required }]}
              extra={
                values?.[urgency]
                  ? t('whistles.limits.equals', { duration: formatMinutes(values[urgency]) })
                  : undefined
              }
            >
              <InputNumber
                data-testid={`limits-${urgency}`}
                min={CHECK_IN_MINUTES_MIN}
                max={CHECK_IN_MINUTES_MAX}
                precision={0}
                suffix={l.minutes}
                className="limits-input"
              />
            </Form.Item>
          ))}
        </Form>
      ) : null}
    </Modal>
  );
}

/**
 * The whistle board (吹哨调度) of a street or community: the whistles of the reader's area, open ones by
 * default, each with its lead unit, check-in deadline and every summoned unit's status (checked in,
 * late, overdue, waiting, withdrawn), and totals over the board. Holders of whistle.blow blow a whistle
 * from scratch here; holders of whistle.configure set the check-in limits.
 */
export function WhistleBoardPage() {
  const me = useCurrentUser();
  const { t } = useTranslation();
  const { m, locale } = useLocale();
  const b = m.whistles.board;
  const [searchParams, setSearchParams] = useSearchParams();
  const filter: Filter = searchParams.get('filter') === 'all' ? 'all' : 'open';
  const [blowing, setBlowing] = useState(false);
  const [configuring, setConfiguring] = useState(false);
  const now = useNow();
  const list = useWhistlePages({ view: 'board', open: filter === 'open', limit: PAGE_SIZE });
  const rows = useMemo(() => list.data?.pages.flatMap((page) => page.items) ?? [], [list.data]);
  const canBlow = me.permissions.includes('whistle.blow');
  const canConfigure = me.permissions.includes('whistle.configure');

  const totals = useMemo(
    () =>
      rows.reduce(
        (sum, row) => ({
          summoned: sum.summoned + row.summoned,
          checkedIn: sum.checkedIn + row.checkedIn,
          late: sum.late + row.late,
          missing: sum.missing + row.missing,
        }),
        { summoned: 0, checkedIn: 0, late: 0, missing: 0 },
      ),
    [rows],
  );
  const stat = (key: string, title: string, value: number, tone?: string) => (
    <Col xs={12} sm={8} md={4} key={key}>
      <Statistic
        className={`whistle-stat${tone ? ` whistle-stat-${tone}` : ''}`}
        data-testid={`board-total-${key}`}
        title={title}
        value={formatNumber(value, locale)}
      />
    </Col>
  );

  return (
    <div className="whistle-board-page" data-testid="whistle-board-page">
      <PageHeader
        title={m.nav.whistleBoard}
        description={b.description}
        extra={
          <Space wrap>
            {canConfigure ? (
              <Button
                icon={<SettingOutlined />}
                onClick={() => setConfiguring(true)}
                data-testid="whistle-limits-open"
              >
                {b.limits}
              </Button>
            ) : null}
            {canBlow ? (
              <Button
                type="primary"
                icon={<SoundOutlined />}
                onClick={() => setBlowing(true)}
                data-testid="whistle-blow-open"
              >
                {b.blow}
              </Button>
            ) : null}
          </Space>
        }
      />
      <Card className="section-card">
        <div className="toolbar">
          <Segmented<Filter>
            data-testid="whistle-filter"
            value={filter}
            onChange={(value) => setSearchParams(value === 'all' ? { filter: 'all' } : {}, { replace: true })}
            options={[
              { value: 'open', label: b.open },
              { value: 'all', label: b.all },
            ]}
          />
        </div>
        <Row gutter={[16, 8]} className="whistle-totals" data-testid="board-totals">
          {stat('whistles', b.summaryOpen, rows.length)}
          {stat('summoned', b.summarySummoned, totals.summoned)}
          {stat('checkedIn', b.summaryCheckedIn, totals.checkedIn, 'good')}
          {stat('late', b.summaryLate, totals.late, totals.late > 0 ? 'late' : undefined)}
          {stat('missing', b.summaryMissing, totals.missing, totals.missing > 0 ? 'missing' : undefined)}
        </Row>
      </Card>
      {list.error && !list.data ? (
        <LoadError error={list.error} onRetry={() => void list.refetch()} />
      ) : list.isLoading ? (
        <Spin className="map-spin" />
      ) : rows.length === 0 ? (
        <Card className="section-card">
          <Empty description={b.empty} data-testid="whistle-board-empty" />
        </Card>
      ) : (
        <>
          <Row gutter={[16, 16]} className="whistle-board" data-testid="whistle-board">
            {rows.map((row) => (
              <Col key={row.id} xs={24} md={12} xxl={8}>
                <WhistleCard item={row} now={now} />
              </Col>
            ))}
          </Row>
          <div className="load-more">
            {list.hasNextPage ? (
              <Button
                data-testid="whistle-load-more"
                loading={list.isFetchingNextPage}
                onClick={() => void list.fetchNextPage()}
              >
                {b.loadMore}
              </Button>
            ) : (
              <Typography.Text type="secondary">
                {t('whistles.board.loadedAll', { count: rows.length })}
              </Typography.Text>
            )}
          </div>
        </>
      )}
      {canBlow ? <BlowWhistleForm open={blowing} onClose={() => setBlowing(false)} /> : null}
      {canConfigure ? <CheckInLimitsModal open={configuring} onClose={() => setConfiguring(false)} /> : null}
    </div>
  );
}
