import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import type { NavKey } from '@huizhi/domain';
import { useMe } from '../auth';
import { FullPageSpinner, LoadError } from './feedback';
import { NoPermission } from '../pages/status-pages';

/** Renders its children only for a signed-in person; sends everyone else to the login page. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const { me, isLoading, error } = useMe();
  const location = useLocation();
  if (isLoading) return <FullPageSpinner />;
  if (error && me === undefined) return <LoadError error={error} fullPage />;
  if (!me) return <Navigate to="/login" replace state={{ from: location }} />;
  return children;
}

/**
 * Renders a page only when the person's navigation includes it (any one of several keys, for a page
 * reached from more than one entry); otherwise a "no permission" result.
 */
export function RequireNav({
  navKey,
  children,
}: {
  navKey: NavKey | readonly NavKey[];
  children: ReactNode;
}) {
  const { me } = useMe();
  const keys: readonly NavKey[] = typeof navKey === 'string' ? [navKey] : navKey;
  if (!keys.some((key) => me?.nav.includes(key))) return <NoPermission />;
  return children;
}
