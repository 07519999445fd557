import { useCallback } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import {
  Alert,
  Button,
  Card,
  Col,
  Descriptions,
  Row,
  Space,
  Spin,
  Steps,
  Table,
  Tag,
  Typography,
} from 'antd';
import type { TableColumnsType } from 'antd';
import { ArrowLeftOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { TWhistleDetail, TWhistleSummons } from '@huizhi/contracts';
import { WHISTLE_LEVELS } from '@huizhi/domain';
import { useCurrentUser } from '../auth';
import { formatDateTime } from '../format';
import { useLocale } from '../i18n';
import { useWhistle } from '../whistles-api';
import { LoadError } from '../components/feedback';
import { PageHeader } from '../components/page-header';
import { DeadlineCountdown, useNow } from '../components/appeal-labels';
import { WhistleActions, whistleButtonsOf } from '../components/whistle-actions';
import { WhistleTimeline } from '../components/whistle-timeline';
import {
  SummonsRoleTag,
  SummonsStatusTag,
  summonsStatus,
  WhistleLevelTag,
  WhistleStateTag,
  WhistleUrgencyTag,
} from '../components/whistle-labels';
import './whistles.css';

/**
 * The escalation ladder (小事不出网格、大事不出社区): grid → community → street → district. The rung where
 * the matter started and each step up show who, when and why; levels below the start are marked not
 * passed, those above the present level not yet reached.
 */
function EscalationLadder({ whistle }: { whistle: TWhistleDetail }) {
  const { m, locale } = useLocale();
  const d = m.whistles.detail;
  const start = WHISTLE_LEVELS.indexOf(whistle.ladder[0]?.level ?? whistle.level);
  const current = WHISTLE_LEVELS.indexOf(whistle.level);
  const items = WHISTLE_LEVELS.map((level, index) => {
    // The latest rung at this level (a ladder only goes up, so there is at most one).
    const rung = whistle.ladder.findLast((step) => step.level === level);
    const status: 'wait' | 'process' | 'finish' =
      index === current ? 'process' : index < current && index >= start ? 'finish' : 'wait';
    const body = rung ? (
      <div className="ladder-rung">
        <div>{rung.territory.name}</div>
        <div className="muted">
          {formatDateTime(rung.at, locale)}
          {rung.actor ? ` · ${rung.actor.name}` : ''}
        </div>
        <div className="ladder-reason">{rung.reason ?? (index === start ? d.ladderStart : '')}</div>
      </div>
    ) : (
      <span className="muted">{index < start ? d.ladderNotPassed : d.ladderAbove}</span>
    );
    return {
      key: level,
      status,
      title: (
        <span data-testid="ladder-step" data-level={level} data-status={status}>
          {m.whistles.levels[level]}
        </span>
      ),
      content: body,
      className: index < start ? 'ladder-skipped' : undefined,
    };
  });
  return (
    <Card className="section-card" size="small" title={d.ladder} data-testid="whistle-ladder">
      <Typography.Paragraph type="secondary" className="ladder-help">
        {d.ladderHelp}
      </Typography.Paragraph>
      <Steps orientation="vertical" size="small" current={current} items={items} />
    </Card>
  );
}

/** The summoned units: role, check-in status and times, the responsible person, their part. */
function SummonsTable({ whistle }: { whistle: TWhistleDetail }) {
  const { t } = useTranslation();
  const { m, locale } = useLocale();
  const s = m.whistles.summonsTable;
  const now = useNow();
  const order = { lead: 0, assisting: 1 } as const;
  const rows = [...whistle.summons].sort(
    (x, y) =>
      Number(x.state === 'withdrawn') - Number(y.state === 'withdrawn') ||
      order[x.role] - order[y.role] ||
      x.summonedAt.localeCompare(y.summonedAt),
  );
  const columns: TableColumnsType<TWhistleSummons> = [
    {
      key: 'unit',
      title: s.unit,
      width: 260,
      render: (_, row) => (
        <span className="summons-unit">
          <SummonsRoleTag role={row.role} />
          <span data-testid="summons-unit">{row.unit.name}</span>
        </span>
      ),
    },
    {
      key: 'status',
      title: s.status,
      width: 150,
      render: (_, row) => (
        <Space size={[0, 4]} wrap>
          <SummonsStatusTag summons={row} now={now} />
          {row.partAt ? <Tag color="blue">{m.whistles.partDelivered}</Tag> : null}
        </Space>
      ),
    },
    {
      key: 'checkInDueAt',
      title: s.checkInDueAt,
      width: 170,
      render: (_, row) =>
        row.checkedInAt || row.state === 'withdrawn' ? (
          <span className="muted">{formatDateTime(row.checkInDueAt, locale)}</span>
        ) : (
          <DeadlineCountdown dueAt={row.checkInDueAt} overdue={row.overdue} dueSoon={false} />
        ),
    },
    {
      key: 'checkedInAt',
      title: s.checkedInAt,
      width: 150,
      render: (_, row) =>
        row.checkedInAt ? (
          formatDateTime(row.checkedInAt, locale)
        ) : row.withdrawnAt ? (
          <span className="muted">
            {t('whistles.summonsTable.withdrawn', {
              reason: row.withdrawReason ? m.whistles.withdrawReasons[row.withdrawReason] : '',
            })}
          </span>
        ) : (
          <span className="muted">—</span>
        ),
    },
    {
      key: 'responsible',
      title: s.responsible,
      width: 150,
      render: (_, row) =>
        row.responsibleName ? (
          <span>
            {row.responsibleName}
            {row.responsiblePhone ? <div className="mono muted">{row.responsiblePhone}</div> : null}
          </span>
        ) : (
          <span className="muted">—</span>
        ),
    },
    {
      key: 'part',
      title: s.part,
      render: (_, row) =>
        row.part ? (
          <div>
            <div className="pre-wrap" data-testid="summons-part">
              {row.part}
            </div>
            <div className="muted">
              {formatDateTime(row.partAt, locale)}
              {row.partOnTime === null ? null : (
                <Tag color={row.partOnTime ? 'success' : 'warning'} className="summons-part-ontime">
                  {row.partOnTime ? m.whistles.partOnTime : m.whistles.partLate}
                </Tag>
              )}
            </div>
          </div>
        ) : (
          <span className="muted">{s.noPart}</span>
        ),
    },
  ];
  return (
    <Table<TWhistleSummons>
      data-testid="summons-table"
      size="small"
      rowKey="id"
      columns={columns}
      dataSource={rows}
      pagination={false}
      scroll={{ x: 900 }}
      onRow={(row) =>
        ({
          'data-testid': 'summons-row',
          'data-unit': row.unit.name,
          'data-status': summonsStatus(row, now),
          'data-state': row.state,
        }) as React.HTMLAttributes<HTMLElement>
      }
      rowClassName={(row) => (row.state === 'withdrawn' ? 'summons-row-withdrawn' : '')}
    />
  );
}

/** What the matter is: reason, place, who blew it, the deadlines, the meeting, the result. */
function WhistleFacts({ whistle }: { whistle: TWhistleDetail }) {
  const { m, locale } = useLocale();
  const d = m.whistles.detail;
  return (
    <Card className="section-card" size="small" title={d.facts} data-testid="whistle-facts">
      <Typography.Paragraph className="pre-wrap whistle-reason" data-testid="whistle-reason">
        {whistle.reason}
      </Typography.Paragraph>
      <Descriptions size="small" column={{ xs: 1, sm: 2 }}>
        <Descriptions.Item label={d.place}>
          {whistle.territory.name}
          {whistle.address ? ` · ${whistle.address}` : ''}
        </Descriptions.Item>
        <Descriptions.Item label={d.responsibleTerritory}>
          {whistle.responsibleTerritory.name}（{m.whistles.levels[whistle.level]}）
        </Descriptions.Item>
        <Descriptions.Item label={d.blownBy}>
          {whistle.blownBy.name}
          {whistle.blowerUnit ? ` · ${whistle.blowerUnit.name}` : ''}
        </Descriptions.Item>
        <Descriptions.Item label={d.createdAt}>{formatDateTime(whistle.createdAt, locale)}</Descriptions.Item>
        <Descriptions.Item label={d.checkInDueAt}>
          {formatDateTime(whistle.checkInDueAt, locale)}
        </Descriptions.Item>
        <Descriptions.Item label={d.dueAt}>
          {whistle.dueAt ? formatDateTime(whistle.dueAt, locale) : <span className="muted">{d.noDue}</span>}
        </Descriptions.Item>
        <Descriptions.Item label={d.meeting}>
          {whistle.meetingAt || whistle.meetingPlace ? (
            [whistle.meetingAt ? formatDateTime(whistle.meetingAt, locale) : null, whistle.meetingPlace]
              .filter(Boolean)
              .join(' · ')
          ) : (
            <span className="muted">{d.noMeeting}</span>
          )}
        </Descriptions.Item>
        {whistle.appeal ? (
          <Descriptions.Item label={d.appeal}>
            <Link to={`/appeals/${whistle.appeal.id}`} className="mono" data-testid="whistle-appeal-link">
              {whistle.appeal.number}
            </Link>
          </Descriptions.Item>
        ) : null}
      </Descriptions>
      {whistle.result ? (
        <Alert
          type={whistle.state === 'closed' ? 'success' : 'info'}
          className="whistle-result"
          data-testid="whistle-result"
          title={d.result}
          description={
            <>
              <div className="pre-wrap">{whistle.result}</div>
              <div className="muted">
                {d.resultAt} {formatDateTime(whistle.resultAt, locale)}
                {whistle.closedAt ? ` · ${d.closedAt} ${formatDateTime(whistle.closedAt, locale)}` : ''}
              </div>
            </>
          }
        />
      ) : null}
      {whistle.cancelReason ? (
        <Alert
          type="warning"
          className="whistle-result"
          title={d.cancelReason}
          description={whistle.cancelReason}
        />
      ) : null}
    </Card>
  );
}

/**
 * One whistle (the matter's page): number, state, urgency and level; the reader's own summons when it
 * still has to check in; the actions the server allows this reader now; the facts, the summoned units
 * with who checked in (and who is late), the joint-handling record, and the escalation ladder.
 */
export function WhistlePage() {
  const { id = '' } = useParams();
  const me = useCurrentUser();
  const { t } = useTranslation();
  const { m, locale } = useLocale();
  const navigate = useNavigate();
  const detail = useWhistle(id);
  const now = useNow();
  const { refetch } = detail;
  const onChanged = useCallback(() => refetch(), [refetch]);

  if (detail.error && !detail.data) {
    return <LoadError error={detail.error} onRetry={() => void detail.refetch()} />;
  }
  const whistle = detail.data;
  if (!whistle) return <Spin className="map-spin" />;
  const d = m.whistles.detail;
  const mine = whistle.summons.find((summons) => summons.id === whistle.mySummonsId) ?? null;
  const mineStatus = mine ? summonsStatus(mine, now) : null;
  const isOpen = whistle.state !== 'closed' && whistle.state !== 'cancelled';
  const backTo = me.nav.includes('whistleBoard') ? '/whistles' : '/whistle-inbox';

  return (
    <div
      className="whistle-page"
      data-testid="whistle-page"
      data-state={whistle.state}
      data-version={whistle.version}
    >
      <PageHeader
        testId="whistle-title"
        title={
          <span className="appeal-title">
            <span className="appeal-title-number" data-testid="whistle-number">
              {whistle.number}
            </span>
            <WhistleStateTag state={whistle.state} />
            <WhistleUrgencyTag urgency={whistle.urgency} />
            <WhistleLevelTag level={whistle.level} />
          </span>
        }
        description={<span data-testid="whistle-heading">{whistle.title}</span>}
        extra={
          <Button icon={<ArrowLeftOutlined />} onClick={() => void navigate(backTo)}>
            {d.back}
          </Button>
        }
      />
      {isOpen && mine && (mineStatus === 'waiting' || mineStatus === 'overdue') ? (
        <Alert
          type={mineStatus === 'overdue' ? 'error' : 'warning'}
          showIcon
          className="section-card"
          data-testid="whistle-must-check-in"
          title={t(
            mineStatus === 'overdue' ? 'whistles.detail.mustCheckInLate' : 'whistles.detail.mustCheckIn',
            {
              time: formatDateTime(mine.checkInDueAt, locale),
            },
          )}
        />
      ) : null}
      {isOpen || whistleButtonsOf(whistle).length > 0 ? (
        <WhistleActions whistle={whistle} onChanged={onChanged} />
      ) : null}
      <Row gutter={[16, 0]}>
        <Col xs={24} xl={16}>
          <WhistleFacts whistle={whistle} />
        </Col>
        <Col xs={24} xl={8}>
          <EscalationLadder whistle={whistle} />
        </Col>
      </Row>
      {/* Who has checked in and who is late: the whole width, so every column shows. */}
      <Card className="section-card" size="small" title={d.summons}>
        <SummonsTable whistle={whistle} />
      </Card>
      <Card className="section-card" size="small" title={d.timeline}>
        <WhistleTimeline whistle={whistle} />
      </Card>
    </div>
  );
}
