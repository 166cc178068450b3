import { useQuery } from '@apollo/client/react';
import { useCallback, useEffect, useRef, useState, type RefObject } from 'react';
import { navigate } from '../../app/router';
import { useSignedIn } from '../../app/session-context';
import { useClerkAction } from '../../clerk/useClerkAction';
import { useRememberedWindow } from '../../clerk/workstation';
import { Errors } from '../../components/Errors';
import { counterName } from '../../format/counter';
import { formatDay, formatDuration, formatHour } from '../../format/time';
import {
  CallNextDocument,
  CompleteServiceDocument,
  CounterCaseDocument,
  CounterQueueChangedDocument,
  CounterQueueDocument,
  CounterWorkstationDocument,
  MarkMissedDocument,
  RecallTicketDocument,
  StartServiceDocument,
} from '../../generated/graphql';
import { useI18n } from '../../i18n/i18n';
import { EventDeduper } from '../../live/dedupe';
import { useLiveSubscription, useRefetchOnReconnect } from '../../live/useLiveSubscription';
import { ActionStatus } from './ActionStatus';
import { CaseSummary } from './CaseSummary';

type Key = 'n' | 'r' | 'm' | 's' | 'c' | 'a';
const KEYS: Key[] = ['n', 'r', 'm', 's', 'c', 'a'];

/**
 * The clerk's home: the counter's queue, live (a push of the counter's load on every change
 * refetches it), and the clerk's window: call next, call again, did not come, start, complete,
 * and the acceptance of the case at the window. Every action has a one-key shortcut; after an
 * action, focus moves to the next natural action, never to nowhere.
 */
