import { useEffect, useMemo, useState } from 'react';
import { useQueries, useQuery } from '@tanstack/react-query';
import {
  Alert,
  App as AntApp,
  Button,
  Card,
  Drawer,
  Empty,
  Form,
  Grid,
  Input,
  Popconfirm,
  Select,
  Space,
  Spin,
  Tag,
  TreeSelect,
  Typography,
} from 'antd';
import { DeleteOutlined, EditOutlined, PlusOutlined, UserOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import {
  NAME_MAX,
  PHONE_MAX,
  PHONE_PATTERN,
  type TStewardPost,
  type TStewardPostInput,
  type TTerritory,
} from '@huizhi/contracts';
import { STEWARD_LEVELS, type StewardLevel } from '@huizhi/domain';
import { api, isApiError } from '../api';
import { useCurrentUser } from '../auth';
import { describeError, fieldIssues } from '../errors';
import { useLocale } from '../i18n';
import { LoadError } from '../components/feedback';
import { PageHeader } from '../components/page-header';
import { StewardLevelTag } from '../components/steward-labels';
import { useDeleteStewardPost, useSaveStewardPost, useStewardPosts } from '../stewards-api';
import './stewards.css';

type Polygon = NonNullable<TStewardPostInput['geometry']>;

/**
 * Reads a pasted outline: a GeoJSON Polygon, or a Feature / FeatureCollection holding exactly one.
 * Positions keep their longitude and latitude (a height is dropped). Empty text is "no outline";
 * anything else unreadable is undefined.
 */
function parseOutline(text: string | undefined): Polygon | null | undefined {
  const trimmed = (text ?? '').trim();
  if (trimmed === '') return null;
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch {
    return undefined;
  }
  const object = value as { type?: unknown; geometry?: unknown; features?: unknown; coordinates?: unknown };
  let geometry: unknown = value;
  if (object?.type === 'Feature') geometry = object.geometry;
  if (object?.type === 'FeatureCollection') {
    const features = Array.isArray(object.features) ? object.features : [];
    if (features.length !== 1) return undefined;
    geometry = (features[0] as { geometry?: unknown }).geometry;
  }
  const polygon = geometry as { type?: unknown; coordinates?: unknown } | null;
  if (polygon?.type !== 'Polygon' || !Array.isArray(polygon.coordinates)) return undefined;
  const rings: [number, number][][] = [];
  for (const ring of polygon.coordinates as unknown[]) {
    if (!Array.isArray(ring)) return undefined;
    const positions: [number, number][] = [];
    for (const position of ring as unknown[]) {
      if (!Array.isArray(position)) return undefined;
      const [x, y] = position as unknown[];
      if (typeof x !== 'number' || typeof y !== 'number') return undefined;
      positions.push([x, y]);
    }
    rings.push(positions);
  }
  return rings.length > 0 ? { type: 'Polygon', coordinates: rings } : undefined;
}

/** What the drawer edits: a new post under a parent (none for the street post), or an existing one. */
type Editing =
  | { mode: 'create'; level: StewardLevel; parent: TStewardPost | null }
  | { mode: 'edit'; post: TStewardPost; parent: TStewardPost | null };

interface PostForm {
  name: string;
  territoryId: string;
  stewardName: string;
  stewardPhone?: string;
  stewardUserId?: string | null;
  outline?: string;
}

const levelBelow = (level: StewardLevel): StewardLevel | null =>
  STEWARD_LEVELS[STEWARD_LEVELS.indexOf(level) + 1] ?? null;

/**
 * The territories of one street as a tree to pick from: its communities and their grids at once (a
 * street has a few dozen), anything deeper (buildings) when a grid is opened.
 */
function StreetTerritorySelect({
  street,
  value,
  onChange,
}: {
  street: { id: string; name: string };
  value?: string;
  onChange?: (value: string) => void;
}) {
  const { m } = useLocale();
  const communities = useQuery({
    queryKey: ['territories', 'children', street.id],
    queryFn: ({ signal }) => api.territories({ parentId: street.id, limit: 500 }, signal),
  });
  const grids = useQueries({
    queries: (communities.data?.items ?? []).map((community) => ({
      queryKey: ['territories', 'children', community.id],
      queryFn: ({ signal }: { signal: AbortSignal }) =>
        api.territories({ parentId: community.id, limit: 500 }, signal),
    })),
  });
  const [deeper, setDeeper] = useState<TTerritory[]>([]);
  const node = (territory: TTerritory, parentId: string) => ({
    id: territory.id,
    pId: parentId,
    value: territory.id,
    title: `${territory.name}（${m.levels[territory.level]}）`,
    isLeaf: territory.childCount === 0,
  });
  const treeData = [
    { id: street.id, pId: 0, value: street.id, title: `${street.name}（${m.levels.street}）`, isLeaf: false },
    ...(communities.data?.items ?? []).map((c) => node(c, street.id)),
    ...grids.flatMap((q) => (q.data?.items ?? []).map((g) => node(g, g.parentId ?? street.id))),
    ...deeper.map((d) => node(d, d.parentId ?? street.id)),
  ];
  const loading = communities.isLoading || grids.some((q) => q.isLoading);
  return (
    <TreeSelect
      data-testid="steward-form-territory"
      value={value}
      onChange={onChange}
      treeDataSimpleMode
      treeData={treeData}
      treeDefaultExpandedKeys={[street.id]}
      loading={loading}
      showSearch={{ treeNodeFilterProp: 'title' }}
      loadData={async ({ id }) => {
        const key = String(id);
        if (key === street.id || treeData.some((n) => n.pId === key)) return;
        const children = await api.territories({ parentId: key, limit: 500 });
        setDeeper((old) => [...old, ...children.items.filter((c) => !old.some((o) => o.id === c.id))]);
      }}
      popupMatchSelectWidth
    />
  );
}

/** A search over the accounts the reader may read (administrators), for linking a steward's account. */
function AccountSelect({
  value,
  onChange,
  currentLabel,
}: {
  value?: string | null;
  onChange?: (value: string | null) => void;
  currentLabel: string | null;
}) {
  const { m } = useLocale();
  const [search, setSearch] = useState('');
  const [debounced, setDebounced] = useState('');
  useEffect(() => {
    const timer = window.setTimeout(() => setDebounced(search.trim()), 250);
    return () => window.clearTimeout(timer);
  }, [search]);
  const users = useQuery({
    queryKey: ['users', 'search', debounced],
    queryFn: ({ signal }) => api.users({ q: debounced || undefined, limit: 20 }, signal),
  });
  const options = (users.data?.items ?? []).map((user) => ({
    value: user.id,
    label: `${user.displayName}（${user.username}）`,
  }));
  if (value && currentLabel && !options.some((o) => o.value === value))
    options.unshift({ value, label: currentLabel });
  return (
    <Select
      data-testid="steward-form-account"
      value={value ?? undefined}
      onChange={(next: string | undefined) => onChange?.(next ?? null)}
      allowClear
      placeholder={m.stewards.form.accountPlaceholder}
      showSearch={{ filterOption: false, onSearch: setSearch }}
      loading={users.isFetching}
      options={options}
    />
  );
}

/** The drawer that names or changes a post. */
function PostDrawer({
  editing,
  street,
  onClose,
}: {
  editing: Editing | null;
  street: { id: string; name: string };
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const { m } = useLocale();
  const { message } = AntApp.useApp();
  const me = useCurrentUser();
  const screens = Grid.useBreakpoint();
  const mayPickAccount = me.permissions.includes('user.read');
  const save = useSaveStewardPost();
  const [form] = Form.useForm<PostForm>();
  const [error, setError] = useState<unknown>(null);
  const s = m.stewards;
  const level = editing ? (editing.mode === 'create' ? editing.level : editing.post.level) : 'street';
  const post = editing?.mode === 'edit' ? editing.post : null;
  const parent = editing?.parent ?? null;

  useEffect(() => {
    if (!editing) return;
    form.resetFields();
    form.setFieldsValue(
      post
        ? {
            name: post.name,
            territoryId: post.territory.id,
            stewardName: post.steward.name,
            stewardPhone: post.steward.phone ?? undefined,
            stewardUserId: post.steward.userId,
            outline: post.geometry ? JSON.stringify(post.geometry) : '',
          }
        : {
            name: '',
            territoryId: level === 'street' ? street.id : (parent?.territory.id ?? street.id),
            stewardUserId: null,
            outline: '',
          },
    );
  }, [editing, form, level, parent, post, street.id]);

  const close = () => {
    setError(null);
    onClose();
  };

  const submit = (values: PostForm) => {
    const body: TStewardPostInput = {
      parentId: level === 'street' ? null : (parent?.id ?? null),
      level,
      name: values.name.trim(),
      territoryId: level === 'street' ? street.id : values.territoryId,
      geometry: level === 'courtyard' ? (parseOutline(values.outline) ?? null) : null,
      stewardUserId: mayPickAccount ? (values.stewardUserId ?? null) : (post?.steward.userId ?? null),
      stewardName: values.stewardName.trim(),
      stewardPhone: values.stewardPhone?.trim() || null,
    };
    setError(null);
    save.mutate(
      { id: post?.id ?? null, body },
      {
        onSuccess: (saved) => {
          void message.success(t(post ? 'stewards.saved' : 'stewards.created', { name: saved.name }));
          close();
        },
        onError: (caught) => {
          setError(caught);
          const fields: Record<string, keyof PostForm> = {
            territoryId: 'territoryId',
            geometry: 'outline',
            stewardUserId: 'stewardUserId',
            name: 'name',
            stewardName: 'stewardName',
            stewardPhone: 'stewardPhone',
          };
          form.setFields(
            fieldIssues(caught).flatMap((issue) => {
              const key = String(issue.path[0] ?? '');
              const field = fields[key];
              if (!field) return [];
              const text = (s.form.issues as Record<string, string>)[key] ?? issue.message;
              return [{ name: field, errors: [text] }];
            }),
          );
        },
      },
    );
  };

  const issuesOutsideFields = fieldIssues(error).filter((i) =>
    ['parentId', 'level'].includes(String(i.path[0])),
  );
  const conflictReason =
    isApiError(error, 'CONFLICT') && typeof error.details === 'object' && error.details !== null
      ? String((error.details as { reason?: unknown }).reason ?? '')
      : '';
  const errorText = issuesOutsideFields.length
    ? issuesOutsideFields
        .map((i) => (s.form.issues as Record<string, string>)[String(i.path[0])] ?? i.message)
        .join('；')
    : conflictReason in s.deleteRefused
      ? s.deleteRefused[conflictReason as keyof typeof s.deleteRefused]
      : error && fieldIssues(error).length === 0
        ? describeError(error, t)
        : null;

  return (
    <Drawer
      open={editing !== null}
      onClose={close}
      title={
        post
          ? t('stewards.form.editTitle', { name: post.name })
          : t('stewards.form.addTitle', { level: s.levels[level] })
      }
      // Full width on a phone: stewards keep the roll from the street too.
      size={screens.sm ? 520 : '100%'}
      rootClassName="steward-drawer"
      forceRender
      footer={
        <Space className="steward-drawer-footer">
          <Button onClick={close}>{s.form.cancel}</Button>
          <Button
            type="primary"
            loading={save.isPending}
            onClick={() => form.submit()}
            data-testid="steward-form-submit"
          >
            {s.form.save}
          </Button>
        </Space>
      }
    >
      <Form<PostForm> form={form} layout="vertical" onFinish={submit} data-testid="steward-form">
        <Form.Item label={s.form.level}>
          <Space wrap size={4}>
            <StewardLevelTag level={level} />
            {parent ? (
              <Typography.Text type="secondary">
                {s.form.under}：{parent.name}（{parent.steward.name}）
              </Typography.Text>
            ) : null}
          </Space>
        </Form.Item>
        <Form.Item
          name="name"
          label={s.form.name}
          rules={[{ required: true, whitespace: true, message: s.form.required }]}
        >
          <Input maxLength={NAME_MAX} placeholder={s.form.namePlaceholder} data-testid="steward-form-name" />
        </Form.Item>
        {level === 'street' ? (
          <Form.Item label={s.form.territory}>
            <Typography.Text>{street.name}</Typography.Text>
          </Form.Item>
        ) : (
          <Form.Item
            name="territoryId"
            label={s.form.territory}
            extra={s.form.territoryHelp}
            rules={[{ required: true, message: s.form.required }]}
          >
            <StreetTerritorySelect street={street} />
          </Form.Item>
        )}
        <Form.Item
          name="stewardName"
          label={s.form.stewardName}
          rules={[{ required: true, whitespace: true, message: s.form.required }]}
        >
          <Input maxLength={NAME_MAX} autoComplete="off" data-testid="steward-form-steward-name" />
        </Form.Item>
        <Form.Item
          name="stewardPhone"
          label={s.form.stewardPhone}
          rules={[{ pattern: PHONE_PATTERN, message: m.users.phoneInvalid }]}
        >
          <Input maxLength={PHONE_MAX} inputMode="tel" autoComplete="off" data-testid="steward-form-phone" />
        </Form.Item>
        {mayPickAccount ? (
          <Form.Item name="stewardUserId" label={s.form.account} extra={s.form.accountHelp}>
            <AccountSelect currentLabel={post?.steward.userId ? post.steward.name : null} />
          </Form.Item>
        ) : (
          <Form.Item label={s.form.account} extra={s.form.accountReadOnly}>
            <Typography.Text data-testid="steward-form-account-readonly">
              {post?.steward.userId ? s.account : s.noAccount}
            </Typography.Text>
          </Form.Item>
        )}
        {level === 'courtyard' ? (
          <Form.Item
            name="outline"
            label={s.form.geometry}
            extra={s.form.geometryHelp}
            rules={[
              {
                validator: async (_, value: string | undefined) => {
                  if (parseOutline(value) === undefined) throw new Error(s.form.geometryInvalid);
                },
              },
            ]}
          >
            <Input.TextArea
              rows={5}
              spellCheck={false}
              className="mono steward-outline-input"
              placeholder='{"type":"Polygon","coordinates":[[[116.30,39.86],[116.31,39.86],[116.31,39.87],[116.30,39.86]]]}'
              data-testid="steward-form-geometry"
            />
          </Form.Item>
        ) : null}
        {errorText ? (
          <Alert type="error" showIcon title={errorText} data-testid="steward-form-error" />
        ) : null}
      </Form>
    </Drawer>
  );
}

/** One post with its steward, its actions and the posts below it. */
function PostNode({
  post,
  childrenOf,
  onAdd,
  onEdit,
}: {
  post: TStewardPost;
  childrenOf: (id: string) => TStewardPost[];
  onAdd: (parent: TStewardPost, level: StewardLevel) => void;
  onEdit: (post: TStewardPost) => void;
}) {
  const { t } = useTranslation();
  const { m } = useLocale();
  const { message } = AntApp.useApp();
  const remove = useDeleteStewardPost();
  const s = m.stewards;
  const below = levelBelow(post.level);
  const children = childrenOf(post.id);
  const refused = (error: unknown) => {
    const reason =
      isApiError(error, 'CONFLICT') && typeof error.details === 'object' && error.details !== null
        ? String((error.details as { reason?: unknown }).reason ?? '')
        : '';
    return reason in s.deleteRefused
      ? s.deleteRefused[reason as keyof typeof s.deleteRefused]
      : describeError(error, t);
  };
  return (
    <li className={`steward-node steward-node-${post.level}`}>
      <div className="steward-node-row" data-testid={`steward-post-${post.id}`}>
        <div className="steward-node-main">
          <div className="steward-node-title">
            <StewardLevelTag level={post.level} />
            <Typography.Text strong>{post.name}</Typography.Text>
            {post.geometry ? <Tag className="steward-outline-tag">{s.outline}</Tag> : null}
          </div>
          <div className="steward-node-person">
            <span>{post.steward.name}</span>
            {post.steward.phone ? (
              <a href={`tel:${post.steward.phone}`} className="mono">
                {post.steward.phone}
              </a>
            ) : null}
            {post.steward.userId ? (
              <Tag icon={<UserOutlined />} color="processing">
                {s.account}
              </Tag>
            ) : null}
          </div>
          <Typography.Text type="secondary" className="steward-node-part">
            {t('stewards.territoryOf', { name: post.territory.name })}
          </Typography.Text>
        </div>
        <Space wrap size={4} className="steward-node-actions">
          {below ? (
            <Button
              size="small"
              icon={<PlusOutlined />}
              onClick={() => onAdd(post, below)}
              data-testid={`steward-add-${post.id}`}
            >
              {t('stewards.addChild', { level: s.levels[below] })}
            </Button>
          ) : null}
          <Button
            size="small"
            icon={<EditOutlined />}
            onClick={() => onEdit(post)}
            data-testid={`steward-edit-${post.id}`}
          >
            {s.edit}
          </Button>
          <Popconfirm
            title={t('stewards.deleteConfirm', { name: post.name })}
            okText={s.deleteOk}
            cancelText={m.common.cancel}
            okButtonProps={{ danger: true, loading: remove.isPending }}
            onConfirm={() =>
              remove.mutateAsync(post.id).then(
                () => void message.success(t('stewards.deleted', { name: post.name })),
                (error: unknown) => void message.error(refused(error)),
              )
            }
          >
            <Button size="small" danger icon={<DeleteOutlined />} data-testid={`steward-delete-${post.id}`}>
              {s.delete}
            </Button>
          </Popconfirm>
        </Space>
      </div>
      {children.length > 0 ? (
        <ul className="steward-children">
          {children.map((child) => (
            <PostNode key={child.id} post={child} childrenOf={childrenOf} onAdd={onAdd} onEdit={onEdit} />
          ))}
        </ul>
      ) : null}
    </li>
  );
}

/** 街巷长制: per street, the chain of stewards as a tree, named and changed in a drawer. */
export function StewardsPage() {
  const { m } = useLocale();
  const s = m.stewards;
  const streets = useQuery({
    queryKey: ['territories', 'streets'],
    queryFn: ({ signal }) => api.territories({ level: 'street', limit: 500 }, signal),
  });
  const [picked, setPicked] = useState<string | undefined>(undefined);
  const streetItems = useMemo(() => streets.data?.items ?? [], [streets.data]);
  const street = streetItems.find((item) => item.id === picked) ?? streetItems[0];
  const posts = useStewardPosts(street?.id, street !== undefined);
  const [editing, setEditing] = useState<Editing | null>(null);

  const items = useMemo(() => posts.data?.items ?? [], [posts.data]);
  const byId = useMemo(() => new Map(items.map((p) => [p.id, p])), [items]);
  const childrenOf = useMemo(() => {
    const map = new Map<string, TStewardPost[]>();
    for (const post of items) {
      if (!post.parentId) continue;
      const list = map.get(post.parentId) ?? [];
      list.push(post);
      map.set(post.parentId, list);
    }
    return (id: string) => map.get(id) ?? [];
  }, [items]);
  const roots = items.filter((post) => post.parentId === null || !byId.has(post.parentId));
  const hasStreetPost = items.some((post) => post.level === 'street');

  const error = streets.error ?? posts.error;
  return (
    <>
      <PageHeader
        title={s.title}
        description={s.description}
        extra={
          streetItems.length > 1 ? (
            <Select
              className="toolbar-select"
              data-testid="steward-street-select"
              value={street?.id}
              onChange={setPicked}
              placeholder={s.pickStreet}
              showSearch={{ optionFilterProp: 'label' }}
              options={streetItems.map((item) => ({ value: item.id, label: item.name }))}
            />
          ) : null
        }
      />
      <Card
        className="section-card"
        title={street?.name}
        extra={
          street && !hasStreetPost && !posts.isLoading ? (
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => setEditing({ mode: 'create', level: 'street', parent: null })}
              data-testid="steward-add-street"
            >
              {s.addStreetPost}
            </Button>
          ) : null
        }
      >
        {error ? (
          <LoadError
            error={error}
            onRetry={() => void (streets.error ? streets.refetch() : posts.refetch())}
          />
        ) : streets.isLoading || posts.isLoading ? (
          <div className="page-spinner">
            <Spin />
          </div>
        ) : !street ? (
          <Empty description={s.noStreets} />
        ) : roots.length === 0 ? (
          <Empty description={s.emptyChain} />
        ) : (
          <ul className="steward-tree" data-testid="steward-tree">
            {roots.map((post) => (
              <PostNode
                key={post.id}
                post={post}
                childrenOf={childrenOf}
                onAdd={(parent, level) => setEditing({ mode: 'create', level, parent })}
                onEdit={(target) =>
                  setEditing({
                    mode: 'edit',
                    post: target,
                    parent: target.parentId ? (byId.get(target.parentId) ?? null) : null,
                  })
                }
              />
            ))}
          </ul>
        )}
      </Card>
      {street ? (
        <PostDrawer
          editing={editing}
          street={{ id: street.id, name: street.name }}
          onClose={() => setEditing(null)}
        />
      ) : null}
    </>
  );
}
