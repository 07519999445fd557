import { lazy, Suspense, type ReactNode } from 'react';
import { BrowserRouter, Route, Routes } from 'react-router';
import { App as AntApp, ConfigProvider, Spin, theme } from 'antd';
import zhCN from 'antd/locale/zh_CN';
import enUS from 'antd/locale/en_US';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import type { NavKey } from '@huizhi/domain';
import { ApiError } from './api';
import { UnauthorizedRedirect } from './auth';
import { useLocale } from './i18n';
import { RequireAuth, RequireNav } from './components/guards';
import { AppLayout } from './layout/app-layout';
import { LoginPage } from './pages/login-page';
import { HomePage } from './pages/home-page';
import { UnitsPage } from './pages/units-page';
import { UsersPage } from './pages/users-page';
import { AuditPage } from './pages/audit-page';
import { AccountPage } from './pages/account-page';
import { NotFoundPage } from './pages/status-pages';

// Pages loaded on demand: the map brings echarts, which no other page needs.
const TerritoriesPage = lazy(() =>
  import('./pages/territories-page').then((module) => ({ default: module.TerritoriesPage })),
);
const GridPage = lazy(() => import('./pages/grid-page').then((module) => ({ default: module.GridPage })));
const PublicGridPage = lazy(() =>
  import('./pages/public-grid-page').then((module) => ({ default: module.PublicGridPage })),
);
const TerritoryImportPage = lazy(() =>
  import('./pages/territory-import-page').then((module) => ({ default: module.TerritoryImportPage })),
);
const CalendarPage = lazy(() =>
  import('./pages/calendar-page').then((module) => ({ default: module.CalendarPage })),
);
// The staff pages of appeals (接诉即办): queues, one appeal, the operator's intake form.
const AppealsPage = lazy(() =>
  import('./pages/appeals-page').then((module) => ({ default: module.AppealsPage })),
);
const AppealPage = lazy(() =>
  import('./pages/appeal-page').then((module) => ({ default: module.AppealPage })),
);
const IntakePage = lazy(() =>
  import('./pages/intake-page').then((module) => ({ default: module.IntakePage })),
);

// The resident portal, the patrol report, the review link and their admin pages (one chunk each).
const PortalPage = lazy(() =>
  import('./pages/portal-page').then((module) => ({ default: module.PortalPage })),
);
const PortalNewPage = lazy(() =>
  import('./pages/portal-new-page').then((module) => ({ default: module.PortalNewPage })),
);
const PortalAppealPage = lazy(() =>
  import('./pages/portal-appeal-page').then((module) => ({ default: module.PortalAppealPage })),
);
const ReviewLinkPage = lazy(() =>
  import('./pages/review-link-page').then((module) => ({ default: module.ReviewLinkPage })),
);
const AppealImportPage = lazy(() =>
  import('./pages/appeal-import-page').then((module) => ({ default: module.AppealImportPage })),
);
const CategoriesPage = lazy(() =>
  import('./pages/categories-page').then((module) => ({ default: module.CategoriesPage })),
);
// 院长长制: the street's steward roll, and the tasks of a person named steward.
const StewardsPage = lazy(() =>
  import('./pages/stewards-page').then((module) => ({ default: module.StewardsPage })),
);
const StewardTasksPage = lazy(() =>
  import('./pages/steward-tasks-page').then((module) => ({ default: module.StewardTasksPage })),
);
// 吹哨报到: the street's board, the department's inbox, one whistle.
const WhistleBoardPage = lazy(() =>
  import('./pages/whistle-board-page').then((module) => ({ default: module.WhistleBoardPage })),
);
const WhistleInboxPage = lazy(() =>
  import('./pages/whistle-inbox-page').then((module) => ({ default: module.WhistleInboxPage })),
);
const WhistlePage = lazy(() =>
  import('./pages/whistle-page').then((module) => ({ default: module.WhistlePage })),
);

function PageSpinner() {
  return (
    <div className="page-spinner" aria-busy="true">
      <Spin />
    </div>
  );
}

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // Client errors (4xx) will not change on retry; network and server errors may.
      retry: (failureCount, error) =>
        failureCount < 2 && !(error instanceof ApiError && error.status >= 400 && error.status < 500),
      refetchOnWindowFocus: false,
      staleTime: 30_000,
    },
  },
});

