import { useQuery } from '@apollo/client/react';
import { useEffect, useRef } from 'react';
import { navigate } from '../../app/router';
import { useSignedIn } from '../../app/session-context';
import { useClerkAction } from '../../clerk/useClerkAction';
import { useRememberedWindow } from '../../clerk/workstation';
import { Errors } from '../../components/Errors';
import { counterName } from '../../format/counter';
import { formatHour } from '../../format/time';
import { CloseWindowDocument, CounterWorkstationDocument, OpenWindowDocument } from '../../generated/graphql';
import { useI18n } from '../../i18n/i18n';
import { ActionStatus } from './ActionStatus';

/**
 * The step after sign-in for a clerk: the counter is the one of the session (the token), the
 * window is chosen here, opened through the API (who is at which window, "windows open" in the
 * live load) and remembered on this computer. Reachable again from the header to change it.
 */
export default function WindowChoice({ next }: { next?: string }) {
  const { t, lang } = useI18n();
  const { session } = useSignedIn();
  const counterId = session.claims.counterId;
  const [mine, remember] = useRememberedWindow(counterId);
  const { data, error, refetch } = useQuery(CounterWorkstationDocument, {
    variables: { counterId: counterId ?? '' },
    skip: !counterId,
    fetchPolicy: 'network-only',
  });
  const open = useClerkAction(OpenWindowDocument);
  const close = useClerkAction(CloseWindowDocument);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);

  if (!counterId) {
    return (
      <section className="panel">
        <h1>{t('ws.title')}</h1>
        <p role="alert">{t('ws.noCounter')}</p>
      </section>
    );
  }
  const counter = data?.serviceCounter;
  const windows = data?.counterWindows ?? [];
  const take = async (window: number): Promise<void> => {
    const r = await open.run({ counterId, window });
    if (!r) return;
    remember(window);
    navigate(next && next.startsWith('/') && !next.startsWith('//') ? next : '/counter');
  };
  const leave = async (window: number): Promise<void> => {
    if (await close.run({ counterId, window })) {
      if (window === mine) remember(null);
      await refetch();
    }
  };
  return (
    <section className="panel workstation-choice counter-page" aria-labelledby="ws-h">
      <h1 id="ws-h" tabIndex={-1} ref={heading}>
        {t('ws.title')}
      </h1>
      {counter && <p>{t('ws.intro', { counter: counterName(counter, lang), address: counter.address })}</p>}
      <Errors error={error} />
      <ActionStatus action={open} testId="window-error" />
      <ActionStatus action={close} testId="window-error" />
      <ul className="window-grid" data-testid="windows">
        {windows.map((w) => {
          const yours = w.open && w.clerkId === session.claims.sub;
          return (
            <li key={w.window} className={`window-card${yours ? ' yours' : w.open ? ' taken' : ''}`}>
              <h2>{t('ws.window', { window: w.window })}</h2>
              <p>
                {!w.open
                  ? t('ws.free')
                  : yours
                    ? t('ws.yours', { time: formatHour(w.openedAt!, lang) })
                    : t('ws.takenBy', { name: w.clerkName ?? '', time: formatHour(w.openedAt!, lang) })}
              </p>
              {(!w.open || yours) && (
                <button
                  type="button"
                  onClick={() => void take(w.window)}
                  aria-disabled={open.busy}
                  data-testid={`open-window-${w.window}`}
                >
                  {t('ws.open', { window: w.window })}
                </button>
              )}
              {w.open && (
                <button
                  type="button"
                  className="button-quiet"
                  onClick={() => void leave(w.window)}
                  aria-disabled={close.busy}
                  data-testid={`close-window-${w.window}`}
                >
                  {t('ws.close', { window: w.window })}
                </button>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
