import { useQuery } from '@apollo/client/react';
import { lazy, memo, Suspense, useCallback, useEffect, useMemo, useState } from 'react';
import { Errors } from '../../components/Errors';
import { SlaBadge, type SlaState } from '../../components/SlaBadge';
import { Link } from '../../app/Link';
import { counterName, districtName } from '../../format/counter';
import { formatHour } from '../../format/time';
import type { Lang } from '../../i18n/dictionary';
import {
  CityCountersDocument,
  CityLoadDocument,
  CityLoadHistoryDocument,
  CitySlaDocument,
  CityThroughputDocument,
  CounterLoadChangedDocument,
  SlaAlertsDocument,
  type CityCountersQuery,
  type CounterLoadFieldsFragment,
} from '../../generated/graphql';
import { useI18n } from '../../i18n/i18n';
import { EventDeduper } from '../../live/dedupe';
import { FrameBatcher } from '../../live/frame-batcher';
import { Throttle } from '../../live/throttle';
import { useLiveSubscription, useRefetchOnReconnect } from '../../live/useLiveSubscription';
import { cityHours, sameWeekdayLastWeek } from './chart-time';
import { mergeLoads } from './load-merge';
import { minutes } from './minutes';
import { Tile } from './Tile';
import { LoadHistory } from './load-history';
import { bySeverity, counterNowState } from './sla-state';
import './console.css';

// recharts is large: the charts load after the counters are on screen.
const CityCharts = lazy(() => import('./CityCharts'));

type Counter = CityCountersQuery['serviceCounters'][number];
type Load = CounterLoadFieldsFragment;
type Sort = 'severity' | 'name' | 'waiting';

/** Throughput is refetched when loads change, at most this often: it is an hourly figure. */
const THROUGHPUT_REFRESH_MS = 30_000;

/**
 * The manager's city console: the city's figures (tiles), every counter's state NOW (the
 * queue and its wait at this moment) beside its DAY (breaches so far, with the time),
 * counters waiting while windows are idle flagged, sortable by severity and filterable by
 * district, and the day's charts, all on one 1366×768 screen. Kept live by the
 * `counterLoadChanged` subscription (no polling): after a reconnection it resumes from the
 * last event seen and the snapshot is refetched; per counter the newest figures (by event id)
 * win, so nothing is missed and nothing counts twice.
 */
