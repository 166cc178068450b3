import { useQuery } from '@apollo/client/react';
import { lazy, Suspense, useCallback, useEffect, useMemo, useState } from 'react';
import { Errors } from '../../components/Errors';
import { SlaBadge } from '../../components/SlaBadge';
import { Link } from '../../app/Link';
import { counterName, districtName } from '../../format/counter';
import { formatHour } from '../../format/time';
import {
  CitySlaDocument,
  CounterLoadOneChangedDocument,
  CounterThroughputDocument,
  CounterTodayDocument,
  ServiceCountersDocument,
} from '../../generated/graphql';
import { useI18n } from '../../i18n/i18n';
import { EventDeduper } from '../../live/dedupe';
import { Throttle } from '../../live/throttle';
import { useLiveSubscription, useRefetchOnReconnect } from '../../live/useLiveSubscription';
import { minutes } from './minutes';
import { Tile } from './Tile';
import { counterNowState } from './sla-state';
import './console.css';

const CounterCharts = lazy(() => import('./CounterCharts'));

/** The page refetches on pushes at most this often (a busy counter changes several times a second). */
const REFRESH_MS = 1_000;

/**
 * One counter, opened from the city console: its state NOW (the live queue by ticket number,
 * no personal data; the windows and who is at them) beside its DAY (breaches with their
 * times, the day's waits against the target, throughput), appointments left, and the nearest
 * counters where a walk-in would wait less. Live: every `counterLoadChanged` push for this
 * counter refetches the page's data (at most once a second).
 */
