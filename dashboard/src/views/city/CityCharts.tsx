import { useSyncExternalStore } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatHour } from '../../format/time';
import { useI18n } from '../../i18n/i18n';
import type { LoadHistory } from './load-history';

/** City load over the day (live) and throughput per hour; loaded lazily with recharts. */
export default function CityCharts({ history }: { history: LoadHistory }) {
  const { t, lang } = useI18n();
  const points = useSyncExternalStore(history.subscribe, history.snapshot);
  return (
    <div className="charts">
      <figure className="panel" aria-labelledby="load-chart-title">
        <h2 id="load-chart-title">{t('city.loadChart')}</h2>
        {points.length === 0 ? (
          <p className="muted">{t('city.chartEmpty')}</p>
        ) : (
          <div className="chart-box" data-testid="load-chart">
            <ResponsiveContainer width="100%" height="100%">
              <LineChart data={points} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis
                  dataKey="at"
                  type="number"
                  scale="time"
                  domain={['dataMin', 'dataMax']}
                  tickFormatter={(v: number) => formatHour(v, lang)}
                />
                <YAxis allowDecimals={false} />
                <Tooltip labelFormatter={(v) => formatHour(Number(v), lang)} />
                <Legend />
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
        <p className="notice" data-testid="throughput-unavailable">
          {t('city.noThroughput')}
        </p>
      </figure>
    </div>
  );
}