export default function CityView() {
  const { t, lang } = useI18n();
  const counters = useQuery(CityCountersDocument);
  const snapshot = useQuery(CityLoadDocument, { fetchPolicy: 'network-only', notifyOnNetworkStatusChange: false });
  const sla = useQuery(CitySlaDocument, { fetchPolicy: 'network-only' });
  const [pushed, setPushed] = useState<ReadonlyMap<string, Load>>(() => new Map());
  const [deduper] = useState(() => new EventDeduper());
  const [alertDeduper] = useState(() => new EventDeduper());
  const [history] = useState(() => new LoadHistory());
  const [sort, setSort] = useState<Sort>('severity');
  const [district, setDistrict] = useState('');

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
  const lastWeek = useQuery(CityThroughputDocument, {
    variables: { date: date ? sameWeekdayLastWeek(date) : '' },
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
  // A counter-wait breach is part of a counter's day: refetch the snapshot (breaches today) and the open breaches.
  const refetchSla = sla.refetch;
  const refetchSnapshot = snapshot.refetch;
  useLiveSubscription(SlaAlertsDocument, {
    variables: { filter: { kind: 'COUNTER_WAIT' } },
    deduper: alertDeduper,
    eventIdOf: (d) => d.slaBreached.eventId,
    onEvent: (d) => {
      void refetchSla();
      if (d.slaBreached.breach) void refetchSnapshot();
    },
  });
  const refetchHistory = dayHistory.refetch;
  useRefetchOnReconnect(() =>
    Promise.all([refetchSnapshot(), refetchSla(), date ? refetchHistory() : null, throughputRefresh.request()]),
  );

  const list = counters.data?.serviceCounters;
  const allowed = sla.data?.slaThresholds.counterWaitMinutes ?? 30;
  const warningPercents = useMemo(() => sla.data?.slaThresholds.warningPercents ?? [50, 75], [sla.data]);

  const districts = useMemo(() => {
    const m = new Map<string, string>();
    for (const c of list ?? []) m.set(c.district, districtName(c, lang));
    const collator = new Intl.Collator(lang === 'zh' ? 'zh-CN' : 'en');
    return [...m.entries()].sort((a, b) => collator.compare(a[1], b[1]));
  }, [list, lang]);

  const rows = useMemo(() => {
    const collator = new Intl.Collator(lang === 'zh' ? 'zh-CN' : 'en');
    const out = (list ?? [])
      .filter((c) => !district || c.district === district)
      .map((c) => {
        const load = loads.get(c.id) ?? null;
        const state: SlaState = load ? counterNowState(load, allowed, warningPercents) : 'UNKNOWN';
        return { counter: c, load, state };
      });
    const key = (r: (typeof out)[number]) => ({
      state: r.state,
      idleFlag: r.load?.queueWithIdleWindows ?? false,
      longest: r.load?.longestWaitMinutesNow ?? 0,
      breaches: r.load?.breachesToday ?? 0,
      waiting: r.load?.waiting ?? 0,
    });
    return out.sort((a, b) =>
      sort === 'severity'
        ? bySeverity(key(a), key(b)) || collator.compare(counterName(a.counter, lang), counterName(b.counter, lang))
        : sort === 'waiting'
          ? (b.load?.waiting ?? 0) - (a.load?.waiting ?? 0)
          : collator.compare(counterName(a.counter, lang), counterName(b.counter, lang)),
    );
  }, [list, loads, allowed, warningPercents, sort, district, lang]);

  const city = snapshot.data?.cityLoad;
  const totals = useMemo(() => {
    let waiting = 0;
    let serving = 0;
    let longest: number | null = null;
    let idle = 0;
    let breaches = 0;
    let visits = 0;
    let over = 0;
    for (const l of loads.values()) {
      waiting += l.waiting;
      serving += l.beingServed;
      if (l.longestWaitMinutesNow != null) longest = Math.max(longest ?? 0, l.longestWaitMinutesNow);
      if (l.queueWithIdleWindows) idle++;
      breaches += l.breachesToday;
      visits += l.visitsToday;
      over += l.visitsOverTargetToday;
    }
    return { waiting, serving, longest, idle, breaches, share: visits ? over / visits : null };
  }, [loads]);

  // Today so far against the same weekday last week, up to the same hour.
  const dayTotals = useMemo(() => {
    const sum = (hours: readonly { hour: string; accepted: number; issued: number; claimed: number }[], upTo: number) =>
      hours.reduce(
        (s, h, i) =>
          i <= upTo
            ? { accepted: s.accepted + h.accepted, issued: s.issued + h.issued, claimed: s.claimed + h.claimed }
            : s,
        { accepted: 0, issued: 0, claimed: 0 },
      );
    // The server's business clock (computedAt), not the browser's: tests and the simulator move it.
    const hourIndex =
      city && date ? Math.floor((Date.parse(city.computedAt) - Date.parse(`${date}T00:00:00+08:00`)) / 3_600_000) : 23;
    return {
      today: sum(throughput.data?.cityThroughput ?? [], 23),
      lastWeek: lastWeek.data ? sum(lastWeek.data.cityThroughput, hourIndex) : null,
    };
  }, [throughput.data, lastWeek.data, city, date]);

  const hours = useMemo(() => (date && list ? cityHours(date, list) : []), [date, list]);

  return (
    <div className="console">
      <div className="console-head">
        <h1>{t('city.title')}</h1>
        <p className="visually-hidden" data-testid="city-summary">
          {t('city.summary', { counters: list?.length ?? 0, waiting: totals.waiting, serving: totals.serving })}
        </p>
        {city && (
          <span className="muted">
            {t('console.asOf', { time: formatHour(city.computedAt, lang), date: city.date })}
          </span>
        )}
      </div>
      <Errors error={counters.error ?? snapshot.error} />
      {snapshot.error && list && <p className="notice">{t('city.noLoad')}</p>}
      <ul className="tiles" data-testid="city-tiles" aria-label={t('console.tiles')}>
        <Tile label={t('console.waitingNow')} value={String(totals.waiting)} testId="tile-waiting" />
        <Tile label={t('console.longestNow')} value={minutes(totals.longest, lang)} testId="tile-longest" />
        <Tile label={t('console.avgToday')} value={minutes(city?.averageWaitMinutesToday, lang)} testId="tile-avg" />
        <Tile label={t('console.p90Today')} value={minutes(city?.p90WaitMinutesToday, lang)} testId="tile-p90" />
        <Tile
          label={t('console.overTarget', { minutes: allowed })}
          value={totals.share == null ? '—' : `${Math.round(totals.share * 100)}%`}
          testId="tile-over-target"
        />
        <Tile
          label={t('console.breachesToday')}
          value={String(totals.breaches)}
          note={totals.idle ? t('console.idleCounters', { n: totals.idle }) : undefined}
          testId="tile-breaches"
        />
        {(['accepted', 'issued', 'claimed'] as const).map((k) => (
          <Tile
            key={k}
            label={t(`console.${k}Today`)}
            value={String(dayTotals.today[k])}
            note={
              dayTotals.lastWeek
                ? t('console.lastWeek', {
                    weekday: date ? formatWeekday(date, lang) : '',
                    n: dayTotals.lastWeek[k],
                    delta: delta(dayTotals.today[k], dayTotals.lastWeek[k]),
                  })
                : undefined
            }
            testId={`tile-${k}`}
          />
        ))}
      </ul>
      <div className="console-body">
        <section className="panel counters-panel" aria-labelledby="counters-title">
          <div className="counters-tools">
            <h2 id="counters-title">{t('console.counters')}</h2>
            <label>
              {t('console.sortBy')}{' '}
              <select value={sort} onChange={(e) => setSort(e.target.value as Sort)} data-testid="counter-sort">
                <option value="severity">{t('console.sort.severity')}</option>
                <option value="waiting">{t('console.sort.waiting')}</option>
                <option value="name">{t('console.sort.name')}</option>
              </select>
            </label>
            <label>
              {t('console.district')}{' '}
              <select value={district} onChange={(e) => setDistrict(e.target.value)} data-testid="district-filter">
                <option value="">{t('console.allDistricts')}</option>
                {districts.map(([value, label]) => (
                  <option key={value} value={value}>
                    {label}
                  </option>
                ))}
              </select>
            </label>
          </div>
          <div className="table-scroll">
            <table className="counters-table" data-testid="districts">
              <thead>
                <tr>
                  <th scope="col">{t('console.counter')}</th>
                  <th scope="col">{t('console.now')}</th>
                  <th scope="col" className="num">
                    {t('city.waiting')}
                  </th>
                  <th scope="col" className="num">
                    {t('console.longest')}
                  </th>
                  <th scope="col">{t('console.windows')}</th>
                  <th scope="col">{t('console.today')}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <CounterRow key={r.counter.id} counter={r.counter} load={r.load} state={r.state} />
                ))}
              </tbody>
            </table>
          </div>
        </section>
        <Suspense fallback={<p className="loading">{t('app.loading')}</p>}>
          <CityCharts
            history={history}
            throughput={throughput.data?.cityThroughput ?? null}
            throughputError={throughput.error}
            date={date ?? null}
            hours={hours}
          />
        </Suspense>
      </div>
    </div>
  );
}

