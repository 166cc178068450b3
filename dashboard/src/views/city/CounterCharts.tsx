import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  ReferenceLine,
  ResponsiveContainer,
  Scatter,
  ScatterChart,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { formatHour } from '../../format/time';
import { useI18n } from '../../i18n/i18n';
import { hourRange, openingHoursAxis, timeAxisProps, valueAxisTitle } from './chart-time';

/**
 * The counter's day: each ticket's wait (check-in → call) at the time it was called, against
 * the wait target drawn as a line; and what the counter got through per hour. Both time axes
 * span the counter's opening hours, one tick an hour.
 */
export default function CounterCharts({
  date,
  hours,
  waits,
  targetMinutes,
  throughput,
}: {
  date: string;
  hours: readonly { opens: string; closes: string }[];
  waits: readonly { calledAt: string; waitMinutes: number }[];
  targetMinutes: number;
  throughput: readonly { hour: string; accepted: number; issued: number; claimed: number }[] | null;
}) {
  const { t, lang } = useI18n();
  const axis = openingHoursAxis(date, hours);
  const inRange = (at: number): boolean => at >= axis.domain[0] && at <= axis.domain[1];
  const points = waits.map((w) => ({ at: Date.parse(w.calledAt), wait: w.waitMinutes })).filter((p) => inRange(p.at));
  const maxWait = Math.max(targetMinutes * 1.2, ...points.map((p) => p.wait));
  const bars = (throughput ?? [])
    .map((h) => ({ ...h, at: Date.parse(h.hour) + 1_800_000 }))
    .filter((h) => inRange(h.at));
  const over = points.filter((p) => p.wait > targetMinutes).length;
  const timeAxis = timeAxisProps(axis, t('chart.timeAxis'), lang);

  return (
    <div className="two-col">
      <figure className="panel" aria-labelledby="wait-chart-title">
        <h2 id="wait-chart-title">{t('console.waitChart')}</h2>
        <div className="chart-box" data-testid="wait-chart" data-points={points.length}>
          <ResponsiveContainer width="100%" height="100%">
            <ScatterChart margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis {...timeAxis} />
              <YAxis
                dataKey="wait"
                type="number"
                domain={[0, Math.ceil(maxWait / 10) * 10]}
                width={48}
                label={valueAxisTitle(t('chart.minutes'))}
              />
              <Tooltip
                formatter={(v) => [`${String(v)} min`, t('console.wait')]}
                labelFormatter={(v) => formatHour(Number(v), lang)}
              />
              <Legend verticalAlign="top" height={24} />
              <ReferenceLine
                y={targetMinutes}
                stroke="#b42318"
                strokeDasharray="6 3"
                strokeWidth={2}
                label={{
                  value: t('console.target', { minutes: targetMinutes }),
                  position: 'insideTopRight',
                  fill: '#b42318',
                }}
              />
              <Scatter name={t('console.waitPerTicket')} data={points} fill="#0b5cad" isAnimationActive={false} />
            </ScatterChart>
          </ResponsiveContainer>
        </div>
        <figcaption className="muted" data-testid="wait-caption">
          {t('console.waitCaption', { n: points.length, over, minutes: targetMinutes })}
        </figcaption>
      </figure>
      <figure className="panel" aria-labelledby="counter-throughput-title">
        <h2 id="counter-throughput-title">{t('city.throughputChart')}</h2>
        <div className="chart-box" data-testid="counter-throughput-chart">
          <ResponsiveContainer width="100%" height="100%">
            <BarChart data={bars} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis {...timeAxis} />
              <YAxis allowDecimals={false} width={48} label={valueAxisTitle(t('chart.perHour'))} />
              <Tooltip labelFormatter={(v) => hourRange(Number(v), lang)} />
              <Legend itemSorter={null} verticalAlign="top" height={24} />
              <Bar dataKey="accepted" name={t('city.accepted')} fill="#0b5cad" isAnimationActive={false} />
              <Bar dataKey="claimed" name={t('city.claimed')} fill="#8a5a00" isAnimationActive={false} />
            </BarChart>
          </ResponsiveContainer>
        </div>
        <figcaption className="muted">
          {t('city.throughputTotals', {
            accepted: (throughput ?? []).reduce((n, h) => n + h.accepted, 0),
            issued: (throughput ?? []).reduce((n, h) => n + h.issued, 0),
            claimed: (throughput ?? []).reduce((n, h) => n + h.claimed, 0),
          })}
        </figcaption>
      </figure>
    </div>
  );
}
