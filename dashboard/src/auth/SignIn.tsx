import { print } from 'graphql';
import { useEffect, useId, useState, type FormEvent } from 'react';
import { useSession } from '../app/session-context';
import { LanguageSwitch } from '../app/Layout';
import { counterName, districtName } from '../format/counter';
import { ServiceCountersDocument } from '../generated/graphql';
import { useI18n } from '../i18n/i18n';
import { ROLES, type Role } from './session';

interface DevIdentities {
  agencies: { id: string; name: string }[];
  counters: { id: string; name: string; nameZh?: string; district: string; districtZh?: string }[];
}

/**
 * Sign-in: paste a token (any mode), or, when the dashboard server runs outside production,
 * pick a role and get a development token for it. A pasted token is tried against the API
 * first, so a bad one shows the API's own message instead of an empty dashboard.
 */
export function SignIn() {
  const { t } = useI18n();
  const { signIn } = useSession();
  const [dev, setDev] = useState<DevIdentities | null>(null);
  const [errors, setErrors] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const ctrl = new AbortController();
    fetch('/dev/identities', { signal: ctrl.signal })
      .then(async (r) => (r.ok ? setDev((await r.json()) as DevIdentities) : setDev(null)))
      .catch(() => undefined);
    return () => ctrl.abort();
  }, []);

  const finish = async (token: string): Promise<void> => {
    setBusy(true);
    setErrors([]);
    try {
      const problems = await checkToken(token);
      if (problems.length) return setErrors(problems);
      if (!signIn(token)) setErrors(['The token is not a OneStop token (no role).']);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <header className="banner" role="banner">
        <div className="brand">
          <span className="brand-name">{t('app.title')}</span>
          <span className="brand-sub">{t('app.subtitle')}</span>
        </div>
        <div className="banner-tools">
          <LanguageSwitch />
        </div>
      </header>
      <main id="main" className="signin">
        <h1>{t('signin.title')}</h1>
        {errors.length > 0 && (
          <div role="alert" className="error" data-testid="signin-error">
            {errors.map((e) => (
              <p key={e}>{e}</p>
            ))}
          </div>
        )}
        {busy && <p role="status">{t('signin.checking')}</p>}
        <div className="signin-grid">
          {dev && <DevSignIn dev={dev} disabled={busy} onToken={finish} onError={setErrors} />}
          <PasteToken disabled={busy} onToken={finish} onError={setErrors} />
        </div>
      </main>
    </>
  );
}

function PasteToken({
  disabled,
  onToken,
  onError,
}: {
  disabled: boolean;
  onToken(t: string): Promise<void>;
  onError(e: string[]): void;
}) {
  const { t } = useI18n();
  const id = useId();
  const [token, setToken] = useState('');
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    if (!token.trim()) return onError([t('signin.emptyToken')]);
    void onToken(token.trim());
  };
  return (
    <section className="panel" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>{t('signin.pasteTitle')}</h2>
      <form onSubmit={submit}>
        <label htmlFor={`${id}-token`}>{t('signin.token')}</label>
        <textarea
          id={`${id}-token`}
          rows={4}
          value={token}
          onChange={(e) => setToken(e.target.value)}
          aria-describedby={`${id}-help`}
          spellCheck={false}
          autoComplete="off"
          data-testid="token-input"
        />
        <p id={`${id}-help`} className="help">
          {t('signin.tokenHelp')}
        </p>
        <button type="submit" disabled={disabled}>
          {t('signin.submit')}
        </button>
      </form>
    </section>
  );
}

function DevSignIn({
  dev,
  disabled,
  onToken,
  onError,
}: {
  dev: DevIdentities;
  disabled: boolean;
  onToken(t: string): Promise<void>;
  onError(e: string[]): void;
}) {
  const { t, lang } = useI18n();
  const id = useId();
  const [role, setRole] = useState<Role>('MANAGER');
  const [agencyId, setAgencyId] = useState(dev.agencies[0]?.id ?? '');
  const [counterId, setCounterId] = useState(dev.counters[0]?.id ?? '');
  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    const res = await fetch('/dev/token', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        role,
        agencyId: role === 'AGENCY' ? agencyId : undefined,
        counterId: role === 'CLERK' ? counterId : undefined,
      }),
    });
    const body = (await res.json().catch(() => ({}))) as { token?: string; error?: string };
    if (!res.ok || !body.token) return onError([body.error ?? `${res.status} ${res.statusText}`]);
    await onToken(body.token);
  };
  return (
    <section className="panel" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>{t('signin.devTitle')}</h2>
      <p className="help">{t('signin.devHelp')}</p>
      <form onSubmit={(e) => void submit(e)}>
        <label htmlFor={`${id}-role`}>{t('signin.role')}</label>
        <select id={`${id}-role`} value={role} onChange={(e) => setRole(e.target.value as Role)} data-testid="dev-role">
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {t(`role.${r}`)}
            </option>
          ))}
        </select>
        {role === 'AGENCY' && (
          <>
            <label htmlFor={`${id}-agency`}>{t('signin.agency')}</label>
            <select
              id={`${id}-agency`}
              value={agencyId}
              onChange={(e) => setAgencyId(e.target.value)}
              data-testid="dev-agency"
            >
              {dev.agencies.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name}
                </option>
              ))}
            </select>
          </>
        )}
        {role === 'CLERK' && (
          <>
            <label htmlFor={`${id}-counter`}>{t('signin.counter')}</label>
            <select
              id={`${id}-counter`}
              value={counterId}
              onChange={(e) => setCounterId(e.target.value)}
              data-testid="dev-counter"
            >
              {dev.counters.map((c) => (
                <option key={c.id} value={c.id}>
                  {districtName(c, lang)} · {counterName(c, lang)}
                </option>
              ))}
            </select>
          </>
        )}
        <button type="submit" disabled={disabled} data-testid="dev-signin">
          {t('signin.devSubmit', { role: t(`role.${role}`) })}
        </button>
      </form>
    </section>
  );
}

/** Runs one harmless, safelisted query with the token; returns the API's error messages, if any. */
async function checkToken(token: string): Promise<string[]> {
  try {
    const res = await fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: print(ServiceCountersDocument), operationName: 'ServiceCounters' }),
    });
    const body = (await res.json()) as { errors?: { message: string }[] };
    return (body.errors ?? []).map((e) => e.message);
  } catch (err) {
    return [(err as Error).message];
  }
}
