import { lazy, Suspense, useEffect, type ReactNode } from 'react';
import { SignIn, SignInCallback } from '../auth/SignIn';
import { useI18n } from '../i18n/i18n';
import { Layout } from './Layout';
import { Link } from './Link';
import { canOpen, homePage, type Page } from './permissions';
import { navigate, useRoute, type Route } from './router';
import { useSession } from './session-context';
import { useRememberedWindow } from '../clerk/workstation';

/** Counter pages that need the clerk's window. */
function needsWindow(route: Route): boolean {
  return route.name === 'counter' || route.name === 'accept';
}

// Every page is its own chunk: the first load carries the shell, sign-in and Apollo only.
const CityView = lazy(() => import('../views/city/CityView'));
const CounterPage = lazy(() => import('../views/city/CounterPage'));
const SlaFeed = lazy(() => import('../views/sla/SlaFeed'));
const CasesView = lazy(() => import('../views/cases/CasesView'));
const CasePage = lazy(() => import('../views/cases/CasePage'));
const CalendarView = lazy(() => import('../views/calendar/CalendarView'));
const SearchView = lazy(() => import('../views/search/SearchView'));
const ReportsView = lazy(() => import('../views/reports/ReportsView'));
const QueueView = lazy(() => import('../views/counter/QueueView'));
const WindowChoice = lazy(() => import('../views/counter/WindowChoice'));
const CheckInDesk = lazy(() => import('../views/counter/CheckInDesk'));
const AcceptanceView = lazy(() => import('../views/counter/AcceptanceView'));
const ClaimDesk = lazy(() => import('../views/counter/ClaimDesk'));
const HallDisplay = lazy(() => import('../views/hall/HallDisplay'));
const ReceiptCheck = lazy(() => import('../views/hall/ReceiptCheck'));

const PAGE_OF: Partial<Record<Route['name'], Page>> = {
  city: 'city',
  cityCounter: 'city',
  sla: 'sla',
  cases: 'cases',
  case: 'cases',
  calendar: 'calendar',
  search: 'search',
  reports: 'reports',
  counter: 'counter',
  counterWindow: 'counter',
  checkIn: 'counter',
  accept: 'counter',
  claim: 'counter',
};

export function App() {
  const route = useRoute();
  const { session, ready } = useSession();
  const { t } = useI18n();

  const isPublic = route.name === 'hall' || route.name === 'receipt';
  const counterId = session?.claims.role === 'CLERK' ? session.claims.counterId : null;
  const [chosenWindow] = useRememberedWindow(counterId);
  useEffect(() => {
    if (isPublic || !ready || route.name === 'callback') return;
    if (!session && route.name !== 'signin') {
      const back = location.pathname + location.search;
      navigate(`/signin${back !== '/' ? `?next=${encodeURIComponent(back)}` : ''}`, { replace: true });
    } else if (session && (route.name === 'home' || route.name === 'signin')) {
      const next = new URLSearchParams(location.search).get('next');
      navigate(next && next.startsWith('/') && !next.startsWith('//') ? next : `/${homePage(session.claims.role)}`, {
        replace: true,
      });
    } else if (session && needsWindow(route) && counterId && chosenWindow === null) {
      // The window is chosen after sign-in, whatever the sign-in was (decision: a separate step).
      navigate(`/counter/window?next=${encodeURIComponent(location.pathname + location.search)}`, { replace: true });
    }
  }, [ready, session, route, isPublic, counterId, chosenWindow]);

  if (isPublic) {
    return (
      <Suspense fallback={<p className="loading">{t('app.loading')}</p>}>
        {route.name === 'hall' ? <HallDisplay counterId={route.counterId} /> : null}
        {route.name === 'receipt' ? <ReceiptCheck number={route.number} /> : null}
      </Suspense>
    );
  }
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
    case 'cityCounter':
      return <CounterPage counterId={route.id} />;
    case 'sla':
      return <SlaFeed />;
    case 'cases':
      return <CasesView initialRef={route.ref} />;
    case 'case':
      return <CasePage id={route.id} />;
    case 'calendar':
      return <CalendarView month={route.month} />;
    case 'search':
      return <SearchView by={route.by} q={route.q} />;
    case 'reports':
      return <ReportsView month={route.month} />;
    case 'counter':
      return <QueueView />;
    case 'counterWindow':
      return <WindowChoice next={route.next} />;
    case 'checkIn':
      return <CheckInDesk />;
    case 'accept':
      return <AcceptanceView caseId={route.caseId} />;
    case 'claim':
      return <ClaimDesk initialReceipt={route.receipt} />;
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
