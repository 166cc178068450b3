import { useSyncExternalStore } from 'react';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { Errors } from '../../components/Errors';
import { formatHour } from '../../format/time';
import type { CityThroughputQuery } from '../../generated/graphql';
import { useI18n } from '../../i18n/i18n';
import { hourRange, openingHoursAxis, timeAxisProps, valueAxisTitle } from './chart-time';
import type { LoadHistory } from './load-history';

type Hour = CityThroughputQuery['cityThroughput'][number];

/** Each series has its own fill pattern as well as its colour: colour is never the only signal. */
const SERIES = [
  { key: 'accepted', label: 'city.accepted', colour: '#0b5cad', fill: '#0b5cad' },
  { key: 'issued', label: 'city.issued', colour: '#1a7f37', fill: 'url(#pattern-issued)' },
  { key: 'claimed', label: 'city.claimed', colour: '#8a5a00', fill: 'url(#pattern-claimed)' },
] as const;

/** City load over the day (history, then live) and throughput per hour; loaded lazily with recharts. */
export default function CityCharts({
  history,
  throughput,
  throughputError,
  date,
  hours: openHours,
}: {
  history: LoadHistory;
  throughput: readonly Hour[] | null;
  throughputError?: unknown;
  /** The business day and its opening hours: the time axes span the hours the counters open, one tick an hour. */
  date: string | null;
  hours: readonly { opens: string; closes: string }[];
}) {
  const { t, lang } = useI18n();
  const allPoints = useSyncExternalStore(history.subscribe, history.snapshot);
  const axis = date ? openingHoursAxis(date, openHours) : null;
  const inRange = (at: number): boolean => !axis || (at >= axis.domain[0] && at <= axis.domain[1]);
  const points = allPoints.filter((p) => inRange(p.at));
  // Bars are centred on the half hour they count, inside the opening-hours axis.
  const hours = (throughput ?? [])
    .map((h) => ({ ...h, at: Date.parse(h.hour) + 1_800_000 }))
    .filter((h) => inRange(h.at));
  const totals = (throughput ?? []).reduce(
    (s, h) => ({ accepted: s.accepted + h.accepted, issued: s.issued + h.issued, claimed: s.claimed + h.claimed }),
    { accepted: 0, issued: 0, claimed: 0 },
  );
  return (
    <div className="charts">
      <figure className="panel" aria-labelledby="load-chart-title">
        <h2 id="load-chart-title">{t('city.loadChart')}</h2>
        {points.length === 0 ? (
          <p className="muted">{t('city.chartEmpty')}</p>
        ) : (
          <div className="chart-box" data-testid="load-chart" data-points={points.length}>
            <ResponsiveContainer width="100%" height="100%">
              <LineChart data={points} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis {...timeAxisProps(axis, t('chart.timeAxis'), lang)} />
                <YAxis allowDecimals={false} width={48} label={valueAxisTitle(t('chart.people'))} />
                <Tooltip labelFormatter={(v) => formatHour(Number(v), lang)} />
                <Legend verticalAlign="top" height={24} />
                <Line
                  type="stepAfter"
                  dataKey="waiting"
                  name={t('city.chartWaiting')}
                  stroke="#b42318"
                  strokeWidth={2}
                  dot={false}
                  isAnimationActive={false}
                />
                <Line
                  type="stepAfter"
                  dataKey="serving"
                  name={t('city.chartServing')}
                  stroke="#0b5cad"
                  strokeWidth={2}
                  strokeDasharray="6 3"
                  dot={false}
                  isAnimationActive={false}
                />
              </LineChart>
            </ResponsiveContainer>
          </div>
        )}
        <figcaption className="visually-hidden">
          {points.length > 0 &&
            `${formatHour(points[points.length - 1]!.at, lang)}: ${t('city.chartWaiting')} ${points[points.length - 1]!.waiting}, ${t('city.chartServing')} ${points[points.length - 1]!.serving}`}
        </figcaption>
      </figure>
      <figure className="panel" aria-labelledby="throughput-chart-title">
        <h2 id="throughput-chart-title">{t('city.throughputChart')}</h2>
        <Errors error={throughputError} testId="throughput-error" />
        {throughput && (
          <>
            <p className="muted" data-testid="throughput-totals">
              {t('city.throughputTotals', totals)}
            </p>
            <div className="chart-box" data-testid="throughput-chart">
              <ResponsiveContainer width="100%" height="100%">
                <BarChart data={hours} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
                  <defs>
                    <pattern id="pattern-issued" width="6" height="6" patternUnits="userSpaceOnUse">
                      <rect width="6" height="6" fill="#1a7f37" opacity="0.35" />
                      <path d="M0,6 L6,0" stroke="#1a7f37" strokeWidth="2" />
                    </pattern>
                    <pattern id="pattern-claimed" width="6" height="6" patternUnits="userSpaceOnUse">
                      <rect width="6" height="6" fill="#8a5a00" opacity="0.25" />
                      <circle cx="3" cy="3" r="1.6" fill="#8a5a00" />
                    </pattern>
                  </defs>
                  <CartesianGrid strokeDasharray="3 3" />
                  <XAxis {...timeAxisProps(axis, t('chart.timeAxis'), lang)} />
                  <YAxis allowDecimals={false} width={48} label={valueAxisTitle(t('chart.perHour'))} />
                  <Tooltip labelFormatter={(v) => hourRange(Number(v), lang)} />
                  {/* In the order of the case: accepted, issued, claimed (not alphabetical). */}
                  <Legend itemSorter={null} verticalAlign="top" height={24} />
                  {SERIES.map((s) => (
                    <Bar
                      key={s.key}
                      dataKey={s.key}
                      name={t(s.label)}
                      fill={s.fill}
                      stroke={s.colour}
                      isAnimationActive={false}
                    />
                  ))}
                </BarChart>
              </ResponsiveContainer>
            </div>
            <details>
              <summary>{t('city.throughputTable')}</summary>
              <table data-testid="throughput-table">
                <thead>
                  <tr>
                    <th scope="col">{t('city.hour')}</th>
                    {SERIES.map((s) => (
                      <th scope="col" key={s.key}>
                        {t(s.label)}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {(throughput ?? []).map((h) => (
                    <tr key={h.hour} data-hour={h.hour}>
                      <th scope="row">{formatHour(h.hour, lang)}</th>
                      <td data-series="accepted">{h.accepted}</td>
                      <td data-series="issued">{h.issued}</td>
                      <td data-series="claimed">{h.claimed}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </details>
          </>
        )}
      </figure>
    </div>
  );
}
