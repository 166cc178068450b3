import { useMutation, useQuery } from '@apollo/client/react';
import { useId, useState, type FormEvent } from 'react';
import { Link } from '../../app/Link';
import { Errors } from '../../components/Errors';
import { beijingDate, formatDay, formatMonth, weekdayNames } from '../../format/time';
import { CalendarMonthDocument, LoadHolidayNoticeDocument, type CalendarMonthQuery } from '../../generated/graphql';
import { useI18n } from '../../i18n/i18n';
import { parseNoticeForm, parseNoticeJson } from './notice';

type Day = CalendarMonthQuery['calendarMonth']['days'][number];

/** The working-day calendar by month (provisional years flagged) and the holiday-notice loader. */
export default function CalendarView({ month }: { month?: string }) {
  const { t, lang } = useI18n();
  const [year, mon] = parseMonth(month);
  const q = useQuery(CalendarMonthDocument, { variables: { year, month: mon } });
  const cal = q.data?.calendarMonth;
  const prev = mon === 1 ? `${year - 1}-12` : `${year}-${String(mon - 1).padStart(2, '0')}`;
  const next = mon === 12 ? `${year + 1}-01` : `${year}-${String(mon + 1).padStart(2, '0')}`;
  return (
    <div>
      <h1>{t('calendar.title')}</h1>
      <Errors error={q.error} />
      <nav className="toolbar" aria-label={t('calendar.month')}>
        <Link to={`/calendar?month=${prev}`} className="button">
          <span aria-hidden="true">← </span>
          {t('calendar.prev')}
        </Link>
        <h2 aria-live="polite" data-testid="calendar-month">
          {formatMonth(year, mon, lang)}
        </h2>
        <Link to={`/calendar?month=${next}`} className="button">
          {t('calendar.next')}
          <span aria-hidden="true"> →</span>
        </Link>
      </nav>
      {cal && (
        <p
          className={cal.provisional ? 'notice' : 'muted'}
          data-testid="calendar-status"
          data-provisional={cal.provisional}
        >
          {cal.provisional ? `⚠ ${t('calendar.provisional', { year })}` : `✓ ${t('calendar.official', { year })}`}
        </p>
      )}
      {cal && <MonthGrid days={cal.days} />}
      <Legend />
      {q.data && (
        <p className="muted">
          {q.data.calendarYears
            .filter((y) => y.year >= year - 1)
            .map((y) => (
              <span key={y.year} className="tag" style={{ marginRight: '0.4rem' }}>
                {y.official
                  ? `✓ ${t('calendar.official', { year: y.year })}`
                  : `⚠ ${t('calendar.provisional', { year: y.year })}`}
              </span>
            ))}
        </p>
      )}
      <NoticeForm defaultYear={year + (mon >= 11 ? 1 : 0)} onLoaded={() => void q.refetch()} />
    </div>
  );
}

function parseMonth(month: string | undefined): [number, number] {
  const m = /^(\d{4})-(\d{2})$/.exec(month ?? '');
  if (m && Number(m[2]) >= 1 && Number(m[2]) <= 12) return [Number(m[1]), Number(m[2])];
  const today = beijingDate();
  return [Number(today.slice(0, 4)), Number(today.slice(5, 7))];
}

function MonthGrid({ days }: { days: readonly Day[] }) {
  const { t, lang } = useI18n();
  // Today in Beijing, whatever the browser's zone.
  const today = beijingDate();
  const first = days[0];
  // Monday-first grid: blank cells before the 1st.
  const offset = first ? (new Date(`${first.date}T12:00:00Z`).getUTCDay() + 6) % 7 : 0;
  const kindLabel = (d: Day): string =>
    d.kind === 'HOLIDAY' || d.kind === 'CLOSURE'
      ? t('calendar.holiday')
      : d.kind === 'ADJUSTED_WORKDAY'
        ? t('calendar.adjusted')
        : d.kind === 'WEEKEND'
          ? t('calendar.weekend')
          : t('calendar.working');
  return (
    <div className="month" role="grid" aria-label={t('calendar.title')} data-testid="calendar-grid">
      <div role="row" style={{ display: 'contents' }}>
        {weekdayNames(lang).map((w) => (
          <div key={w} role="columnheader" className="dow">
            {w}
          </div>
        ))}
      </div>
      <div role="row" style={{ display: 'contents' }}>
        {Array.from({ length: offset }, (_, i) => (
          <div key={`blank-${i}`} role="gridcell" aria-hidden="true" />
        ))}
        {days.map((d) => (
          // The cell's name is its visible text (with the full date before it, for screen
          // readers): an aria-label that differs from what is shown fails WCAG 2.5.3.
          <div
            key={d.date}
            role="gridcell"
            className={`day kind-${d.kind === 'CLOSURE' ? 'HOLIDAY' : d.kind}${d.provisional ? ' provisional' : ''}${d.date === today ? ' today' : ''}`}
            data-date={d.date}
            data-kind={d.kind}
            aria-current={d.date === today ? 'date' : undefined}
          >
            <span className="visually-hidden">{formatDay(d.date, lang)} </span>
            <div className="num" aria-hidden="true">
              {Number(d.date.slice(8))}
            </div>
            {d.date === today && (
              <div className="today-mark" data-testid="calendar-today">
                {t('calendarFix.today')}
              </div>
            )}
            <div>{kindLabel(d)}</div>
            {d.name && <div className="muted">{d.name}</div>}
            {d.provisional && <div className="muted">⚠ {t('cases.provisional')}</div>}
          </div>
        ))}
      </div>
    </div>
  );
}

