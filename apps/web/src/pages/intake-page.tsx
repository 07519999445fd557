import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from 'react-router';
import {
  Alert,
  App as AntApp,
  Breadcrumb,
  Button,
  Card,
  Cascader,
  Col,
  Empty,
  Form,
  Input,
  List,
  Modal,
  Radio,
  Result,
  Row,
  Select,
  Space,
  Spin,
  Switch,
  Tag,
  Typography,
  type InputRef,
} from 'antd';
import { AimOutlined, EnvironmentOutlined, SendOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import {
  APPEAL_ADDRESS_MAX,
  APPEAL_CONTENT_MAX,
  APPEAL_CONTENT_MIN,
  APPEAL_REPLY_MAX,
  NAME_MAX,
  PHONE_MAX,
  PHONE_PATTERN,
  type TAppealDetail,
  type TCategory,
  type TCreateAppeal,
  type TTerritoryFeature,
} from '@huizhi/contracts';
import { APPEAL_TYPES, APPEAL_URGENCIES, type AppealChannel, type AppealType } from '@huizhi/domain';
import { api, type GeocodeCandidate } from '../api';
import { appealsApi, newIdempotencyKey } from '../appeals-api';
import { useCurrentUser } from '../auth';
import { describeError, fieldIssues } from '../errors';
import { formatDateTime } from '../format';
import { useLocale } from '../i18n';
import { AppealStateTag, AppealTypeTag } from '../components/appeal-labels';
import { AttachmentUpload } from '../components/appeal-actions';
import { PageHeader } from '../components/page-header';
import type { MapArea } from '../components/territory-map';
import { findRoots } from '../territory-tree';

const TerritoryMap = lazy(() =>
  import('../components/territory-map').then((module) => ({ default: module.TerritoryMap })),
);

/** Channels an operator or grid worker records by hand. */
type IntakeChannel = Exclude<AppealChannel, 'import'>;
const INTAKE_CHANNELS: readonly IntakeChannel[] = ['hotline', 'web', 'wechat', 'patrol'];

interface IntakeForm {
  phone?: string;
  name?: string;
  confidential: boolean;
  type: AppealType;
  category?: string[];
  content: string;
  address?: string;
  urgency: 'normal' | 'urgent';
  attachmentIds: string[];
  answerNowOn: boolean;
  answer?: string;
  channel: IntakeChannel;
}

/** Where the appeal is: a grid (or other territory) picked by geocoding or on the map. */
interface Place {
  territoryId: string;
  label: string;
}

interface CategoryOption {
  value: string;
  label: string;
  children?: CategoryOption[];
}

/** Builds the cascader's tree from the flat category list (parents come with codes two digits shorter). */
function categoryTree(items: readonly TCategory[], zh: boolean): CategoryOption[] {
  const byParent = new Map<string | null, TCategory[]>();
  for (const item of items) {
    const list = byParent.get(item.parentCode) ?? [];
    list.push(item);
    byParent.set(item.parentCode, list);
  }
  const build = (parent: string | null): CategoryOption[] =>
    (byParent.get(parent) ?? [])
      .sort((x, y) => x.code.localeCompare(y.code))
      .map((item) => {
        const children = build(item.code);
        return {
          value: item.code,
          label: zh ? item.nameZh : item.nameEn,
          ...(children.length > 0 ? { children } : {}),
        };
      });
  return build(null);
}

/** Returns the value after it stopped changing for `delay` ms. */
function useDebounced<T>(value: T, delay: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = window.setTimeout(() => setDebounced(value), delay);
    return () => window.clearTimeout(timer);
  }, [value, delay]);
  return debounced;
}

function isValidPhone(phone: string | undefined): phone is string {
  const value = phone?.trim() ?? '';
  return PHONE_PATTERN.test(value) && value.replace(/\D/g, '').length >= 7;
}

