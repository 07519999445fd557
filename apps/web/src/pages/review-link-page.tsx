import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useParams } from 'react-router';
import { Alert, Result, Spin } from 'antd';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../api';
import { describeError } from '../errors';
import { useLocale } from '../i18n';
import { portalApi } from '../portal-api';
import { BrandMark } from '../components/brand';
import { LoadError } from '../components/feedback';
import { LanguageSwitch } from '../components/language-switch';
import { formatShortDateTime, ReviewForm, StatusTag, type ReviewAnswers } from './portal-parts';

/**
 * 回访 by link: the appellant opens the link of the message they got when the appeal was answered,
 * reads the reply and rates it, without signing in. The page shows nothing personal.
 */
export function ReviewLinkPage() {
  const { token = '' } = useParams();
  const { t } = useTranslation();
  const { m, locale } = useLocale();
  const queryClient = useQueryClient();
  const review = useQuery({
    queryKey: ['public', 'review', token],
    queryFn: ({ signal }) => portalApi.publicReview(token, signal),
    retry: false,
  });
  const submit = useMutation({
    mutationFn: (answers: ReviewAnswers) =>
      portalApi.submitPublicReview(token, {
        resolved: answers.resolved,
        satisfaction: answers.satisfaction,
        ...(answers.comment ? { comment: answers.comment } : {}),
      }),
    onSuccess: (answer) => {
      queryClient.setQueryData(['public', 'review', token], answer);
    },
  });

  let body;
  if (review.isLoading) {
    body = <Spin size="large" description={t('common.loading')} className="public-spin" />;
  } else if (review.error) {
    const invalid = isApiError(review.error, 'NOT_FOUND') || isApiError(review.error, 'VALIDATION_FAILED');
    body = invalid ? (
      <div className="review-link-card">
        <Result
          status="404"
          title={m.portal.reviewLinkInvalid}
          subTitle={m.portal.reviewLinkInvalidHelp}
          data-testid="review-link-invalid"
        />
      </div>
    ) : (
      <div className="review-link-card">
        <LoadError error={review.error} onRetry={() => void review.refetch()} />
      </div>
    );
  } else if (review.data) {
    const data = review.data;
    body = (
      <article className="review-link-card" data-testid="review-link">
        <h1>{m.portal.reviewLinkTitle}</h1>
        <div className="portal-detail-head">
          <StatusTag status={data.appellantStatus} />
          <span className="portal-detail-number">{t('portal.number', { number: data.number })}</span>
        </div>
        <section className="portal-section" style={{ marginTop: 12 }}>
          <h2>{m.portal.contentLabel}</h2>
          <p className="portal-content">{data.excerpt}</p>
        </section>
        <section className="portal-section">
          <h2>{m.portal.reply}</h2>
          {data.reply ? (
            <>
              <p className="portal-reply" data-testid="review-link-reply">
                {data.reply}
              </p>
              {data.repliedAt ? (
                <div className="portal-timeline-time">
                  {t('portal.repliedAt', { time: formatShortDateTime(data.repliedAt, locale) })}
                </div>
              ) : null}
            </>
          ) : (
            <p className="portal-intro">{m.portal.noReply}</p>
          )}
        </section>
        {submit.isSuccess ? (
          <Result
            status="success"
            className="portal-result"
            title={data.appellantStatus === 'closed' ? m.portal.reviewThanks : m.portal.reviewReopened}
            data-testid="review-link-thanks"
          />
        ) : data.open ? (
          <section className="portal-section" data-testid="review-link-form">
            <h2>{m.portal.rate}</h2>
            <p className="portal-intro">{m.portal.reviewLinkIntro}</p>
            {submit.error ? (
              <Alert type="error" showIcon title={describeError(submit.error, t)} className="section-card" />
            ) : null}
            <ReviewForm
              askContacted={false}
              submitting={submit.isPending}
              onSubmit={(answers) => submit.mutate(answers)}
            />
          </section>
        ) : (
          <Alert type="info" showIcon title={m.portal.reviewLinkDone} data-testid="review-link-done" />
        )}
      </article>
    );
  }

  return (
    <div className="public-page">
      <div className="public-topbar">
        <span className="public-brand">
          <BrandMark size={26} />
          {m.app.name}
        </span>
        <LanguageSwitch size="small" />
      </div>
      <main className="public-main">{body}</main>
      <footer className="public-footer">{m.portal.reviewLinkFooter}</footer>
    </div>
  );
}
