import { ApolloProvider } from '@apollo/client/react';
import type { User } from 'oidc-client-ts';
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { createApi, type Api } from '../api/client';
import { completeSignIn, userManager } from '../auth/oidc';
import { clearSession, decodeClaims, loadSession, type Session } from '../auth/session';

interface SessionState {
  session: Session | null;
  api: Api | null;
  /** False until the stored sign-in (if any) has been restored. */
  ready: boolean;
  /** Finishes sign-in on /auth/callback; the page to go to next. */
  completeSignIn(): Promise<string | null>;
  signOut(): void;
}

const SessionContext = createContext<SessionState | null>(null);

/**
 * The access token of the moment, read by the API client on every request and connection. Not
 * state: a renewal must not re-render the app (one signed-in person per tab, so one holder).
 */
const liveToken = { value: '' };

function sessionOf(user: User): Session | null {
  const claims = decodeClaims(user.access_token);
  return claims ? { token: user.access_token, claims } : null;
}

/**
 * Holds the session and its API client. Staff sign in at the OpenID Connect provider
 * (oidc-client-ts); a renewed access token replaces the old one in place (same Apollo client,
 * the WebSocket re-authenticates), while a sign-in as someone else gets a fresh client and
 * cache. A token placed in sessionStorage under `onestop.token` (tests, tools) is used as it is,
 * without renewal.
 */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [injected] = useState<Session | null>(loadSession);
  const [session, setSession] = useState<Session | null>(() => {
    liveToken.value = injected?.token ?? '';
    return injected;
  });
  const [ready, setReady] = useState(injected !== null);
  const apiRef = useRef<Api | null>(null);

  const current = useRef<Session | null>(injected);

  const adopt = useCallback((user: User | null) => {
    const next = user && !user.expired ? sessionOf(user) : null;
    const prev = current.current;
    if (prev && next && prev.token === next.token) return;
    liveToken.value = next?.token ?? '';
    current.current = next;
    // A renewal (same person, new token) keeps the client and re-authenticates the live connection.
    if (prev && next && prev.claims.sub === next.claims.sub && prev.claims.role === next.claims.role) {
      apiRef.current?.tokenRenewed();
    }
    setSession(next);
  }, []);

  useEffect(() => {
    if (injected) return;
    let cleanup = (): void => undefined;
    userManager()
      .then(async (um) => {
        const onLoaded = (u: User): void => adopt(u);
        const onUnloaded = (): void => adopt(null);
        um.events.addUserLoaded(onLoaded);
        um.events.addUserUnloaded(onUnloaded);
        um.events.addAccessTokenExpired(onUnloaded);
        cleanup = () => {
          um.events.removeUserLoaded(onLoaded);
          um.events.removeUserUnloaded(onUnloaded);
          um.events.removeAccessTokenExpired(onUnloaded);
        };
        adopt(await um.getUser());
      })
      .catch(() => undefined)
      .finally(() => setReady(true));
    return () => cleanup();
  }, [injected, adopt]);

  // One client per signed-in person (not per token): a renewal keeps the views and their live feeds.
  const who = session ? `${session.claims.sub}:${session.claims.role}` : null;
  const api = useMemo(() => (who ? createApi(() => liveToken.value) : null), [who]);
  useEffect(() => {
    apiRef.current = api;
    return () => api?.dispose();
  }, [api]);

  const finish = useCallback(async () => {
    const { user, next } = await completeSignIn();
    if (!sessionOf(user)) throw new TypeError('The provider’s access token carries no OneStop role.');
    adopt(user);
    return next;
  }, [adopt]);

  const signOut = useCallback(() => {
    if (injected) {
      clearSession();
      liveToken.value = '';
      current.current = null;
      setSession(null);
      return;
    }
    void userManager().then(async (um) => {
      const user = await um.getUser();
      await um.removeUser();
      // Ends the session at the provider too, then comes back to the dashboard's sign-in page.
      await um.signoutRedirect({ id_token_hint: user?.id_token });
    });
  }, [injected]);

  const value = useMemo(
    () => ({ session, api, ready, completeSignIn: finish, signOut }),
    [session, api, ready, finish, signOut],
  );
  return (
    <SessionContext.Provider value={value}>
      {api ? <ApolloProvider client={api.apollo}>{children}</ApolloProvider> : children}
    </SessionContext.Provider>
  );
}

export function useSession(): SessionState {
  const ctx = useContext(SessionContext);
  if (!ctx) throw new TypeError('useSession outside <SessionProvider>');
  return ctx;
}

/** The signed-in session and API; only for pages behind sign-in. */
export function useSignedIn(): { session: Session; api: Api; signOut(): void } {
  const { session, api, signOut } = useSession();
  if (!session || !api) throw new TypeError('useSignedIn on a page that does not require sign-in');
  return { session, api, signOut };
}
