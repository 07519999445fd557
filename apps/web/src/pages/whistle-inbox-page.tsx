import { useMemo } from 'react';
import { Link, useSearchParams } from 'react-router';
import {
  Alert,
  App as AntApp,
  Badge,
  Button,
  Card,
  Empty,
  Form,
  Input,
  Segmented,
  Spin,
  Typography,
} from 'antd';
import { CheckOutlined, RightOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { NAME_MAX, PHONE_MAX, PHONE_PATTERN } from '@huizhi/contracts';
import { useCurrentUser } from '../auth';
import { describeError, fieldIssues } from '../errors';
import { formatDateTime } from '../format';
import { useLocale } from '../i18n';
import { useWhistleAction, useWhistlePages, type WhistleListItem } from '../whistles-api';
import { LoadError } from '../components/feedback';
import { PageHeader } from '../components/page-header';
import { DeadlineCountdown, useNow } from '../components/appeal-labels';
import {
  SummonsRoleTag,
  SummonsStatusTag,
  summonsStatus,
  WhistleStateTag,
  WhistleUrgencyTag,
} from '../components/whistle-labels';
import './whistles.css';

const PAGE_SIZE = 50;
type Tab = 'due' | 'open' | 'all';
const TABS: readonly Tab[] = ['due', 'open', 'all'];

/** True when the reader's unit still has to check in on this whistle. */
function needsCheckIn(item: WhistleListItem): boolean {
  const mine = item.mySummons;
  return (
    mine !== null &&
    mine.checkedInAt === null &&
    mine.state !== 'withdrawn' &&
    item.state !== 'closed' &&
    item.state !== 'cancelled'
  );
}

interface CheckInValues {
  responsibleName?: string;
  responsiblePhone?: string;
}

/** The quick check-in: the person responsible and a phone number, then 报到. */
function QuickCheckIn({ item }: { item: WhistleListItem }) {
  const { t } = useTranslation();
  const { m } = useLocale();
  const i = m.whistles.inbox;
  const me = useCurrentUser();
  const { message } = AntApp.useApp();
  const [form] = Form.useForm<CheckInValues>();
  const act = useWhistleAction();

  const submit = async (values: CheckInValues) => {
    if (!item.mySummons) return;
    try {
      await act.mutateAsync({
        id: item.id,
        action: 'checkIn',
        body: {
          summonsId: item.mySummons.id,
          responsibleName: values.responsibleName?.trim(),
          responsiblePhone: values.responsiblePhone?.trim(),
        },
      });
      void message.success(t('whistles.inbox.checkedInDone', { number: item.number }));
    } catch (error) {
      const issues = fieldIssues(error);
      form.setFields(
        issues.flatMap((issue) => {
          const name = issue.path.find((part) => typeof part === 'string' && part !== 'body');
          return name === 'responsibleName' || name === 'responsiblePhone'
            ? [{ name, errors: [issue.message] }]
            : [];
        }),
      );
      void message.error(t('whistles.form.failed', { message: describeError(error, t) }));
    }
  };

  return (
    <Form<CheckInValues>
      form={form}
      className="quick-check-in"
      data-testid="quick-check-in"
      initialValues={{ responsibleName: me.user.displayName }}
      onFinish={(values) => void submit(values)}
    >
      <Form.Item
        name="responsibleName"
        rules={[{ required: true, whitespace: true, message: m.whistles.form.required }]}
      >
        <Input
          data-testid="check-in-name"
          aria-label={i.responsibleName}
          placeholder={i.responsibleName}
          maxLength={NAME_MAX}
        />
      </Form.Item>
      <Form.Item
        name="responsiblePhone"
        rules={[
          { required: true, message: m.whistles.form.required },
          { pattern: PHONE_PATTERN, message: m.whistles.form.phoneInvalid },
        ]}
      >
        <Input
          data-testid="check-in-phone"
          aria-label={i.responsiblePhone}
          placeholder={i.responsiblePhone}
          maxLength={PHONE_MAX}
          inputMode="tel"
        />
      </Form.Item>
      <Form.Item>
        <Button
          type="primary"
          htmlType="submit"
          icon={<CheckOutlined />}
          loading={act.isPending}
          data-testid="check-in-submit"
        >
          {i.checkIn}
        </Button>
      </Form.Item>
    </Form>
  );
}

/** One summons to the reader's unit: the matter, our role and status, the deadline, the quick check-in. */
function InboxItem({ item, now }: { item: WhistleListItem; now: number }) {
  const { t } = useTranslation();
  const { m, locale } = useLocale();
  const i = m.whistles.inbox;
  const mine = item.mySummons;
  const status = mine ? summonsStatus(mine, now) : null;
  const isOpen = item.state !== 'closed' && item.state !== 'cancelled';
  const owesPart = mine?.role === 'assisting' && mine.state === 'checkedIn' && isOpen;
  return (
    <Card
      size="small"
      className={`inbox-item${status === 'overdue' && isOpen ? ' inbox-item-overdue' : ''}`}
      data-testid="inbox-item"
      data-number={item.number}
      data-status={status ?? ''}
    >
      <div className="whistle-card-head">
        <Link to={`/whistles/${item.id}`} className="mono whistle-number" data-testid="whistle-number">
          {item.number}
        </Link>
        <span className="whistle-card-tags">
          <WhistleStateTag state={item.state} />
          <WhistleUrgencyTag urgency={item.urgency} />
          {mine ? <SummonsRoleTag role={mine.role} /> : null}
          {mine ? <SummonsStatusTag summons={mine} now={now} /> : null}
        </span>
      </div>
      <Typography.Paragraph strong className="whistle-card-title">
        {item.title}
      </Typography.Paragraph>
      <div className="whistle-card-meta muted">
        <span>{item.territory.name}</span>
        <span>{t('whistles.board.lead', { name: item.leadUnit.name })}</span>
        <span>{formatDateTime(item.createdAt, locale)}</span>
      </div>
      {mine && needsCheckIn(item) ? (
        <>
          <div className="whistle-card-deadline" data-testid="inbox-deadline">
            <span className="muted">{m.whistles.board.checkInBy}</span>{' '}
            <DeadlineCountdown dueAt={mine.checkInDueAt} overdue={mine.overdue} dueSoon={false} />
          </div>
          <QuickCheckIn item={item} />
        </>
      ) : mine?.checkedInAt ? (
        <div className="inbox-checked-in" data-testid="inbox-checked-in">
          {t('whistles.inbox.checkedInAt', { time: formatDateTime(mine.checkedInAt, locale) })}
          {mine.responsibleName
            ? ` · ${t('whistles.inbox.responsible', { name: mine.responsibleName, phone: mine.responsiblePhone ?? '' })}`
            : ''}
        </div>
      ) : mine?.state === 'withdrawn' ? (
        <div className="muted">{i.withdrawn}</div>
      ) : null}
      {owesPart ? (
        <Alert
          type="info"
          showIcon
          className="inbox-part-due"
          title={i.partDue}
          data-testid="inbox-part-due"
        />
      ) : null}
      <div className="inbox-item-foot">
        <Link to={`/whistles/${item.id}`} data-testid="inbox-open">
          {i.openWhistle} <RightOutlined />
        </Link>
      </div>
    </Card>
  );
}

/**
 * The department inbox (报到任务): the whistles summoning the reader's unit, those still to check in
 * first (overdue, then the nearest deadline), each with a quick check-in (responsible person and
 * phone); the rest of the open ones, and all of them.
 */
export function WhistleInboxPage() {
  const { m } = useLocale();
  const i = m.whistles.inbox;
  const [searchParams, setSearchParams] = useSearchParams();
  const asked = searchParams.get('tab');
  const tab: Tab = TABS.find((key) => key === asked) ?? 'due';
  const now = useNow();
  const openList = useWhistlePages({ view: 'inbox', open: true, limit: PAGE_SIZE });
  const allList = useWhistlePages(
    { view: 'inbox', open: false, limit: PAGE_SIZE },
    { enabled: tab === 'all' },
  );
  const list = tab === 'all' ? allList : openList;
  const openRows = useMemo(() => openList.data?.pages.flatMap((page) => page.items) ?? [], [openList.data]);
  const due = useMemo(
    () =>
      openRows
        .filter(needsCheckIn)
        .sort((x, y) => x.mySummons!.checkInDueAt.localeCompare(y.mySummons!.checkInDueAt)),
    [openRows],
  );
  const rows = useMemo(() => {
    if (tab === 'due') return due;
    const items = list.data?.pages.flatMap((page) => page.items) ?? [];
    // Those still to check in come first; the rest keep the server's order (newest first).
    return [...items.filter(needsCheckIn), ...items.filter((item) => !needsCheckIn(item))];
  }, [tab, due, list.data]);

  return (
    <div className="whistle-inbox-page" data-testid="whistle-inbox-page">
      <PageHeader title={m.nav.whistleInbox} description={i.description} />
      <div className="toolbar">
        <Segmented<Tab>
          className="inbox-tabs"
          data-testid="inbox-tabs"
          value={tab}
          onChange={(value) => setSearchParams(value === 'due' ? {} : { tab: value }, { replace: true })}
          options={TABS.map((key) => ({
            value: key,
            label: (
              <span data-testid={`inbox-tab-${key}`}>
                {i[key]}
                {key === 'due' ? (
                  <Badge
                    count={due.length}
                    showZero
                    color={due.length > 0 ? '#cf1322' : '#bfbfbf'}
                    className="queue-count"
                    data-testid="inbox-due-count"
                  />
                ) : null}
              </span>
            ),
          }))}
        />
      </div>
      {list.error && !list.data ? (
        <LoadError error={list.error} onRetry={() => void list.refetch()} />
      ) : list.isLoading ? (
        <Spin className="map-spin" />
      ) : rows.length === 0 ? (
        <Card className="section-card">
          <Empty description={i.empty} data-testid="inbox-empty" />
        </Card>
      ) : (
        <div className="inbox-list" data-testid="inbox-list">
          {rows.map((row) => (
            <InboxItem key={row.id} item={row} now={now} />
          ))}
        </div>
      )}
      {tab !== 'due' && list.hasNextPage ? (
        <div className="load-more">
          <Button loading={list.isFetchingNextPage} onClick={() => void list.fetchNextPage()}>
            {m.whistles.board.loadMore}
          </Button>
        </div>
      ) : null}
    </div>
  );
}
