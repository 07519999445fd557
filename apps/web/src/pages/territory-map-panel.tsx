import { useCallback, useEffect, useMemo, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import {
  Alert,
  App as AntApp,
  Breadcrumb,
  Button,
  Card,
  Col,
  Empty,
  Grid,
  Row,
  Select,
  Space,
  Spin,
  Table,
  Typography,
} from 'antd';
import { RightOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { TLedgerSummaryItem, TTerritoryFeature, TTerritoryFeatureCollection } from '@huizhi/contracts';
import { CARE_GROUP_TAGS, type TerritoryLevel } from '@huizhi/domain';
import { api } from '../api';
import { useCurrentUser } from '../auth';
import { describeError } from '../errors';
import { formatNumber } from '../format';
import { useLocale } from '../i18n';
import { LoadError } from '../components/feedback';
import { LevelTag } from '../components/labels';
import { TerritoryMap, type MapArea } from '../components/territory-map';
import { findRoots } from '../territory-tree';
import { RISK_FILLS } from '../risk-colors';
import { AddressLocator } from './address-locator';

const LIST_LIMIT = 500;
const STACK_STORAGE_KEY = 'huizhi.territoryMap.stack';
const MEASURE_STORAGE_KEY = 'huizhi.territoryMap.measure';

export type MapMeasure = 'households' | 'population' | 'careGroups' | 'riskColor';

/** One level of the drill-down: a territory, or (id null) all the roots of the person's scope. */
interface Crumb {
  id: string | null;
  name: string;
  level: TerritoryLevel | null;
}

function readStoredStack(): Crumb[] | null {
  try {
    const value: unknown = JSON.parse(window.sessionStorage.getItem(STACK_STORAGE_KEY) ?? 'null');
    if (!Array.isArray(value) || value.length === 0) return null;
    return value.filter(
      (item): item is Crumb =>
        typeof item === 'object' && item !== null && typeof (item as Crumb).name === 'string',
    );
  } catch {
    return null;
  }
}

function storeStack(stack: readonly Crumb[]): void {
  try {
    window.sessionStorage.setItem(STACK_STORAGE_KEY, JSON.stringify(stack));
  } catch {
    // Without storage the map simply starts at the top next time.
  }
}

function readStoredMeasure(): MapMeasure {
  try {
    const value = window.sessionStorage.getItem(MEASURE_STORAGE_KEY);
    if (value === 'population' || value === 'careGroups' || value === 'riskColor') return value;
  } catch {
    // fall through
  }
  return 'households';
}

/** The care-group count of a ledger summary: only the non-sensitive groups (never on a shared map). */
export function careGroupCount(item: TLedgerSummaryItem | undefined): number | null {
  if (!item) return null;
  return CARE_GROUP_TAGS.reduce((sum, tag) => sum + (item.careGroups[tag] ?? 0), 0);
}

/**
 * The map tab: starts at the roots of the person's scope, draws the children of the current
 * territory, drills down on click and goes back up through the breadcrumb. At grid level a click opens
 * the grid's page.
 */
export function TerritoryMapPanel() {
  const me = useCurrentUser();
  const { t } = useTranslation();
  const { m, locale } = useLocale();
  const { message } = AntApp.useApp();
  const navigate = useNavigate();
  const screens = Grid.useBreakpoint();
  const canReadLedger = me.permissions.includes('ledger.read');
  const canRoute = me.permissions.includes('routing.use');
  const [measure, setMeasure] = useState<MapMeasure>(() => {
    const stored = readStoredMeasure();
    return stored === 'careGroups' && !canReadLedger ? 'households' : stored;
  });
  const [stack, setStack] = useState<Crumb[] | null>(null);
  const [highlightId, setHighlightId] = useState<string | null>(null);

  const top = useQuery({
    queryKey: ['territories', 'all'],
    queryFn: ({ signal }) => api.territories({ limit: LIST_LIMIT }, signal),
  });
  const roots = useMemo(() => findRoots(top.data?.items ?? []), [top.data]);

  // The first level: the one root of the scope, or all of them side by side; a stored drill-down is
  // kept when it starts at the same place (after visiting a grid page and coming back).
  const initialStack = useMemo((): Crumb[] | null => {
    if (!top.data) return null;
    const only = roots.length === 1 ? roots[0] : undefined;
    const start: Crumb = only
      ? { id: only.id, name: only.name, level: only.level }
      : { id: null, name: m.map.allScope, level: null };
    const stored = readStoredStack();
    if (stored?.[0] && stored[0].id === start.id) return [start, ...stored.slice(1)];
    return [start];
  }, [top.data, roots, m.map.allScope]);
  const currentStack = stack ?? initialStack;
  const current = currentStack?.at(-1) ?? null;

  useEffect(() => {
    if (currentStack) storeStack(currentStack);
  }, [currentStack]);

  const rootIds = roots.map((root) => root.id).join(',');
  const features = useQuery({
    queryKey: ['territories', 'features', current?.id ?? `roots:${rootIds}`],
    enabled: current !== null,
    queryFn: async ({ signal }): Promise<TTerritoryFeatureCollection> => {
      if (current?.id) return api.childFeatures(current.id, signal);
      const list = await Promise.all(roots.map((root) => api.territoryFeature(root.id, signal)));
      return { type: 'FeatureCollection', features: list };
    },
  });
  const ledger = useQuery({
    queryKey: ['ledger', 'summary', current?.id],
    enabled: measure === 'careGroups' && canReadLedger && !!current?.id,
    queryFn: ({ signal }) => api.ledgerSummary(current!.id!, signal),
  });
  const ledgerById = useMemo(
    () => new Map((ledger.data?.items ?? []).map((item) => [item.territoryId, item])),
    [ledger.data],
  );

  const measureLabel = m.map.measures[measure];
  const parentName = useMemo(() => currentStack?.at(-1)?.name ?? '', [currentStack]);
  const areas = useMemo((): MapArea[] => {
    const list = features.data?.features ?? [];
    return list.map((feature) => {
      const { properties } = feature;
      // "东湖社区第1网格" inside 东湖社区 is labelled "第1网格": labels fit small areas.
      const label =
        parentName && properties.name.startsWith(parentName) && properties.name.length > parentName.length
          ? properties.name.slice(parentName.length)
          : properties.name;
      if (measure === 'riskColor') {
        return {
          feature,
          value: null,
          color: properties.riskColor ? RISK_FILLS[properties.riskColor] : undefined,
          display: m.risk[properties.riskColor ?? 'none'],
          label,
        };
      }
      const value =
        measure === 'households'
          ? properties.households
          : measure === 'population'
            ? properties.population
            : careGroupCount(ledgerById.get(properties.id));
      return {
        feature,
        value,
        display: value === null ? m.map.noData : formatNumber(value, locale),
        label,
      };
    });
  }, [features.data, measure, ledgerById, m, locale, parentName]);

  const levelLabel = useCallback((feature: TTerritoryFeature) => m.levels[feature.properties.level], [m]);

  const openArea = useCallback(
    (id: string) => {
      const feature = features.data?.features.find((item) => item.properties.id === id);
      if (!feature || !currentStack) return;
      const { properties } = feature;
      if (properties.level === 'grid') {
        void navigate(`/grids/${properties.id}`);
        return;
      }
      if (properties.childCount === 0) {
        void message.info(m.map.noChildren);
        return;
      }
      setHighlightId(null);
      setStack([...currentStack, { id: properties.id, name: properties.name, level: properties.level }]);
    },
    [features.data, currentStack, navigate, message, m],
  );

  const goTo = (index: number) => {
    if (!currentStack) return;
    setHighlightId(null);
    setStack(currentStack.slice(0, index + 1));
  };

  /** Shows a grid found by the address search: drills to its community and marks it. */
  const showGrid = (path: { id: string; name: string; level: TerritoryLevel }[], gridId: string) => {
    const start = currentStack?.[0];
    if (!start) return;
    // The levels below the start of the map, down to the grid's parent (the grid itself is marked).
    // With several roots the map starts above them all, so the path is kept from the root down.
    const startIndex =
      start.id === null
        ? path.findIndex((entry) => roots.some((root) => root.id === entry.id)) - 1
        : path.findIndex((entry) => entry.id === start.id);
    if (startIndex < -1 || (start.id !== null && startIndex < 0)) return;
    const fromRoot = path.slice(startIndex + 1);
    const parents = fromRoot.filter((entry) => entry.id !== gridId);
    setStack([start, ...parents.map((entry) => ({ id: entry.id, name: entry.name, level: entry.level }))]);
    setHighlightId(gridId);
  };

  if (top.error) return <LoadError error={top.error} onRetry={() => void top.refetch()} />;
  if (!currentStack || !current) return <Spin className="map-spin" />;
  if (roots.length === 0) return <Empty description={m.territories.empty} />;

  const withoutGeometry = areas.filter((area) => area.feature.geometry === null);
  const mapKey = `huizhi-${current.id ?? 'roots'}`;
  const measureOptions = (['households', 'population', 'careGroups', 'riskColor'] as const)
    .filter((key) => key !== 'careGroups' || canReadLedger)
    .map((key) => ({ value: key, label: <span data-testid={`measure-${key}`}>{m.map.measures[key]}</span> }));

  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} xl={17}>
        <Card className="section-card map-card" data-testid="map-card" data-level={current.level ?? 'scope'}>
          <div className="map-toolbar">
            <Breadcrumb
              data-testid="map-breadcrumb"
              className="map-breadcrumb"
              items={currentStack.map((crumb, index) => ({
                key: crumb.id ?? 'roots',
                title:
                  index < currentStack.length - 1 ? (
                    <a
                      href="#"
                      data-testid={`crumb-${index}`}
                      onClick={(event) => {
                        event.preventDefault();
                        goTo(index);
                      }}
                    >
                      {crumb.name}
                    </a>
                  ) : (
                    <span data-testid={`crumb-${index}`} className="map-crumb-current">
                      {crumb.name}
                    </span>
                  ),
              }))}
            />
            <Space size={8} className="map-measure">
              <span className="muted">{m.map.measure}</span>
              <Select<MapMeasure>
                data-testid="map-measure"
                value={measure}
                onChange={(value) => {
                  setMeasure(value);
                  try {
                    window.sessionStorage.setItem(MEASURE_STORAGE_KEY, value);
                  } catch {
                    // not kept
                  }
                }}
                options={measureOptions}
                className="map-measure-select"
                popupMatchSelectWidth={false}
              />
            </Space>
          </div>
          {measure === 'riskColor' ? (
            <div className="map-legend" data-testid="risk-legend">
              {(['red', 'yellow', 'green'] as const).map((color) => (
                <span key={color} className="map-legend-item">
                  <span className="map-legend-swatch" style={{ background: RISK_FILLS[color] }} />
                  {m.risk[color]}
                </span>
              ))}
              <span className="map-legend-item">
                <span className="map-legend-swatch map-legend-none" />
                {m.risk.none}
              </span>
            </div>
          ) : null}
          {measure === 'careGroups' ? (
            ledger.error ? (
              <Alert
                type="warning"
                showIcon
                className="map-alert"
                title={t('map.ledgerUnavailable', { message: describeError(ledger.error, t) })}
              />
            ) : (
              <Typography.Text type="secondary" className="map-help">
                {m.map.careGroupsHelp}
              </Typography.Text>
            )
          ) : null}
          {features.error ? (
            <LoadError error={features.error} onRetry={() => void features.refetch()} />
          ) : (
            <Spin spinning={features.isFetching || (measure === 'careGroups' && ledger.isFetching)}>
              {features.data && areas.length > withoutGeometry.length ? (
                <TerritoryMap
                  mapKey={mapKey}
                  areas={areas}
                  categorical={measure === 'riskColor'}
                  measureLabel={measureLabel}
                  levelLabel={levelLabel}
                  highlightId={highlightId}
                  onAreaClick={openArea}
                  maxHeight={screens.md ? 560 : 420}
                />
              ) : (
                <div className="map-empty" style={{ height: 320 }}>
                  {features.data ? <Empty description={m.map.noMapData} /> : null}
                </div>
              )}
            </Spin>
          )}
          {withoutGeometry.length > 0 ? (
            <Typography.Paragraph type="secondary" className="map-help" data-testid="map-no-geometry">
              {m.map.noGeometry} {withoutGeometry.map((area) => area.feature.properties.name).join('、')}
            </Typography.Paragraph>
          ) : null}
        </Card>
      </Col>
      <Col xs={24} xl={7}>
        {canRoute ? <AddressLocator onShow={showGrid} /> : null}
        <Card
          className="section-card"
          size="small"
          title={
            <span>
              {m.map.children}
              {areas[0] ? (
                <span className="map-children-level">
                  <LevelTag level={areas[0].feature.properties.level} />
                </span>
              ) : null}
            </span>
          }
        >
          <Table<MapArea>
            data-testid="map-area-list"
            size="small"
            rowKey={(area) => area.feature.properties.id}
            pagination={false}
            dataSource={areas}
            loading={features.isLoading}
            locale={{ emptyText: m.map.noChildren }}
            columns={[
              {
                key: 'name',
                title: m.territories.name,
                render: (_, area) => (
                  <Button
                    type="link"
                    size="small"
                    className="map-area-link"
                    data-testid="map-area-link"
                    disabled={
                      area.feature.properties.level !== 'grid' && area.feature.properties.childCount === 0
                    }
                    onClick={() => openArea(area.feature.properties.id)}
                  >
                    {area.feature.properties.name}
                    <RightOutlined />
                  </Button>
                ),
              },
              {
                key: 'value',
                title: measureLabel,
                align: 'right',
                render: (_, area) =>
                  measure === 'riskColor' && area.color ? (
                    <span className="nowrap">
                      <span className="map-legend-swatch" style={{ background: area.color }} /> {area.display}
                    </span>
                  ) : (
                    area.display
                  ),
              },
            ]}
          />
        </Card>
      </Col>
    </Row>
  );
}
