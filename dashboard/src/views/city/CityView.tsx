import { useQuery } from '@apollo/client/react';
import { lazy, memo, Suspense, useCallback, useEffect, useMemo, useState } from 'react';
import { Errors } from '../../components/Errors';
import { SlaBadge, type SlaState } from '../../components/SlaBadge';
import { counterName, districtName } from '../../format/counter';
import { formatDuration, formatTime } from '../../format/time';
import {
  CityLoadDocument,
  CityLoadHistoryDocument,
  CitySlaDocument,
  CityThroughputDocument,
  CounterLoadChangedDocument,
  ServiceCountersDocument,
  SlaAlertsDocument,
  type CounterLoadFieldsFragment,
  type ServiceCountersQuery,
} from '../../generated/graphql';
import type { Lang } from '../../i18n/dictionary';
import { useI18n } from '../../i18n/i18n';
import { EventDeduper } from '../../live/dedupe';
import { FrameBatcher } from '../../live/frame-batcher';
import { Throttle } from '../../live/throttle';
import { useLiveSubscription, useRefetchOnReconnect } from '../../live/useLiveSubscription';
import { mergeLoads } from './load-merge';
import { LoadHistory } from './load-history';
import { counterSlaState } from './sla-state';

// recharts is large: the charts load after the counters are on screen.
const CityCharts = lazy(() => import('./CityCharts'));

type Counter = ServiceCountersQuery['serviceCounters'][number];
type Load = CounterLoadFieldsFragment;

/** Throughput is refetched when loads change, at most this often: it is an hourly figure. */
const THROUGHPUT_REFRESH_MS = 30_000;

/**
 * The manager's all-day view: every counter at a glance, by district, kept live by the
 * `counterLoadChanged` subscription (no polling). After a reconnection the subscription
 * resumes from the last event seen and the snapshot is refetched; per counter the newest
 * figures (by event id) win, so nothing is missed and nothing counts twice. The load chart
 * starts from the day's history (`cityLoadHistory`) and continues with the pushes; the
 * throughput per hour is refetched on load changes, at most every 30 seconds.
 */
export default function CityView() {
  const { t, lang } = useI18n();
  const counters = useQuery(ServiceCountersDocument);
  const snapshot = useQuery(CityLoadDocument, { fetchPolicy: 'network-only', notifyOnNetworkStatusChange: false });
  const sla = useQuery(CitySlaDocument, { fetchPolicy: 'network-only' });
  const [pushed, setPushed] = useState<ReadonlyMap<string, Load>>(() => new Map());
  const [deduper] = useState(() => new EventDeduper());
  const [alertDeduper] = useState(() => new EventDeduper());
  const [history] = useState(() => new LoadHistory());

  const snapshotLoads = snapshot.data?.cityLoad.counters;
  const loads = useMemo(() => mergeLoads(snapshotLoads ?? [], pushed), [snapshotLoads, pushed]);
  useEffect(() => {
    if (snapshotLoads) history.apply(snapshotLoads);
  }, [history, snapshotLoads]);

  // The business day (the server's clock, which tests and the simulator move) names the day's figures.
  const date = snapshot.data?.cityLoad.date;
  const dayHistory = useQuery(CityLoadHistoryDocument, {
    variables: { date: date ?? '' },
    skip: !date,
    fetchPolicy: 'network-only',
  });
  const samples = dayHistory.data?.cityLoadHistory;
  useEffect(() => {
    if (samples) history.seed(samples);
  }, [history, samples]);
  const throughput = useQuery(CityThroughputDocument, {
    variables: { date: date ?? '' },
    skip: !date,
    fetchPolicy: 'network-only',
  });
  const [throughputRefresh] = useState(() => new Throttle(THROUGHPUT_REFRESH_MS));
  const refetchThroughput = throughput.refetch;
  useEffect(() => {
    throughputRefresh.setAction(() => void refetchThroughput().catch(() => undefined));
  }, [throughputRefresh, refetchThroughput]);
  useEffect(() => {
    throughputRefresh.ran();
    return () => throughputRefresh.cancel();
  }, [throughputRefresh]);

  // Pushes are applied once per animation frame: at hundreds of updates a second the view
  // renders the latest figures ~60 times a second instead of once per push, and never lags.
  const [batcher] = useState(
    () =>
      new FrameBatcher<Load>((batch) => {
        history.apply(batch);
        setPushed((prev) => {
          const next = new Map(prev);
          for (const b of batch) next.set(b.counterId, b);
          return next;
        });
      }),
  );
  useEffect(() => () => batcher.cancel(), [batcher]);
  const onLoad = useCallback(
    (data: { counterLoadChanged: Load }) => {
      const l = data.counterLoadChanged;
      deduper.advanceTo(l.eventId);
      performance.mark('onestop:load-received', { detail: l.eventId });
      batcher.add(l.counterId, l);
      throughputRefresh.request();
    },
    [deduper, batcher, throughputRefresh],
  );
  useLiveSubscription(CounterLoadChangedDocument, {
    deduper,
    initialSince: snapshot.data?.cityLoad.eventId,
    skip: !snapshot.data,
    eventIdOf: () => null,
    onEvent: onLoad,
  });
  // A counter-wait warning or breach changes a counter's state: refresh the open breaches.
  const refetchSla = sla.refetch;
  useLiveSubscription(SlaAlertsDocument, {
    variables: { filter: { kind: 'COUNTER_WAIT' } },
    deduper: alertDeduper,
    eventIdOf: (d) => d.slaBreached.eventId,
    onEvent: () => void refetchSla(),
  });
  const refetchSnapshot = snapshot.refetch;
  const refetchHistory = dayHistory.refetch;
  useRefetchOnReconnect(() =>
    Promise.all([refetchSnapshot(), refetchSla(), date ? refetchHistory() : null, throughputRefresh.request()]),
  );

  const list = counters.data?.serviceCounters;
  const byDistrict = useMemo(() => groupByDistrict(list ?? [], lang), [list, lang]);
  const allowed = sla.data?.slaThresholds.counterWaitMinutes ?? 30;
  const warningPercents = sla.data?.slaThresholds.warningPercents ?? [50, 75];
  const breachedAt = useMemo(
    () => new Set((sla.data?.slaBreaches.edges ?? []).map((e) => e.node.counterId).filter(Boolean)),
    [sla.data],
  );

  const totals = useMemo(() => {
    let waiting = 0;
    let serving = 0;
    for (const l of loads.values()) {
      waiting += l.waiting;
      serving += l.beingServed;
    }
    return { waiting, serving };
  }, [loads]);

  return (
    <div>
      <h1>{t('city.title')}</h1>
      <Errors error={counters.error ?? snapshot.error} />
      <p className="city-summary" data-testid="city-summary" aria-live="off">
        {t('city.summary', { counters: list?.length ?? 0, waiting: totals.waiting, serving: totals.serving })}
      </p>
      {snapshot.error && list && <p className="notice">{t('city.noLoad')}</p>}
      <div className="districts" data-testid="districts">
        {byDistrict.map(({ district, label, counters: cs }) => (
          <section key={district} className="district" aria-labelledby={`d-${district}`}>
            <h2 id={`d-${district}`}>{t('city.district', { district: label })}</h2>
            <ul>
              {cs.map((c) => {
                const load = loads.get(c.id) ?? null;
                const state: SlaState = load
                  ? counterSlaState(
                      { open: load.open, p90WaitMinutes: load.p90WaitMinutesToday, openBreach: breachedAt.has(c.id) },
                      allowed,
                      warningPercents,
                    )
                  : breachedAt.has(c.id)
                    ? 'BREACHED'
                    : 'UNKNOWN';
                return (
                  <li key={c.id}>
                    <CounterCard counter={c} load={load} state={state} />
                  </li>
                );
              })}
            </ul>
          </section>
        ))}
      </div>
      <Suspense fallback={<p className="loading">{t('app.loading')}</p>}>
        <CityCharts
          history={history}
          throughput={throughput.data?.cityThroughput ?? null}
          throughputError={throughput.error}
        />
      </Suspense>
    </div>
  );
}

