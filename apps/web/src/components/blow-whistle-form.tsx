import { useEffect, useMemo, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import {
  Alert,
  App as AntApp,
  Col,
  DatePicker,
  Form,
  Input,
  Modal,
  Radio,
  Row,
  Select,
  Typography,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import {
  WHISTLE_REASON_MAX,
  WHISTLE_TITLE_MAX,
  WHISTLE_UNITS_MAX,
  type TAppealDetail,
  type TBlowWhistle,
} from '@huizhi/contracts';
import { DEFAULT_CHECK_IN_MINUTES, WHISTLE_URGENCIES, type WhistleUrgency } from '@huizhi/domain';
import { newIdempotencyKey } from '../appeals-api';
import { useCurrentUser } from '../auth';
import { describeError, fieldIssues } from '../errors';
import { formatDateTime } from '../format';
import { useLocale } from '../i18n';
import { useBlowWhistle, useCheckInLimits, whistlesApi } from '../whistles-api';
import { useNow } from './appeal-labels';
import { TerritorySelect } from './territory-select';
import { useFormatMinutes } from './whistle-labels';

const UNIT_LIST_LIMIT = 500;
const DATE_TIME_FORMAT = 'YYYY-MM-DD HH:mm:ss';

/**
 * A picker of units to summon (those the whistler may summon: /whistles/summonable-units), searched
 * locally by name. `exclude` hides units that may not be picked (the blower's own, those already
 * summoned).
 */
export function SummonUnitSelect({
  value,
  onChange,
  multiple,
  exclude,
  testId,
}: {
  value?: string | string[];
  onChange?: (value: string | string[] | undefined) => void;
  multiple?: boolean;
  exclude?: readonly string[];
  testId: string;
}) {
  const { t } = useTranslation();
  const { m } = useLocale();
  const units = useQuery({
    queryKey: ['units', 'summonable'],
    queryFn: ({ signal }) => whistlesApi.summonableUnits({ limit: UNIT_LIST_LIMIT }, signal),
    staleTime: 300_000,
  });
  const options = (units.data?.items ?? [])
    .filter((unit) => !exclude?.includes(unit.id))
    .map((unit) => ({ value: unit.id, label: `${unit.name}（${m.unitTypes[unit.type]}）` }));
  return (
    <Select<string | string[]>
      data-testid={testId}
      mode={multiple ? 'multiple' : undefined}
      maxCount={multiple ? WHISTLE_UNITS_MAX : undefined}
      value={value}
      onChange={(next) => onChange?.(next)}
      allowClear
      showSearch={{ optionFilterProp: 'label' }}
      loading={units.isLoading}
      options={options}
      notFoundContent={units.error ? describeError(units.error, t) : undefined}
    />
  );
}

/** The unit names by id, from the shared units cache (for labels of chosen units). */
function useUnitNames(): Map<string, string> {
  const units = useQuery({
    queryKey: ['units', 'summonable'],
    queryFn: ({ signal }) => whistlesApi.summonableUnits({ limit: UNIT_LIST_LIMIT }, signal),
    staleTime: 300_000,
  });
  return useMemo(() => new Map((units.data?.items ?? []).map((unit) => [unit.id, unit.name])), [units.data]);
}

interface BlowValues {
  title?: string;
  reason?: string;
  urgency: WhistleUrgency;
  territoryId?: string;
  address?: string;
  unitIds?: string[];
  leadUnitId?: string;
  checkInBy?: Dayjs | null;
  meetingAt?: Dayjs | null;
  meetingPlace?: string;
  dueAt?: Dayjs | null;
}

/** Cuts a text to a title's length on a character boundary. */
function titleOf(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  const max = 40;
  return line.length > max ? `${[...line].slice(0, max - 1).join('')}…` : line;
}

/** The values a whistle from an appeal starts from: its content, urgency and handling unit. */
function initialValuesOf(appeal: TAppealDetail | undefined): BlowValues {
  if (!appeal) return { urgency: 'normal', unitIds: [] };
  const unitIds = appeal.handlingUnit ? [appeal.handlingUnit.id] : [];
  return {
    title: titleOf(appeal.categoryName ? `${appeal.categoryName}：${appeal.content}` : appeal.content),
    reason: appeal.content.slice(0, WHISTLE_REASON_MAX),
    urgency: appeal.urgency,
    unitIds,
    leadUnitId: unitIds[0],
  };
}

/** Trims a text; an empty one is left out of the body. */
function text(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

/**
 * The form that blows a whistle (吹哨): from an appeal (its place and content prefilled), or from
 * scratch (a patrol finding, a meeting: the area is picked). The units to summon, one of them leading;
 * an optional check-in time (the urgency's limit applies otherwise, and is shown), an on-site meeting
 * and a due time. Each opening of the form has its own Idempotency-Key, so a double submit blows once.
 */
export function BlowWhistleForm({
  open,
  onClose,
  appeal,
}: {
  open: boolean;
  onClose: () => void;
  appeal?: TAppealDetail;
}) {
  const { t } = useTranslation();
  const { m, locale } = useLocale();
  const f = m.whistles.form;
  const me = useCurrentUser();
  const { message } = AntApp.useApp();
  const navigate = useNavigate();
  const [form] = Form.useForm<BlowValues>();
  const [key, setKey] = useState(newIdempotencyKey);
  const [error, setError] = useState<unknown>(null);
  const blow = useBlowWhistle();
  const limits = useCheckInLimits({ enabled: open });
  const now = useNow(15_000);
  const formatMinutes = useFormatMinutes();
  const unitNames = useUnitNames();
  const urgency = (Form.useWatch('urgency', form) as WhistleUrgency | undefined) ?? 'normal';
  const unitIds = (Form.useWatch('unitIds', form) as string[] | undefined) ?? [];
  const leadUnitId = Form.useWatch('leadUnitId', form) as string | undefined;
  const ownUnits = me.assignments.flatMap((assignment) =>
    assignment.scope.kind === 'unit' && assignment.scope.id ? [assignment.scope.id] : [],
  );
  const initialValues = useMemo(() => initialValuesOf(appeal), [appeal]);

  // A new opening is a new submission: a fresh key, no stale error (adjusted while rendering, as
  // React recommends for state that follows a prop).
  const [wasOpen, setWasOpen] = useState(open);
  if (open !== wasOpen) {
    setWasOpen(open);
    if (open) {
      setKey(newIdempotencyKey());
      setError(null);
    }
  }

  // The lead is one of the summoned units: follow the unit list when the lead is dropped from it.
  const unitKey = unitIds.join(',');
  useEffect(() => {
    if (!open) return;
    const chosen = unitKey === '' ? [] : unitKey.split(',');
    if (leadUnitId && chosen.includes(leadUnitId)) return;
    if (leadUnitId !== chosen[0]) form.setFieldValue('leadUnitId', chosen[0]);
  }, [open, unitKey, leadUnitId, form]);

  const limitMinutes =
    limits.data?.limits.find((limit) => limit.urgency === urgency)?.minutes ??
    DEFAULT_CHECK_IN_MINUTES[urgency];
  const defaultCheckIn = t('whistles.form.checkInDefault', {
    urgency: m.whistles.urgencies[urgency],
    duration: formatMinutes(limitMinutes),
    time: formatDateTime(new Date(now + limitMinutes * 60_000).toISOString(), locale),
  });

  const submit = async (values: BlowValues) => {
    setError(null);
    const body: TBlowWhistle = {
      title: values.title?.trim() ?? '',
      reason: values.reason?.trim() ?? '',
      urgency: values.urgency,
      unitIds: values.unitIds ?? [],
      leadUnitId: values.leadUnitId ?? '',
      ...(appeal
        ? { appealId: appeal.id }
        : { territoryId: values.territoryId, address: text(values.address) }),
      checkInBy: values.checkInBy?.toISOString(),
      meetingAt: values.meetingAt?.toISOString(),
      meetingPlace: text(values.meetingPlace),
      dueAt: values.dueAt?.toISOString(),
    };
    try {
      const whistle = await blow.mutateAsync({ body, key });
      void message.success(t('whistles.form.done', { number: whistle.number }));
      form.resetFields();
      onClose();
      void navigate(`/whistles/${whistle.id}`);
    } catch (caught) {
      setError(caught);
      form.setFields(
        fieldIssues(caught).flatMap((issue) => {
          const name = issue.path.find((part) => typeof part === 'string' && part !== 'body');
          return typeof name === 'string' && name !== ''
            ? [{ name: name as keyof BlowValues, errors: [issue.message] }]
            : [];
        }),
      );
    }
  };

  const required = { required: true, message: f.required };
  const future = (messageText: string) => ({
    validator: (_: unknown, value: Dayjs | null | undefined) =>
      !value || value.isAfter(dayjs()) ? Promise.resolve() : Promise.reject(new Error(messageText)),
  });
  const place = appeal
    ? [appeal.territory.name, appeal.address].filter((part): part is string => Boolean(part)).join(' · ')
    : null;

  return (
    <Modal
      open={open}
      title={appeal ? t('whistles.form.blowFromAppeal', { number: appeal.number }) : f.blowTitle}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={f.submit}
      cancelText={m.common.cancel}
      confirmLoading={blow.isPending}
      okButtonProps={{ 'data-testid': 'blow-submit' } as Record<string, string>}
      width={720}
      destroyOnHidden
      data-testid="blow-modal"
    >
      <Form<BlowValues>
        form={form}
        layout="vertical"
        preserve={false}
        initialValues={initialValues}
        onFinish={(values) => void submit(values)}
        onValuesChange={() => setError(null)}
        className="blow-form"
        data-testid="blow-form"
      >
        {error ? (
          <Alert
            type="error"
            showIcon
            className="form-error"
            data-testid="blow-error"
            title={t('whistles.form.failed', { message: describeError(error, t) })}
          />
        ) : null}
        {place ? (
          <Typography.Paragraph type="secondary" data-testid="blow-appeal-place">
            {t('whistles.form.appealPlace', { place })}
          </Typography.Paragraph>
        ) : (
          <Row gutter={12}>
            <Col xs={24} sm={12}>
              <Form.Item name="territoryId" label={f.territory} rules={[required]}>
                <TerritorySelect data-testid="blow-territory" />
              </Form.Item>
            </Col>
            <Col xs={24} sm={12}>
              <Form.Item name="address" label={f.address}>
                <Input data-testid="blow-address" maxLength={200} />
              </Form.Item>
            </Col>
          </Row>
        )}
        <Form.Item
          name="title"
          label={f.title}
          rules={[
            { ...required, whitespace: true },
            { min: 2, message: t('whistles.form.tooShort', { min: 2 }) },
          ]}
        >
          <Input data-testid="blow-title" maxLength={WHISTLE_TITLE_MAX} placeholder={f.titlePlaceholder} />
        </Form.Item>
        <Form.Item
          name="reason"
          label={f.reason}
          rules={[
            { ...required, whitespace: true },
            { min: 5, message: t('whistles.form.tooShort', { min: 5 }) },
          ]}
        >
          <Input.TextArea
            data-testid="blow-reason"
            autoSize={{ minRows: 3, maxRows: 8 }}
            maxLength={WHISTLE_REASON_MAX}
            placeholder={f.reasonPlaceholder}
          />
        </Form.Item>
        <Form.Item name="urgency" label={f.urgency} rules={[required]}>
          <Radio.Group
            data-testid="blow-urgency"
            optionType="button"
            buttonStyle="solid"
            options={WHISTLE_URGENCIES.map((value) => ({
              value,
              label: <span data-testid={`blow-urgency-${value}`}>{m.whistles.urgencies[value]}</span>,
            }))}
          />
        </Form.Item>
        <Form.Item
          name="unitIds"
          label={f.units}
          extra={t('whistles.form.unitsHelp', { max: WHISTLE_UNITS_MAX })}
          rules={[{ ...required, type: 'array', min: 1 }]}
        >
          <SummonUnitSelect testId="blow-units" multiple exclude={ownUnits} />
        </Form.Item>
        <Form.Item name="leadUnitId" label={f.leadUnit} extra={f.leadUnitHelp} rules={[required]}>
          <Select
            data-testid="blow-lead"
            options={unitIds.map((id) => ({ value: id, label: unitNames.get(id) ?? id }))}
          />
        </Form.Item>
        <Form.Item
          name="checkInBy"
          label={f.checkInBy}
          extra={<span data-testid="blow-check-in-default">{defaultCheckIn}</span>}
          rules={[future(f.checkInPast)]}
        >
          <DatePicker
            data-testid="blow-check-in"
            showTime
            format={DATE_TIME_FORMAT}
            disabledDate={(date) => date.isBefore(dayjs(), 'day')}
            className="blow-date"
          />
        </Form.Item>
        <Row gutter={12}>
          <Col xs={24} sm={12}>
            <Form.Item name="meetingAt" label={f.meetingAt}>
              <DatePicker
                data-testid="blow-meeting-at"
                showTime
                format={DATE_TIME_FORMAT}
                disabledDate={(date) => date.isBefore(dayjs(), 'day')}
                className="blow-date"
              />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12}>
            <Form.Item name="meetingPlace" label={f.meetingPlace}>
              <Input data-testid="blow-meeting-place" maxLength={200} />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="dueAt" label={f.dueAt} rules={[future(f.duePast)]}>
          <DatePicker
            data-testid="blow-due-at"
            showTime
            format={DATE_TIME_FORMAT}
            disabledDate={(date) => date.isBefore(dayjs(), 'day')}
            className="blow-date"
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}
