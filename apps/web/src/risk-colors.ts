import type { RiskColor } from '@huizhi/domain';

/** The fill of each risk colour on maps and swatches (softer than pure colours, so labels stay legible). */
export const RISK_FILLS: Record<RiskColor, string> = {
  red: '#ff7875',
  yellow: '#ffd666',
  green: '#95de64',
};

/** The fill of an area without a risk colour. */
export const NO_RISK_FILL = '#eef0f3';
