import { useState } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Card, Input, Select, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { UNIT_TYPES, type TUnit, type TUnitType } from '@huizhi/contracts';
import { api } from '../api';
import { useLocale } from '../i18n';
import { LoadError } from '../components/feedback';
import { PageHeader } from '../components/page-header';
import { usePaging } from '../components/paging';

const UNIT_TYPE_COLORS: Record<TUnitType, string> = {
  districtGovernment: 'red',
  street: 'orange',
  community: 'blue',
  department: 'purple',
  enterprise: 'cyan',
};

/** The handling units in the person's scope, filtered by type and name. */
export function UnitsPage() {
  const { m } = useLocale();
  const paging = usePaging();
  const [type, setType] = useState<TUnitType | undefined>(undefined);
  const [q, setQ] = useState('');

  const query = useQuery({
    queryKey: ['units', { type, q, limit: paging.limit, offset: paging.offset }],
    queryFn: ({ signal }) =>
      api.units({ type, q: q || undefined, limit: paging.limit, offset: paging.offset }, signal),
    placeholderData: keepPreviousData,
  });

  const columns: TableColumnsType<TUnit> = [
    { key: 'name', title: m.units.name, dataIndex: 'name' },
    {
      key: 'type',
      title: m.units.type,
      width: 180,
      render: (_, unit) => <Tag color={UNIT_TYPE_COLORS[unit.type]}>{m.unitTypes[unit.type]}</Tag>,
    },
    { key: 'territory', title: m.units.territory, dataIndex: 'territoryName', responsive: ['sm'] },
    {
      key: 'code',
      title: m.units.code,
      width: 200,
      responsive: ['md'],
      render: (_, unit) => <Typography.Text className="mono">{unit.code}</Typography.Text>,
    },
  ];

  return (
    <>
      <PageHeader title={m.units.title} description={m.units.description} />
      <Card className="section-card">
        <div className="toolbar">
          <Select<TUnitType | 'all'>
            data-testid="unit-type-filter"
            className="toolbar-select"
            aria-label={m.units.typeFilter}
            value={type ?? 'all'}
            onChange={(value) => {
              setType(value === 'all' ? undefined : value);
              paging.reset();
            }}
            options={[
              { value: 'all', label: m.units.allTypes },
              ...UNIT_TYPES.map((value) => ({ value, label: m.unitTypes[value] })),
            ]}
          />
          <Input.Search
            data-testid="unit-search"
            className="toolbar-search"
            allowClear
            maxLength={50}
            placeholder={m.units.searchPlaceholder}
            enterButton={m.common.search}
            onSearch={(value) => {
              setQ(value.trim());
              paging.reset();
            }}
          />
        </div>
        {query.error && !query.data ? (
          <LoadError error={query.error} onRetry={() => void query.refetch()} />
        ) : (
          <Table<TUnit>
            data-testid="unit-table"
            rowKey="id"
            size="middle"
            loading={query.isFetching}
            columns={columns}
            dataSource={query.data?.items ?? []}
            pagination={paging.pagination(query.data?.total)}
            scroll={{ x: 'max-content' }}
          />
        )}
      </Card>
    </>
  );
}
