import { Button, Form, Input, Radio, Tag } from 'antd';
import { CheckOutlined } from '@ant-design/icons';
import { APPELLANT_STATUSES, type AppellantStatus, type Satisfaction } from '@huizhi/domain';
import type { TLocale } from '@huizhi/contracts';
import { useLocale } from '../i18n';
import './portal.css';

const STATUS_COLORS: Record<AppellantStatus, string> = {
  received: 'blue',
  inProgress: 'processing',
  replied: 'warning',
  closed: 'success',
};

/** The appellant's status in plain words (已受理 / 办理中 / 已答复，待评价 / 已办结). */
export function StatusTag({ status }: { status: AppellantStatus }) {
  const { m } = useLocale();
  return (
    <Tag color={STATUS_COLORS[status]} className="portal-status" data-testid="portal-status">
      {m.portal.statuses[status]}
    </Tag>
  );
}

/** The four plain steps 已受理 → 办理中 → 已答复 → 已办结, with the appeal's place among them. */
export function ProgressSteps({ status }: { status: AppellantStatus }) {
  const { m } = useLocale();
  const current = APPELLANT_STATUSES.indexOf(status);
  return (
    <ol className="portal-steps" data-testid="portal-steps" aria-label={m.portal.statuses[status]}>
      {APPELLANT_STATUSES.map((step, index) => {
        // A closed appeal has gone through every step; otherwise the present step is the current one.
        const state =
          index < current || status === 'closed' ? 'done' : index === current ? 'current' : 'todo';
        return (
          <li
            key={step}
            className={`portal-step portal-step-${state}`}
            aria-current={state === 'current' ? 'step' : undefined}
          >
            <span className="portal-step-dot">{state === 'done' ? <CheckOutlined /> : index + 1}</span>
            <span className="portal-step-label">{m.portal.steps[step]}</span>
          </li>
        );
      })}
    </ol>
  );
}

const shortFormats = new Map<TLocale, Intl.DateTimeFormat>();

/** A short date and time (month, day, hours and minutes) for cards on a phone. */
export function formatShortDateTime(iso: string | null | undefined, locale: TLocale): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  let format = shortFormats.get(locale);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, {
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hour12: false,
    });
    shortFormats.set(locale, format);
  }
  return format.format(date);
}

/** What the appellant answers when rating the outcome (回访). */
export interface ReviewAnswers {
  resolved: boolean;
  satisfaction: Satisfaction;
  /** Asked in the portal only ("单位是否联系过您"); the review link does not ask it. */
  contacted?: boolean;
  comment?: string;
}

interface ReviewFormValues {
  resolved?: 'yes' | 'no';
  satisfaction?: Satisfaction;
  contacted?: 'yes' | 'no';
  comment?: string;
}

/** The rating form of the portal and of the review link: big touch targets, every question required. */
export function ReviewForm({
  askContacted,
  submitting,
  onSubmit,
}: {
  askContacted: boolean;
  submitting: boolean;
  onSubmit: (answers: ReviewAnswers) => void;
}) {
  const { m } = useLocale();
  const [form] = Form.useForm<ReviewFormValues>();
  const required = [{ required: true, message: m.portal.answerRequired }];
  const yesNo = (yes: string, no: string) => [
    { value: 'yes', label: yes },
    { value: 'no', label: no },
  ];
  return (
    <Form<ReviewFormValues>
      form={form}
      layout="vertical"
      className="portal-review-form"
      data-testid="portal-review-form"
      requiredMark={false}
      onFinish={(values) => {
        const answers: ReviewAnswers = {
          resolved: values.resolved === 'yes',
          satisfaction: values.satisfaction!,
        };
        if (askContacted) answers.contacted = values.contacted === 'yes';
        const comment = values.comment?.trim();
        if (comment) answers.comment = comment;
        onSubmit(answers);
      }}
    >
      <Form.Item name="resolved" label={m.portal.resolved} rules={required}>
        <Radio.Group
          optionType="button"
          buttonStyle="solid"
          className="portal-choice"
          data-testid="review-resolved"
          options={yesNo(m.portal.resolvedYes, m.portal.resolvedNo)}
        />
      </Form.Item>
      <Form.Item name="satisfaction" label={m.portal.satisfaction} rules={required}>
        <Radio.Group
          optionType="button"
          buttonStyle="solid"
          className="portal-choice"
          data-testid="review-satisfaction"
          options={(['satisfied', 'fair', 'dissatisfied'] as const).map((value) => ({
            value,
            label: m.portal.satisfactions[value],
          }))}
        />
      </Form.Item>
      {askContacted ? (
        <Form.Item name="contacted" label={m.portal.contacted} rules={required}>
          <Radio.Group
            optionType="button"
            buttonStyle="solid"
            className="portal-choice"
            data-testid="review-contacted"
            options={yesNo(m.portal.yes, m.portal.no)}
          />
        </Form.Item>
      ) : null}
      <Form.Item name="comment" label={m.portal.comment}>
        <Input.TextArea rows={3} maxLength={1000} showCount data-testid="review-comment" />
      </Form.Item>
      <Button
        type="primary"
        htmlType="submit"
        size="large"
        block
        loading={submitting}
        data-testid="review-submit"
      >
        {m.portal.submitReview}
      </Button>
    </Form>
  );
}
