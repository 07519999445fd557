import { useCallback, useEffect } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useLocation, useNavigate } from 'react-router';
import { App as AntApp } from 'antd';
import { useTranslation } from 'react-i18next';
import type { TLocale, TMe } from '@huizhi/contracts';
import { api, setUnauthorizedHandler } from './api';
import { applyLocale, readStoredLocale } from './i18n';
import { describeError } from './errors';

export const ME_QUERY_KEY = ['auth', 'me'] as const;

/**
 * Whether the language was picked while signed out (on the login page). That choice is then saved
 * to the account at sign-in; otherwise the account's saved language wins.
 */
let localeChosenWhileSignedOut = false;

async function fetchMe(): Promise<TMe | null> {
  const me = await api.me();
  if (me && me.user.locale !== readStoredLocale()) await applyLocale(me.user.locale);
  return me;
}

/** The signed-in person: undefined while loading, null when signed out. */
export function useMe(): { me: TMe | null | undefined; isLoading: boolean; error: unknown } {
  const query = useQuery({ queryKey: ME_QUERY_KEY, queryFn: fetchMe, staleTime: Infinity, retry: 1 });
  return { me: query.data, isLoading: query.isLoading, error: query.error };
}

/** Returns the signed-in person; only for components rendered behind RequireAuth. */
export function useCurrentUser(): TMe {
  const { me } = useMe();
  if (!me) throw new Error('useCurrentUser() used outside a signed-in page');
  return me;
}

/** Signs in and stores the session in the query cache. */
export function useLogin(): (username: string, password: string) => Promise<TMe> {
  const queryClient = useQueryClient();
  return useCallback(
    async (username: string, password: string) => {
      let me = await api.login(username, password);
      const chosen = readStoredLocale();
      if (localeChosenWhileSignedOut && chosen !== me.user.locale) {
        try {
          await api.saveLocale(chosen);
          me = { ...me, user: { ...me.user, locale: chosen } };
        } catch {
          // Keep the chosen language on this device even if the account could not store it.
        }
      } else if (me.user.locale !== chosen) {
        await applyLocale(me.user.locale);
      }
      localeChosenWhileSignedOut = false;
      queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== 'auth' });
      queryClient.setQueryData(ME_QUERY_KEY, me);
      return me;
    },
    [queryClient],
  );
}

/** Signs out, forgets cached data and goes to the login page. */
export function useLogout(): () => Promise<void> {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const { message } = AntApp.useApp();
  const { t } = useTranslation();
  return useCallback(async () => {
    try {
      await api.logout();
    } catch {
      // The session is gone either way on this side; the cookie expires on the server.
    }
    queryClient.setQueryData(ME_QUERY_KEY, null);
    queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== 'auth' });
    void navigate('/login', { replace: true });
    void message.success(t('header.loggedOut'));
  }, [queryClient, navigate, message, t]);
}

/** Changes the interface language; when signed in, also saves it to the account. */
export function useChangeLocale(): (locale: TLocale) => Promise<void> {
  const queryClient = useQueryClient();
  const { message } = AntApp.useApp();
  const { t } = useTranslation();
  return useCallback(
    async (locale: TLocale) => {
      await applyLocale(locale);
      const me = queryClient.getQueryData<TMe | null>(ME_QUERY_KEY);
      if (!me) {
        localeChosenWhileSignedOut = true;
        return;
      }
      if (me.user.locale === locale) return;
      try {
        await api.saveLocale(locale);
        queryClient.setQueryData<TMe | null>(ME_QUERY_KEY, (old) =>
          old ? { ...old, user: { ...old.user, locale } } : old,
        );
      } catch (error) {
        void message.error(t('locale.saveFailed', { message: describeError(error, t) }));
      }
    },
    [queryClient, message, t],
  );
}

/** Sends the app to the login page whenever any API call answers 401. */
export function UnauthorizedRedirect(): null {
  const navigate = useNavigate();
  const location = useLocation();
  const queryClient = useQueryClient();
  useEffect(() => {
    setUnauthorizedHandler(() => {
      queryClient.setQueryData(ME_QUERY_KEY, null);
      queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== 'auth' });
      if (location.pathname !== '/login')
        void navigate('/login', { replace: true, state: { from: location } });
    });
    return () => setUnauthorizedHandler(null);
  }, [navigate, location, queryClient]);
  return null;
}
