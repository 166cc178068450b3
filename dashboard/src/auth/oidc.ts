import { UserManager, WebStorageStateStore, type User } from 'oidc-client-ts';

/** What the dashboard server says about sign-in (GET /auth/config). */
interface AuthConfig {
  authority: string;
  clientId: string;
  scope: string;
}

let manager: Promise<UserManager> | undefined;

/**
 * The OpenID Connect client (oidc-client-ts): authorization code with PKCE at the provider the
 * dashboard server names, the user kept for this tab (sessionStorage), the access token renewed
 * silently with the refresh token a minute before it expires, sign-out at the provider.
 */
export function userManager(): Promise<UserManager> {
  manager ??= fetch('/auth/config')
    .then(async (r) => {
      if (!r.ok) throw new TypeError(`GET /auth/config answered ${r.status}`);
      return (await r.json()) as AuthConfig;
    })
    .then(
      (cfg) =>
        new UserManager({
          authority: cfg.authority,
          client_id: cfg.clientId,
          scope: cfg.scope,
          redirect_uri: `${location.origin}/auth/callback`,
          post_logout_redirect_uri: `${location.origin}/`,
          response_type: 'code',
          automaticSilentRenew: true,
          accessTokenExpiringNotificationTimeInSeconds: 60,
          userStore: new WebStorageStateStore({ store: sessionStorage }),
          // The dashboard watches its own session through token renewals, not a check_session iframe.
          monitorSession: false,
        }),
    )
    .catch((err: unknown) => {
      manager = undefined;
      throw err;
    });
  return manager;
}

/** Starts sign-in at the provider, coming back to `next` afterwards, the login page in the user's language. */
export async function signInRedirect(next: string, lang: 'en' | 'zh'): Promise<void> {
  const um = await userManager();
  await um.signinRedirect({
    state: { next },
    extraQueryParams: { ui_locales: lang === 'zh' ? 'zh-CN en' : 'en zh-CN' },
  });
}

/** Finishes sign-in on /auth/callback: the user and where to go next. */
export async function completeSignIn(): Promise<{ user: User; next: string | null }> {
  const um = await userManager();
  const user = await um.signinRedirectCallback();
  const state = user.state as { next?: unknown } | undefined;
  return { user, next: typeof state?.next === 'string' ? state.next : null };
}
