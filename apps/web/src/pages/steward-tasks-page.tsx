import { Fragment, useState } from 'react';
import {
  Alert,
  App as AntApp,
  Button,
  Card,
  Empty,
  Form,
  Input,
  Segmented,
  Spin,
  Tag,
  Typography,
} from 'antd';
import { ClockCircleOutlined, EnvironmentOutlined, RightOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { WHISTLE_TEXT_MAX, type TStewardCase } from '@huizhi/contracts';
import type { StewardCaseState } from '@huizhi/domain';
import { describeError } from '../errors';
import { formatDateTime } from '../format';
import { useLocale } from '../i18n';
import { useNow } from '../components/appeal-labels';
import { LoadError } from '../components/feedback';
import { PageHeader } from '../components/page-header';
import { StewardLevelTag } from '../components/steward-labels';
import { useAnswerStewardCase, useStewardCases } from '../stewards-api';
import './stewards.css';

const STATE_COLORS: Record<StewardCaseState, string> = {
  waiting: 'processing',
  answered: 'success',
  lapsed: 'default',
};

/** How long is left to answer, or that the time is up. */
function DueTag({ kase }: { kase: TStewardCase }) {
  const { t } = useTranslation();
  const { m } = useLocale();
  const now = useNow();
  if (kase.state !== 'waiting') return null;
  if (kase.overdue || new Date(kase.dueAt).getTime() <= now) {
    return (
      <Tag color="red" icon={<ClockCircleOutlined />} data-testid="steward-case-overdue">
        {m.stewards.tasks.overdue}
      </Tag>
    );
  }
  const left = new Date(kase.dueAt).getTime() - now;
  const hours = Math.floor(left / 3_600_000);
  return (
    <Tag color={hours < 4 ? 'orange' : 'blue'} icon={<ClockCircleOutlined />}>
      {hours >= 1
        ? t('stewards.tasks.dueIn', { hours })
        : t('stewards.tasks.dueInMinutes', { minutes: Math.max(1, Math.ceil(left / 60_000)) })}
    </Tag>
  );
}

/** The chain from the first post asked up to the street steward, the post asked now highlighted. */
function Chain({ kase }: { kase: TStewardCase }) {
  const { m } = useLocale();
  return (
    <ol className="steward-case-chain" aria-label={m.stewards.tasks.chain}>
      {kase.chain.map((post, index) => (
        <Fragment key={post.id}>
          {index > 0 ? <RightOutlined className="steward-chain-arrow" aria-hidden /> : null}
          <li className={`steward-chain-step${post.id === kase.post.id ? ' is-current' : ''}`}>
            <StewardLevelTag level={post.level} />
            <span className="steward-chain-name">{post.stewardName}</span>
            {post.id === kase.post.id && kase.state === 'waiting' ? (
              <Typography.Text type="secondary">（{m.stewards.tasks.now}）</Typography.Text>
            ) : null}
          </li>
        </Fragment>
      ))}
    </ol>
  );
}

/** The answer form of a case waiting for the reader. */
function AnswerForm({ kase }: { kase: TStewardCase }) {
  const { t } = useTranslation();
  const { m } = useLocale();
  const { message } = AntApp.useApp();
  const answer = useAnswerStewardCase();
  const [form] = Form.useForm<{ answer: string }>();
  const s = m.stewards.tasks;
  return (
    <Form
      form={form}
      layout="vertical"
      className="steward-answer"
      onFinish={({ answer: text }) =>
        answer.mutate(
          { id: kase.id, answer: text.trim(), version: kase.version },
          {
            onSuccess: () => void message.success(s.answeredOk),
            onError: (error) => void message.error(describeError(error, t)),
          },
        )
      }
    >
      <Form.Item
        name="answer"
        label={s.answer}
        rules={[{ required: true, whitespace: true, min: 2, message: s.answerRequired }]}
      >
        <Input.TextArea
          autoSize={{ minRows: 3, maxRows: 8 }}
          maxLength={WHISTLE_TEXT_MAX}
          placeholder={s.answerPlaceholder}
          data-testid="steward-answer-input"
        />
      </Form.Item>
      <Button
        type="primary"
        htmlType="submit"
        loading={answer.isPending}
        className="steward-answer-submit"
        data-testid="steward-answer-submit"
      >
        {s.submit}
      </Button>
    </Form>
  );
}

/** One case: the appeal's excerpt and place, who is asked and by when, the chain, the answer. */
function CaseCard({ kase }: { kase: TStewardCase }) {
  const { t } = useTranslation();
  const { m, locale } = useLocale();
  const s = m.stewards.tasks;
  return (
    <Card
      className="steward-case"
      data-testid={`steward-case-${kase.appeal.number}`}
      title={
        <span className="steward-node-title">
          <Typography.Text strong>
            {t('stewards.tasks.appeal', { number: kase.appeal.number })}
          </Typography.Text>
          <Tag color={STATE_COLORS[kase.state]} data-testid="steward-case-state">
            {s.states[kase.state]}
          </Tag>
          <DueTag kase={kase} />
        </span>
      }
    >
      <Typography.Paragraph className="steward-case-excerpt">{kase.appeal.excerpt}</Typography.Paragraph>
      <div className="steward-case-facts">
        {kase.appeal.address ? (
          <Typography.Text>
            <EnvironmentOutlined /> {s.address}：{kase.appeal.address}
          </Typography.Text>
        ) : null}
        <Typography.Text type="secondary">
          {s.received}：{formatDateTime(kase.appeal.receivedAt, locale)}
        </Typography.Text>
        <Typography.Text type="secondary">
          {s.askedAs}：{kase.post.name}
        </Typography.Text>
        <Typography.Text type={kase.overdue ? 'danger' : 'secondary'}>
          {s.dueAt}：{formatDateTime(kase.dueAt, locale)}
        </Typography.Text>
      </div>
      <Typography.Text type="secondary">{s.chain}</Typography.Text>
      <Chain kase={kase} />
      {kase.state === 'waiting' ? <AnswerForm kase={kase} /> : null}
      {kase.answer ? (
        <Alert
          type="success"
          showIcon
          title={t('stewards.tasks.answeredAt', { time: formatDateTime(kase.answeredAt, locale) })}
          description={<span className="steward-case-excerpt">{kase.answer}</span>}
          data-testid="steward-case-answer"
        />
      ) : null}
    </Card>
  );
}

/** 我的街巷任务: the appeals now asking the reader's steward posts, each with an answer form. */
export function StewardTasksPage() {
  const { m } = useLocale();
  const s = m.stewards.tasks;
  const [open, setOpen] = useState(true);
  const cases = useStewardCases({ view: 'mine', open });
  const items = cases.data?.items ?? [];
  return (
    <>
      <PageHeader
        title={s.title}
        description={s.description}
        extra={
          <Segmented
            value={open ? 'open' : 'all'}
            onChange={(value) => setOpen(value === 'open')}
            options={[
              { value: 'open', label: s.open },
              { value: 'all', label: s.all },
            ]}
            data-testid="steward-tasks-filter"
          />
        }
      />
      {cases.error ? (
        <LoadError error={cases.error} onRetry={() => void cases.refetch()} />
      ) : cases.isLoading ? (
        <div className="page-spinner">
          <Spin />
        </div>
      ) : items.length === 0 ? (
        <Card className="section-card">
          <Empty description={open ? s.empty : s.emptyAll} data-testid="steward-tasks-empty" />
        </Card>
      ) : (
        <div className="steward-cases" data-testid="steward-cases">
          {items.map((kase) => (
            <CaseCard key={kase.id} kase={kase} />
          ))}
        </div>
      )}
    </>
  );
}
