import { useLazyQuery, useQuery } from '@apollo/client/react';
import { useId, useMemo, useState, type FormEvent } from 'react';
import { Link } from '../../app/Link';
import { canSearchByPassport } from '../../app/permissions';
import { casePath, navigate } from '../../app/router';
import { useSignedIn } from '../../app/session-context';
import type { Role } from '../../auth/session';
import { Errors } from '../../components/Errors';
import { ExportCsvButton } from '../../export/ExportCsvButton';
import { formatDateTime } from '../../format/time';
import {
  CaseByReferenceDocument,
  CaseQueueDocument,
  CasesByPassportDocument,
  type CaseQueueQuery,
  type CaseStatus,
} from '../../generated/graphql';
import { useI18n } from '../../i18n/i18n';
import { CASE_STATUSES as STATUSES } from './case-statuses';

/** What each role works on first; the API scopes the list (an agency sees only its employers). */
const PRESETS: Record<Role, CaseStatus[] | null> = {
  WP_OFFICER: ['SUBMITTED', 'ACCEPTED'],
  EE_OFFICER: ['ACCEPTED'],
  CLERK: ['APPOINTMENT_BOOKED', 'CHECKED_IN', 'READY_FOR_CLAIM'],
  AGENCY: null,
  MANAGER: null,
};
const PAGE = 100;
/**
 * The work list's order, done by the API over every case (not just this page): soonest open
 * clock due first (SUBMITTED: pre-examination, ACCEPTED: the issuance due both officers answer
 * for), cases without one last. The CSV export asks for the same order.
 */
const ORDER = 'DUE_ASC' as const;
/** Cases whose work is over: out of every list unless asked for. */
const CLOSED: CaseStatus[] = ['READY_FOR_CLAIM', 'CLAIMED', 'WITHDRAWN'];
const OPEN = STATUSES.filter((s) => !CLOSED.includes(s));
const DAY_MS = 86_400_000;

type QueueCase = CaseQueueQuery['cases']['edges'][number]['node'];

/** The clock a role answers for on a case (DOMAIN.md, docs/sla-and-calendar.md), or null when none runs for it. */
export interface RoleDue {
  kind: 'PRE_EXAMINATION' | 'WP_DECISION' | 'RP_DECISION' | 'ISSUANCE';
  at: string | null;
  provisional: boolean;
  startedAt: string | null;
  outstandingVerifications: number;
}

export function dueFor(c: QueueCase, role: Role): RoleDue | null {
  const preExam: RoleDue = {
    kind: 'PRE_EXAMINATION',
    at: c.preExamDueAt,
    provisional: c.preExamDueProvisional,
    startedAt: c.resubmittedAt ?? c.submittedAt,
    outstandingVerifications: 0,
  };
  // The issuance clock itself (counter-scheduling's, started at acceptance): the due both officers answer for.
  const clock = c.sla?.find((k) => k.kind === 'ISSUANCE' && !k.stoppedAt) ?? null;
  const issuance = (kind: RoleDue['kind']): RoleDue => ({
    kind,
    at: clock?.dueAt ?? c.documentsAcceptance?.issuanceDueAt ?? null,
    provisional: clock?.provisional ?? c.documentsAcceptance?.issuanceDueProvisional ?? false,
    startedAt: clock?.startedAt ?? c.documentsAcceptance?.acceptedAt ?? c.acceptedAt ?? null,
    outstandingVerifications: (c.residencePermit?.verifications ?? []).filter((v) => v.status === 'SCHEDULED').length,
  });
  if (role === 'WP_OFFICER') {
    if (c.status === 'SUBMITTED') return preExam;
    if (c.status === 'ACCEPTED' && c.workPermit.status === 'PENDING') return issuance('WP_DECISION');
    return null;
  }
  if (role === 'EE_OFFICER') {
    if (c.status === 'ACCEPTED' && c.residencePermit?.status === 'UNDER_REVIEW') return issuance('RP_DECISION');
    return null;
  }
  if (c.status === 'SUBMITTED') return preExam;
  if (c.status === 'ACCEPTED') return issuance('ISSUANCE');
  return null;
}

