import { useQuery } from '@tanstack/react-query';
import { useParams } from 'react-router';
import { Result, Spin } from 'antd';
import { EnvironmentOutlined, PhoneOutlined, SafetyCertificateOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { GRID_STAFF_POSITIONS } from '@huizhi/domain';
import { api, isApiError } from '../api';
import { formatNumber } from '../format';
import { formatArea } from '../format-area';
import { useLocale } from '../i18n';
import { BrandMark } from '../components/brand';
import { LoadError } from '../components/feedback';
import { LanguageSwitch } from '../components/language-switch';

/**
 * 网格公示牌: the public card of a grid, for anyone, without signing in. It shows what the grid
 * publishes (staff, phones, duties) and nothing about residents.
 */
export function PublicGridPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const { m, locale } = useLocale();
  const card = useQuery({
    queryKey: ['public', 'grids', id],
    queryFn: ({ signal }) => api.publicGrid(id, signal),
  });

  let body;
  if (card.isLoading) {
    body = <Spin size="large" description={t('common.loading')} className="public-spin" />;
  } else if (card.error) {
    body = isApiError(card.error, 'NOT_FOUND') ? (
      <Result status="404" title={m.publicGrid.notFound} data-testid="public-grid-not-found" />
    ) : (
      <LoadError error={card.error} onRetry={() => void card.refetch()} />
    );
  } else if (card.data) {
    const grid = card.data;
    const staff = [...grid.staff].sort(
      (a, b) => GRID_STAFF_POSITIONS.indexOf(a.position) - GRID_STAFF_POSITIONS.indexOf(b.position),
    );
    const place = [grid.streetName, grid.communityName].filter(Boolean).join(' · ');
    const area = formatArea(grid.areaSquareMeters, locale);
    body = (
      <article className="public-card" data-testid="public-grid-card">
        <header className="public-card-head">
          <div className="public-card-kicker">{m.publicGrid.title}</div>
          <h1 className="public-card-name" data-testid="public-grid-name">
            {grid.name}
          </h1>
          {place ? (
            <div className="public-card-place">
              <EnvironmentOutlined /> {place}
            </div>
          ) : null}
        </header>
        <dl className="public-card-facts">
          <div>
            <dt>{m.publicGrid.street}</dt>
            <dd>{grid.streetName ?? '—'}</dd>
          </div>
          <div>
            <dt>{m.publicGrid.community}</dt>
            <dd>{grid.communityName ?? '—'}</dd>
          </div>
          <div>
            <dt>{m.publicGrid.area}</dt>
            <dd>{area ?? '—'}</dd>
          </div>
          <div>
            <dt>{m.publicGrid.households}</dt>
            <dd>{grid.households === null ? '—' : formatNumber(grid.households, locale)}</dd>
          </div>
        </dl>
        <section className="public-card-section">
          <h2>{m.publicGrid.staff}</h2>
          <ul className="public-staff" data-testid="public-grid-staff">
            {staff.map((person, index) => (
              <li key={`${person.name}-${index}`}>
                <div>
                  <div className="public-staff-name">{person.name}</div>
                  <div className="public-staff-position">{m.positions[person.position]}</div>
                </div>
                {person.phone ? (
                  <a className="public-phone" href={`tel:${person.phone}`}>
                    <PhoneOutlined /> {person.phone}
                  </a>
                ) : null}
              </li>
            ))}
          </ul>
        </section>
        {grid.supervisionPhone ? (
          <section className="public-card-section public-supervision">
            <SafetyCertificateOutlined />
            <span>{m.publicGrid.supervisionPhone}</span>
            <a
              className="public-phone"
              href={`tel:${grid.supervisionPhone}`}
              data-testid="public-grid-supervision"
            >
              {grid.supervisionPhone}
            </a>
          </section>
        ) : null}
        {grid.duties.length > 0 ? (
          <section className="public-card-section">
            <h2>{m.publicGrid.duties}</h2>
            <ol className="duty-list" data-testid="public-grid-duties">
              {grid.duties.map((duty, index) => (
                <li key={index}>{duty}</li>
              ))}
            </ol>
          </section>
        ) : null}
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
      <footer className="public-footer">{m.publicGrid.footer}</footer>
    </div>
  );
}
