import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Input, List, Typography } from 'antd';
import { AimOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { TerritoryLevel } from '@huizhi/domain';
import { api } from '../api';
import { describeError } from '../errors';
import { useLocale } from '../i18n';
import { LevelTag } from '../components/labels';

type PathEntry = { id: string; name: string; level: TerritoryLevel };

/**
 * Address → grid, for dispatchers: searches the gazetteer and lists ranked candidates; "show on map"
 * drills the map to the grid's community and marks the grid.
 */
export function AddressLocator({ onShow }: { onShow: (path: PathEntry[], gridId: string) => void }) {
  const { t } = useTranslation();
  const { m } = useLocale();
  const [q, setQ] = useState('');
  const search = useQuery({
    queryKey: ['routing', 'geocode', q],
    enabled: q !== '',
    queryFn: ({ signal }) => api.geocode(q, signal),
  });

  return (
    <Card className="section-card" title={m.map.locate} size="small" data-testid="address-locator">
      <Input.Search
        data-testid="address-search"
        allowClear
        maxLength={100}
        placeholder={m.map.locatePlaceholder}
        enterButton={<AimOutlined aria-label={m.common.search} />}
        loading={search.isFetching}
        onSearch={(value) => setQ(value.trim())}
      />
      {search.error ? (
        <Alert type="warning" showIcon className="map-alert" title={describeError(search.error, t)} />
      ) : null}
      {q !== '' && search.data ? (
        <List
          data-testid="address-candidates"
          size="small"
          className="address-candidates"
          locale={{ emptyText: m.map.locateEmpty }}
          dataSource={search.data.slice(0, 5)}
          renderItem={(candidate) => {
            const path = candidate.path.length > 0 ? candidate.path : [candidate.territory];
            // The path may run either way (root first or grid first): show it from the top down.
            const topDown = path[0]?.level === 'grid' ? [...path].reverse() : path;
            const grid = topDown.find((entry) => entry.level === 'grid') ?? candidate.territory;
            return (
              <List.Item>
                <div className="address-candidate">
                  <Typography.Text strong>{candidate.entry.name}</Typography.Text>
                  <div>
                    <LevelTag level={grid.level} />
                    {grid.name}
                  </div>
                  <Typography.Text type="secondary" className="address-path">
                    {topDown
                      .filter((entry) => entry.level !== 'city' && entry.level !== 'grid')
                      .map((entry) => entry.name)
                      .join(' / ')}{' '}
                    · {m.map.score} {candidate.score.toFixed(2)}
                  </Typography.Text>
                  <div>
                    <Button
                      size="small"
                      className="address-show"
                      data-testid="address-show"
                      icon={<AimOutlined />}
                      onClick={() => onShow(topDown, grid.id)}
                    >
                      {m.map.showOnMap}
                    </Button>
                  </div>
                </div>
              </List.Item>
            );
          }}
        />
      ) : null}
    </Card>
  );
}
