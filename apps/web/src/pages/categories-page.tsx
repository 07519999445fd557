import { useMemo, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App as AntApp, Button, Card, Form, Input, Modal, Select, Switch, Table, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import {
  CATEGORY_LEVELS_MAX,
  CATEGORY_NAME_MAX,
  type TCategory,
  type TSlaTier,
  type TUpdateCategory,
} from '@huizhi/contracts';
import { describeError } from '../errors';
import { useLocale } from '../i18n';
import { newIdempotencyKey, portalApi } from '../portal-api';
import { LoadError } from '../components/feedback';
import { PageHeader } from '../components/page-header';
import './portal.css';

const ALL_CATEGORIES_KEY = ['categories', 'all'] as const;

interface CategoryNode extends TCategory {
  children?: CategoryNode[];
}

/** Builds the tree from the flat list (parents come before their children). */
function buildTree(items: readonly TCategory[]): CategoryNode[] {
  const nodes = new Map<string, CategoryNode>();
  const roots: CategoryNode[] = [];
  for (const item of items) {
    const node: CategoryNode = { ...item };
    nodes.set(item.code, node);
    const parent = item.parentCode ? nodes.get(item.parentCode) : undefined;
    if (parent) (parent.children ??= []).push(node);
    else roots.push(node);
  }
  return roots;
}

interface AddTarget {
  parent: TCategory | null;
  key: string;
}

interface AddValues {
  nameZh: string;
  nameEn: string;
  slaTier?: string;
}

/** Admins keep the three-level taxonomy: names, whether intake offers a category, its tier, new children. */
export function CategoriesPage() {
  const { t } = useTranslation();
  const { m, locale } = useLocale();
  const { message } = AntApp.useApp();
  const queryClient = useQueryClient();
  const [adding, setAdding] = useState<AddTarget | null>(null);
  const [addForm] = Form.useForm<AddValues>();

  const categories = useQuery({
    queryKey: ALL_CATEGORIES_KEY,
    queryFn: ({ signal }) => portalApi.categories(false, signal),
  });
  const tiers = useQuery({
    queryKey: ['sla', 'tiers'],
    queryFn: ({ signal }) => portalApi.slaTiers(signal),
  });

  const items = useMemo(() => categories.data?.items ?? [], [categories.data]);
  const byCode = useMemo(() => new Map(items.map((c) => [c.code, c])), [items]);
  const tree = useMemo(() => buildTree(items), [items]);

  const tierLabel = (tier: TSlaTier) =>
    tier.replyUnit === 'hours'
      ? t('categoriesAdmin.tierHours', { code: tier.code, amount: tier.replyAmount })
      : t('categoriesAdmin.tierWorkdays', { code: tier.code, amount: tier.replyAmount });
  const tierOptions = (tiers.data?.items ?? []).map((tier) => ({ value: tier.code, label: tierLabel(tier) }));

  /** The tier a category gets from its nearest ancestor with one. */
  const inheritedTier = (category: TCategory): string | null => {
    let parent = category.parentCode ? byCode.get(category.parentCode) : undefined;
    while (parent) {
      if (parent.slaTier) return parent.slaTier;
      parent = parent.parentCode ? byCode.get(parent.parentCode) : undefined;
    }
    return null;
  };

  const replaceInCache = (updated: TCategory) =>
    queryClient.setQueryData<{ items: TCategory[]; total: number }>(ALL_CATEGORIES_KEY, (old) =>
      old ? { ...old, items: old.items.map((c) => (c.code === updated.code ? updated : c)) } : old,
    );

  const update = useMutation({
    mutationFn: ({ code, body }: { code: string; body: TUpdateCategory }) =>
      portalApi.updateCategory(code, body),
    onSuccess: async (updated, { body }) => {
      replaceInCache(updated);
      if (body.active === false)
        void message.success(t('categoriesAdmin.deactivated', { code: updated.code }));
      else if (body.active === true)
        void message.success(t('categoriesAdmin.activated', { code: updated.code }));
      else void message.success(t('categoriesAdmin.saved', { code: updated.code }));
      await queryClient.invalidateQueries({ queryKey: ['categories'] });
    },
    onError: (error) => void message.error(describeError(error, t)),
  });

  const create = useMutation({
    mutationFn: ({ target, values }: { target: AddTarget; values: AddValues }) =>
      portalApi.createCategory(
        {
          parentCode: target.parent?.code ?? null,
          nameZh: values.nameZh.trim(),
          nameEn: values.nameEn.trim(),
          slaTier: values.slaTier || null,
        },
        target.key,
      ),
    onSuccess: async (created) => {
      void message.success(
        t('categoriesAdmin.created', {
          code: created.code,
          name: locale === 'zh-CN' ? created.nameZh : created.nameEn,
        }),
      );
      setAdding(null);
      addForm.resetFields();
      await queryClient.invalidateQueries({ queryKey: ['categories'] });
    },
    onError: (error) => void message.error(describeError(error, t)),
  });

  const patch = (code: string, body: TUpdateCategory) => update.mutate({ code, body });
  const openAdd = (parent: TCategory | null) => {
    addForm.resetFields();
    setAdding({ parent, key: newIdempotencyKey() });
  };
  const editableName = (category: TCategory, field: 'nameZh' | 'nameEn') => (
    <Typography.Text
      className={category.active ? undefined : 'category-inactive'}
      data-testid={`category-${field}-${category.code}`}
      editable={{
        maxLength: CATEGORY_NAME_MAX,
        onChange: (value) => {
          const name = value.trim();
          if (name && name !== category[field]) patch(category.code, { [field]: name });
        },
      }}
    >
      {category[field]}
    </Typography.Text>
  );

  return (
    <>
      <PageHeader
        title={m.categoriesAdmin.title}
        description={m.categoriesAdmin.description}
        extra={
          <Button icon={<PlusOutlined />} onClick={() => openAdd(null)} data-testid="category-add-top">
            {m.categoriesAdmin.addTop}
          </Button>
        }
      />
      <Card className="section-card">
        {categories.error ? (
          <LoadError error={categories.error} onRetry={() => void categories.refetch()} />
        ) : (
          <Table<CategoryNode>
            data-testid="categories-table"
            size="middle"
            rowKey="code"
            loading={categories.isLoading}
            dataSource={tree}
            pagination={false}
            scroll={{ x: 900 }}
            expandable={{ defaultExpandedRowKeys: tree.map((node) => node.code) }}
            key={tree.length > 0 ? 'loaded' : 'loading'}
            rowClassName={(category) => (category.active ? '' : 'category-inactive')}
            columns={[
              {
                key: 'code',
                title: m.categoriesAdmin.code,
                width: 150,
                render: (_, category) => <span className="mono">{category.code}</span>,
              },
              {
                key: 'nameZh',
                title: m.categoriesAdmin.nameZh,
                render: (_, category) => editableName(category, 'nameZh'),
              },
              {
                key: 'nameEn',
                title: m.categoriesAdmin.nameEn,
                render: (_, category) => editableName(category, 'nameEn'),
              },
              {
                key: 'tier',
                title: m.categoriesAdmin.tier,
                width: 220,
                render: (_, category) => {
                  const inherited = inheritedTier(category);
                  return (
                    <Select
                      className="category-tier-select"
                      size="small"
                      data-testid={`category-tier-${category.code}`}
                      value={category.slaTier ?? ''}
                      onChange={(value: string) => patch(category.code, { slaTier: value || null })}
                      options={[
                        {
                          value: '',
                          label: inherited
                            ? t('categoriesAdmin.inherited', { tier: inherited })
                            : category.parentCode === null
                              ? m.categoriesAdmin.byRules
                              : m.categoriesAdmin.inherit,
                        },
                        ...tierOptions,
                      ]}
                    />
                  );
                },
              },
              {
                key: 'active',
                title: m.categoriesAdmin.active,
                width: 80,
                render: (_, category) => (
                  <Switch
                    size="small"
                    checked={category.active}
                    data-testid={`category-active-${category.code}`}
                    onChange={(active) => patch(category.code, { active })}
                  />
                ),
              },
              {
                key: 'actions',
                title: m.categoriesAdmin.actions,
                width: 120,
                render: (_, category) =>
                  category.level < CATEGORY_LEVELS_MAX ? (
                    <Button
                      type="link"
                      size="small"
                      icon={<PlusOutlined />}
                      data-testid={`category-add-${category.code}`}
                      onClick={() => openAdd(category)}
                    >
                      {m.categoriesAdmin.addChild}
                    </Button>
                  ) : null,
              },
            ]}
          />
        )}
      </Card>
      <Modal
        open={adding !== null}
        title={
          adding?.parent
            ? t('categoriesAdmin.addTitle', {
                parent: locale === 'zh-CN' ? adding.parent.nameZh : adding.parent.nameEn,
              })
            : m.categoriesAdmin.addTopTitle
        }
        okText={m.categoriesAdmin.ok}
        cancelText={m.categoriesAdmin.cancel}
        confirmLoading={create.isPending}
        onCancel={() => setAdding(null)}
        onOk={() => void addForm.submit()}
        forceRender
      >
        <Typography.Paragraph type="secondary">{m.categoriesAdmin.codeAuto}</Typography.Paragraph>
        <Form<AddValues>
          form={addForm}
          layout="vertical"
          data-testid="category-add-form"
          onFinish={(values) => {
            if (adding) create.mutate({ target: adding, values });
          }}
        >
          <Form.Item
            name="nameZh"
            label={m.categoriesAdmin.nameZh}
            rules={[{ required: true, whitespace: true, message: m.categoriesAdmin.required }]}
          >
            <Input maxLength={CATEGORY_NAME_MAX} data-testid="category-add-nameZh" />
          </Form.Item>
          <Form.Item
            name="nameEn"
            label={m.categoriesAdmin.nameEn}
            rules={[{ required: true, whitespace: true, message: m.categoriesAdmin.required }]}
          >
            <Input maxLength={CATEGORY_NAME_MAX} data-testid="category-add-nameEn" />
          </Form.Item>
          <Form.Item name="slaTier" label={m.categoriesAdmin.tier}>
            <Select allowClear placeholder={m.categoriesAdmin.inherit} options={tierOptions} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
