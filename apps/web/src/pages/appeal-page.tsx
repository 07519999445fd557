import { lazy, Suspense, useCallback, useMemo, useState, type ReactNode } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useParams } from 'react-router';
import {
  Alert,
  App as AntApp,
  Button,
  Card,
  Col,
  Descriptions,
  Form,
  Image,
  Input,
  List,
  Modal,
  Row,
  Space,
  Spin,
  Tag,
  Typography,
} from 'antd';
import {
  ArrowLeftOutlined,
  EyeOutlined,
  FileOutlined,
  LockOutlined,
  MergeCellsOutlined,
} from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { TAppealDetail, TAttachment, TTerritoryFeature } from '@huizhi/contracts';
import { api } from '../api';
import { appealsApi } from '../appeals-api';
import { useCurrentUser } from '../auth';
import { describeError } from '../errors';
import { formatDateTime, formatNumber } from '../format';
import { useLocale } from '../i18n';
import { LoadError } from '../components/feedback';
import { PageHeader } from '../components/page-header';
import {
  AppealChannelTag,
  AppealStateTag,
  AppealTypeTag,
  AppealUrgencyTag,
  AppellantStatusTag,
  DeadlineCountdown,
} from '../components/appeal-labels';
import { AppealActions, type ActionRequest } from '../components/appeal-actions';
import { AppealTimeline } from '../components/appeal-timeline';
import { AppealBlowButton, AppealWhistlesCard } from '../components/appeal-whistles';
import { NOTIFICATIONS_QUERY_KEY } from '../components/notification-bell';
import type { MapArea } from '../components/territory-map';

// The map brings echarts: loaded only when an appeal has a drawable territory.
const TerritoryMap = lazy(() =>
  import('../components/territory-map').then((module) => ({ default: module.TerritoryMap })),
);

/** The query key of one appeal's detail. */
export const appealQueryKey = (id: string) => ['appeal', id] as const;

/** The appeal's grid on a small map (no tile server), or just the address when it cannot be drawn. */
function AppealLocation({ appeal }: { appeal: TAppealDetail }) {
  const { m } = useLocale();
  const d = m.appeals.detail;
  const feature = useQuery({
    queryKey: ['territories', 'feature', appeal.territory.id],
    queryFn: ({ signal }) => api.territoryFeature(appeal.territory.id, signal),
    retry: false,
    staleTime: 300_000,
  });
  const areas = useMemo((): MapArea[] => {
    const data: TTerritoryFeature | undefined = feature.data;
    if (!data?.geometry) return [];
    return [
      {
        feature: data,
        value: null,
        color: '#ffd666',
        display: data.properties.name,
        label: data.properties.name,
      },
    ];
  }, [feature.data]);
  const levelLabel = useCallback((item: TTerritoryFeature) => m.levels[item.properties.level], [m]);
  return (
    <Card className="section-card" size="small" title={d.location} data-testid="appeal-location">
      <Descriptions size="small" column={1}>
        <Descriptions.Item label={d.address}>
          {appeal.address ?? <span className="muted">{d.noAddress}</span>}
        </Descriptions.Item>
        <Descriptions.Item label={d.territory}>
          <span data-testid="appeal-territory">{appeal.territory.name}</span>
        </Descriptions.Item>
      </Descriptions>
      {feature.isLoading ? (
        <Spin size="small" />
      ) : areas.length > 0 ? (
        <Suspense fallback={<Spin size="small" />}>
          <div className="appeal-map">
            <TerritoryMap
              mapKey={`appeal-${appeal.territory.id}`}
              areas={areas}
              categorical
              measureLabel={d.territory}
              levelLabel={levelLabel}
              highlightId={null}
              onAreaClick={() => undefined}
              maxHeight={260}
            />
          </div>
        </Suspense>
      ) : (
        <Typography.Text type="secondary" className="map-help">
          {d.mapUnavailable}
        </Typography.Text>
      )}
    </Card>
  );
}