const FONT_FAMILY = [
  '-apple-system',
  'BlinkMacSystemFont',
  '"Segoe UI"',
  '"PingFang SC"',
  '"Hiragino Sans GB"',
  '"Microsoft YaHei"',
  '"Noto Sans CJK SC"',
  '"WenQuanYi Micro Hei"',
  'Roboto',
  '"Helvetica Neue"',
  'Arial',
  'sans-serif',
].join(', ');

/** A page behind its navigation entry; with several keys, any one of them opens it. */
function page(navKey: NavKey | readonly NavKey[], element: ReactNode) {
  return (
    <RequireNav navKey={navKey}>
      <Suspense fallback={<PageSpinner />}>{element}</Suspense>
    </RequireNav>
  );
}

/** Providers (antd locale and theme, queries, router) and the routes. */
export function App() {
  const { locale } = useLocale();
  return (
    <ConfigProvider
      locale={locale === 'zh-CN' ? zhCN : enUS}
      button={{ autoInsertSpace: false }}
      theme={{
        algorithm: theme.defaultAlgorithm,
        token: { colorPrimary: '#1d4e9e', borderRadius: 6, fontFamily: FONT_FAMILY },
        components: {
          Layout: { headerBg: '#0f2b5b', headerHeight: 56, headerPadding: '0 16px', siderBg: '#ffffff' },
        },
      }}
    >
      <AntApp>
        <QueryClientProvider client={queryClient}>
          <BrowserRouter>
            <UnauthorizedRedirect />
            <Routes>
              <Route path="/login" element={<LoginPage />} />
              {/* The grid's public card (网格公示牌) is for everyone: outside the sign-in guard. */}
              <Route
                path="/public/grids/:id"
                element={
                  <Suspense fallback={<PageSpinner />}>
                    <PublicGridPage />
                  </Suspense>
                }
              />
              {/* The appellant's review link (回访) works without signing in. */}
              <Route
                path="/review/:token"
                element={
                  <Suspense fallback={<PageSpinner />}>
                    <ReviewLinkPage />
                  </Suspense>
                }
              />
              <Route
                element={
                  <RequireAuth>
                    <AppLayout />
                  </RequireAuth>
                }
              >
                <Route index element={page('home', <HomePage />)} />
                <Route path="appeals" element={page('appeals', <AppealsPage />)} />
                <Route path="appeals/:id" element={page('appeals', <AppealPage />)} />
                <Route path="intake" element={page('appealIntake', <IntakePage />)} />
                <Route path="whistles" element={page('whistleBoard', <WhistleBoardPage />)} />
                {/* The whistler comes from the board, a summoned department from its inbox. */}
                <Route
                  path="whistles/:id"
                  element={page(['whistleBoard', 'whistleInbox'], <WhistlePage />)}
                />
                <Route path="whistle-inbox" element={page('whistleInbox', <WhistleInboxPage />)} />
                <Route path="territories" element={page('territories', <TerritoriesPage />)} />
                <Route path="grids/:id" element={page('territories', <GridPage />)} />
                <Route path="territory-import" element={page('territoryImport', <TerritoryImportPage />)} />
                <Route path="units" element={page('units', <UnitsPage />)} />
                <Route path="calendar" element={page('calendar', <CalendarPage />)} />
                <Route path="portal" element={page('myAppeals', <PortalPage />)} />
                <Route path="portal/new" element={page('myAppeals', <PortalNewPage />)} />
                <Route path="portal/appeals/:id" element={page('myAppeals', <PortalAppealPage />)} />
                <Route path="patrol/new" element={page('appealIntake', <PortalNewPage mode="patrol" />)} />
                <Route path="appeal-imports" element={page('appealImport', <AppealImportPage />)} />
                <Route path="categories" element={page('categories', <CategoriesPage />)} />
                <Route path="stewards" element={page('stewards', <StewardsPage />)} />
                <Route path="steward-tasks" element={page('stewardTasks', <StewardTasksPage />)} />
                <Route path="users" element={page('users', <UsersPage />)} />
                <Route path="audit" element={page('audit', <AuditPage />)} />
                <Route path="account" element={page('account', <AccountPage />)} />
                <Route path="*" element={<NotFoundPage />} />
              </Route>
            </Routes>
          </BrowserRouter>
        </QueryClientProvider>
      </AntApp>
    </ConfigProvider>
  );
}