export default function CounterPage({ counterId }: { counterId: string }) {
  const { t, lang } = useI18n();
  const today = useQuery(CounterTodayDocument, { variables: { counterId }, fetchPolicy: 'network-only' });
  const counters = useQuery(ServiceCountersDocument);
  const sla = useQuery(CitySlaDocument, { fetchPolicy: 'cache-first' });
  const data = today.data?.counterToday;
  const throughput = useQuery(CounterThroughputDocument, {
    variables: { date: data?.date ?? '', counterId },
    skip: !data,
    fetchPolicy: 'network-only',
  });
  const [deduper] = useState(() => new EventDeduper());
  const refetch = today.refetch;
  const refetchThroughput = throughput.refetch;
  const [refresh] = useState(() => new Throttle(REFRESH_MS));
  useEffect(() => {
    refresh.setAction(() => {
      void refetch().catch(() => undefined);
      if (data) void refetchThroughput().catch(() => undefined);
    });
  }, [refresh, refetch, refetchThroughput, data]);
  useEffect(() => () => refresh.cancel(), [refresh]);
  const onLoad = useCallback(
    (d: { counterLoadChanged: { eventId: string } }) => {
      deduper.advanceTo(d.counterLoadChanged.eventId);
      refresh.request();
    },
    [deduper, refresh],
  );
  useLiveSubscription(CounterLoadOneChangedDocument, {
    variables: { counterId },
    deduper,
    initialSince: data?.load.eventId,
    skip: !data,
    eventIdOf: () => null,
    onEvent: onLoad,
  });
  useRefetchOnReconnect(() => refetch());

  const byId = useMemo(() => new Map((counters.data?.serviceCounters ?? []).map((c) => [c.id, c])), [counters.data]);
  const counter = byId.get(counterId);
  const allowed = sla.data?.slaThresholds.counterWaitMinutes ?? 30;
  const warningPercents = sla.data?.slaThresholds.warningPercents ?? [50, 75];
  const name = counter ? counterName(counter, lang) : counterId;

  return (
    <div className="console counter-page">
      <p>
        <Link to="/city">← {t('console.back')}</Link>
      </p>
      <div className="console-head">
        <h1>{name}</h1>
        {counter && (
          <span className="muted">
            {districtName(counter, lang)} · {counter.address}
          </span>
        )}
      </div>
      <Errors error={today.error} />
      {data && (
        <>
          <p className="now-day" data-testid="now-day">
            <SlaBadge
              state={counterNowState(data.load, allowed, warningPercents)}
              label={t(`console.nowState.${counterNowState(data.load, allowed, warningPercents)}`)}
            />{' '}
            <span data-testid="day-breaches">
              {data.load.breachesToday === 0
                ? t('console.noBreachToday')
                : t(data.load.breachesToday === 1 ? 'console.breachesToday.one' : 'console.breachesToday.n', {
                    n: data.load.breachesToday,
                    time: data.load.lastBreachAt ? formatHour(data.load.lastBreachAt, lang) : '—',
                  })}
            </span>{' '}
            {data.load.queueWithIdleWindows && (
              <span className="flag" data-testid="idle-flag">
                <span aria-hidden="true">⚠ </span>
                {t('console.idleFlagFull', {
                  idle: data.load.idleWindows,
                  windows: counter?.windows ?? data.windows.length,
                })}
              </span>
            )}
          </p>
          {data.breachTimes.length > 1 && (
            <details className="breach-times">
              <summary>{t('console.breachTimes', { n: data.breachTimes.length })}</summary>
              <p data-testid="breach-times">{data.breachTimes.map((b) => formatHour(b, lang)).join(', ')}</p>
            </details>
          )}
          <ul className="tiles" aria-label={t('console.tiles')}>
            <Tile label={t('console.waitingNow')} value={data.load.waiting} valueTestId="page-waiting" />
            <Tile label={t('console.longestNow')} value={minutes(data.load.longestWaitMinutesNow, lang)} />
            <Tile label={t('console.expectedWait')} value={minutes(data.expectedWaitMinutes, lang)} />
            <Tile label={t('console.avgToday')} value={minutes(data.load.averageWaitMinutesToday, lang)} />
            <Tile label={t('console.p90Today')} value={minutes(data.load.p90WaitMinutesToday, lang)} />
            <Tile
              label={t('city.appointmentsLeft')}
              value={data.load.appointmentsLeftToday}
              valueTestId="appointments-left"
            />
            <Tile label={t('console.servedToday')} value={data.load.servedToday} />
          </ul>
          <div className="two-col">
            <section className="panel" aria-labelledby="queue-title" data-testid="queue">
              <h2 id="queue-title">{t('console.queue', { n: data.queue.length })}</h2>
              {data.queue.length === 0 ? (
                <p className="muted">{t('console.queueEmpty')}</p>
              ) : (
                <ol className="queue-list">
                  {data.queue.map((q) => (
                    <li key={q.ticketNumber} data-testid="queued-ticket">
                      <strong>{q.ticketNumber}</strong> {minutes(q.waitedMinutes, lang)}
                      {q.withAppointment ? '' : ` · ${t('console.walkIn')}`}
                    </li>
                  ))}
                </ol>
              )}
              <h2 id="windows-title">{t('console.windows')}</h2>
              <table aria-labelledby="windows-title" data-testid="windows-table">
                <thead>
                  <tr>
                    <th scope="col">{t('console.window')}</th>
                    <th scope="col">{t('console.clerk')}</th>
                    <th scope="col">{t('console.atWindow')}</th>
                  </tr>
                </thead>
                <tbody>
                  {data.windows.map((w) => (
                    <tr key={w.window} data-window={w.window}>
                      <th scope="row">{w.window}</th>
                      <td>
                        {w.open
                          ? t('console.clerkSince', {
                              name: w.clerkName ?? '—',
                              time: formatHour(w.openedAt ?? '', lang),
                            })
                          : t('console.windowClosed')}
                      </td>
                      <td>
                        {w.ticketNumber
                          ? `${w.ticketNumber} · ${t(w.ticketStatus === 'SERVING' ? 'console.ticket.SERVING' : 'console.ticket.CALLED')}`
                          : w.open
                            ? t('console.idle')
                            : '—'}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
            <section className="panel" aria-labelledby="nearest-title" data-testid="nearest">
              <h2 id="nearest-title">{t('console.nearest')}</h2>
              {data.nearest.length === 0 ? (
                <p className="muted">{t('console.nearestNone')}</p>
              ) : (
                <table className="nearest-table">
                  <thead>
                    <tr>
                      <th scope="col">{t('console.counter')}</th>
                      <th scope="col">{t('console.distance')}</th>
                      <th scope="col">{t('console.expectedWait')}</th>
                      <th scope="col">{t('city.waiting')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.nearest.map((n) => {
                      const c = byId.get(n.counterId);
                      return (
                        <tr key={n.counterId} data-testid="nearby-counter" data-counter-id={n.counterId}>
                          <th scope="row">
                            <Link to={`/city/counters/${encodeURIComponent(n.counterId)}`}>
                              {c ? counterName(c, lang) : n.counterId}
                            </Link>
                            {c && <span className="nearest-address">{c.address}</span>}
                          </th>
                          <td>{t('console.km', { km: n.distanceKm.toFixed(1) })}</td>
                          <td>{minutes(n.expectedWaitMinutes, lang)}</td>
                          <td>{n.waiting}</td>
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              )}
            </section>
          </div>
          <Suspense fallback={<p className="loading">{t('app.loading')}</p>}>
            <CounterCharts
              date={data.date}
              hours={data.hours}
              waits={data.waits}
              targetMinutes={allowed}
              throughput={throughput.data?.cityThroughput ?? null}
            />
          </Suspense>
        </>
      )}
    </div>
  );
}
