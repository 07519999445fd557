import { useMemo, useState } from 'react';
import { Link } from 'react-router';
import { Button, Card, List, Typography } from 'antd';
import { SoundOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { TAppealDetail } from '@huizhi/contracts';
import { useCurrentUser } from '../auth';
import { describeError } from '../errors';
import { formatDateTime } from '../format';
import { useLocale } from '../i18n';
import { useWhistleList, type WhistleListItem } from '../whistles-api';
import { BlowWhistleForm } from './blow-whistle-form';
import { WhistleStateTag, WhistleUrgencyTag } from './whistle-labels';

/** Appeals in these states are over: no whistle is blown on them. */
const FINAL_APPEAL_STATES: ReadonlySet<string> = new Set(['closed', 'merged']);

/** The 吹哨 button of an appeal, for holders of whistle.blow: opens the blow form prefilled from it. */
export function AppealBlowButton({ appeal }: { appeal: TAppealDetail }) {
  const me = useCurrentUser();
  const { m } = useLocale();
  const [open, setOpen] = useState(false);
  if (!me.permissions.includes('whistle.blow') || FINAL_APPEAL_STATES.has(appeal.state)) return null;
  return (
    <>
      <Button icon={<SoundOutlined />} onClick={() => setOpen(true)} data-testid="appeal-blow-whistle">
        {m.whistles.appeal.blow}
      </Button>
      <BlowWhistleForm open={open} onClose={() => setOpen(false)} appeal={appeal} />
    </>
  );
}

/** The whistles blown on an appeal (for readers of whistles), each linking to its matter page. */
export function AppealWhistlesCard({ appeal }: { appeal: TAppealDetail }) {
  const me = useCurrentUser();
  const { t } = useTranslation();
  const { m, locale } = useLocale();
  const canRead = me.permissions.includes('whistle.read');
  const canOpen = me.nav.includes('whistleBoard') || me.nav.includes('whistleInbox');
  // The board holds whistles of one's area (or blown by one's office); a department's people read the
  // appeal's whistles that summon their unit through the inbox view.
  const hasUnitScope = me.assignments.some((assignment) => assignment.scope.kind === 'unit');
  const board = useWhistleList({ view: 'board', open: false, appealId: appeal.id }, { enabled: canRead });
  const inbox = useWhistleList(
    { view: 'inbox', open: false, appealId: appeal.id },
    { enabled: canRead && hasUnitScope },
  );
  const items = useMemo(() => {
    const byId = new Map<string, WhistleListItem>();
    for (const item of [...(board.data?.items ?? []), ...(inbox.data?.items ?? [])]) byId.set(item.id, item);
    return [...byId.values()].sort((x, y) => y.createdAt.localeCompare(x.createdAt));
  }, [board.data, inbox.data]);
  if (!canRead) return null;
  const error = board.error ?? inbox.error;
  return (
    <Card className="section-card" size="small" title={m.whistles.appeal.card} data-testid="appeal-whistles">
      {error ? (
        <Typography.Text type="warning">{describeError(error, t)}</Typography.Text>
      ) : (
        <List<WhistleListItem>
          size="small"
          loading={board.isLoading || (hasUnitScope && inbox.isLoading)}
          locale={{ emptyText: m.whistles.appeal.empty }}
          dataSource={items}
          renderItem={(item) => (
            <List.Item data-testid="appeal-whistle" data-number={item.number}>
              <div className="similar-appeal">
                {canOpen ? (
                  <Link to={`/whistles/${item.id}`} className="mono">
                    {item.number}
                  </Link>
                ) : (
                  <span className="mono">{item.number}</span>
                )}{' '}
                <WhistleStateTag state={item.state} />
                <WhistleUrgencyTag urgency={item.urgency} />
                <div>{item.title}</div>
                <div className="muted">
                  {t('whistles.board.lead', { name: item.leadUnit.name })}
                  {' · '}
                  {t('whistles.counts.checkedIn', { count: item.checkedIn })}/{item.summoned}
                  {item.late > 0 ? ` · ${t('whistles.counts.late', { count: item.late })}` : ''}
                  {item.missing > 0 ? ` · ${t('whistles.counts.missing', { count: item.missing })}` : ''}
                  {' · '}
                  {formatDateTime(item.createdAt, locale)}
                </div>
              </div>
            </List.Item>
          )}
        />
      )}
    </Card>
  );
}
