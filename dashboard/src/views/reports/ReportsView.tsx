import { useQuery } from '@apollo/client/react';
import { useId, useMemo, useState } from 'react';
import { navigate } from '../../app/router';
import { Errors } from '../../components/Errors';
import { downloadCsv, toCsv } from '../../export/csv';
import { counterName as nameOf } from '../../format/counter';
import { beijingDate, formatDateTime, formatDay, formatMonth } from '../../format/time';
import {
  MonthlyReportDocument,
  ServiceCountersDocument,
  type MonthlyReportQuery,
  type SlaKind,
} from '../../generated/graphql';
import { useI18n } from '../../i18n/i18n';

type Report = MonthlyReportQuery['monthlyReport'];
/** The clocks a counter answers for (pre-examination belongs to no counter). */
const COUNTER_KINDS: SlaKind[] = ['ISSUANCE', 'COUNTER_WAIT', 'PASSPORT_CUSTODY'];
const KINDS: SlaKind[] = ['PRE_EXAMINATION', ...COUNTER_KINDS];
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/** YYYY-MM of the month before or after `month`. */
export function shiftMonth(month: string, by: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const i = y * 12 + (m - 1) + by;
  return `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;
}

/**
 * The monthly report (issue 13, item 7): SLA compliance per clock kind and per counter,
 * throughput per counter and day. Printable (the print stylesheet keeps the tables only), and
 * each table can be downloaded as CSV. The month is in the address (`/reports?month=YYYY-MM`).
 */
export default function ReportsView({ month: asked }: { month?: string }) {
  const { t, lang } = useI18n();
  const month = asked && MONTH.test(asked) ? asked : beijingDate().slice(0, 7);
  const report = useQuery(MonthlyReportDocument, { variables: { month }, fetchPolicy: 'cache-and-network' });
  const counters = useQuery(ServiceCountersDocument);
  const names = useMemo(
    () => new Map((counters.data?.serviceCounters ?? []).map((c) => [c.id, nameOf(c, lang)])),
    [counters.data, lang],
  );
  const nameOfCounter = (id: string): string => names.get(id) ?? id;
  const monthId = useId();
  const [y, m] = month.split('-').map(Number) as [number, number];
  const r = report.data?.monthlyReport;
  return (
    <div className="report-page">
      <div className="section-head">
        <h1>{t('report.title', { month: formatMonth(y, m, lang) })}</h1>
        <div className="toolbar no-print">
          <button
            type="button"
            className="button-quiet"
            onClick={() => navigate(`/reports?month=${shiftMonth(month, -1)}`)}
          >
            ← {t('report.previous')}
          </button>
          <label htmlFor={monthId}>
            {t('report.month')}
            <input
              id={monthId}
              type="month"
              value={month}
              onChange={(e) => MONTH.test(e.target.value) && navigate(`/reports?month=${e.target.value}`)}
              data-testid="report-month"
            />
          </label>
          <button
            type="button"
            className="button-quiet"
            onClick={() => navigate(`/reports?month=${shiftMonth(month, 1)}`)}
          >
            {t('report.next')} →
          </button>
          <button type="button" className="button" onClick={() => window.print()} data-testid="report-print">
            {t('report.print')}
          </button>
        </div>
      </div>
      <Errors error={report.error} />
      {r && (
        <p className="muted">
          {t('report.asOf', { at: formatDateTime(r.asOf, lang) })} {t('report.rule')}
        </p>
      )}
      {r && <SlaByKind report={r} />}
      {r && <SlaByCounter report={r} counterName={nameOfCounter} />}
      {r && <Throughput report={r} counterName={nameOfCounter} />}
    </div>
  );
}

/** A table's head: the row label's column, then right-aligned figures. */
function Head({ first, numbers }: { first: string; numbers: string[] }) {
  return (
    <thead>
      <tr>
        <th scope="col">{first}</th>
        {numbers.map((n) => (
          <th scope="col" className="num" key={n}>
            {n}
          </th>
        ))}
      </tr>
    </thead>
  );
}

function rate(c: { met: number; breached: number; compliance?: number | null } | undefined, lang: string): string {
  if (!c || c.compliance == null) return '—';
  return (c.compliance * 100).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-GB', { maximumFractionDigits: 1 }) + '%';
}

function SlaByKind({ report }: { report: Report }) {
  const { t, lang } = useI18n();
  const byKind = new Map(report.slaByKind.map((k) => [k.kind, k]));
  return (
    <section className="panel report-section" aria-labelledby="r-kind">
      <h2 id="r-kind">{t('report.slaByKind')}</h2>
      <div className="table-scroll">
        <table data-testid="report-sla-kind">
          <Head
            first={t('export.col.clock')}
            numbers={[t('report.met'), t('report.breached'), t('report.compliance')]}
          />
          <tbody>
            {KINDS.map((k) => {
              const c = byKind.get(k);
              return (
                <tr key={k}>
                  <th scope="row">{t(`sla.kind.${k}`)}</th>
                  <td className="num">{c?.met ?? 0}</td>
                  <td className="num">{c?.breached ?? 0}</td>
                  <td className="num">{rate(c, lang)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function SlaByCounter({ report, counterName }: { report: Report; counterName: (id: string) => string }) {
  const { t, lang } = useI18n();
  const rows = useMemo(() => {
    const by = new Map<string, Map<SlaKind, Report['slaByCounter'][number]>>();
    for (const c of report.slaByCounter) {
      if (!c.counterId) continue;
      const m = by.get(c.counterId) ?? new Map();
      m.set(c.kind, c);
      by.set(c.counterId, m);
    }
    return [...by.entries()].sort(([a], [b]) => counterName(a).localeCompare(counterName(b)));
  }, [report, counterName]);
  const exportCsv = (): void => {
    const lines = report.slaByCounter.filter((c) => c.counterId);
    downloadCsv(
      `onestop-sla-by-counter-${report.month}.csv`,
      toCsv(
        [
          { header: t('export.col.counter'), cell: (c: (typeof lines)[number]) => counterName(c.counterId!) },
          { header: t('export.col.clock'), cell: (c) => t(`sla.kind.${c.kind}`) },
          { header: t('report.met'), cell: (c) => c.met },
          { header: t('report.breached'), cell: (c) => c.breached },
          { header: t('report.compliance'), cell: (c) => (c.compliance == null ? '' : c.compliance.toFixed(4)) },
        ],
        lines,
      ),
    );
  };
  return (
    <section className="panel report-section" aria-labelledby="r-counter">
      <div className="section-head">
        <h2 id="r-counter">{t('report.slaByCounter')}</h2>
        <button type="button" className="button-quiet no-print" onClick={exportCsv} disabled={!rows.length}>
          {t('export.csv')}
        </button>
      </div>
      {rows.length === 0 ? (
        <p className="muted">{t('report.noClocks')}</p>
      ) : (
        <div className="table-scroll">
          <table data-testid="report-sla-counter">
            <Head first={t('export.col.counter')} numbers={COUNTER_KINDS.map((k) => t(`sla.kind.${k}`))} />
            <tbody>
              {rows.map(([id, kinds]) => (
                <tr key={id}>
                  <th scope="row">{counterName(id)}</th>
                  {COUNTER_KINDS.map((k) => {
                    const c = kinds.get(k);
                    return (
                      <td key={k} className="num">
                        {rate(c, lang)}
                        {c && (
                          <span className="muted cell-detail">
                            {' '}
                            {t('report.metOf', { met: c.met, total: c.met + c.breached })}
                          </span>
                        )}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function Throughput({ report, counterName }: { report: Report; counterName: (id: string) => string }) {
  const { t, lang } = useI18n();
  const [counter, setCounter] = useState('');
  const selectId = useId();
  const ids = [...new Set(report.throughput.map((r) => r.counterId))].sort((a, b) =>
    counterName(a).localeCompare(counterName(b)),
  );
  const days = useMemo(() => {
    const by = new Map<string, { accepted: number; issued: number; claimed: number }>();
    for (const r of report.throughput) {
      if (counter && r.counterId !== counter) continue;
      const d = by.get(r.date) ?? { accepted: 0, issued: 0, claimed: 0 };
      d.accepted += r.accepted;
      d.issued += r.issued;
      d.claimed += r.claimed;
      by.set(r.date, d);
    }
    return [...by.entries()].sort(([a], [b]) => a.localeCompare(b));
  }, [report, counter]);
  const total = days.reduce(
    (s, [, d]) => ({ accepted: s.accepted + d.accepted, issued: s.issued + d.issued, claimed: s.claimed + d.claimed }),
    { accepted: 0, issued: 0, claimed: 0 },
  );
  const exportCsv = (): void =>
    downloadCsv(
      `onestop-throughput-${report.month}.csv`,
      toCsv(
        [
          { header: t('report.date'), cell: (r: Report['throughput'][number]) => r.date },
          { header: t('export.col.counter'), cell: (r) => counterName(r.counterId) },
          { header: t('report.accepted'), cell: (r) => r.accepted },
          { header: t('report.issued'), cell: (r) => r.issued },
          { header: t('report.claimed'), cell: (r) => r.claimed },
        ],
        report.throughput,
      ),
    );
  return (
    <section className="panel report-section" aria-labelledby="r-throughput">
      <div className="section-head">
        <h2 id="r-throughput">
          {t('report.throughput')}
          <span className="print-only"> · {counter ? counterName(counter) : t('report.allCounters')}</span>
        </h2>
        <div className="toolbar no-print">
          <label htmlFor={selectId}>
            {t('export.col.counter')}
            <select
              id={selectId}
              value={counter}
              onChange={(e) => setCounter(e.target.value)}
              data-testid="report-counter"
            >
              <option value="">{t('report.allCounters')}</option>
              {ids.map((id) => (
                <option key={id} value={id}>
                  {counterName(id)}
                </option>
              ))}
            </select>
          </label>
          <button type="button" className="button-quiet" onClick={exportCsv} disabled={!report.throughput.length}>
            {t('export.csv')}
          </button>
        </div>
      </div>
      {days.length === 0 ? (
        <p className="muted">{t('report.noThroughput')}</p>
      ) : (
        <div className="table-scroll">
          <table data-testid="report-throughput">
            <Head first={t('report.date')} numbers={[t('report.accepted'), t('report.issued'), t('report.claimed')]} />
            <tbody>
              {days.map(([date, d]) => (
                <tr key={date}>
                  <th scope="row">{formatDay(date, lang)}</th>
                  <td className="num">{d.accepted}</td>
                  <td className="num">{d.issued}</td>
                  <td className="num">{d.claimed}</td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row">{t('report.total')}</th>
                <td className="num">{total.accepted}</td>
                <td className="num">{total.issued}</td>
                <td className="num">{total.claimed}</td>
              </tr>
            </tfoot>
          </table>
        </div>
      )}
    </section>
  );
}
