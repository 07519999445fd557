import { useQuery } from '@tanstack/react-query';
import { Link, useNavigate } from 'react-router';
import { Button, Empty, Spin } from 'antd';
import { EditOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useLocale } from '../i18n';
import { portalApi } from '../portal-api';
import { LoadError } from '../components/feedback';
import { formatShortDateTime, ProgressSteps, StatusTag } from './portal-parts';

export const MY_APPEALS_QUERY_KEY = ['portal', 'appeals'] as const;

/** 我的诉求: a resident's own appeals as cards with the status in plain words, and "我要反映". */
export function PortalPage() {
  const { t } = useTranslation();
  const { m, locale } = useLocale();
  const navigate = useNavigate();
  const appeals = useQuery({
    queryKey: MY_APPEALS_QUERY_KEY,
    queryFn: ({ signal }) => portalApi.myAppeals(signal),
  });

  let body;
  if (appeals.isLoading) {
    body = <Spin className="public-spin" description={t('common.loading')} />;
  } else if (appeals.error) {
    body = <LoadError error={appeals.error} onRetry={() => void appeals.refetch()} />;
  } else if (appeals.data && appeals.data.items.length === 0) {
    body = <Empty className="portal-empty" description={m.portal.empty} data-testid="portal-empty" />;
  } else if (appeals.data) {
    body = (
      <ul className="portal-list" data-testid="portal-list">
        {appeals.data.items.map((appeal) => (
          <li key={appeal.id}>
            <Link
              to={`/portal/appeals/${appeal.id}`}
              className="portal-card"
              data-testid="portal-appeal-card"
              data-number={appeal.number}
            >
              <div className="portal-card-top">
                <StatusTag status={appeal.appellantStatus} />
                <span>{m.portal.types[appeal.type]}</span>
                <span className="portal-card-date">
                  {t('portal.submittedOn', { time: formatShortDateTime(appeal.receivedAt, locale) })}
                </span>
              </div>
              <div className="portal-card-excerpt">{appeal.excerpt}</div>
              <div className="portal-card-meta">
                {[appeal.categoryName, t('portal.number', { number: appeal.number })]
                  .filter(Boolean)
                  .join(' · ')}
              </div>
              <ProgressSteps status={appeal.appellantStatus} />
            </Link>
          </li>
        ))}
      </ul>
    );
  }

  return (
    <div className="portal">
      <div className="portal-head">
        <div>
          <h1 data-testid="page-title">{m.portal.title}</h1>
          <p className="portal-intro">{m.portal.intro}</p>
        </div>
        <Button
          type="primary"
          size="large"
          block
          icon={<EditOutlined />}
          className="portal-new-button"
          data-testid="portal-new"
          onClick={() => void navigate('/portal/new')}
        >
          {m.portal.newAppeal}
        </Button>
      </div>
      {body}
    </div>
  );
}
