import { useCallback, useSyncExternalStore } from 'react';

/**
 * Where a clerk works: the counter comes from the signed-in session (the token's `counterId`),
 * the window is chosen after sign-in and remembered on this computer (localStorage, per
 * counter), so the next sign-in at the same desk starts at the same window. The API records
 * the opening and closing of the window (`openWindow` / `closeWindow`); this is only the
 * machine's memory of the choice.
 */
const KEY = 'onestop.workstation';
const listeners = new Set<() => void>();

function read(): Record<string, number> {
  try {
    const v = JSON.parse(localStorage.getItem(KEY) ?? '{}') as unknown;
    return v && typeof v === 'object' ? (v as Record<string, number>) : {};
  } catch {
    return {};
  }
}

/** The window this computer remembers for `counterId`, or null. */
export function rememberedWindow(counterId: string | null): number | null {
  if (!counterId) return null;
  const w = read()[counterId];
  return typeof w === 'number' && Number.isInteger(w) && w > 0 ? w : null;
}

/** Remembers (or forgets, with null) the window for `counterId` on this computer. */
export function rememberWindow(counterId: string, window: number | null): void {
  const all = read();
  if (window === null) delete all[counterId];
  else all[counterId] = window;
  localStorage.setItem(KEY, JSON.stringify(all));
  for (const l of listeners) l();
}

function subscribe(l: () => void): () => void {
  listeners.add(l);
  const onStorage = (e: StorageEvent): void => {
    if (e.key === KEY) l();
  };
  window.addEventListener('storage', onStorage);
  return () => {
    listeners.delete(l);
    window.removeEventListener('storage', onStorage);
  };
}

/** The clerk's window at `counterId` on this computer, live. */
export function useRememberedWindow(counterId: string | null): [number | null, (w: number | null) => void] {
  const w = useSyncExternalStore(subscribe, () => rememberedWindow(counterId));
  const set = useCallback((next: number | null) => counterId && rememberWindow(counterId, next), [counterId]);
  return [w, set];
}