function Legend() {
  const { t } = useI18n();
  return (
    <ul className="legend" aria-label={t('calendar.legend')}>
      <li>
        <span className="day" aria-hidden="true" />
        {t('calendar.working')}
      </li>
      <li>
        <span className="day kind-WEEKEND" aria-hidden="true" />
        {t('calendar.weekend')}
      </li>
      <li>
        <span className="day kind-HOLIDAY" aria-hidden="true" />
        {t('calendar.holiday')}
      </li>
      <li>
        <span className="day kind-ADJUSTED_WORKDAY" aria-hidden="true" />
        {t('calendar.adjusted')}
      </li>
      <li>
        <span className="day provisional" aria-hidden="true" />⚠ {t('cases.provisional')}
      </li>
    </ul>
  );
}

function NoticeForm({ defaultYear, onLoaded }: { defaultYear: number; onLoaded(): void }) {
  const { t } = useI18n();
  const id = useId();
  const [year, setYear] = useState(String(defaultYear));
  const [holidays, setHolidays] = useState('');
  const [workdays, setWorkdays] = useState('');
  const [json, setJson] = useState('');
  const [problems, setProblems] = useState<string[]>([]);
  const [done, setDone] = useState<string | null>(null);
  const [load, { error, loading, reset }] = useMutation(LoadHolidayNoticeDocument);
  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setDone(null);
    reset();
    const parsed = json.trim() ? parseNoticeJson(json) : parseNoticeForm(year, holidays, workdays);
    if ('problems' in parsed) return setProblems(parsed.problems);
    setProblems([]);
    const r = await load({ variables: { notice: parsed.notice } }).catch(() => null);
    if (r?.data) {
      setDone(t('calendar.loaded', { year: r.data.loadHolidayNotice.year }));
      onLoaded();
    }
  };
  return (
    <section className="panel" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>{t('calendar.load')}</h2>
      {problems.length > 0 && (
        <div role="alert" className="error">
          {problems.map((p) => (
            <p key={p}>{p}</p>
          ))}
        </div>
      )}
      <Errors error={error} testId="notice-error" />
      {done && (
        <p role="status" className="success" data-testid="notice-loaded">
          {done}
        </p>
      )}
      <form onSubmit={(e) => void submit(e)}>
        <label htmlFor={`${id}-year`}>{t('calendar.year')}</label>
        <input
          id={`${id}-year`}
          type="text"
          inputMode="numeric"
          value={year}
          onChange={(e) => setYear(e.target.value)}
        />
        <label htmlFor={`${id}-hol`}>{t('calendar.holidays')}</label>
        <textarea
          id={`${id}-hol`}
          rows={5}
          value={holidays}
          onChange={(e) => setHolidays(e.target.value)}
          data-testid="notice-holidays"
        />
        <label htmlFor={`${id}-wd`}>{t('calendar.workdays')}</label>
        <textarea
          id={`${id}-wd`}
          rows={3}
          value={workdays}
          onChange={(e) => setWorkdays(e.target.value)}
          data-testid="notice-workdays"
        />
        <label htmlFor={`${id}-json`}>{t('calendar.json')}</label>
        <textarea
          id={`${id}-json`}
          rows={4}
          value={json}
          onChange={(e) => setJson(e.target.value)}
          spellCheck={false}
          data-testid="notice-json"
        />
        <button type="submit" disabled={loading}>
          {t('calendar.submit')}
        </button>
      </form>
    </section>
  );
}
