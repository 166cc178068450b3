import type { ReactNode } from 'react';
import { useConnection } from '../api/connection';
import { useI18n } from '../i18n/i18n';
import { LANGS, type Lang } from '../i18n/dictionary';
import { Link } from './Link';
import { canOpen, type Page } from './permissions';
import { useSignedIn } from './session-context';
import { WorkstationBadge } from '../views/counter/WorkstationBadge';

/** The nav item of the page shown (the counter has three: matched by path). */
function currentPath(current: Page | null, path: string): boolean {
  if (current !== 'counter') return current !== null && path === `/${current}`;
  const here = location.pathname;
  if (path === '/counter')
    return here === '/counter' || here.startsWith('/counter/accept') || here === '/counter/window';
  return here.startsWith(path);
}

type NavLabel =
  | 'nav.city'
  | 'nav.sla'
  | 'nav.cases'
  | 'nav.calendar'
  | 'nav.counterQueue'
  | 'nav.checkIn'
  | 'nav.claim'
  | 'nav.search'
  | 'nav.reports';
const NAV: { page: Page; path: string; label: NavLabel }[] = [
  // A clerk's work first: the counter's queue, the check-in desk, the claim desk.
  { page: 'counter', path: '/counter', label: 'nav.counterQueue' },
  { page: 'counter', path: '/counter/check-in', label: 'nav.checkIn' },
  { page: 'counter', path: '/counter/claim', label: 'nav.claim' },
  { page: 'city', path: '/city', label: 'nav.city' },
  { page: 'sla', path: '/sla', label: 'nav.sla' },
  { page: 'cases', path: '/cases', label: 'nav.cases' },
  { page: 'search', path: '/search', label: 'nav.search' },
  { page: 'reports', path: '/reports', label: 'nav.reports' },
  { page: 'calendar', path: '/calendar', label: 'nav.calendar' },
];

/**
 * Role descriptions that sign-ins without a person's name carry in the name claim (development
 * tokens: `pnpm dev-token`, the tests): shown as the role in the UI's language, never as
 * "Counter clerk (Counter clerk)" or in English in the Chinese UI.
 */
const ROLE_DESCRIPTIONS = new Set([
  'agency',
  'agency handler',
  'work-permit officer',
  'talents center reviewer',
  'exit-entry officer',
  'counter clerk',
  'clerk',
  'manager',
  'talents center manager',
]);

/** The person's name, or null when the claim names only the role (or nothing). */
export function personName(name: string | null | undefined, role: string): string | null {
  const n = (name ?? '').trim();
  if (!n || n.toUpperCase() === role || ROLE_DESCRIPTIONS.has(n.toLowerCase())) return null;
  return n;
}

/** Banner (title, live indicator, language, user), navigation, and the main landmark. */
export function Layout({ current, children }: { current: Page | null; children: ReactNode }) {
  const { t } = useI18n();
  const { session, signOut } = useSignedIn();
  const role = session.claims.role;
  return (
    <>
      <a className="skip-link" href="#main">
        {t('app.skipToContent')}
      </a>
      <header className="banner" role="banner">
        <Brand />
        <div className="banner-tools">
          {role === 'CLERK' && <WorkstationBadge />}
          <ConnectionIndicator />
          <LanguageSwitch />
          <span className="who" data-testid="signed-in-as">
            {personName(session.claims.name, role)
              ? t('app.signedInAs', { name: session.claims.name, role: t(`role.${role}`) })
              : t('app.signedInAsRole', { role: t(`role.${role}`) })}
          </span>
          <button type="button" className="button-quiet" onClick={signOut}>
            {t('app.signOut')}
          </button>
        </div>
      </header>
      <nav className="nav" aria-label={t('nav.main')}>
        <ul>
          {NAV.filter((n) => canOpen(role, n.page)).map((n) => (
            <li key={n.path}>
              <Link to={n.path} aria-current={currentPath(current, n.path) ? 'page' : undefined}>
                {t(n.label)}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}

/** The product's name in the banner, on every page (signed in or not). */
export function Brand() {
  const { t } = useI18n();
  return (
    <div className="brand">
      <span className="brand-name">{t('app.title')}</span>
      <span className="brand-sub">{t('app.subtitle')}</span>
    </div>
  );
}

/** The live connection's state, as text and a shape (never colour alone); announced politely. */
export function ConnectionIndicator() {
  const { t } = useI18n();
  const { api } = useSignedIn();
  const { state } = useConnection(api.connection);
  const icon = state === 'connected' ? '●' : state === 'offline' ? '✕' : '◌';
  return (
    <span className={`conn conn-${state}`} role="status" aria-live="polite" data-testid="connection" data-state={state}>
      <span aria-hidden="true" className="conn-icon">
        {icon}
      </span>
      <span className="visually-hidden">{t('conn.label')}: </span>
      {t(`conn.${state}`)}
    </span>
  );
}

export function LanguageSwitch() {
  const { lang, setLang, t } = useI18n();
  const names: Record<Lang, string> = { en: 'English', zh: '简体中文' };
  return (
    <label className="lang">
      <span className="visually-hidden">{t('app.lang')}</span>
      <select value={lang} onChange={(e) => setLang(e.target.value as Lang)} data-testid="language">
        {LANGS.map((l) => (
          <option key={l} value={l} lang={l === 'zh' ? 'zh-CN' : 'en'}>
            {names[l]}
          </option>
        ))}
      </select>
    </label>
  );
}