/** The appellant, masked; a logged reveal of the full values for readers who may see them. */
function AppellantBlock({ appeal }: { appeal: TAppealDetail }) {
  const { t } = useTranslation();
  const { m } = useLocale();
  const d = m.appeals.detail;
  const { message } = AntApp.useApp();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [revealing, setRevealing] = useState(false);
  const [revealed, setRevealed] = useState<{ name: string | null; phone: string | null } | null>(null);
  const { appellant } = appeal;
  const canAskReveal =
    appellant.masked &&
    !appellant.hidden &&
    !appellant.confidential &&
    (appellant.phone ?? appellant.name) !== null;

  const reveal = async () => {
    setRevealing(true);
    try {
      setRevealed(await appealsApi.revealAppellant(appeal.id, reason.trim()));
      setOpen(false);
      setReason('');
    } catch (error) {
      void message.error(describeError(error, t));
    } finally {
      setRevealing(false);
    }
  };

  return (
    <Card className="section-card" size="small" title={d.appellant} data-testid="appellant-block">
      {appellant.hidden ? (
        <Alert type="info" showIcon icon={<LockOutlined />} title={d.hidden} data-testid="appellant-hidden" />
      ) : (
        <>
          <Descriptions size="small" column={1}>
            <Descriptions.Item label={d.name}>
              <span data-testid="appellant-name">
                {revealed?.name ?? appellant.name ?? <span className="muted">{d.notGiven}</span>}
              </span>
            </Descriptions.Item>
            <Descriptions.Item label={d.phone}>
              <span className="mono" data-testid="appellant-phone">
                {revealed?.phone ?? appellant.phone ?? <span className="muted">{d.notGiven}</span>}
              </span>
            </Descriptions.Item>
          </Descriptions>
          {appellant.confidential ? (
            <Tag icon={<LockOutlined />} color="gold">
              {d.confidential}
            </Tag>
          ) : null}
          {canAskReveal && !revealed ? (
            <Button
              size="small"
              icon={<EyeOutlined />}
              onClick={() => setOpen(true)}
              data-testid="reveal-appellant"
            >
              {d.reveal}
            </Button>
          ) : null}
        </>
      )}
      <Modal
        open={open}
        title={d.revealTitle}
        onCancel={() => setOpen(false)}
        onOk={() => void reveal()}
        okButtonProps={{
          disabled: reason.trim().length < 2,
          ...({ 'data-testid': 'reveal-confirm' } as object),
        }}
        confirmLoading={revealing}
        cancelText={m.common.cancel}
        destroyOnHidden
      >
        <Typography.Paragraph type="secondary">{d.revealHelp}</Typography.Paragraph>
        <Form layout="vertical">
          <Form.Item label={d.revealReason} required>
            <Input
              data-testid="reveal-reason"
              value={reason}
              maxLength={200}
              placeholder={d.revealReasonPlaceholder}
              onChange={(event) => setReason(event.target.value)}
              onPressEnter={() => {
                if (reason.trim().length >= 2) void reveal();
              }}
              autoFocus
            />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}

/** Pictures as thumbnails (click to enlarge), recordings and videos with players, other files as links. */
function Attachments({ attachments }: { attachments: readonly TAttachment[] }) {
  const { m } = useLocale();
  if (attachments.length === 0) return <span className="muted">{m.appeals.detail.noAttachments}</span>;
  const images = attachments.filter((item) => item.kind === 'image');
  const others = attachments.filter((item) => item.kind !== 'image');
  return (
    <div className="appeal-attachments" data-testid="appeal-attachments">
      {images.length > 0 ? (
        <Image.PreviewGroup>
          <Space wrap>
            {images.map((item) => (
              <Image
                key={item.id}
                src={item.url}
                alt={item.fileName}
                width={96}
                height={96}
                className="appeal-thumb"
                data-testid="attachment-image"
              />
            ))}
          </Space>
        </Image.PreviewGroup>
      ) : null}
      {others.map((item) => (
        <div key={item.id} className="appeal-media">
          <div className="muted">{item.fileName}</div>
          {item.kind === 'audio' ? (
            <audio controls preload="none" src={item.url} data-testid="attachment-audio" />
          ) : item.kind === 'video' ? (
            <video
              controls
              preload="metadata"
              src={item.url}
              className="appeal-video"
              data-testid="attachment-video"
            />
          ) : (
            <a href={item.url} target="_blank" rel="noreferrer">
              <FileOutlined /> {m.appeals.detail.download}
            </a>
          )}
        </div>
      ))}
    </div>
  );
}

/** The deadlines of each clock and round: due time, countdown while running, warned/overdue marks. */
function Deadlines({ appeal }: { appeal: TAppealDetail }) {
  const { t } = useTranslation();
  const { m, locale } = useLocale();
  const a = m.appeals;
  if (appeal.deadlines.length === 0) return <span className="muted">{a.detail.noDeadlines}</span>;
  const order = { accept: 0, contact: 1, reply: 2 } as const;
  const deadlines = [...appeal.deadlines].sort(
    (x, y) => y.round - x.round || order[x.clock] - order[y.clock],
  );
  return (
    <List
      size="small"
      className="appeal-deadlines"
      data-testid="appeal-deadlines"
      dataSource={deadlines}
      renderItem={(deadline) => {
        const marks: ReactNode[] = [];
        if (deadline.overdueAt) {
          marks.push(
            <Tag key="overdue" color="red">
              {a.marks.overdue}
            </Tag>,
          );
        } else if (deadline.warnedAt) {
          marks.push(
            <Tag key="warned" color="orange">
              {a.marks.warned}
            </Tag>,
          );
        }
        if (deadline.stoppedAt) {
          marks.push(
            <Tag key="stopped" color="green">
              {a.marks.stopped}
            </Tag>,
          );
        }
        return (
          <List.Item data-testid="appeal-deadline" data-clock={deadline.clock} data-round={deadline.round}>
            <div className="appeal-deadline">
              <span className="appeal-deadline-clock">
                {a.clocks[deadline.clock]}
                {appeal.round > 1 ? (
                  <span className="muted"> · {t('appeals.roundTag', { round: deadline.round })}</span>
                ) : null}
              </span>
              {deadline.stoppedAt ? (
                <span className="muted">{formatDateTime(deadline.dueAt, locale)}</span>
              ) : (
                <DeadlineCountdown
                  dueAt={deadline.dueAt}
                  overdue={deadline.overdueAt !== null}
                  dueSoon={deadline.warnedAt !== null}
                />
              )}
              <span>{marks}</span>
            </div>
          </List.Item>
        );
      }}
    />
  );
}

/** Units per round: lead, assisting, copies; earlier rounds' units marked ended. */
function Assignments({ appeal }: { appeal: TAppealDetail }) {
  const { t } = useTranslation();
  const { m } = useLocale();
  const a = m.appeals;
  if (appeal.assignments.length === 0) return <span className="muted">{a.detail.noAssignments}</span>;
  const order = { lead: 0, assisting: 1, copy: 2 } as const;
  const rounds = [...new Set(appeal.assignments.map((item) => item.round))].sort((x, y) => y - x);
  return (
    <div className="appeal-assignments" data-testid="appeal-assignments">
      {rounds.map((round) => (
        <div key={round} className="appeal-assignment-round">
          {rounds.length > 1 || round > 1 ? (
            <div className="muted">{t('appeals.roundTag', { round })}</div>
          ) : null}
          <Space wrap size={[8, 4]}>
            {appeal.assignments
              .filter((item) => item.round === round)
              .sort((x, y) => order[x.role] - order[y.role])
              .map((item) => (
                <span
                  key={`${item.unit.id}-${item.role}`}
                  className={
                    item.active ? 'appeal-assignment' : 'appeal-assignment appeal-assignment-inactive'
                  }
                  data-testid="appeal-assignment"
                  data-role={item.role}
                  data-active={item.active ? 'true' : 'false'}
                >
                  <Tag color={item.role === 'lead' ? 'blue' : item.role === 'assisting' ? 'cyan' : 'default'}>
                    {a.assignmentRoles[item.role]}
                  </Tag>
                  {item.unit.name}
                  {item.active ? null : <span className="muted">（{a.detail.inactive}）</span>}
                </span>
              ))}
          </Space>
        </div>
      ))}
    </div>
  );
}

/** Likely duplicates of this appeal, for dispatchers; each can become the parent of a merge. */
function SimilarAppeals({
  appeal,
  onMerge,
}: {
  appeal: TAppealDetail;
  onMerge: ((parentId: string) => void) | null;
}) {
  const { t } = useTranslation();
  const { m, locale } = useLocale();
  const d = m.appeals.detail;
  const similar = useQuery({
    queryKey: ['appeals', appeal.id, 'similar'],
    queryFn: ({ signal }) => appealsApi.similarTo(appeal.id, signal),
  });
  return (
    <Card className="section-card" size="small" title={d.similar} data-testid="similar-appeals">
      {similar.error ? (
        <Typography.Text type="warning">{describeError(similar.error, t)}</Typography.Text>
      ) : (
        <List
          size="small"
          loading={similar.isLoading}
          locale={{ emptyText: d.noSimilar }}
          dataSource={similar.data?.items ?? []}
          renderItem={(item) => (
            <List.Item
              data-testid="similar-appeal"
              actions={
                onMerge
                  ? [
                      <Button
                        key="merge"
                        size="small"
                        icon={<MergeCellsOutlined />}
                        onClick={() => onMerge(item.appeal.id)}
                        data-testid="similar-merge"
                      >
                        {d.mergeInto}
                      </Button>,
                    ]
                  : undefined
              }
            >
              <div className="similar-appeal">
                <Link to={`/appeals/${item.appeal.id}`} className="mono">
                  {item.appeal.number}
                </Link>{' '}
                <AppealStateTag state={item.appeal.state} />
                <div className="similar-excerpt">{item.appeal.excerpt}</div>
                <div className="muted">
                  {item.reasons.map((reason) => d.reasons[reason]).join('、')}
                  {' · '}
                  {t('appeals.detail.similarity', {
                    score: formatNumber(Math.round(item.score * 100) / 100, locale),
                  })}
                  {item.distanceMeters !== null
                    ? ` · ${t('appeals.detail.distance', { meters: formatNumber(Math.round(item.distanceMeters), locale) })}`
                    : ''}
                </div>
              </div>
            </List.Item>
          )}
        />
      )}
    </Card>
  );
}

/** Why and how the appeal was closed, and the reply the appellant got. */
function Outcome({ appeal }: { appeal: TAppealDetail }) {
  const { m, locale } = useLocale();
  const a = m.appeals;
  if (!appeal.reply && !appeal.closedAt) return null;
  const reasonTables: Record<string, string>[] = [
    a.nonDispatchReasons,
    a.closeWithoutReviewReasons,
    a.returnReasons,
  ];
  const reason = appeal.closeReason
    ? (reasonTables.find((table) => Object.hasOwn(table, appeal.closeReason!))?.[appeal.closeReason] ??
      appeal.closeReason)
    : null;
  return (
    <Card className="section-card" size="small" title={a.detail.outcome} data-testid="appeal-outcome">
      <Descriptions size="small" column={1}>
        {appeal.reply ? (
          <Descriptions.Item label={a.detail.reply}>
            <span className="pre-wrap" data-testid="appeal-reply">
              {appeal.reply}
            </span>
          </Descriptions.Item>
        ) : null}
        {appeal.repliedAt ? (
          <Descriptions.Item label={a.detail.repliedAt}>
            {formatDateTime(appeal.repliedAt, locale)}
          </Descriptions.Item>
        ) : null}
        {appeal.closeKind ? (
          <Descriptions.Item label={a.detail.closeKind}>
            <span data-testid="appeal-close-kind">{a.closeKinds[appeal.closeKind]}</span>
          </Descriptions.Item>
        ) : null}
        {reason ? <Descriptions.Item label={a.detail.closeReason}>{reason}</Descriptions.Item> : null}
        {appeal.closedAt ? (
          <Descriptions.Item label={a.detail.closedAt}>
            {formatDateTime(appeal.closedAt, locale)}
          </Descriptions.Item>
        ) : null}
      </Descriptions>
    </Card>
  );
}

/**
 * One appeal for staff: number, internal state and what the appellant sees, deadlines per clock,
 * content and place, the appellant (masked), units per round, files, the full history, likely
 * duplicates for dispatchers, and only the actions the server allows this reader now.
 */
export function AppealPage() {
  const { id = '' } = useParams();
  const me = useCurrentUser();
  const { t } = useTranslation();
  const { m, locale } = useLocale();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [request, setRequest] = useState<ActionRequest | null>(null);
  const detail = useQuery({
    queryKey: appealQueryKey(id),
    queryFn: ({ signal }) => appealsApi.get(id, signal),
    staleTime: 0,
  });

  const onChanged = useCallback(async () => {
    await Promise.all([
      detail.refetch(),
      queryClient.invalidateQueries({ queryKey: ['appeals'] }),
      queryClient.invalidateQueries({ queryKey: NOTIFICATIONS_QUERY_KEY }),
    ]);
  }, [detail, queryClient]);

  if (detail.error && !detail.data) {
    return <LoadError error={detail.error} onRetry={() => void detail.refetch()} />;
  }
  const appeal = detail.data;
  if (!appeal) return <Spin className="map-spin" />;
  const a = m.appeals;
  const d = a.detail;
  const isDispatcher = me.permissions.includes('appeal.dispatch');
  const canMerge = appeal.allowedActions.includes('merge');

  return (
    <div
      className="appeal-page"
      data-testid="appeal-page"
      data-state={appeal.state}
      data-version={appeal.version}
    >
      <PageHeader
        testId="appeal-title"
        title={
          <span className="appeal-title">
            <span className="appeal-title-number" data-testid="appeal-page-number">
              {appeal.number}
            </span>
            <AppealStateTag state={appeal.state} />
            {appeal.round > 1 ? (
              <Tag color="volcano" data-testid="appeal-round">
                {t('appeals.roundTag', { round: appeal.round })}
              </Tag>
            ) : null}
            {appeal.hardCase ? <Tag color="red">{a.hardCase}</Tag> : null}
          </span>
        }
        description={
          <Space wrap size={[4, 4]}>
            <span className="muted">{d.appellantStatus}</span>
            <AppellantStatusTag status={appeal.appellantStatus} />
            <AppealTypeTag type={appeal.type} />
            <AppealChannelTag channel={appeal.channel} />
            <AppealUrgencyTag urgency={appeal.urgency} />
            <span className="muted">
              {d.receivedAt} {formatDateTime(appeal.receivedAt, locale)}
            </span>
          </Space>
        }
        extra={
          <Space wrap>
            <AppealBlowButton appeal={appeal} />
            <Button icon={<ArrowLeftOutlined />} onClick={() => void navigate('/appeals')}>
              {d.back}
            </Button>
          </Space>
        }
      />
      {appeal.extensionRequestedUntil ? (
        <Alert
          type="warning"
          showIcon
          className="section-card"
          data-testid="extension-pending"
          title={t('appeals.detail.extensionPending', {
            until: formatDateTime(appeal.extensionRequestedUntil, locale),
          })}
        />
      ) : null}
      {appeal.parent ? (
        <Alert
          type="info"
          showIcon
          className="section-card"
          title={
            <Link to={`/appeals/${appeal.parent.id}`}>
              {t('appeals.detail.parent', { number: appeal.parent.number })}
            </Link>
          }
        />
      ) : null}
      <AppealActions appeal={appeal} request={request} onRequest={setRequest} onChanged={onChanged} />
      <Row gutter={[16, 0]}>
        <Col xs={24} xl={16}>
          <Card className="section-card" size="small" title={d.content} data-testid="appeal-content-card">
            <Descriptions size="small" column={{ xs: 1, sm: 2 }} className="appeal-facts">
              <Descriptions.Item label={d.category}>
                {appeal.categoryName ?? <span className="muted">{d.noCategory}</span>}
              </Descriptions.Item>
              <Descriptions.Item label={d.urgency}>{a.urgencies[appeal.urgency]}</Descriptions.Item>
              <Descriptions.Item label={a.columns.handlingUnit}>
                {appeal.handlingUnit?.name ?? <span className="muted">—</span>}
              </Descriptions.Item>
              <Descriptions.Item label={d.tier}>{appeal.tier}</Descriptions.Item>
            </Descriptions>
            <Typography.Paragraph className="appeal-content pre-wrap" data-testid="appeal-content">
              {appeal.content}
            </Typography.Paragraph>
            {appeal.attachments.length > 0 ? (
              <>
                <Typography.Text strong>{d.attachments}</Typography.Text>
                <Attachments attachments={appeal.attachments} />
              </>
            ) : null}
            {appeal.merged.length > 0 ? (
              <div className="appeal-merged">
                <Typography.Text strong>{d.merged}</Typography.Text>{' '}
                {appeal.merged.map((child) => (
                  <Link key={child.id} to={`/appeals/${child.id}`} className="mono appeal-merged-link">
                    {child.number}
                  </Link>
                ))}
              </div>
            ) : null}
          </Card>
          <Outcome appeal={appeal} />
          <Card className="section-card" size="small" title={d.timeline}>
            <AppealTimeline appeal={appeal} />
          </Card>
        </Col>
        <Col xs={24} xl={8}>
          <Card className="section-card" size="small" title={d.deadlines}>
            <Deadlines appeal={appeal} />
          </Card>
          <Card className="section-card" size="small" title={d.assignments}>
            <Assignments appeal={appeal} />
          </Card>
          <AppealWhistlesCard appeal={appeal} />
          <AppellantBlock appeal={appeal} />
          <AppealLocation appeal={appeal} />
          {isDispatcher ? (
            <SimilarAppeals
              appeal={appeal}
              onMerge={canMerge ? (parentId) => setRequest({ action: 'merge', preset: { parentId } }) : null}
            />
          ) : null}
        </Col>
      </Row>
    </div>
  );
}