export default function QueueView() {
  const { t, lang } = useI18n();
  const { session } = useSignedIn();
  const counterId = session.claims.counterId ?? '';
  const [myWindow] = useRememberedWindow(counterId);
  const counter = useQuery(CounterWorkstationDocument, { variables: { counterId } });
  const queue = useQuery(CounterQueueDocument, { variables: { counterId }, fetchPolicy: 'network-only' });
  const [deduper] = useState(() => new EventDeduper());
  // The feed starts where the first snapshot ended (refetched snapshots do not resubscribe).
  const [since, setSince] = useState<string | null>(null);
  const eventId = queue.data?.counterLoad.eventId;
  if (eventId && since === null) setSince(eventId);
  const refetch = queue.refetch;
  useLiveSubscription(CounterQueueChangedDocument, {
    variables: { counterId },
    deduper,
    initialSince: since,
    skip: since === null,
    eventIdOf: (d) => d.counterLoadChanged.eventId,
    onEvent: () => void refetch(),
  });
  useRefetchOnReconnect(() => refetch());

  // The wait so far ticks every 15 s.
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), 15_000);
    return () => clearInterval(id);
  }, []);

  // The business clock (moved in tests and demos) is the API's: its "now" when the queue was read, plus the time since.
  const computedAt = queue.data?.counterLoad.computedAt;
  const [offset, setOffset] = useState(0);
  useEffect(() => {
    if (computedAt) setOffset(new Date(computedAt).getTime() - Date.now());
  }, [computedAt]);
  const today = queue.data?.counterLoad.date ?? '';
  const tickets = queue.data?.counterQueue ?? [];
  const atWindow = tickets.find((x) => x.window === myWindow && (x.status === 'CALLED' || x.status === 'SERVING'));
  const waiting = tickets.filter((x) => x.status === 'WAITING');
  const kase = useQuery(CounterCaseDocument, { variables: { id: atWindow?.caseId ?? '' }, skip: !atWindow });

  const call = useClerkAction(CallNextDocument);
  const recall = useClerkAction(RecallTicketDocument);
  const missed = useClerkAction(MarkMissedDocument);
  const start = useClerkAction(StartServiceDocument);
  const complete = useClerkAction(CompleteServiceDocument);
  const [calledNobody, setCalledNobody] = useState(false);
  const refs: Record<Key, RefObject<HTMLButtonElement | null>> = {
    n: useRef(null),
    r: useRef(null),
    m: useRef(null),
    s: useRef(null),
    c: useRef(null),
    a: useRef(null),
  };
  const focus = (k: Key): void => {
    // After the re-render that enables it.
    setTimeout(() => refs[k].current?.focus(), 0);
  };

  const can: Record<Key, boolean> = {
    n: !!myWindow && atWindow?.status !== 'SERVING',
    r: atWindow?.status === 'CALLED',
    m: atWindow?.status === 'CALLED',
    s: atWindow?.status === 'CALLED',
    c: atWindow?.status === 'SERVING',
    a: atWindow?.status === 'SERVING',
  };
  const act = useCallback(
    async (k: Key): Promise<void> => {
      if (!can[k]) return;
      setCalledNobody(false);
      if (k === 'n' && myWindow) {
        const r = await call.run({ window: myWindow });
        if (r) {
          setCalledNobody(r.callNext === null);
          focus(r.callNext ? 's' : 'n');
        }
      } else if (k === 'a' && atWindow) {
        navigate(`/counter/accept/${encodeURIComponent(atWindow.caseId)}`);
        return;
      } else if (atWindow) {
        const action = { r: recall, m: missed, s: start, c: complete }[k as 'r' | 'm' | 's' | 'c'];
        const r = await action.run({ ticketId: atWindow.id });
        if (r) focus(k === 's' ? 'a' : k === 'r' ? 's' : 'n');
      }
      await refetch();
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [can.n, can.r, can.m, can.s, can.c, can.a, myWindow, atWindow?.id, atWindow?.caseId],
  );

  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (e.ctrlKey || e.metaKey || e.altKey || e.repeat) return;
      const target = e.target as HTMLElement | null;
      if (target && /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName)) return;
      const k = e.key.toLowerCase() as Key;
      if (!KEYS.includes(k)) return;
      e.preventDefault();
      void act(k);
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [act]);

  const name = counter.data?.serviceCounter ? counterName(counter.data.serviceCounter, lang) : counterId;
  const button = (k: Key, label: string, primary = false) => (
    <button
      type="button"
      ref={refs[k]}
      className={primary ? undefined : 'button-secondary'}
      aria-disabled={!can[k] || undefined}
      aria-keyshortcuts={k.toUpperCase()}
      onClick={() => void act(k)}
      data-testid={`action-${k}`}
    >
      {label} <kbd aria-hidden="true">{k.toUpperCase()}</kbd>
    </button>
  );
  const busy = call.busy || recall.busy || missed.busy || start.busy || complete.busy;

  return (
    <div className="counter-page">
      <h1>{t('queue.title', { counter: name })}</h1>
      <p className="help">
        {t('queue.shortcuts', {
          keys: `N ${t('queue.callNext')} · R ${t('queue.recall')} · M ${t('queue.missed')} · S ${t('queue.start')} · C ${t('queue.complete')} · A ${t('queue.accept')}`,
        })}
      </p>
      <div className="counter-grid">
        <section className="panel now-serving" aria-labelledby="now-h" data-testid="now-serving" aria-busy={busy}>
          <h2 id="now-h">{myWindow ? t('queue.nowServing', { window: myWindow }) : t('queue.chooseWindow')}</h2>
          {atWindow ? (
            <>
              <p className="ticket-number" data-testid="serving-ticket">
                {atWindow.ticketNumber}
              </p>
              <p data-testid="serving-status">{t(`queue.ticketStatus.${atWindow.status}`)}</p>
              {kase.data?.case && <CaseSummary c={kase.data.case} />}
            </>
          ) : (
            <p>{calledNobody ? t('queue.calledNone') : t('queue.nobodyAtWindow')}</p>
          )}
          <div className="actions" role="group" aria-label={t('case.actions')}>
            {button('n', t('queue.callNext'), !atWindow)}
            {button('s', t('queue.start'), atWindow?.status === 'CALLED')}
            {button('r', t('queue.recall'))}
            {button('m', t('queue.missed'))}
            {button('a', t('queue.accept'), atWindow?.status === 'SERVING')}
            {button('c', t('queue.complete'))}
          </div>
          {(
            [
              [call, 's'],
              [recall, 's'],
              [missed, 'n'],
              [start, 'a'],
              [complete, 'n'],
            ] as const
          ).map(([a, next], i) => (
            <ActionStatus
              key={i}
              action={a}
              testId="queue-error"
              onRetried={() => {
                focus(next);
                void refetch();
              }}
            />
          ))}
        </section>
        <section className="panel" aria-labelledby="queue-h">
          <h2 id="queue-h">
            {t('nav.counterQueue')} ·{' '}
            <span data-testid="waiting-count">{t('queue.waitingCount', { n: waiting.length })}</span>
          </h2>
          <Errors error={queue.error} />
          {tickets.length === 0 ? (
            <p>{t('queue.nobodyWaiting')}</p>
          ) : (
            <div className="table-scroll">
              <table className="queue-table" data-testid="queue">
                <thead>
                  <tr>
                    <th scope="col">{t('queue.ticket')}</th>
                    <th scope="col">{t('queue.kind')}</th>
                    <th scope="col">{t('queue.category')}</th>
                    <th scope="col">{t('queue.state')}</th>
                    <th scope="col">{t('queue.since')}</th>
                    <th scope="col">{t('queue.waited')}</th>
                  </tr>
                </thead>
                <tbody>
                  {tickets.map((x) => (
                    <tr key={x.id} data-testid="queue-row" data-ticket={x.ticketNumber} data-status={x.status}>
                      <th scope="row">{x.ticketNumber}</th>
                      <td>{x.appointmentId ? t('queue.appointment') : t('queue.walkIn')}</td>
                      <td>{x.category}</td>
                      <td>
                        {t(`queue.ticketStatus.${x.status}`)}
                        {x.window ? ` · ${t('queue.atWindow', { window: x.window })}` : ''}
                        {x.serviceDate < today
                          ? ` · ${t('queue.earlierDay', { date: formatDay(x.serviceDate, lang) })}`
                          : ''}
                      </td>
                      <td>{formatHour(x.issuedAt, lang)}</td>
                      <td>
                        {formatDuration(
                          ((x.calledAt ? new Date(x.calledAt).getTime() : now + offset) -
                            new Date(x.issuedAt).getTime()) /
                            1000,
                          lang,
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      </div>
    </div>
  );
}
