import { useMemo, useState } from 'react';
import { Alert, App as AntApp, Button, Card, Form, Input, Modal, Select, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { NAME_MAX, PHONE_MAX, PHONE_PATTERN, WHISTLE_TEXT_MAX, type TWhistleDetail } from '@huizhi/contracts';
import { levelAbove, SYSTEM_WHISTLE_ACTIONS, WITHDRAW_REASONS, type WhistleAction } from '@huizhi/domain';
import { isApiError } from '../api';
import { useCurrentUser } from '../auth';
import { describeError, fieldIssues } from '../errors';
import { useLocale } from '../i18n';
import { useWhistleAction } from '../whistles-api';
import { useNow } from './appeal-labels';
import { SummonUnitSelect } from './blow-whistle-form';
import { summonsStatus } from './whistle-labels';

/** The order of the buttons: the summoned unit's steps, the whistler's, then the rest. */
const ACTION_ORDER: readonly WhistleAction[] = [
  'checkIn',
  'reportPart',
  'reportResult',
  'confirm',
  'sendBack',
  'summonMore',
  'withdrawSummons',
  'changeLead',
  'escalate',
  'addNote',
  'cancel',
];
const PRIMARY_ACTIONS: ReadonlySet<WhistleAction> = new Set<WhistleAction>([
  'checkIn',
  'reportPart',
  'reportResult',
  'confirm',
]);
const DANGER_ACTIONS: ReadonlySet<WhistleAction> = new Set<WhistleAction>(['cancel']);
/** Actions done on the reader's own summons: the body names it. */
const OWN_SUMMONS_ACTIONS: ReadonlySet<WhistleAction> = new Set<WhistleAction>(['checkIn', 'reportPart']);

/** The actions that have a button: every allowed action people take (not the sweeper's). */
export function whistleButtonsOf(whistle: TWhistleDetail): WhistleAction[] {
  return ACTION_ORDER.filter(
    (action) => whistle.allowedActions.includes(action) && !SYSTEM_WHISTLE_ACTIONS.has(action),
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

/** The fields of one action's form: exactly the contract's body (without `version`). */
function ActionFields({ action, whistle }: { action: WhistleAction; whistle: TWhistleDetail }) {
  const { t } = useTranslation();
  const { m } = useLocale();
  const f = m.whistles.form;
  const required = { required: true, message: f.required };
  const active = whistle.summons.filter((summons) => summons.state !== 'withdrawn');
  const textItem = (name: string, label: string, min: number, isRequired: boolean, placeholder?: string) => (
    <Form.Item
      name={name}
      label={label}
      rules={[
        ...(isRequired ? [{ ...required, whitespace: true }] : []),
        { min, message: t('whistles.form.tooShort', { min }) },
      ]}
    >
      <Input.TextArea
        data-testid={`whistle-action-${name}`}
        autoSize={{ minRows: 2, maxRows: 8 }}
        maxLength={WHISTLE_TEXT_MAX}
        placeholder={placeholder}
      />
    </Form.Item>
  );
  const note = textItem('note', f.note, 1, false, f.notePlaceholder);

  switch (action) {
    case 'checkIn':
      return (
        <>
          <Form.Item
            name="responsibleName"
            label={m.whistles.inbox.responsibleName}
            rules={[{ ...required, whitespace: true }]}
          >
            <Input data-testid="whistle-action-responsibleName" maxLength={NAME_MAX} />
          </Form.Item>
          <Form.Item
            name="responsiblePhone"
            label={m.whistles.inbox.responsiblePhone}
            rules={[required, { pattern: PHONE_PATTERN, message: f.phoneInvalid }]}
          >
            <Input data-testid="whistle-action-responsiblePhone" maxLength={PHONE_MAX} inputMode="tel" />
          </Form.Item>
          {note}
        </>
      );
    case 'reportPart':
      return textItem('part', f.part, 2, true);
    case 'reportResult':
      return (
        <>
          <Typography.Paragraph type="secondary">{f.resultHelp}</Typography.Paragraph>
          {textItem('result', f.result, 2, true)}
        </>
      );
    case 'confirm':
      return (
        <>
          <Typography.Paragraph type="secondary">{f.confirmHelp}</Typography.Paragraph>
          {note}
        </>
      );
    case 'sendBack':
      return textItem('note', f.sendBackNote, 2, true);
    case 'summonMore':
      return (
        <Form.Item name="unitIds" label={f.addUnits} rules={[{ ...required, type: 'array', min: 1 }]}>
          <SummonUnitSelect
            testId="whistle-action-units"
            multiple
            exclude={[
              ...active.map((summons) => summons.unit.id),
              ...(whistle.blowerUnit ? [whistle.blowerUnit.id] : []),
            ]}
          />
        </Form.Item>
      );
    case 'withdrawSummons':
      return (
        <>
          <Form.Item name="summonsId" label={f.summons} rules={[required]}>
            <Select
              data-testid="whistle-action-summons"
              options={active
                .filter((summons) => summons.role !== 'lead')
                .map((summons) => ({
                  value: summons.id,
                  label: `${summons.unit.name}（${m.whistles.roles[summons.role]}）`,
                }))}
            />
          </Form.Item>
          <Form.Item name="reason" label={f.withdrawReason} rules={[required]}>
            <Select
              data-testid="whistle-action-reason"
              options={WITHDRAW_REASONS.map((value) => ({
                value,
                label: m.whistles.withdrawReasons[value],
              }))}
            />
          </Form.Item>
          {note}
        </>
      );
    case 'changeLead':
      return (
        <>
          <Form.Item name="unitId" label={f.newLead} rules={[required]}>
            <Select
              data-testid="whistle-action-lead"
              options={active
                .filter((summons) => summons.role !== 'lead')
                .map((summons) => ({ value: summons.unit.id, label: summons.unit.name }))}
            />
          </Form.Item>
          {note}
        </>
      );
    case 'escalate': {
      const above = levelAbove(whistle.level);
      return (
        <>
          {above ? (
            <Typography.Paragraph data-testid="whistle-escalate-to">
              {t('whistles.form.escalateFromTo', {
                from: m.whistles.levels[whistle.level],
                to: m.whistles.levels[above],
              })}
            </Typography.Paragraph>
          ) : null}
          {textItem('reason', f.escalateReason, 2, true)}
        </>
      );
    }
    case 'addNote':
      return textItem('note', f.note, 1, true);
    case 'cancel':
      return textItem('reason', f.cancelReason, 2, true);
    case 'markMissed':
      return null;
  }
}

/**
 * The action panel of a whistle: one button per action the server allows this reader now, each opening
 * a small form with exactly the contract's fields. The body carries the version the page loaded, so
 * acting on a stale page answers WHISTLE_VERSION_CONFLICT: the page is then reloaded.
 */
export function WhistleActions({
  whistle,
  onChanged,
}: {
  whistle: TWhistleDetail;
  onChanged: () => Promise<unknown>;
}) {
  const { t } = useTranslation();
  const { m } = useLocale();
  const me = useCurrentUser();
  const { message } = AntApp.useApp();
  const [form] = Form.useForm<FormValues>();
  const [action, setAction] = useState<WhistleAction | null>(null);
  const [error, setError] = useState<unknown>(null);
  const act = useWhistleAction();
  const now = useNow();
  const buttons = whistleButtonsOf(whistle);
  const label = action ? m.whistles.actions[action] : '';

  const initialValues = useMemo((): FormValues => {
    if (action === 'checkIn') return { responsibleName: me.user.displayName };
    if (action === 'withdrawSummons') {
      // The usual case: a unit that never came.
      const missing = whistle.summons.find(
        (summons) => summons.role !== 'lead' && summonsStatus(summons, now) === 'overdue',
      );
      return missing ? { summonsId: missing.id, reason: 'neverCheckedIn' } : {};
    }
    return {};
  }, [action, me.user.displayName, whistle.summons, now]);

  const close = () => {
    setError(null);
    setAction(null);
  };

  const submit = async (values: FormValues) => {
    if (!action) return;
    setError(null);
    const body = toBody(values, whistle.version);
    if (OWN_SUMMONS_ACTIONS.has(action) && whistle.mySummonsId) body.summonsId = whistle.mySummonsId;
    try {
      await act.mutateAsync({ id: whistle.id, action, body });
      void message.success(t('whistles.form.actionDone', { action: label }));
      close();
      await onChanged();
    } catch (caught) {
      if (isApiError(caught, 'WHISTLE_VERSION_CONFLICT')) {
        void message.warning(m.whistles.form.conflict);
        close();
        await onChanged();
        return;
      }
      setError(caught);
      form.setFields(
        fieldIssues(caught).flatMap((issue) => {
          const name = issue.path.find((part) => typeof part === 'string' && part !== 'body');
          return typeof name === 'string' && name !== '' ? [{ name, errors: [issue.message] }] : [];
        }),
      );
    }
  };

  return (
    <Card
      className="section-card whistle-actions"
      size="small"
      title={m.whistles.detail.actions}
      data-testid="whistle-actions"
    >
      {buttons.length === 0 ? (
        <Typography.Text type="secondary" data-testid="whistle-no-actions">
          {m.whistles.detail.noActions}
        </Typography.Text>
      ) : (
        <Space wrap>
          {buttons.map((button) => (
            <Button
              key={button}
              data-testid={`whistle-action-${button}`}
              type={PRIMARY_ACTIONS.has(button) ? 'primary' : 'default'}
              danger={DANGER_ACTIONS.has(button)}
              onClick={() => setAction(button)}
            >
              {m.whistles.actions[button]}
            </Button>
          ))}
        </Space>
      )}
      <Modal
        open={action !== null}
        title={label}
        destroyOnHidden
        okText={m.whistles.form.actionSubmit}
        cancelText={m.common.cancel}
        onCancel={close}
        onOk={() => form.submit()}
        confirmLoading={act.isPending}
        okButtonProps={{ 'data-testid': 'whistle-action-submit' } as Record<string, string>}
        width={560}
        data-testid="whistle-action-modal"
      >
        {action ? (
          <Form<FormValues>
            key={`${action}-${whistle.version}`}
            form={form}
            layout="vertical"
            preserve={false}
            initialValues={initialValues}
            onFinish={(values) => void submit(values)}
            onValuesChange={() => setError(null)}
            className="action-form"
            data-testid={`whistle-action-form-${action}`}
          >
            {error ? (
              <Alert
                type="error"
                showIcon
                className="form-error"
                data-testid="whistle-action-error"
                title={t('whistles.form.failed', { message: describeError(error, t) })}
              />
            ) : null}
            <ActionFields action={action} whistle={whistle} />
          </Form>
        ) : null}
      </Modal>
    </Card>
  );
}