/** Counters by district (keyed by the English name), in the order of the district's name in the UI's language. */
function groupByDistrict(
  list: readonly Counter[],
  lang: Lang,
): { district: string; label: string; counters: Counter[] }[] {
  const m = new Map<string, Counter[]>();
  for (const c of list) m.set(c.district, [...(m.get(c.district) ?? []), c]);
  const collator = new Intl.Collator(lang === 'zh' ? 'zh-CN' : 'en');
  return [...m.entries()]
    .map(([district, cs]) => ({ district, label: districtName(cs[0]!, lang), counters: cs }))
    .sort((a, b) => collator.compare(a.label, b.label));
}

/** One counter; re-renders only when its own figures or state change. */
const CounterCard = memo(function CounterCard({
  counter,
  load,
  state,
}: {
  counter: Counter;
  load: Load | null;
  state: SlaState;
}) {
  const { t, lang } = useI18n();
  const n = (v: number | null | undefined): string => (v == null ? '—' : String(v));
  return (
    <article
      className={`counter state-${state}`}
      aria-labelledby={`c-${counter.id}`}
      data-testid="counter-card"
      data-counter-id={counter.id}
      data-event-id={load?.eventId}
    >
      <div className="counter-head">
        <h3 id={`c-${counter.id}`}>{counterName(counter, lang)}</h3>
        <SlaBadge state={state} />
      </div>
      <dl>
        <div>
          <dt>{t('city.waiting')}</dt>
          <dd data-testid="waiting">{n(load?.waiting)}</dd>
        </div>
        <div>
          <dt>{t('city.serving')}</dt>
          <dd data-testid="serving">{n(load?.beingServed)}</dd>
        </div>
        <div>
          <dt>{t('city.p90')}</dt>
          <dd>{load?.p90WaitMinutesToday == null ? '—' : formatDuration(load.p90WaitMinutesToday * 60, lang)}</dd>
        </div>
        <div>
          <dt>{t('city.utilisation')}</dt>
          <dd>{load ? `${Math.round(load.utilisation * 100)}%` : '—'}</dd>
        </div>
        <div>
          <dt>{t('city.windowsOpen')}</dt>
          <dd>{`${load ? load.windowsOpen : '—'} / ${counter.windows}`}</dd>
        </div>
        <div>
          <dt>{t('city.appointmentsLeft')}</dt>
          <dd>{n(load?.appointmentsLeftToday)}</dd>
        </div>
      </dl>
      {load && <p className="muted">{t('city.updated', { time: formatTime(load.computedAt, lang) })}</p>}
    </article>
  );
});
