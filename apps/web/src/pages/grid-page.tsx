import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import {
  Alert,
  App as AntApp,
  Breadcrumb,
  Button,
  Card,
  Col,
  Descriptions,
  Empty,
  Form,
  Input,
  Radio,
  Row,
  Statistic,
  Table,
  Tag,
  Timeline,
  Tooltip,
  Typography,
} from 'antd';
import { ArrowLeftOutlined, ExportOutlined, LockOutlined, PhoneOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { REASON_MIN, type TGridStaff, type TRiskChange } from '@huizhi/contracts';
import { GRID_STAFF_POSITIONS, isSensitiveTag, RESIDENT_TAGS, type RiskColor } from '@huizhi/domain';
import { api } from '../api';
import { useCurrentUser } from '../auth';
import { describeError } from '../errors';
import { formatDateTime, formatNumber } from '../format';
import { formatArea } from '../format-area';
import { useLocale } from '../i18n';
import { LoadError } from '../components/feedback';
import { PageHeader } from '../components/page-header';
import { NO_RISK_FILL, RISK_FILLS } from '../risk-colors';

const RISK_TAG_COLORS: Record<RiskColor, string> = { red: 'red', yellow: 'gold', green: 'green' };

/** A risk colour as a coloured tag, or "not rated". */
export function RiskTag({ color }: { color: RiskColor | null }) {
  const { m } = useLocale();
  if (!color) return <Tag data-testid="risk-tag">{m.risk.none}</Tag>;
  return (
    <Tag color={RISK_TAG_COLORS[color]} data-testid="risk-tag" data-color={color}>
      {m.risk[color]}
    </Tag>
  );
}

function positionRank(staff: TGridStaff): number {
  return GRID_STAFF_POSITIONS.indexOf(staff.position);
}

/** A grid: its public card, staff on duty, facts, risk colour with history, and the ledger counts. */
export function GridPage() {
  const { id = '' } = useParams();
  const me = useCurrentUser();
  const { t } = useTranslation();
  const { m, locale } = useLocale();
  const detail = useQuery({ queryKey: ['grids', id], queryFn: ({ signal }) => api.grid(id, signal) });
  const history = useQuery({
    queryKey: ['territories', 'risk-history', id],
    queryFn: ({ signal }) => api.riskHistory(id, signal),
  });
  const canManage = me.permissions.includes('grid.manage');

  if (detail.error) return <LoadError error={detail.error} onRetry={() => void detail.refetch()} />;
  const grid = detail.data;
  if (!grid) return <Card loading className="section-card" />;

  const staff = [...grid.currentStaff].sort((a, b) => positionRank(a) - positionRank(b));
  const area = formatArea(grid.areaSquareMeters, locale);
  const ancestors = grid.grid.path.filter((entry) => entry.id !== grid.grid.id);
  const summary = grid.ledgerSummary;
  // The server sends only the groups this person may see (sensitive ones need their own permission).
  const summaryTags = summary ? RESIDENT_TAGS.filter((tag) => summary.careGroups[tag] !== undefined) : [];

  return (
    <>
      <Breadcrumb
        className="grid-breadcrumb"
        data-testid="grid-path"
        items={[
          {
            title: (
              <Link to="/territories" data-testid="grid-back-to-map">
                <ArrowLeftOutlined /> {m.grid.backToMap}
              </Link>
            ),
          },
          ...ancestors
            .filter((entry) => entry.level !== 'city')
            .map((entry) => ({ title: entry.name, key: entry.id })),
        ]}
      />
      <PageHeader
        title={
          <span data-testid="grid-name">
            {grid.grid.name} <RiskTag color={grid.riskColor} />
          </span>
        }
        description={
          <span>
            {m.grid.code} <span className="mono">{grid.grid.code}</span>
          </span>
        }
        extra={
          <Tooltip title={m.grid.publicCardHelp}>
            <Link to={`/public/grids/${grid.grid.id}`} target="_blank" data-testid="public-card-link">
              <Button icon={<ExportOutlined />}>{m.grid.publicCard}</Button>
            </Link>
          </Tooltip>
        }
      />
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={14}>
          <Card title={m.grid.facts} className="section-card" data-testid="grid-facts">
            <Row gutter={[16, 16]}>
              <Col xs={12} sm={8}>
                <Statistic
                  title={m.grid.households}
                  value={grid.households === null ? '—' : formatNumber(grid.households, locale)}
                />
              </Col>
              <Col xs={12} sm={8}>
                <Statistic
                  title={m.grid.population}
                  value={grid.population === null ? '—' : formatNumber(grid.population, locale)}
                />
              </Col>
              <Col xs={24} sm={8}>
                <Statistic title={m.grid.area} value={area ?? '—'} />
              </Col>
            </Row>
          </Card>
          <Card title={m.grid.staff} className="section-card">
            <Table<TGridStaff>
              data-testid="grid-staff"
              size="middle"
              rowKey="id"
              pagination={false}
              dataSource={staff}
              locale={{ emptyText: m.grid.noStaff }}
              scroll={{ x: 'max-content' }}
              columns={[
                { key: 'name', title: m.grid.staffName, render: (_, row) => row.name },
                {
                  key: 'position',
                  title: m.grid.position,
                  render: (_, row) => <Tag color="blue">{m.positions[row.position]}</Tag>,
                },
                {
                  key: 'phone',
                  title: m.grid.phone,
                  render: (_, row) =>
                    row.phone ? (
                      <a href={`tel:${row.phone}`} className="nowrap">
                        <PhoneOutlined /> {row.phone}
                      </a>
                    ) : (
                      '—'
                    ),
                },
                { key: 'since', title: m.grid.since, responsive: ['sm'], render: (_, row) => row.startsOn },
              ]}
            />
          </Card>
          <Card title={m.grid.card} className="section-card" data-testid="grid-card">
            {grid.card ? (
              <>
                <Descriptions column={1} size="small">
                  <Descriptions.Item label={m.grid.supervisionPhone}>
                    {grid.card.supervisionPhone ? (
                      <a href={`tel:${grid.card.supervisionPhone}`}>{grid.card.supervisionPhone}</a>
                    ) : (
                      '—'
                    )}
                  </Descriptions.Item>
                </Descriptions>
                <Typography.Title level={5}>{m.grid.duties}</Typography.Title>
                <ol className="duty-list">
                  {grid.card.duties.map((duty, index) => (
                    <li key={index}>{duty}</li>
                  ))}
                </ol>
              </>
            ) : (
              <Empty description={m.grid.noCard} />
            )}
          </Card>
        </Col>
        <Col xs={24} lg={10}>
          <Card title={m.grid.risk} className="section-card" data-testid="grid-risk">
            <div className="risk-current">
              <span
                className="map-legend-swatch risk-swatch"
                style={{ background: grid.riskColor ? RISK_FILLS[grid.riskColor] : NO_RISK_FILL }}
              />
              <RiskTag color={grid.riskColor} />
            </div>
            {canManage ? <RiskForm territoryId={grid.grid.id} current={grid.riskColor} /> : null}
            <Typography.Title level={5}>{m.grid.riskHistory}</Typography.Title>
            {history.error ? (
              <Alert type="warning" showIcon title={describeError(history.error, t)} />
            ) : (history.data ?? []).length === 0 ? (
              <Typography.Text type="secondary">{m.grid.riskHistoryEmpty}</Typography.Text>
            ) : (
              <Timeline
                data-testid="risk-history"
                className="risk-history"
                items={(history.data ?? []).map((change: TRiskChange) => ({
                  key: change.id,
                  color: RISK_TAG_COLORS[change.color] === 'gold' ? 'orange' : RISK_TAG_COLORS[change.color],
                  content: (
                    <div>
                      <div>
                        {t('grid.riskChangedFromTo', {
                          from: m.risk[change.previousColor ?? 'none'],
                          to: m.risk[change.color],
                        })}
                        <span className="muted"> · {formatDateTime(change.at, locale)}</span>
                      </div>
                      <div>{change.reason}</div>
                      {change.actorName ? (
                        <div className="muted">{t('grid.riskBy', { name: change.actorName })}</div>
                      ) : null}
                    </div>
                  ),
                }))}
              />
            )}
          </Card>
          {summary ? (
            <Card title={m.grid.ledger} className="section-card" data-testid="grid-ledger">
              <Row gutter={[16, 16]}>
                <Col span={12}>
                  <Statistic
                    title={m.grid.ledgerHouseholds}
                    value={formatNumber(summary.households, locale)}
                  />
                </Col>
                <Col span={12}>
                  <Statistic title={m.grid.ledgerResidents} value={formatNumber(summary.residents, locale)} />
                </Col>
              </Row>
              <Typography.Title level={5} className="ledger-groups-title">
                {m.grid.careGroups}
              </Typography.Title>
              <ul className="care-group-list">
                {summaryTags.map((tag) => (
                  <li key={tag} data-tag={tag}>
                    <span>
                      {m.careGroups[tag]}
                      {isSensitiveTag(tag) ? (
                        <Tooltip title={m.grid.sensitive}>
                          <LockOutlined className="masked-icon" aria-label={m.grid.sensitive} />
                        </Tooltip>
                      ) : null}
                    </span>
                    <strong>{formatNumber(summary.careGroups[tag] ?? 0, locale)}</strong>
                  </li>
                ))}
              </ul>
            </Card>
          ) : null}
        </Col>
      </Row>
    </>
  );
}

/** The admin's form to change a grid's risk colour; the reason is required and kept in the history. */
function RiskForm({ territoryId, current }: { territoryId: string; current: RiskColor | null }) {
  const { t } = useTranslation();
  const { m } = useLocale();
  const { message } = AntApp.useApp();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<{ color: RiskColor; reason: string }>();
  const [error, setError] = useState<unknown>(null);
  const save = useMutation({
    mutationFn: (values: { color: RiskColor; reason: string }) => api.putRiskColor(territoryId, values),
    onSuccess: async () => {
      setError(null);
      form.resetFields(['reason']);
      void message.success(m.grid.riskSaved);
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: ['grids', territoryId] }),
        queryClient.invalidateQueries({ queryKey: ['territories', 'risk-history', territoryId] }),
        queryClient.invalidateQueries({ queryKey: ['territories', 'features'] }),
      ]);
    },
    onError: (cause) => setError(cause),
  });
  return (
    <Form
      form={form}
      layout="vertical"
      className="risk-form"
      data-testid="risk-form"
      initialValues={{ color: current ?? 'green', reason: '' }}
      onFinish={(values) => save.mutate({ color: values.color, reason: values.reason.trim() })}
    >
      <Typography.Title level={5}>{m.grid.changeRisk}</Typography.Title>
      {error ? <Alert type="error" showIcon className="form-error" title={describeError(error, t)} /> : null}
      <Form.Item name="color" label={m.grid.newColor}>
        <Radio.Group
          optionType="button"
          buttonStyle="solid"
          options={(['red', 'yellow', 'green'] as const).map((color) => ({
            value: color,
            label: <span data-testid={`risk-option-${color}`}>{m.risk[color]}</span>,
          }))}
        />
      </Form.Item>
      <Form.Item
        name="reason"
        label={m.grid.reason}
        rules={[
          {
            validator: (_, value: string | undefined) =>
              (value ?? '').trim().length >= REASON_MIN
                ? Promise.resolve()
                : Promise.reject(new Error(m.grid.reasonRequired)),
          },
        ]}
      >
        <Input.TextArea
          data-testid="risk-reason"
          rows={2}
          maxLength={500}
          showCount
          placeholder={m.grid.reasonPlaceholder}
        />
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={save.isPending} data-testid="risk-save">
        {m.grid.saveRisk}
      </Button>
    </Form>
  );
}