/** The work queue (soonest due first, sorted by the API, cursor pagination), the search by reference, and for staff the search by passport number. */
export default function CasesView({ initialRef }: { initialRef?: string }) {
  const { t, lang } = useI18n();
  const { session } = useSignedIn();
  const role = session.claims.role;
  const [show, setShow] = useState<'preset' | 'all' | CaseStatus>(PRESETS[role] ? 'preset' : 'all');
  const [includeClosed, setIncludeClosed] = useState(false);
  const status = show === 'preset' ? PRESETS[role] : show === 'all' ? (includeClosed ? null : OPEN) : [show];
  const queue = useQuery(CaseQueueDocument, {
    variables: { first: PAGE, filter: status ? { status } : null, orderBy: ORDER },
    fetchPolicy: 'cache-and-network',
  });
  // The API sorts (DUE_ASC: the open clock's due, across pages); dueFor labels each row's column.
  const edges = useMemo(
    () => (queue.data?.cases.edges ?? []).map((e) => ({ ...e, due: dueFor(e.node, role) })),
    [queue.data, role],
  );
  const [now] = useState(() => Date.now());
  const filterId = useId();
  const closedId = useId();
  return (
    <div>
      <h1>{t('cases.title')}</h1>
      {/* The searches side by side, so the work list starts on the first screen. */}
      <div className="grid-2 cases-search">
        <SearchByReference initialRef={initialRef} />
        {canSearchByPassport(role) && <SearchByPassport />}
      </div>
      <section className="panel" aria-labelledby="queue-h">
        <h2 id="queue-h">
          {t('cases.queue')} ({queue.data?.cases.totalCount ?? '—'})
        </h2>
        <p className="help">{t('cases.queueHelp')}</p>
        <div className="toolbar">
          <label htmlFor={filterId}>
            {t('cases.statusFilter')}
            <select
              id={filterId}
              value={show}
              onChange={(e) => setShow(e.target.value as typeof show)}
              data-testid="queue-filter"
            >
              {PRESETS[role] && <option value="preset">{t('cases.preset')}</option>}
              <option value="all">{t('cases.allStatuses')}</option>
              {STATUSES.map((s) => (
                <option key={s} value={s}>
                  {t(`status.${s}`)}
                </option>
              ))}
            </select>
          </label>
          <label className="inline-check" htmlFor={closedId}>
            <input
              id={closedId}
              type="checkbox"
              checked={includeClosed}
              onChange={(e) => {
                setIncludeClosed(e.target.checked);
                if (e.target.checked && show === 'preset') setShow('all');
              }}
              data-testid="include-closed"
            />{' '}
            {t('ol.includeClosed')}
          </label>
          <ExportCsvButton list="cases" variables={{ filter: status ? { status } : null, orderBy: ORDER }} />
        </div>
        <Errors error={queue.error} />
        {queue.data && edges.length === 0 ? (
          <p className="muted">{t('cases.empty')}</p>
        ) : (
          <table data-testid="case-queue" className="stack-table">
            <thead>
              <tr>
                <th scope="col">{t('cases.reference')}</th>
                <th scope="col">{t('cases.applicant')}</th>
                <th scope="col">{t('cases.status')}</th>
                <th scope="col">{t('cases.category')}</th>
                <th scope="col">{t('cases.employer')}</th>
                <th scope="col">{t('ol.dueHeader')}</th>
                <th scope="col">{t('ol.waiting')}</th>
              </tr>
            </thead>
            <tbody>
              {edges.map(({ node: c, due }) => {
                const overdue = due?.at != null && Date.parse(due.at) < now;
                const waitingDays = Math.max(
                  0,
                  Math.floor((now - Date.parse(due?.startedAt ?? c.submittedAt)) / DAY_MS),
                );
                return (
                  <tr key={c.id} data-testid="case-row" data-case-id={c.id} data-status={c.status}>
                    <td data-label={t('cases.reference')}>
                      <Link to={casePath(c.id)}>{c.reference}</Link>
                    </td>
                    <td data-label={t('cases.applicant')}>{c.applicant.fullName}</td>
                    <td data-label={t('cases.status')}>{t(`status.${c.status}`)}</td>
                    <td data-label={t('cases.category')}>{c.category}</td>
                    <td data-label={t('cases.employer')}>{c.employer.name}</td>
                    <td
                      data-label={t('ol.dueHeader')}
                      data-testid="role-due"
                      data-due-kind={due?.kind ?? ''}
                      data-due-at={due?.at ?? ''}
                    >
                      {due ? (
                        <>
                          <span className="muted">{t(`ol.due.${due.kind}`)}</span> {formatDateTime(due.at, lang)}
                          {overdue && <span className="sla sla-BREACHED"> ✖ {t('ol.overdue')}</span>}
                          {due.provisional && (
                            <span className="tag" title={t('cases.provisionalHelp')}>
                              ⚠ {t('cases.provisional')}
                            </span>
                          )}
                          {due.outstandingVerifications > 0 && (
                            <div className="muted">{t('ol.verifications', { n: due.outstandingVerifications })}</div>
                          )}
                        </>
                      ) : (
                        '—'
                      )}
                    </td>
                    <td
                      data-testid="days-waiting"
                      title={t('ol.daysLong', { n: waitingDays })}
                      data-label={t('ol.waiting')}
                    >
                      {t('ol.days', { n: waitingDays })}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
        {queue.data?.cases.pageInfo.hasNextPage && (
          <button
            type="button"
            className="button"
            data-testid="load-more"
            onClick={() =>
              void queue.fetchMore({
                variables: { after: queue.data?.cases.pageInfo.endCursor },
                updateQuery: (prev, { fetchMoreResult }) => ({
                  cases: {
                    ...fetchMoreResult.cases,
                    edges: [...(prev.cases?.edges ?? []), ...fetchMoreResult.cases.edges],
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
  );
}

function SearchByReference({ initialRef }: { initialRef?: string }) {
  const { t } = useI18n();
  const id = useId();
  const [reference, setReference] = useState(initialRef ?? '');
  const [find, result] = useLazyQuery(CaseByReferenceDocument, { fetchPolicy: 'network-only' });
  const [notFound, setNotFound] = useState(false);
  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setNotFound(false);
    const r = await find({ variables: { reference: reference.trim().toUpperCase() } }).catch(() => null);
    const found = r?.data?.caseByReference;
    if (found) navigate(casePath(found.id));
    else if (r && !r.error) setNotFound(true);
  };
  return (
    <section className="panel" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>{t('cases.search')}</h2>
      <form className="toolbar" role="search" onSubmit={(e) => void submit(e)}>
        <label htmlFor={`${id}-ref`}>
          {t('cases.reference')}
          <input
            id={`${id}-ref`}
            type="search"
            value={reference}
            placeholder={t('cases.referencePlaceholder')}
            onChange={(e) => setReference(e.target.value)}
            data-testid="search-reference"
          />
        </label>
        <button type="submit" className="button">
          {t('cases.find')}
        </button>
      </form>
      <Errors error={result.error} testId="search-error" />
      {notFound && (
        <p role="status" className="notice" data-testid="search-not-found">
          {t('cases.notFound')}
        </p>
      )}
    </section>
  );
}

/**
 * Officers and clerks find the cases of one applicant by passport number (exact; the API
 * ignores spaces and case, and writes every search to the access log). Results are listed,
 * not opened: one applicant may have cases with several employers.
 */
function SearchByPassport() {
  const { t } = useI18n();
  const id = useId();
  const [passport, setPassport] = useState('');
  const [search, result] = useLazyQuery(CasesByPassportDocument, { fetchPolicy: 'network-only' });
  const found = result.data?.cases;
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    if (!passport.trim()) return;
    void search({ variables: { passportNumber: passport } }).catch(() => undefined);
  };
  return (
    <section className="panel" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>{t('cases.passportSearch')}</h2>
      <form className="toolbar" role="search" onSubmit={submit}>
        <label htmlFor={`${id}-passport`}>
          {t('cases.passport')}
          <input
            id={`${id}-passport`}
            type="search"
            value={passport}
            autoComplete="off"
            placeholder={t('cases.passportPlaceholder')}
            aria-describedby={`${id}-help`}
            onChange={(e) => setPassport(e.target.value)}
            data-testid="search-passport"
          />
        </label>
        <button type="submit" className="button">
          {t('cases.find')}
        </button>
      </form>
      <p id={`${id}-help`} className="help">
        {t('cases.passportHelp')}
      </p>
      <Errors error={result.error} testId="passport-error" />
      {found && found.edges.length === 0 && (
        <p role="status" className="notice" data-testid="passport-none">
          {t('cases.passportNone')}
        </p>
      )}
      {found && found.edges.length > 0 && (
        <>
          <p role="status">{t('cases.passportFound', { count: found.totalCount })}</p>
          <table data-testid="passport-results" className="stack-table">
            <thead>
              <tr>
                <th scope="col">{t('cases.reference')}</th>
                <th scope="col">{t('cases.applicant')}</th>
                <th scope="col">{t('cases.status')}</th>
                <th scope="col">{t('cases.employer')}</th>
              </tr>
            </thead>
            <tbody>
              {found.edges.map(({ node: c }) => (
                <tr key={c.id} data-testid="passport-row" data-case-id={c.id}>
                  <td data-label={t('cases.reference')}>
                    <Link to={casePath(c.id)}>{c.reference}</Link>
                  </td>
                  <td data-label={t('cases.applicant')}>{c.applicant.fullName}</td>
                  <td data-label={t('cases.status')}>{t(`status.${c.status}`)}</td>
                  <td data-label={t('cases.employer')}>{c.employer.name}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
