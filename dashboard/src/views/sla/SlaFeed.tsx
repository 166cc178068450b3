import { useQuery } from '@apollo/client/react';
import { useCallback, useId, useMemo, useState } from 'react';
import { Link } from '../../app/Link';
import { casePath } from '../../app/router';
import { Errors } from '../../components/Errors';
import { ExportCsvButton } from '../../export/ExportCsvButton';
import { SlaBadge } from '../../components/SlaBadge';
import { counterName as nameOf } from '../../format/counter';
import { formatDateTime } from '../../format/time';
import {
  ServiceCountersDocument,
  SlaAlertsDocument,
  SlaBreachesDocument,
  SlaOpenCountsDocument,
  type SlaAlertsSubscription,
  type SlaKind,
} from '../../generated/graphql';
import { useI18n } from '../../i18n/i18n';
import { EventDeduper } from '../../live/dedupe';
import { useLiveSubscription, useRefetchOnReconnect } from '../../live/useLiveSubscription';

const KINDS: SlaKind[] = ['PRE_EXAMINATION', 'ISSUANCE', 'COUNTER_WAIT', 'PASSPORT_CUSTODY'];
const CATEGORIES = ['A', 'B', 'C'];
const PAGE = 25;

type Alert = SlaAlertsSubscription['slaBreached'];

interface Filters {
  kind: SlaKind | '';
  counterId: string;
  category: string;
}

/**
 * Warnings and breaches as they happen (`slaBreached`), and the open breaches
 * (`slaBreaches(filter: {open: true})`), with the same filters. A live alert refreshes the
 * open list and the counts, so a resolved breach leaves it and a new one enters it.
 */
