import { ApolloProvider } from '@apollo/client/react';
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { createApi, type Api } from '../api/client';
import { clearSession, loadSession, saveSession, type Session } from '../auth/session';

interface SessionState {
  session: Session | null;
  api: Api | null;
  signIn(token: string): Session | null;
  signOut(): void;
}

const SessionContext = createContext<SessionState | null>(null);

/** Holds the session and its API client; a new sign-in gets a fresh client (and cache). */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<Session | null>(loadSession);
  const api = useMemo(() => (session ? createApi(session.token) : null), [session]);
  useEffect(() => () => api?.dispose(), [api]);
  const signIn = useCallback((token: string) => {
    const s = saveSession(token);
    setSession(s);
    return s;
  }, []);
  const signOut = useCallback(() => {
    clearSession();
    setSession(null);
  }, []);
  const value = useMemo(() => ({ session, api, signIn, signOut }), [session, api, signIn, signOut]);
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
