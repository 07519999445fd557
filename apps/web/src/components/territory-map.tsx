import { useEffect, useRef, useState } from 'react';
import * as echarts from 'echarts/core';
import { MapChart, type MapSeriesOption } from 'echarts/charts';
import {
  TooltipComponent,
  VisualMapComponent,
  type TooltipComponentOption,
  type VisualMapComponentOption,
} from 'echarts/components';
import { LabelLayout } from 'echarts/features';
import { CanvasRenderer } from 'echarts/renderers';
import type { ComposeOption } from 'echarts/core';
import type { TTerritoryFeature } from '@huizhi/contracts';
import { representativePoint } from './map-geometry';

// Only the map chart, tooltip, visual map and label layout: the chunk stays small (no full echarts).
echarts.use([MapChart, TooltipComponent, VisualMapComponent, LabelLayout, CanvasRenderer]);

type MapOption = ComposeOption<MapSeriesOption | TooltipComponentOption | VisualMapComponentOption>;

/** One area on the map and what it shows: a number coloured on a scale, or a fixed colour. */
export interface MapArea {
  feature: TTerritoryFeature;
  value: number | null;
  /** A categorical colour (risk colour); when set, the area is painted with it instead of the scale. */
  color?: string;
  /** The value as the tooltip and the side list show it. */
  display: string;
  /** The label drawn on the area (may be shorter than the name). */
  label: string;
}

/** Where an area's label sits on screen, for tests and for assistive tools reading the map. */
export interface RegionPosition {
  id: string;
  name: string;
  x: number;
  y: number;
}

const SCALE_COLORS = ['#e6f0ff', '#8fb5ec', '#3f78c9', '#12397a'];
const EMPTY_COLOR = '#eef0f3';
/** ECharts draws maps with this vertical stretch by default (about 1/cos of the latitude in China). */
const ASPECT_SCALE = 0.75;
const MIN_HEIGHT = 260;

/** The height/width ratio the areas need on screen, from their bounding box. */
function aspectOf(areas: readonly MapArea[]): number {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  const visit = (value: unknown): void => {
    if (!Array.isArray(value)) return;
    if (typeof value[0] === 'number' && typeof value[1] === 'number') {
      minX = Math.min(minX, value[0]);
      maxX = Math.max(maxX, value[0]);
      minY = Math.min(minY, value[1]);
      maxY = Math.max(maxY, value[1]);
      return;
    }
    for (const item of value) visit(item);
  };
  for (const area of areas) visit(area.feature.geometry?.coordinates);
  if (!Number.isFinite(minX) || maxX <= minX) return 1;
  return (maxY - minY) / ((maxX - minX) * ASPECT_SCALE);
}

/**
 * A choropleth of the areas of one level, drawn from their GeoJSON with no tile server. The map is
 * registered under `mapKey`; areas are matched by territory id, so two areas with the same name stay
 * apart. A click on an area calls `onAreaClick` with its id.
 */