export default function SlaFeed() {
  const { t, lang } = useI18n();
  const [filters, setFilters] = useState<Filters>({ kind: '', counterId: '', category: '' });
  const [live, setLive] = useState<Alert[]>([]);
  const [deduper, setDeduper] = useState(() => new EventDeduper());
  const counters = useQuery(ServiceCountersDocument);
  const counterName = useMemo(
    () => new Map((counters.data?.serviceCounters ?? []).map((c) => [c.id, nameOf(c, lang)])),
    [counters.data, lang],
  );
  const filter = {
    kind: filters.kind || null,
    counterId: filters.counterId || null,
    category: filters.category || null,
  };
  const open = useQuery(SlaBreachesDocument, {
    variables: { filter: { ...filter, open: true }, first: PAGE },
    fetchPolicy: 'cache-and-network',
  });
  const counts = useQuery(SlaOpenCountsDocument, { fetchPolicy: 'cache-and-network' });
  const refetchOpen = open.refetch;
  const refetchCounts = counts.refetch;
  const refresh = useCallback(() => Promise.all([refetchOpen(), refetchCounts()]), [refetchOpen, refetchCounts]);

  useLiveSubscription(SlaAlertsDocument, {
    variables: { filter },
    deduper,
    eventIdOf: (d) => d.slaBreached.eventId,
    onEvent: (d) => {
      setLive((prev) => [d.slaBreached, ...prev].slice(0, 200));
      void refresh();
    },
  });
  useRefetchOnReconnect(refresh);

  const setFilter = (patch: Partial<Filters>): void => {
    setFilters((f) => ({ ...f, ...patch }));
    // A new filter is a new feed: start it afresh (the server filters, so old ids do not apply).
    setLive([]);
    setDeduper(new EventDeduper());
  };

  const countOf: Record<SlaKind, number | undefined> = {
    PRE_EXAMINATION: counts.data?.preExamination.totalCount,
    ISSUANCE: counts.data?.issuance.totalCount,
    COUNTER_WAIT: counts.data?.counterWait.totalCount,
    PASSPORT_CUSTODY: counts.data?.passportCustody.totalCount,
  };
  const edges = open.data?.slaBreaches.edges ?? [];
  const ids = { kind: useId(), counter: useId(), category: useId() };

  return (
    <div>
      <h1>{t('sla.title')}</h1>
      <Errors error={open.error ?? counts.error} />
      <section aria-labelledby="sla-counts">
        <h2 id="sla-counts" className="visually-hidden">
          {t('sla.counts')}
        </h2>
        <ul className="counts" data-testid="sla-counts">
          {KINDS.map((k) => (
            <li key={k} data-kind={k}>
              {t(`sla.kind.${k}`)}: <strong>{countOf[k] ?? '—'}</strong>
            </li>
          ))}
        </ul>
      </section>
      <form className="toolbar" aria-label={t('sla.filters')} onSubmit={(e) => e.preventDefault()}>
        <label htmlFor={ids.kind}>
          {t('sla.kind')}
          <select
            id={ids.kind}
            value={filters.kind}
            onChange={(e) => setFilter({ kind: e.target.value as SlaKind | '' })}
            data-testid="filter-kind"
          >
            <option value="">{t('sla.all')}</option>
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`sla.kind.${k}`)}
              </option>
            ))}
          </select>
        </label>
        <label htmlFor={ids.counter}>
          {t('sla.counter')}
          <select
            id={ids.counter}
            value={filters.counterId}
            onChange={(e) => setFilter({ counterId: e.target.value })}
            data-testid="filter-counter"
          >
            <option value="">{t('sla.all')}</option>
            {(counters.data?.serviceCounters ?? []).map((c) => (
              <option key={c.id} value={c.id}>
                {nameOf(c, lang)}
              </option>
            ))}
          </select>
        </label>
        <label htmlFor={ids.category}>
          {t('sla.category')}
          <select
            id={ids.category}
            value={filters.category}
            onChange={(e) => setFilter({ category: e.target.value })}
            data-testid="filter-category"
          >
            <option value="">{t('sla.all')}</option>
            {CATEGORIES.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </label>
        <ExportCsvButton list="slaBreaches" name="sla-breaches" variables={{ filter: { ...filter, open: true } }} />
      </form>
      <div className="grid-2">
        <section className="panel" aria-labelledby="sla-live">
          <h2 id="sla-live">{t('sla.live')}</h2>
          {live.length === 0 ? (
            <p className="muted">{t('sla.liveEmpty')}</p>
          ) : (
            <ol className="timeline" data-testid="sla-live" aria-live="polite" aria-relevant="additions">
              {live.map((a) => (
                <li key={a.eventId} data-testid="sla-alert" data-case-id={a.case?.id} data-breach={a.breach}>
                  <SlaBadge
                    state={a.breach ? 'BREACHED' : 'WARNING'}
                    label={a.breach ? t('sla.breach') : t('sla.warning', { threshold: a.threshold })}
                  />{' '}
                  <strong>{t(`sla.kind.${a.kind}`)}</strong> · <CaseLink c={a.case} />
                  {a.counterId && <> · {counterName.get(a.counterId) ?? a.counterId}</>}
                  {a.category && <> · {a.category}</>}
                  <div className="muted">
                    {t('sla.at')} {formatDateTime(a.at, lang)} · {t('sla.due')} {formatDateTime(a.dueAt, lang)}
                  </div>
                </li>
              ))}
            </ol>
          )}
        </section>
        <section className="panel" aria-labelledby="sla-open">
          <h2 id="sla-open">
            {t('sla.open')} ({open.data?.slaBreaches.totalCount ?? '—'})
          </h2>
          {edges.length === 0 && open.data ? (
            <p className="muted">{t('sla.empty')}</p>
          ) : (
            <table data-testid="sla-open">
              <thead>
                <tr>
                  <th scope="col">{t('sla.level')}</th>
                  <th scope="col">{t('sla.kind')}</th>
                  <th scope="col">{t('sla.case')}</th>
                  <th scope="col">{t('sla.counter')}</th>
                  <th scope="col">{t('sla.category')}</th>
                  <th scope="col">{t('sla.due')}</th>
                </tr>
              </thead>
              <tbody>
                {edges.map(({ node: b }) => (
                  <tr key={b.id} data-testid="sla-open-row" data-case-id={b.case?.id}>
                    <td>
                      <SlaBadge state="BREACHED" label={t('sla.breach')} />
                    </td>
                    <td>{t(`sla.kind.${b.kind}`)}</td>
                    <td>
                      <CaseLink c={b.case} />
                    </td>
                    <td>{b.counterId ? (counterName.get(b.counterId) ?? b.counterId) : '—'}</td>
                    <td>{b.category ?? '—'}</td>
                    <td>{formatDateTime(b.dueAt, lang)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {open.data?.slaBreaches.pageInfo.hasNextPage && (
            <button
              type="button"
              className="button"
              onClick={() =>
                void open.fetchMore({
                  variables: { after: open.data?.slaBreaches.pageInfo.endCursor },
                  updateQuery: (prev, { fetchMoreResult }) => ({
                    slaBreaches: {
                      ...fetchMoreResult.slaBreaches,
                      edges: [...(prev.slaBreaches?.edges ?? []), ...fetchMoreResult.slaBreaches.edges],
                    },
                  }),
                })
              }
            >
              {t('cases.loadMore')}
            </button>
          )}
        </section>
      </div>
    </div>
  );
}

/** A link to the case; the API gives no case when it is not visible to the reader (or gone). */
function CaseLink({ c }: { c: { id: string; reference: string } | null }) {
  const { t } = useI18n();
  if (!c) return <span className="muted">{t('case.notVisibleShort')}</span>;
  return (
    <Link to={casePath(c.id)} aria-label={t('sla.openCase', { ref: c.reference })}>
      {c.reference}
    </Link>
  );
}