/** "Mon" / "周一": the weekday of a Beijing date. */
function formatWeekday(date: string, lang: Lang): string {
  return new Intl.DateTimeFormat(lang === 'zh' ? 'zh-CN' : 'en-GB', {
    weekday: 'short',
    timeZone: 'Asia/Shanghai',
  }).format(new Date(`${date}T12:00:00+08:00`));
}

function delta(now: number, before: number): string {
  const d = now - before;
  return d > 0 ? `+${d}` : d < 0 ? `−${-d}` : '±0';
}

/**
 * One counter: NOW (state, queue, longest wait, windows) beside its DAY (breaches with the time);
 * p90 and appointments left are on its counter page. Re-renders only when its own figures change.
 */
const CounterRow = memo(function CounterRow({
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
  const idle = load?.queueWithIdleWindows ?? false;
  return (
    <tr
      className={`counter-row state-${state}`}
      data-testid="counter-card"
      data-counter-id={counter.id}
      data-event-id={load?.eventId}
      data-idle-flag={idle ? 'true' : undefined}
    >
      <th scope="row">
        <Link
          to={`/city/counters/${encodeURIComponent(counter.id)}`}
          data-testid="counter-link"
          title={`${counterName(counter, lang)} · ${districtName(counter, lang)}`}
        >
          {counterName(counter, lang)}
        </Link>
      </th>
      <td data-testid="now">
        <SlaBadge state={state} label={t(`console.nowState.${state}`)} />
      </td>
      <td className="num" data-testid="waiting">
        {n(load?.waiting)}
      </td>
      <td className="num">{minutes(load?.longestWaitMinutesNow, lang)}</td>
      <td data-testid="windows">
        {load ? t('console.windowsServing', { serving: load.beingServed, windows: counter.windows }) : '—'}
        {idle && (
          <span
            className="flag"
            data-testid="idle-flag"
            title={t('console.idleFlagFull', { idle: load!.idleWindows, windows: counter.windows })}
          >
            <span aria-hidden="true">⚠ {t('console.idleFlag', { idle: load!.idleWindows })}</span>
            <span className="visually-hidden">
              {t('console.idleFlagFull', { idle: load!.idleWindows, windows: counter.windows })}
            </span>
          </span>
        )}
      </td>
      <td data-testid="day">
        {!load
          ? '—'
          : load.breachesToday === 0
            ? t('console.noBreachToday')
            : t(load.breachesToday === 1 ? 'console.breachesToday.one' : 'console.breachesToday.n', {
                n: load.breachesToday,
                time: load.lastBreachAt ? formatHour(load.lastBreachAt, lang) : '—',
              })}
      </td>
    </tr>
  );
});
