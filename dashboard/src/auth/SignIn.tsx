import { useEffect, useState } from 'react';
import { Brand, LanguageSwitch } from '../app/Layout';
import { navigate } from '../app/router';
import { useSession } from '../app/session-context';
import { useI18n } from '../i18n/i18n';
import { signInRedirect } from './oidc';

/** The page to come back to after sign-in (`?next=`), when it is one of ours. */
function nextPage(): string {
  const next = new URLSearchParams(location.search).get('next');
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

function Banner() {
  return (
    <header className="banner" role="banner">
      <Brand />
      <div className="banner-tools">
        <LanguageSwitch />
      </div>
    </header>
  );
}

/**
 * Sign-in: staff sign in at the identity provider (OpenID Connect, authorization code with
 * PKCE); the provider's page asks for the username and password, in the language chosen here.
 */
export function SignIn({ problem }: { problem?: string }) {
  const { t, lang } = useI18n();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(problem ?? null);
  const start = (): void => {
    setBusy(true);
    setError(null);
    signInRedirect(nextPage(), lang).catch((err: unknown) => {
      setBusy(false);
      setError(t('signin.unreachable', { detail: (err as Error).message }));
    });
  };
  return (
    <>
      <Banner />
      <main id="main" className="signin">
        <h1>{t('signin.title')}</h1>
        {error && (
          <div role="alert" className="error" data-testid="signin-error">
            <p>{error}</p>
          </div>
        )}
        <section className="panel" aria-labelledby="signin-provider">
          <h2 id="signin-provider">{t('signin.providerTitle')}</h2>
          <p className="help">{t('signin.providerHelp')}</p>
          <button type="button" className="button" onClick={start} disabled={busy} data-testid="signin-start">
            {busy ? t('signin.redirecting') : t('signin.submit')}
          </button>
        </section>
      </main>
    </>
  );
}

/** One completion per page load, even when React runs the effect twice (the code is single-use). */
let completing: Promise<string | null> | undefined;

/** /auth/callback: the provider sent the user back with a code; exchange it and go on. */
export function SignInCallback() {
  const { t } = useI18n();
  const { completeSignIn } = useSession();
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    completing ??= completeSignIn();
    completing.then(
      (next) => navigate(next && next.startsWith('/') && !next.startsWith('//') ? next : '/', { replace: true }),
      (err: unknown) => setProblem(t('signin.failed', { detail: (err as Error).message })),
    );
  }, [completeSignIn, t]);
  if (problem) return <SignIn problem={problem} />;
  return (
    <>
      <Banner />
      <main id="main" className="signin">
        <p role="status">{t('signin.completing')}</p>
      </main>
    </>
  );
}