/** A path of territories from the top down, without the city: "和平街道 / 东湖社区 / 东湖社区第1网格". */
function placeLabel(candidate: GeocodeCandidate): string {
  const path = candidate.path.length > 0 ? candidate.path : [candidate.territory];
  const topDown = path[0]?.level === 'grid' ? [...path].reverse() : path;
  return topDown
    .filter((entry) => entry.level !== 'city')
    .map((entry) => entry.name)
    .join(' / ');
}

interface Crumb {
  id: string | null;
  name: string;
}

/** A dialog with the territory map: click an area to go down a level, click a grid to pick it. */
function MapPicker({
  open,
  onClose,
  onPick,
}: {
  open: boolean;
  onClose: () => void;
  onPick: (place: Place) => void;
}) {
  const { t } = useTranslation();
  const { m } = useLocale();
  const top = useQuery({
    queryKey: ['territories', 'all'],
    queryFn: ({ signal }) => api.territories({ limit: 500 }, signal),
    enabled: open,
  });
  const roots = useMemo(() => findRoots(top.data?.items ?? []), [top.data]);
  const [stack, setStack] = useState<Crumb[]>([]);
  const start: Crumb | null =
    roots.length === 1
      ? { id: roots[0]!.id, name: roots[0]!.name }
      : roots.length > 1
        ? { id: null, name: m.map.allScope }
        : null;
  const crumbs = stack.length > 0 ? stack : start ? [start] : [];
  const current = crumbs.at(-1) ?? null;
  const features = useQuery({
    queryKey: ['territories', 'features', current?.id ?? `roots:${roots.map((root) => root.id).join(',')}`],
    enabled: open && current !== null,
    queryFn: async ({ signal }) => {
      if (current?.id) return api.childFeatures(current.id, signal);
      const list = await Promise.all(roots.map((root) => api.territoryFeature(root.id, signal)));
      return { type: 'FeatureCollection' as const, features: list };
    },
  });
  const areas = useMemo(
    (): MapArea[] =>
      (features.data?.features ?? []).map((feature) => {
        const parent = current?.name ?? '';
        const name = feature.properties.name;
        return {
          feature,
          value: null,
          color: feature.properties.level === 'grid' ? '#bae0ff' : '#d9f7be',
          display: m.levels[feature.properties.level],
          label:
            parent && name.startsWith(parent) && name.length > parent.length
              ? name.slice(parent.length)
              : name,
        };
      }),
    [features.data, current, m],
  );
  const levelLabel = useCallback((feature: TTerritoryFeature) => m.levels[feature.properties.level], [m]);
  const openArea = (id: string) => {
    const feature = features.data?.features.find((item) => item.properties.id === id);
    if (!feature) return;
    const { properties } = feature;
    if (properties.level === 'grid' || properties.childCount === 0) {
      onPick({
        territoryId: properties.id,
        label: [...crumbs.slice(1).map((crumb) => crumb.name), properties.name].join(' / '),
      });
      setStack([]);
      return;
    }
    setStack([...crumbs, { id: properties.id, name: properties.name }]);
  };

  return (
    <Modal
      open={open}
      title={m.appeals.intake.mapPickTitle}
      onCancel={() => {
        setStack([]);
        onClose();
      }}
      footer={null}
      width={760}
      destroyOnHidden
      data-testid="map-picker"
    >
      <Typography.Paragraph type="secondary">{m.appeals.intake.mapPickHelp}</Typography.Paragraph>
      <Breadcrumb
        data-testid="map-picker-breadcrumb"
        items={crumbs.map((crumb, index) => ({
          key: crumb.id ?? 'roots',
          title:
            index < crumbs.length - 1 ? (
              <a
                href="#"
                onClick={(event) => {
                  event.preventDefault();
                  setStack(crumbs.slice(0, index + 1));
                }}
              >
                {crumb.name}
              </a>
            ) : (
              <span className="map-crumb-current">{crumb.name}</span>
            ),
        }))}
      />
      {top.error || features.error ? (
        <Alert type="warning" showIcon title={describeError(top.error ?? features.error, t)} />
      ) : (
        <Spin spinning={top.isLoading || features.isFetching}>
          {areas.some((area) => area.feature.geometry !== null) ? (
            <Suspense fallback={<Spin />}>
              <TerritoryMap
                mapKey={`intake-${current?.id ?? 'roots'}`}
                areas={areas}
                categorical
                measureLabel={m.territories.level}
                levelLabel={levelLabel}
                highlightId={null}
                onAreaClick={openArea}
                maxHeight={460}
              />
            </Suspense>
          ) : (
            <div className="map-empty" style={{ height: 200 }} />
          )}
          <Space wrap className="map-picker-list">
            {areas.map((area) => (
              <Button
                key={area.feature.properties.id}
                size="small"
                onClick={() => openArea(area.feature.properties.id)}
                data-testid="map-picker-area"
              >
                {area.feature.properties.name}
              </Button>
            ))}
          </Space>
        </Spin>
      )}
    </Modal>
  );
}

