import { lazy, Suspense, useEffect, type ReactNode } from 'react';
import { SignIn, SignInCallback } from '../auth/SignIn';
import { useI18n } from '../i18n/i18n';
import { Layout } from './Layout';
import { Link } from './Link';
import { canOpen, homePage, type Page } from './permissions';
import { navigate, useRoute, type Route } from './router';
import { useSession } from './session-context';

// Every page is its own chunk: the first load carries the shell, sign-in and Apollo only.
const CityView = lazy(() => import('../views/city/CityView'));
const SlaFeed = lazy(() => import('../views/sla/SlaFeed'));
const CasesView = lazy(() => import('../views/cases/CasesView'));
const CasePage = lazy(() => import('../views/cases/CasePage'));
const CalendarView = lazy(() => import('../views/calendar/CalendarView'));

const PAGE_OF: Partial<Record<Route['name'], Page>> = {
  city: 'city',
  sla: 'sla',
  cases: 'cases',
  case: 'cases',
  calendar: 'calendar',
};

export function App() {
  const route = useRoute();
  const { session, ready } = useSession();
  const { t } = useI18n();

  useEffect(() => {
    if (!ready || route.name === 'callback') return;
    if (!session && route.name !== 'signin') {
      const back = location.pathname + location.search;
      navigate(`/signin${back !== '/' ? `?next=${encodeURIComponent(back)}` : ''}`, { replace: true });
    } else if (session && (route.name === 'home' || route.name === 'signin')) {
      const next = new URLSearchParams(location.search).get('next');
      navigate(next && next.startsWith('/') && !next.startsWith('//') ? next : `/${homePage(session.claims.role)}`, {
        replace: true,
      });
    }
  }, [ready, session, route.name]);

  if (route.name === 'callback') return <SignInCallback />;
  if (!session) return route.name === 'signin' ? <SignIn /> : null;
  if (route.name === 'home' || route.name === 'signin') return null;

  const page = PAGE_OF[route.name] ?? null;
  let content: ReactNode;
  if (page && !canOpen(session.claims.role, page)) {
    content = (
      <section className="panel" aria-labelledby="denied">
        <h1 id="denied">{t('app.notAllowed', { role: t(`role.${session.claims.role}`) })}</h1>
        <Link to="/">{t('app.backHome')}</Link>
      </section>
    );
  } else {
    content = renderRoute(route);
  }
  return (
    <Layout current={page}>
      <Suspense fallback={<p className="loading">{t('app.loading')}</p>}>{content}</Suspense>
    </Layout>
  );
}

function renderRoute(route: Route): ReactNode {
  switch (route.name) {
    case 'city':
      return <CityView />;
    case 'sla':
      return <SlaFeed />;
    case 'cases':
      return <CasesView initialRef={route.ref} />;
    case 'case':
      return <CasePage id={route.id} />;
    case 'calendar':
      return <CalendarView month={route.month} />;
    default:
      return <NotFound />;
  }
}

function NotFound() {
  const { t } = useI18n();
  return (
    <section className="panel" aria-labelledby="nf">
      <h1 id="nf">{t('app.notFound')}</h1>
      <Link to="/">{t('app.backHome')}</Link>
    </section>
  );
}
