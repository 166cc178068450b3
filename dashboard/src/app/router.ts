import { useSyncExternalStore } from 'react';

/** A route of the app, parsed from location.pathname. */
export type Route =
  | { name: 'signin' }
  | { name: 'callback' }
  | { name: 'home' }
  | { name: 'city' }
  | { name: 'cityCounter'; id: string }
  | { name: 'sla' }
  | { name: 'cases'; ref?: string }
  | { name: 'case'; id: string }
  | { name: 'calendar'; month?: string }
  | { name: 'search'; by?: string; q?: string }
  | { name: 'reports'; month?: string }
  | { name: 'counter' }
  | { name: 'counterWindow'; next?: string }
  | { name: 'checkIn' }
  | { name: 'accept'; caseId: string }
  | { name: 'claim'; receipt?: string }
  | { name: 'hall'; counterId: string }
  | { name: 'receipt'; number: string }
  | { name: 'notFound' };

export function parseRoute(pathname: string, search = ''): Route {
  const params = new URLSearchParams(search);
  const parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts.length === 0) return { name: 'home' };
  const [head, id] = parts;
  if (parts.length === 2 && head === 'auth' && id === 'callback') return { name: 'callback' };
  if (parts.length === 1) {
    if (head === 'signin') return { name: 'signin' };
    if (head === 'city') return { name: 'city' };
    if (head === 'sla') return { name: 'sla' };
    if (head === 'cases') return { name: 'cases', ref: params.get('ref') ?? undefined };
    if (head === 'calendar') return { name: 'calendar', month: params.get('month') ?? undefined };
    if (head === 'search')
      return { name: 'search', by: params.get('by') ?? undefined, q: params.get('q') ?? undefined };
    if (head === 'reports') return { name: 'reports', month: params.get('month') ?? undefined };
  }
  if (parts.length === 2 && head === 'cases' && id) return { name: 'case', id };
  if (parts.length === 3 && head === 'city' && id === 'counters' && parts[2])
    return { name: 'cityCounter', id: parts[2] };
  // The counter workstation (CLERK) and the public pages (no sign-in).
  if (head === 'counter') {
    if (parts.length === 1) return { name: 'counter' };
    if (parts.length === 2 && id === 'window') return { name: 'counterWindow', next: params.get('next') ?? undefined };
    if (parts.length === 2 && id === 'check-in') return { name: 'checkIn' };
    if (parts.length === 2 && id === 'claim') return { name: 'claim', receipt: params.get('receipt') ?? undefined };
    if (parts.length === 3 && id === 'accept' && parts[2]) return { name: 'accept', caseId: parts[2] };
  }
  if (parts.length === 2 && head === 'hall' && id) return { name: 'hall', counterId: id };
  if (parts.length === 2 && head === 'receipt' && id) return { name: 'receipt', number: id };
  return { name: 'notFound' };
}

const listeners = new Set<() => void>();
const subscribe = (l: () => void): (() => void) => {
  listeners.add(l);
  window.addEventListener('popstate', l);
  return () => {
    listeners.delete(l);
    window.removeEventListener('popstate', l);
  };
};
const snapshot = (): string => location.pathname + location.search;

/** Navigates without reloading (history API); the server falls back to index.html for any route. */
export function navigate(to: string, opts: { replace?: boolean } = {}): void {
  if (to === snapshot()) return;
  if (opts.replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  for (const l of listeners) l();
}

export function useLocation(): string {
  return useSyncExternalStore(subscribe, snapshot);
}

export function useRoute(): Route {
  const loc = useLocation();
  const q = loc.indexOf('?');
  return parseRoute(q < 0 ? loc : loc.slice(0, q), q < 0 ? '' : loc.slice(q));
}

export function casePath(id: string): string {
  return `/cases/${encodeURIComponent(id)}`;
}