/**
 * The operator's intake form (诉求受理), keyboard first: the phone field has the focus; a valid
 * number shows the appellant's earlier appeals; the type is picked with 1–5; the category is searched
 * in the three-level taxonomy; likely duplicates appear while the content is typed; the address is
 * located by the gazetteer or picked on the map; Ctrl+Enter submits. One Idempotency-Key per form
 * session makes a double submit create one appeal.
 */
export function IntakePage() {
  const me = useCurrentUser();
  const { t } = useTranslation();
  const { m, locale } = useLocale();
  const { message } = AntApp.useApp();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<IntakeForm>();
  const phoneRef = useRef<InputRef>(null);
  const [idempotencyKey, setIdempotencyKey] = useState(newIdempotencyKey);
  const [session, setSession] = useState(0);
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [created, setCreated] = useState<TAppealDetail | null>(null);
  const [place, setPlace] = useState<Place | null>(null);
  const [candidates, setCandidates] = useState<GeocodeCandidate[] | null>(null);
  const [locating, setLocating] = useState(false);
  const [mapOpen, setMapOpen] = useState(false);
  const n = m.appeals.intake;
  const isGridWorker = me.assignments.some((assignment) => assignment.role === 'gridWorker');
  const defaultChannel: IntakeChannel =
    isGridWorker && !me.assignments.some((x) => x.role === 'operator') ? 'patrol' : 'hotline';

  const phone = Form.useWatch('phone', form);
  const type = Form.useWatch('type', form);
  const content = Form.useWatch('content', form);
  const category = Form.useWatch('category', form);
  const answerNowOn = Form.useWatch('answerNowOn', form);

  const categories = useQuery({
    queryKey: ['categories', 'active'],
    queryFn: ({ signal }) => appealsApi.categories(signal),
    staleTime: 300_000,
  });
  const categoryOptions = useMemo(
    () => categoryTree(categories.data?.items ?? [], locale === 'zh-CN'),
    [categories.data, locale],
  );

  const debouncedPhone = useDebounced(phone?.trim() ?? '', 400);
  const history = useQuery({
    queryKey: ['appeals', 'byPhone', debouncedPhone],
    enabled: isValidPhone(debouncedPhone),
    queryFn: ({ signal }) => appealsApi.list({ appellantPhone: debouncedPhone, limit: 10 }, signal),
  });

  const categoryCode = category?.at(-1);
  const draft = useDebounced(
    { content: content?.trim() ?? '', categoryCode, territoryId: place?.territoryId },
    600,
  );
  const hasDraft =
    draft.content.length >= APPEAL_CONTENT_MIN ||
    draft.categoryCode !== undefined ||
    draft.territoryId !== undefined;
  const duplicates = useQuery({
    queryKey: ['appeals', 'similarDraft', draft],
    enabled: hasDraft,
    placeholderData: keepPreviousData,
    queryFn: ({ signal }) =>
      appealsApi.similarToDraft(
        {
          content: draft.content || undefined,
          categoryCode: draft.categoryCode,
          territoryId: draft.territoryId,
        },
        signal,
      ),
  });

  // A new form session (the next call): clear what the last caller said, once the form is mounted again.
  useEffect(() => {
    if (session > 0) form.resetFields();
    phoneRef.current?.focus();
  }, [session, form]);

  const locate = async () => {
    const address = (form.getFieldValue('address') as string | undefined)?.trim() ?? '';
    if (address === '') return;
    setLocating(true);
    try {
      const found = await api.geocode(address);
      setCandidates(found.slice(0, 5));
      const best = found[0];
      if (best) setPlace({ territoryId: best.territory.id, label: placeLabel(best) });
    } catch (caught) {
      void message.error(describeError(caught, t));
    } finally {
      setLocating(false);
    }
  };

  const reset = () => {
    setPlace(null);
    setCandidates(null);
    setCreated(null);
    setError(null);
    setIdempotencyKey(newIdempotencyKey());
    setSession((value) => value + 1);
  };

  const submit = async (values: IntakeForm) => {
    setSubmitting(true);
    setError(null);
    const trimmed = (value: string | undefined) => (value?.trim() ? value.trim() : undefined);
    const body: TCreateAppeal = {
      channel: values.channel,
      type: values.type,
      categoryCode: values.category?.at(-1),
      content: values.content.trim(),
      address: trimmed(values.address),
      territoryId: place?.territoryId,
      urgency: values.urgency,
      appellant: {
        name: trimmed(values.name),
        phone: trimmed(values.phone),
        confidential: values.confidential,
      },
      attachmentIds: values.attachmentIds ?? [],
      answerNow:
        values.type === 'consultation' && values.answerNowOn && trimmed(values.answer)
          ? { reply: values.answer!.trim() }
          : undefined,
    };
    try {
      const appeal = await appealsApi.create(body, idempotencyKey);
      setCreated(appeal);
      void queryClient.invalidateQueries({ queryKey: ['appeals'] });
      void message.success(
        t(appeal.state === 'closed' ? 'appeals.intake.createdClosed' : 'appeals.intake.created', {
          number: appeal.number,
        }),
      );
    } catch (caught) {
      setError(caught);
      const fieldOf = (path: readonly (string | number)[]): keyof IntakeForm | null => {
        const parts = path.filter((part) => part !== 'body');
        const [first, second] = parts;
        if (first === 'appellant')
          return second === 'name' ? 'name' : second === 'phone' ? 'phone' : 'confidential';
        if (first === 'categoryCode') return 'category';
        if (first === 'answerNow') return 'answer';
        const known: (keyof IntakeForm)[] = [
          'type',
          'content',
          'address',
          'urgency',
          'attachmentIds',
          'channel',
        ];
        return known.find((field) => field === first) ?? null;
      };
      form.setFields(
        fieldIssues(caught).flatMap((issue) => {
          const path = issue.path.flatMap((part): (string | number)[] =>
            typeof part === 'string' ? part.split('/').filter(Boolean) : [part],
          );
          const name = fieldOf(path);
          return name ? [{ name, errors: [issue.message] }] : [];
        }),
      );
    } finally {
      setSubmitting(false);
    }
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if ((event.ctrlKey || event.metaKey) && event.key === 'Enter') {
      event.preventDefault();
      form.submit();
      return;
    }
    // Alt+1…5 picks the type from anywhere in the form.
    if (event.altKey && /^[1-5]$/.test(event.key)) {
      event.preventDefault();
      form.setFieldValue('type', APPEAL_TYPES[Number(event.key) - 1]);
    }
  };

  const onTypeKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.ctrlKey || event.metaKey || event.altKey || !/^[1-5]$/.test(event.key)) return;
    event.preventDefault();
    form.setFieldValue('type', APPEAL_TYPES[Number(event.key) - 1]);
  };

  if (created) {
    return (
      <>
        <PageHeader title={n.title} />
        <Card className="section-card">
          <Result
            status="success"
            data-testid="intake-created"
            title={t(created.state === 'closed' ? 'appeals.intake.createdClosed' : 'appeals.intake.created', {
              number: created.number,
            })}
            subTitle={
              <Space>
                <span className="mono" data-testid="intake-created-number">
                  {created.number}
                </span>
                <AppealStateTag state={created.state} />
              </Space>
            }
            extra={[
              <Button
                key="open"
                type="primary"
                autoFocus
                data-testid="intake-open-appeal"
                onClick={() => void navigate(`/appeals/${created.id}`)}
              >
                {n.openAppeal}
              </Button>,
              <Button key="next" data-testid="intake-next" onClick={reset}>
                {n.nextCall}
              </Button>,
            ]}
          />
        </Card>
      </>
    );
  }

  return (
    <div onKeyDown={onKeyDown} data-testid="intake-page">
      <PageHeader title={n.title} description={n.description} />
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={16}>
          <Card className="section-card">
            {error ? (
              <Alert
                type="error"
                showIcon
                className="form-error"
                data-testid="intake-error"
                title={t('appeals.intake.submitFailed', { message: describeError(error, t) })}
              />
            ) : null}
            <Form<IntakeForm>
              key={session}
              form={form}
              layout="vertical"
              className="intake-form"
              initialValues={{
                confidential: false,
                type: 'complaint',
                urgency: 'normal',
                attachmentIds: [],
                answerNowOn: false,
                channel: defaultChannel,
              }}
              onFinish={(values) => void submit(values)}
              onValuesChange={() => setError(null)}
            >
              <Row gutter={16}>
                <Col xs={24} sm={10}>
                  <Form.Item
                    name="phone"
                    label={n.phone}
                    rules={[{ pattern: PHONE_PATTERN, message: n.phoneInvalid }]}
                  >
                    <Input
                      ref={phoneRef}
                      data-testid="intake-phone"
                      inputMode="tel"
                      autoComplete="off"
                      maxLength={PHONE_MAX}
                      placeholder={n.phonePlaceholder}
                      autoFocus
                    />
                  </Form.Item>
                </Col>
                <Col xs={24} sm={8}>
                  <Form.Item name="name" label={n.name}>
                    <Input data-testid="intake-name" autoComplete="off" maxLength={NAME_MAX} />
                  </Form.Item>
                </Col>
                <Col xs={24} sm={6}>
                  <Form.Item
                    name="confidential"
                    label={n.confidential}
                    valuePropName="checked"
                    tooltip={n.confidentialHelp}
                  >
                    <Switch data-testid="intake-confidential" />
                  </Form.Item>
                </Col>
              </Row>
              <div onKeyDown={onTypeKeyDown}>
                <Form.Item name="type" label={`${n.type}（${n.typeShortcut}）`} rules={[{ required: true }]}>
                  <Radio.Group
                    data-testid="intake-type"
                    optionType="button"
                    buttonStyle="solid"
                    options={APPEAL_TYPES.map((value, index) => ({
                      value,
                      label: (
                        <span data-testid={`intake-type-${value}`}>
                          <kbd className="intake-kbd">{index + 1}</kbd> {m.appeals.types[value]}
                        </span>
                      ),
                    }))}
                  />
                </Form.Item>
              </div>
              <Form.Item name="category" label={n.category}>
                <Cascader
                  data-testid="intake-category"
                  options={categoryOptions}
                  placeholder={n.categoryPlaceholder}
                  loading={categories.isLoading}
                  showSearch={{
                    filter: (input, path) =>
                      path.some((option) => String(option.label).toLowerCase().includes(input.toLowerCase())),
                  }}
                  expandTrigger="hover"
                  changeOnSelect
                  allowClear
                />
              </Form.Item>
              <Form.Item
                name="content"
                label={n.content}
                rules={[
                  {
                    required: true,
                    whitespace: true,
                    message: t('appeals.intake.contentTooShort', { min: APPEAL_CONTENT_MIN }),
                  },
                  {
                    min: APPEAL_CONTENT_MIN,
                    message: t('appeals.intake.contentTooShort', { min: APPEAL_CONTENT_MIN }),
                  },
                ]}
              >
                <Input.TextArea
                  data-testid="intake-content"
                  autoSize={{ minRows: 4, maxRows: 12 }}
                  maxLength={APPEAL_CONTENT_MAX}
                  showCount
                  placeholder={n.contentPlaceholder}
                />
              </Form.Item>
              <Form.Item label={n.address} className="intake-address-item">
                <Space.Compact block>
                  <Form.Item name="address" noStyle>
                    <Input
                      data-testid="intake-address"
                      maxLength={APPEAL_ADDRESS_MAX}
                      placeholder={n.addressPlaceholder}
                      onPressEnter={(event) => {
                        event.preventDefault();
                        void locate();
                      }}
                    />
                  </Form.Item>
                  <Button
                    icon={<AimOutlined />}
                    loading={locating}
                    onClick={() => void locate()}
                    data-testid="intake-locate"
                  >
                    {n.locate}
                  </Button>
                  <Button
                    icon={<EnvironmentOutlined />}
                    onClick={() => setMapOpen(true)}
                    data-testid="intake-map-pick"
                  >
                    {n.mapPick}
                  </Button>
                </Space.Compact>
                {place ? (
                  <div className="intake-place" data-testid="intake-place" data-territory={place.territoryId}>
                    <Tag color="blue" icon={<EnvironmentOutlined />}>
                      {t('appeals.intake.located', { path: place.label })}
                    </Tag>
                    <Button
                      size="small"
                      type="link"
                      onClick={() => {
                        setPlace(null);
                        setCandidates(null);
                      }}
                    >
                      {n.clearLocation}
                    </Button>
                  </div>
                ) : null}
                {candidates && candidates.length === 0 ? (
                  <Typography.Text type="warning" data-testid="intake-no-candidates">
                    {n.noCandidates}
                  </Typography.Text>
                ) : null}
                {candidates && candidates.length > 1 ? (
                  <List
                    size="small"
                    className="intake-candidates"
                    data-testid="intake-candidates"
                    dataSource={candidates}
                    renderItem={(candidate) => (
                      <List.Item
                        actions={[
                          <Button
                            key="pick"
                            size="small"
                            type={place?.territoryId === candidate.territory.id ? 'primary' : 'default'}
                            onClick={() =>
                              setPlace({ territoryId: candidate.territory.id, label: placeLabel(candidate) })
                            }
                          >
                            {n.pickCandidate}
                          </Button>,
                        ]}
                      >
                        <span>
                          <Typography.Text strong>{candidate.entry.name}</Typography.Text>{' '}
                          <span className="muted">{placeLabel(candidate)}</span>
                        </span>
                      </List.Item>
                    )}
                  />
                ) : null}
              </Form.Item>
              <Row gutter={16}>
                <Col xs={24} sm={12}>
                  <Form.Item name="urgency" label={n.urgency}>
                    <Radio.Group
                      data-testid="intake-urgency"
                      optionType="button"
                      options={APPEAL_URGENCIES.map((value) => ({
                        value,
                        label: m.appeals.urgencies[value],
                      }))}
                    />
                  </Form.Item>
                </Col>
                <Col xs={24} sm={12}>
                  <Form.Item name="channel" label={n.channel}>
                    <Select
                      data-testid="intake-channel"
                      options={INTAKE_CHANNELS.map((value) => ({ value, label: m.appeals.channels[value] }))}
                    />
                  </Form.Item>
                </Col>
              </Row>
              <Form.Item name="attachmentIds" label={n.attachments} extra={n.attachmentsHelp}>
                <AttachmentUpload testId="intake-attachments" />
              </Form.Item>
              {type === 'consultation' ? (
                <>
                  <Form.Item
                    name="answerNowOn"
                    label={n.answerNow}
                    valuePropName="checked"
                    extra={n.answerNowHelp}
                  >
                    <Switch data-testid="intake-answer-now" />
                  </Form.Item>
                  {answerNowOn ? (
                    <Form.Item
                      name="answer"
                      label={n.answer}
                      rules={[
                        {
                          required: true,
                          whitespace: true,
                          min: 2,
                          message: t('appeals.intake.contentTooShort', { min: 2 }),
                        },
                      ]}
                    >
                      <Input.TextArea
                        data-testid="intake-answer"
                        autoSize={{ minRows: 3 }}
                        maxLength={APPEAL_REPLY_MAX}
                        placeholder={n.answerPlaceholder}
                      />
                    </Form.Item>
                  ) : null}
                </>
              ) : null}
              <Space className="intake-submit">
                <Button
                  type="primary"
                  htmlType="submit"
                  icon={<SendOutlined />}
                  loading={submitting}
                  data-testid="intake-submit"
                >
                  {n.submit}
                </Button>
                <Typography.Text type="secondary">{n.submitHint}</Typography.Text>
              </Space>
            </Form>
          </Card>
        </Col>
        <Col xs={24} xl={8}>
          <Card className="section-card" size="small" title={n.history} data-testid="intake-history">
            {!isValidPhone(debouncedPhone) ? (
              <Typography.Text type="secondary">{n.historyHint}</Typography.Text>
            ) : history.error ? (
              <Typography.Text type="warning">{describeError(history.error, t)}</Typography.Text>
            ) : (
              <List
                size="small"
                loading={history.isLoading}
                locale={{
                  emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={n.historyEmpty} />,
                }}
                dataSource={history.data?.items ?? []}
                renderItem={(item) => (
                  <List.Item data-testid="intake-history-item">
                    <div className="side-appeal">
                      <Link to={`/appeals/${item.id}`} target="_blank" className="mono">
                        {item.number}
                      </Link>{' '}
                      <AppealTypeTag type={item.type} />
                      <AppealStateTag state={item.state} />
                      <div className="side-appeal-excerpt">{item.excerpt}</div>
                      <div className="muted">{formatDateTime(item.receivedAt, locale)}</div>
                    </div>
                  </List.Item>
                )}
              />
            )}
          </Card>
          <Card className="section-card" size="small" title={n.duplicates} data-testid="intake-duplicates">
            {!hasDraft ? (
              <Typography.Text type="secondary">{n.duplicatesHint}</Typography.Text>
            ) : duplicates.error ? (
              <Typography.Text type="warning">{describeError(duplicates.error, t)}</Typography.Text>
            ) : (
              <List
                size="small"
                loading={duplicates.isLoading}
                locale={{
                  emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={n.duplicatesEmpty} />,
                }}
                dataSource={duplicates.data?.items ?? []}
                renderItem={(item) => (
                  <List.Item data-testid="intake-duplicate">
                    <div className="side-appeal">
                      <Link to={`/appeals/${item.appeal.id}`} target="_blank" className="mono">
                        {item.appeal.number}
                      </Link>{' '}
                      <AppealStateTag state={item.appeal.state} />
                      <div className="side-appeal-excerpt">{item.appeal.excerpt}</div>
                      <div className="muted">
                        {item.reasons.map((reason) => m.appeals.detail.reasons[reason]).join('、')}
                      </div>
                    </div>
                  </List.Item>
                )}
              />
            )}
          </Card>
        </Col>
      </Row>
      <MapPicker
        open={mapOpen}
        onClose={() => setMapOpen(false)}
        onPick={(picked) => {
          setPlace(picked);
          setCandidates(null);
          setMapOpen(false);
        }}
      />
    </div>
  );
}
