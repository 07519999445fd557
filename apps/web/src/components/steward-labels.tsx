import { Tag } from 'antd';
import type { StewardLevel } from '@huizhi/domain';
import { useLocale } from '../i18n';

const STEWARD_LEVEL_COLORS: Record<StewardLevel, string> = {
  street: 'volcano',
  area: 'orange',
  lane: 'blue',
  courtyard: 'green',
};

/** A coloured tag naming a steward post's level (街长, 片长, 巷长, 院长). */
export function StewardLevelTag({ level }: { level: StewardLevel }) {
  const { m } = useLocale();
  return <Tag color={STEWARD_LEVEL_COLORS[level]}>{m.stewards.levels[level]}</Tag>;
}