export function TerritoryMap({
  mapKey,
  areas,
  categorical,
  measureLabel,
  levelLabel,
  highlightId,
  onAreaClick,
  maxHeight,
}: {
  mapKey: string;
  areas: readonly MapArea[];
  categorical: boolean;
  measureLabel: string;
  levelLabel: (feature: TTerritoryFeature) => string;
  highlightId?: string | null;
  onAreaClick: (id: string) => void;
  maxHeight: number;
}) {
  const containerRef = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);
  // As tall as the areas need at this width (a long strip of grids gets a low map), within limits.
  const height = Math.round(
    Math.min(maxHeight, Math.max(MIN_HEIGHT, (width || maxHeight) * aspectOf(areas) * 1.08 + 48)),
  );
  const chartRef = useRef<echarts.ECharts | null>(null);
  const clickRef = useRef(onAreaClick);
  useEffect(() => {
    clickRef.current = onAreaClick;
  }, [onAreaClick]);

  useEffect(() => {
    const container = containerRef.current;
    if (!container) return;
    const chart = echarts.init(container, undefined, { renderer: 'canvas' });
    chartRef.current = chart;
    chart.on('click', (params) => {
      if (typeof params.name === 'string' && params.name) clickRef.current(params.name);
    });
    const observer = new ResizeObserver(() => {
      setWidth(container.clientWidth);
      chart.resize();
    });
    observer.observe(container);
    return () => {
      observer.disconnect();
      chart.dispose();
      chartRef.current = null;
    };
  }, []);

  useEffect(() => {
    const chart = chartRef.current;
    const container = containerRef.current;
    if (!chart || !container) return;
    const drawn = areas.filter((area) => area.feature.geometry !== null);
    const byId = new Map(drawn.map((area) => [area.feature.properties.id, area]));
    echarts.registerMap(mapKey, {
      type: 'FeatureCollection',
      features: drawn.map((area) => area.feature),
    } as unknown as Parameters<typeof echarts.registerMap>[1]);
    const values = drawn.map((area) => area.value).filter((value): value is number => value !== null);
    // The scale starts below the lowest value by the spread of the values (never below 0): close
    // values still differ, and the lowest area is not painted as if it had nothing.
    const max = Math.max(1, ...values);
    const low = Math.min(...values);
    const min = values.length > 1 && low < max ? Math.max(0, low - (max - low)) : 0;
    const format = new Intl.NumberFormat(document.documentElement.lang || undefined);
    const narrow = container.clientWidth < 520;

    const option: MapOption = {
      animation: false,
      tooltip: {
        trigger: 'item',
        confine: true,
        formatter: (params) => {
          const item = Array.isArray(params) ? params[0] : params;
          const area = item ? byId.get(String(item.name)) : undefined;
          if (!area) return '';
          const colon = document.documentElement.lang.startsWith('zh') ? '：' : ': ';
          const escape = (text: string) =>
            text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
          return (
            `<div class="map-tooltip"><strong>${escape(area.feature.properties.name)}</strong>` +
            `<div>${escape(levelLabel(area.feature))}</div>` +
            `<div>${escape(measureLabel)}${colon}${escape(area.display)}</div></div>`
          );
        },
      },
      visualMap: categorical
        ? undefined
        : {
            type: 'continuous',
            min,
            max,
            left: 8,
            bottom: 8,
            orient: narrow ? 'horizontal' : 'vertical',
            itemHeight: narrow ? 100 : 120,
            itemWidth: 12,
            calculable: false,
            realtime: false,
            inRange: { color: SCALE_COLORS },
            outOfRange: { color: EMPTY_COLOR },
            text: [format.format(max), format.format(min)],
            textStyle: { color: '#444' },
            seriesIndex: 0,
          },
      series: [
        {
          type: 'map',
          map: mapKey,
          nameProperty: 'id',
          roam: true,
          scaleLimit: { min: 0.8, max: 12 },
          // The box the map fits in (keeping its aspect): room for the scale at the left or bottom.
          top: 20,
          bottom: narrow && !categorical ? 56 : 20,
          left: narrow || categorical ? 12 : 72,
          right: 12,
          selectedMode: 'single',
          labelLayout: { hideOverlap: true },
          itemStyle: { areaColor: EMPTY_COLOR, borderColor: '#ffffff', borderWidth: 1.5 },
          label: {
            show: true,
            fontSize: narrow ? 11 : 13,
            color: '#1f2329',
            textBorderColor: '#ffffff',
            textBorderWidth: 3,
            formatter: (params: { name: string }) => byId.get(params.name)?.label ?? '',
          },
          emphasis: {
            label: { show: true, color: '#0f2b5b', fontWeight: 'bold' },
            itemStyle: { areaColor: '#ffd666', borderColor: '#0f2b5b', borderWidth: 2 },
          },
          select: {
            label: { show: true, color: '#ffffff', textBorderColor: '#a8071a', fontWeight: 'bold' },
            itemStyle: { areaColor: '#ff7a45', borderColor: '#a8071a', borderWidth: 2.5 },
          },
          data: drawn.map((area) => ({
            name: area.feature.properties.id,
            value: area.value ?? Number.NaN,
            selected: area.feature.properties.id === highlightId,
            ...(categorical ? { itemStyle: { areaColor: area.color ?? EMPTY_COLOR } } : {}),
          })),
        },
      ],
    };
    chart.setOption(option, { notMerge: true });

    // Publish where each area is on screen (used by the end-to-end tests to click real areas).
    const publish = () => {
      const regions: RegionPosition[] = [];
      for (const area of drawn) {
        const point = representativePoint(area.feature.geometry);
        if (!point) continue;
        const pixel = chart.convertToPixel({ seriesIndex: 0 }, point) as number[] | undefined;
        const [x, y] = pixel ?? [];
        if (x === undefined || y === undefined || !Number.isFinite(x) || !Number.isFinite(y)) continue;
        regions.push({
          id: area.feature.properties.id,
          name: area.feature.properties.name,
          x: Math.round(x),
          y: Math.round(y),
        });
      }
      container.dataset.regions = JSON.stringify(regions);
      container.dataset.mapKey = mapKey;
      container.dataset.highlight = highlightId ?? '';
    };
    chart.on('finished', publish);
    publish();
    return () => {
      chart.off('finished', publish);
    };
  }, [mapKey, areas, categorical, measureLabel, levelLabel, highlightId, height]);

  return (
    <div
      ref={containerRef}
      className="territory-map-canvas"
      data-testid="territory-map"
      style={{ height }}
      role="img"
      aria-label={areas.map((area) => `${area.feature.properties.name} ${area.display}`).join('，')}
    />
  );
}
