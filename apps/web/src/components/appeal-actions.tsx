import { useEffect, useMemo, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import {
  Alert,
  App as AntApp,
  Button,
  Card,
  Form,
  Input,
  InputNumber,
  Modal,
  Radio,
  Select,
  Space,
  Spin,
  Switch,
  Typography,
  Upload,
  type UploadFile,
} from 'antd';
import { BulbOutlined, UploadOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import {
  APPEAL_ASSISTING_UNITS_MAX,
  APPEAL_NOTE_MAX,
  APPEAL_REPLY_MAX,
  ATTACHMENT_MAX_BYTES,
  type TAppealDetail,
  type TAttachment,
} from '@huizhi/contracts';
import {
  NON_DISPATCH_REASONS,
  RETURN_REASONS,
  SATISFACTIONS,
  SYSTEM_APPEAL_ACTIONS,
  type AppealAction,
} from '@huizhi/domain';
import { api, isApiError } from '../api';
import { appealsApi } from '../appeals-api';
import { describeError, fieldIssues } from '../errors';
import { useLocale } from '../i18n';

/** An action the person asked to take, with values to start its form from (a merge's parent). */
export interface ActionRequest {
  action: AppealAction;
  preset?: Record<string, unknown>;
}

/** Actions that move the appeal forward: shown as primary buttons. */
const PRIMARY_ACTIONS: ReadonlySet<AppealAction> = new Set<AppealAction>([
  'dispatch',
  'accept',
  'contact',
  'reply',
  'review',
  'approveExtension',
]);
const DANGER_ACTIONS: ReadonlySet<AppealAction> = new Set<AppealAction>(['return', 'closeWithoutDispatch']);

const CONTACT_METHODS = ['phone', 'sms', 'visit', 'other'] as const;
const REVIEW_METHODS = ['call', 'sms', 'link', 'portal'] as const;
const CLOSE_WITHOUT_REVIEW_REASONS = ['unreachable', 'declined'] as const;
const UNIT_LIST_LIMIT = 500;

/** The actions that have a button: every allowed action people take (not the system's own). */
export function actionButtonsOf(appeal: TAppealDetail): AppealAction[] {
  return appeal.allowedActions.filter(
    (action) => !SYSTEM_APPEAL_ACTIONS.has(action) && action !== 'answerAtIntake',
  );
}

/** A picker of handling units in the reader's scope, searched locally by name. */
function UnitSelect({
  value,
  onChange,
  multiple,
  testId,
  exclude,
}: {
  value?: string | string[];
  onChange?: (value: string | string[] | undefined) => void;
  multiple?: boolean;
  testId: string;
  exclude?: readonly string[];
}) {
  const { t } = useTranslation();
  const { m } = useLocale();
  const units = useQuery({
    queryKey: ['units', 'pick'],
    queryFn: ({ signal }) => api.units({ limit: UNIT_LIST_LIMIT }, signal),
    staleTime: 300_000,
  });
  const options = (units.data?.items ?? [])
    .filter((unit) => !exclude?.includes(unit.id))
    .map((unit) => ({
      value: unit.id,
      label: `${unit.name}（${m.unitTypes[unit.type]}）`,
    }));
  return (
    <Select<string | string[]>
      data-testid={testId}
      mode={multiple ? 'multiple' : undefined}
      maxCount={multiple ? APPEAL_ASSISTING_UNITS_MAX : undefined}
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

/**
 * Files for an appeal (pictures, recordings, videos): each is uploaded at once to /attachments and
 * its id handed to the form. Files over the contract's size for their kind are refused before
 * uploading.
 */
export function AttachmentUpload({
  onChange,
  testId,
}: {
  onChange?: (ids: string[]) => void;
  testId: string;
}) {
  const { t } = useTranslation();
  const { m } = useLocale();
  const { message } = AntApp.useApp();
  const [fileList, setFileList] = useState<UploadFile<TAttachment>[]>([]);
  return (
    <Upload<TAttachment>
      data-testid={testId}
      multiple
      accept="image/*,audio/*,video/*"
      listType="picture"
      fileList={fileList}
      beforeUpload={(file) => {
        const kind = file.type.startsWith('image/')
          ? 'image'
          : file.type.startsWith('audio/')
            ? 'audio'
            : file.type.startsWith('video/')
              ? 'video'
              : 'document';
        if (file.size > ATTACHMENT_MAX_BYTES[kind]) {
          void message.error(t('appeals.intake.tooLarge', { name: file.name }));
          return Upload.LIST_IGNORE;
        }
        return true;
      }}
      customRequest={({ file, onSuccess, onError }) => {
        appealsApi
          .uploadAttachment(file as File)
          .then((attachment) => onSuccess?.(attachment))
          .catch((error: unknown) => {
            void message.error(
              t('appeals.intake.uploadFailed', {
                name: (file as File).name,
                message: describeError(error, t),
              }),
            );
            onError?.(error instanceof Error ? error : new Error(String(error)));
          });
      }}
      onChange={({ fileList: next }) => {
        setFileList(next);
        onChange?.(
          next.flatMap((item) => (item.status === 'done' && item.response ? [item.response.id] : [])),
        );
      }}
    >
      <Button icon={<UploadOutlined />}>{m.appeals.intake.upload}</Button>
    </Upload>
  );
}

type FormValues = Record<string, unknown>;

/** Trims strings and drops empty optional values, so the body holds exactly the contract's fields. */
function toBody(values: FormValues, version: number): Record<string, unknown> {
  const body: Record<string, unknown> = { version };
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined || value === null) continue;
    if (typeof value === 'string') {
      if (value.trim() === '') continue;
      body[key] = value.trim();
    } else {
      body[key] = value;
    }
  }
  return body;
}

/** The dispatch catalogue's suggestion and its explanation; fills the lead unit and copies once. */
function DispatchSuggestionBox({
  appeal,
  onSuggest,
}: {
  appeal: TAppealDetail;
  onSuggest: (unitId: string | null, copyToId: string | null) => void;
}) {
  const { t } = useTranslation();
  const { m } = useLocale();
  const suggestion = useQuery({
    queryKey: ['appeals', appeal.id, 'dispatch-suggestion', appeal.version],
    queryFn: ({ signal }) => appealsApi.dispatchSuggestion(appeal.id, signal),
  });
  const data = suggestion.data;
  useEffect(() => {
    if (data) onSuggest(data.unit?.id ?? null, data.copyTo?.id ?? null);
    // Only when a suggestion arrives: the dispatcher's own changes must not be overwritten.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [data]);
  if (suggestion.isLoading) {
    return (
      <div className="dispatch-suggestion">
        <Spin size="small" /> {m.appeals.form.suggestionLoading}
      </div>
    );
  }
  if (suggestion.error) {
    return <Alert type="warning" showIcon title={describeError(suggestion.error, t)} />;
  }
  if (!data) return null;
  return (
    <Alert
      type={data.fallback || !data.unit ? 'warning' : 'info'}
      icon={<BulbOutlined />}
      showIcon
      className="dispatch-suggestion"
      data-testid="dispatch-suggestion"
      title={
        data.unit ? (
          <span>
            {m.appeals.form.suggestion}：
            <strong data-testid="dispatch-suggestion-unit">{data.unit.name}</strong>
            {data.copyTo ? `（${m.appeals.form.copyTo}：${data.copyTo.name}）` : ''}
          </span>
        ) : (
          m.appeals.form.noSuggestion
        )
      }
      description={
        <>
          {data.fallback ? <div>{m.appeals.form.fallback}</div> : null}
          {data.explanation.length > 0 ? (
            <ul className="dispatch-explanation" data-testid="dispatch-explanation">
              {data.explanation.map((line, index) => (
                <li key={index}>{line}</li>
              ))}
            </ul>
          ) : null}
        </>
      }
    />
  );
}

/** The fields of one action's form: exactly the contract's body (without `version`). */
function ActionFields({ action, appeal }: { action: AppealAction; appeal: TAppealDetail }) {
  const { t } = useTranslation();
  const { m } = useLocale();
  const f = m.appeals.form;
  const form = Form.useFormInstance<FormValues>();
  const lead = Form.useWatch('handlingUnitId', form) as string | undefined;
  const required = { required: true, message: f.required };
  const noteItem = (min: number, isRequired: boolean, name = 'note', label = f.note) => (
    <Form.Item
      name={name}
      label={label}
      rules={[
        ...(isRequired ? [{ ...required, whitespace: true }] : []),
        { min, message: t('appeals.intake.contentTooShort', { min }) },
      ]}
    >
      <Input.TextArea
        data-testid={`action-${name}`}
        autoSize={{ minRows: 2, maxRows: 6 }}
        maxLength={APPEAL_NOTE_MAX}
        placeholder={f.notePlaceholder}
      />
    </Form.Item>
  );
  const similar = useQuery({
    queryKey: ['appeals', appeal.id, 'similar'],
    queryFn: ({ signal }) => appealsApi.similarTo(appeal.id, signal),
    enabled: action === 'merge',
  });

  switch (action) {
    case 'dispatch':
      return (
        <>
          <DispatchSuggestionBox
            appeal={appeal}
            onSuggest={(unitId, copyToId) => {
              if (!form.isFieldTouched('handlingUnitId') && unitId) {
                form.setFieldsValue({ handlingUnitId: unitId });
              }
              if (!form.isFieldTouched('copyToUnitIds')) {
                form.setFieldsValue({ copyToUnitIds: copyToId ? [copyToId] : [] });
              }
            }}
          />
          <Form.Item name="handlingUnitId" label={f.leadUnit} rules={[required]}>
            <UnitSelect testId="dispatch-lead-unit" />
          </Form.Item>
          <Form.Item name="assistingUnitIds" label={f.assistingUnits}>
            <UnitSelect testId="dispatch-assisting-units" multiple exclude={lead ? [lead] : []} />
          </Form.Item>
          <Form.Item name="copyToUnitIds" label={f.copyTo}>
            <UnitSelect testId="dispatch-copy-units" multiple exclude={lead ? [lead] : []} />
          </Form.Item>
          {noteItem(1, false)}
        </>
      );
    case 'closeWithoutDispatch':
      return (
        <>
          <Form.Item name="reason" label={f.reason} rules={[required]}>
            <Select
              data-testid="action-reason"
              options={NON_DISPATCH_REASONS.map((value) => ({
                value,
                label: m.appeals.nonDispatchReasons[value],
              }))}
            />
          </Form.Item>
          {noteItem(2, true)}
        </>
      );
    case 'answerAtIntake':
      return (
        <Form.Item name="reply" label={f.reply} rules={[{ ...required, whitespace: true }]}>
          <Input.TextArea data-testid="action-reply" autoSize={{ minRows: 3 }} maxLength={APPEAL_REPLY_MAX} />
        </Form.Item>
      );
    case 'merge':
      return (
        <>
          <Form.Item name="parentId" label={f.parent} rules={[required]}>
            <Select
              data-testid="action-parent"
              placeholder={f.parentPlaceholder}
              loading={similar.isLoading}
              options={(similar.data?.items ?? []).map((item) => ({
                value: item.appeal.id,
                label: `${item.appeal.number} · ${item.appeal.excerpt.slice(0, 40)}`,
              }))}
            />
          </Form.Item>
          {noteItem(1, false)}
        </>
      );
    case 'accept':
      return <Typography.Paragraph>{f.acceptConfirm}</Typography.Paragraph>;
    case 'contact':
      return (
        <>
          <Form.Item name="method" label={f.method} rules={[required]}>
            <Radio.Group
              data-testid="action-method"
              options={CONTACT_METHODS.map((value) => ({ value, label: m.appeals.contactMethods[value] }))}
            />
          </Form.Item>
          {noteItem(1, true)}
        </>
      );
    case 'reply':
      return (
        <>
          <Form.Item
            name="reply"
            label={f.reply}
            rules={[
              { ...required, whitespace: true },
              { min: 5, message: t('appeals.intake.contentTooShort', { min: 5 }) },
            ]}
          >
            <Input.TextArea
              data-testid="action-reply"
              autoSize={{ minRows: 4, maxRows: 10 }}
              maxLength={APPEAL_REPLY_MAX}
              showCount
              placeholder={f.replyPlaceholder}
            />
          </Form.Item>
          <Form.Item name="attachmentIds" label={f.evidence}>
            <AttachmentUpload testId="action-evidence" />
          </Form.Item>
        </>
      );
    case 'return':
      return (
        <>
          <Form.Item name="reason" label={f.reason} rules={[required]}>
            <Select
              data-testid="action-reason"
              options={RETURN_REASONS.map((value) => ({ value, label: m.appeals.returnReasons[value] }))}
            />
          </Form.Item>
          {noteItem(2, true)}
          <Form.Item name="suggestedUnitId" label={f.suggestedUnit}>
            <UnitSelect testId="action-suggested-unit" />
          </Form.Item>
        </>
      );
    case 'requestExtension':
      return (
        <>
          <Form.Item name="amount" label={f.amount} extra={f.amountHelp} rules={[required]}>
            <InputNumber data-testid="action-amount" min={1} max={60} precision={0} />
          </Form.Item>
          {noteItem(2, true, 'reason', f.reason)}
        </>
      );
    case 'approveExtension':
    case 'refuseExtension':
      return noteItem(1, false);
    case 'formTaskForce':
      return (
        <>
          <Form.Item name="unitIds" label={f.units} rules={[required]}>
            <UnitSelect testId="action-units" multiple />
          </Form.Item>
          {noteItem(2, true)}
        </>
      );
    case 'addNote':
      return noteItem(1, true);
    case 'rejectReturn':
    case 'flagHardCase':
    case 'urge':
    case 'supervise':
      return noteItem(2, true);
    case 'review':
      return (
        <>
          <Typography.Paragraph type="secondary">{f.reviewHint}</Typography.Paragraph>
          <Form.Item name="method" label={f.reviewMethod} rules={[required]}>
            <Radio.Group
              data-testid="action-review-method"
              options={REVIEW_METHODS.map((value) => ({ value, label: m.appeals.reviewMethods[value] }))}
            />
          </Form.Item>
          <Space size="large" wrap>
            <Form.Item name="contacted" label={f.contacted} valuePropName="checked">
              <Switch data-testid="action-contacted" />
            </Form.Item>
            <Form.Item name="resolved" label={f.resolved} valuePropName="checked">
              <Switch data-testid="action-resolved" />
            </Form.Item>
          </Space>
          <Form.Item name="satisfaction" label={f.satisfaction} rules={[required]}>
            <Radio.Group
              data-testid="action-satisfaction"
              optionType="button"
              buttonStyle="solid"
              options={SATISFACTIONS.map((value) => ({
                value,
                label: <span data-testid={`satisfaction-${value}`}>{m.appeals.satisfactions[value]}</span>,
              }))}
            />
          </Form.Item>
          <Form.Item name="comment" label={f.comment}>
            <Input.TextArea data-testid="action-comment" autoSize={{ minRows: 2 }} maxLength={1000} />
          </Form.Item>
        </>
      );
    case 'closeWithoutReview':
      return (
        <>
          <Form.Item name="reason" label={f.reason} rules={[required]}>
            <Select
              data-testid="action-reason"
              options={CLOSE_WITHOUT_REVIEW_REASONS.map((value) => ({
                value,
                label: m.appeals.closeWithoutReviewReasons[value],
              }))}
            />
          </Form.Item>
          {noteItem(1, false)}
        </>
      );
    case 'replyViaParent':
      return null;
  }
}

const INITIAL_VALUES: Partial<Record<AppealAction, FormValues>> = {
  dispatch: { assistingUnitIds: [] },
  contact: { method: 'phone' },
  reply: { attachmentIds: [] },
  review: { method: 'call', contacted: true, resolved: true },
};

/**
 * The action panel of an appeal: one button per action the server allows this reader now, each
 * opening a small form with exactly the contract's fields. The body carries the version the page
 * loaded, so acting on a stale page answers APPEAL_VERSION_CONFLICT: the page is then reloaded.
 */
export function AppealActions({
  appeal,
  request,
  onRequest,
  onChanged,
}: {
  appeal: TAppealDetail;
  request: ActionRequest | null;
  onRequest: (request: ActionRequest | null) => void;
  onChanged: () => Promise<unknown>;
}) {
  const { t } = useTranslation();
  const { m } = useLocale();
  const { message } = AntApp.useApp();
  const [form] = Form.useForm<FormValues>();
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const buttons = actionButtonsOf(appeal);
  const action = request?.action ?? null;
  const label = action ? m.appeals.actions[action] : '';
  const initialValues = useMemo(
    () => (action ? { ...INITIAL_VALUES[action], ...request?.preset } : {}),
    [action, request],
  );

  const close = () => {
    setError(null);
    onRequest(null);
  };

  const submit = async (values: FormValues) => {
    if (!action) return;
    setSubmitting(true);
    setError(null);
    try {
      await appealsApi.act(appeal.id, action, toBody(values, appeal.version));
      void message.success(t('appeals.form.done', { action: label }));
      close();
      await onChanged();
    } catch (caught) {
      if (isApiError(caught, 'APPEAL_VERSION_CONFLICT')) {
        void message.warning(m.appeals.form.conflict);
        close();
        await onChanged();
        return;
      }
      setError(caught);
      const issues = fieldIssues(caught);
      form.setFields(
        issues.flatMap((issue) => {
          const name = issue.path.find((part) => typeof part === 'string' && part !== 'body');
          return typeof name === 'string' && name !== '' ? [{ name, errors: [issue.message] }] : [];
        }),
      );
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <Card
      className="section-card appeal-actions"
      size="small"
      title={m.appeals.detail.actions}
      data-testid="appeal-actions"
    >
      {buttons.length === 0 ? (
        <Typography.Text type="secondary" data-testid="no-actions">
          {m.appeals.detail.noActions}
        </Typography.Text>
      ) : (
        <Space wrap>
          {buttons.map((button) => (
            <Button
              key={button}
              data-testid={`action-${button}`}
              type={PRIMARY_ACTIONS.has(button) ? 'primary' : 'default'}
              danger={DANGER_ACTIONS.has(button)}
              onClick={() => onRequest({ action: button })}
            >
              {m.appeals.actions[button]}
            </Button>
          ))}
        </Space>
      )}
      <Modal
        open={action !== null}
        title={label}
        destroyOnHidden
        okText={m.appeals.form.submit}
        cancelText={m.common.cancel}
        onCancel={close}
        onOk={() => form.submit()}
        confirmLoading={submitting}
        okButtonProps={{ 'data-testid': 'action-submit' } as Record<string, string>}
        width={action === 'dispatch' || action === 'reply' ? 640 : 520}
        data-testid="action-modal"
      >
        {action ? (
          <Form<FormValues>
            key={`${action}-${appeal.version}`}
            form={form}
            layout="vertical"
            preserve={false}
            initialValues={initialValues}
            onFinish={(values) => void submit(values)}
            onValuesChange={() => setError(null)}
            className="action-form"
            data-testid={`action-form-${action}`}
          >
            {error ? (
              <Alert
                type="error"
                showIcon
                className="form-error"
                data-testid="action-error"
                title={t('appeals.form.failed', { message: describeError(error, t) })}
              />
            ) : null}
            <ActionFields action={action} appeal={appeal} />
          </Form>
        ) : null}
      </Modal>
    </Card>
  );
}
