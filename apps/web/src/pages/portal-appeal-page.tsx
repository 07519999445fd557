import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate, useParams } from 'react-router';
import { Alert, App as AntApp, Button, Image, Result, Spin } from 'antd';
import { LeftOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { Satisfaction } from '@huizhi/domain';
import type { TAppealDetail, TAppealEvent } from '@huizhi/contracts';
import { isApiError } from '../api';
import { describeError } from '../errors';
import { useLocale } from '../i18n';
import type { Messages } from '../i18n/zh-CN';
import { portalApi } from '../portal-api';
import { LoadError } from '../components/feedback';
import { MY_APPEALS_QUERY_KEY } from './portal-page';
import {
  formatShortDateTime,
  ProgressSteps,
  ReviewForm,
  StatusTag,
  type ReviewAnswers,
} from './portal-parts';

type EventKey = keyof Messages['portal']['events'];

function eventTitle(m: Messages, type: string): string {
  // Intake is recorded under a few names (live intake, the operator's form, an import).
  const key = ['create', 'created', 'receive', 'received', 'intake'].includes(type) ? 'create' : type;
  return Object.hasOwn(m.portal.events, key) ? m.portal.events[key as EventKey] : m.portal.events.other;
}

/** The answers of the latest review event, when the data carries them. */
function lastReview(
  events: readonly TAppealEvent[],
): { resolved: boolean; satisfaction: Satisfaction } | null {
  for (const event of [...events].reverse()) {
    if (event.type !== 'review') continue;
    const { resolved, satisfaction } = event.data as { resolved?: unknown; satisfaction?: unknown };
    if (typeof resolved === 'boolean' && typeof satisfaction === 'string') {
      return { resolved, satisfaction: satisfaction as Satisfaction };
    }
  }
  return null;
}

/** One appeal as its appellant sees it: the plain status, the public timeline, the reply and the rating. */
export function PortalAppealPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const { m, locale } = useLocale();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { message } = AntApp.useApp();
  const appeal = useQuery({
    queryKey: ['portal', 'appeal', id],
    queryFn: ({ signal }) => portalApi.appeal(id, signal),
  });

  const review = useMutation({
    mutationFn: (answers: ReviewAnswers) =>
      portalApi.reviewAppeal(id, {
        version: appeal.data?.version,
        contacted: answers.contacted ?? false,
        resolved: answers.resolved,
        satisfaction: answers.satisfaction,
        ...(answers.comment ? { comment: answers.comment } : {}),
        method: 'portal',
      }),
    onSuccess: async (updated) => {
      queryClient.setQueryData(['portal', 'appeal', id], updated);
      void message.success(
        updated.appellantStatus === 'closed' ? m.portal.reviewThanks : m.portal.reviewReopened,
      );
      await queryClient.invalidateQueries({ queryKey: ['portal', 'appeal', id] });
      await queryClient.invalidateQueries({ queryKey: MY_APPEALS_QUERY_KEY });
    },
  });

  const back = (
    <Button
      type="link"
      icon={<LeftOutlined />}
      className="portal-back"
      onClick={() => void navigate('/portal')}
    >
      {m.portal.backToList}
    </Button>
  );

  if (appeal.isLoading) {
    return (
      <div className="portal">
        {back}
        <Spin className="public-spin" description={t('common.loading')} />
      </div>
    );
  }
  if (appeal.error || !appeal.data) {
    return (
      <div className="portal">
        {back}
        {isApiError(appeal.error, 'NOT_FOUND') ? (
          <Result status="404" title={m.errors.NOT_FOUND} data-testid="portal-appeal-not-found" />
        ) : (
          <LoadError error={appeal.error} onRetry={() => void appeal.refetch()} />
        )}
      </div>
    );
  }
  const detail: TAppealDetail = appeal.data;
  const events = detail.events.filter((event) => !event.internal);
  const canReview = detail.allowedActions.includes('review');
  const rated = lastReview(detail.events);
  const images = detail.attachments.filter((a) => a.kind === 'image' && a.purpose === 'intake');

  return (
    <div className="portal" data-testid="portal-appeal">
      {back}
      <section className="portal-section">
        <div className="portal-detail-head">
          <StatusTag status={detail.appellantStatus} />
          <span>{m.portal.types[detail.type]}</span>
        </div>
        <div className="portal-detail-number">{t('portal.number', { number: detail.number })}</div>
        <ProgressSteps status={detail.appellantStatus} />
        <dl className="portal-facts">
          <dt>{m.portal.submittedAt}</dt>
          <dd>{formatShortDateTime(detail.receivedAt, locale)}</dd>
          {detail.categoryName ? (
            <>
              <dt>{m.portal.categoryLabel}</dt>
              <dd>{detail.categoryName}</dd>
            </>
          ) : null}
          {detail.address ? (
            <>
              <dt>{m.portal.addressLabel}</dt>
              <dd>{detail.address}</dd>
            </>
          ) : null}
          {detail.handlingUnit ? (
            <>
              <dt>{m.portal.handlingUnit}</dt>
              <dd data-testid="portal-handling-unit">{detail.handlingUnit.name}</dd>
            </>
          ) : null}
        </dl>
      </section>

      <section className="portal-section" data-testid="portal-reply-section">
        <h2>{m.portal.reply}</h2>
        {detail.reply ? (
          <>
            <p className="portal-reply" data-testid="portal-reply">
              {detail.reply}
            </p>
            {detail.repliedAt ? (
              <div className="portal-timeline-time">
                {t('portal.repliedAt', { time: formatShortDateTime(detail.repliedAt, locale) })}
              </div>
            ) : null}
          </>
        ) : (
          <p className="portal-intro">{m.portal.noReply}</p>
        )}
        {rated && detail.appellantStatus === 'closed' ? (
          <Alert
            type="success"
            showIcon
            className="portal-rated"
            data-testid="portal-rated"
            title={t('portal.yourReview', {
              resolved: rated.resolved ? m.portal.resolvedYes : m.portal.resolvedNo,
              satisfaction: m.portal.satisfactions[rated.satisfaction],
            })}
          />
        ) : null}
        {detail.closedAt ? (
          <div className="portal-timeline-time">
            {t('portal.closedAt', { time: formatShortDateTime(detail.closedAt, locale) })}
          </div>
        ) : null}
      </section>

      {canReview ? (
        <section className="portal-section" data-testid="portal-rate">
          <h2>{m.portal.rate}</h2>
          <p className="portal-intro">{m.portal.rateIntro}</p>
          {review.error ? (
            <Alert type="error" showIcon title={describeError(review.error, t)} className="section-card" />
          ) : null}
          <ReviewForm
            askContacted
            submitting={review.isPending}
            onSubmit={(answers) => review.mutate(answers)}
          />
        </section>
      ) : null}

      <section className="portal-section">
        <h2>{m.portal.contentLabel}</h2>
        <p className="portal-content" data-testid="portal-content-text">
          {detail.content}
        </p>
        {images.length > 0 ? (
          <div className="portal-photos" style={{ marginTop: 12 }}>
            <Image.PreviewGroup>
              {images.map((image) => (
                <div className="portal-photo" key={image.id}>
                  <Image src={image.url} alt={image.fileName} width={88} height={88} />
                </div>
              ))}
            </Image.PreviewGroup>
          </div>
        ) : null}
      </section>

      <section className="portal-section">
        <h2>{m.portal.timeline}</h2>
        <ol className="portal-timeline" data-testid="portal-timeline">
          {[...events].reverse().map((event) => (
            <li key={event.seq} data-type={event.type}>
              <div className="portal-timeline-title">{eventTitle(m, event.type)}</div>
              <div className="portal-timeline-time">
                {formatShortDateTime(event.at, locale)}
                {event.unit ? ` · ${event.unit.name}` : ''}
              </div>
            </li>
          ))}
        </ol>
      </section>
    </div>
  );
}
