import { useMutation, useQuery } from '@apollo/client/react';
import { useCallback, useEffect, useId, useMemo, useRef, useState, type RefObject } from 'react';
import { newIdempotencyKey } from '../../api/idempotency-key';
import { Link } from '../../app/Link';
import { casePath } from '../../app/router';
import { useSignedIn } from '../../app/session-context';
import { Errors } from '../../components/Errors';
import { ExportCsvButton } from '../../export/ExportCsvButton';
import { SlaBadge } from '../../components/SlaBadge';
import { counterName as nameOf, districtName } from '../../format/counter';
import { formatDateTime, formatTime } from '../../format/time';
import {
  AcknowledgeSlaEntryDocument,
  AddSlaNoteDocument,
  AssignSlaEntryDocument,
  ServiceCountersDocument,
  SlaAssigneesDocument,
  SlaWorkListChangedDocument,
  SlaWorkListDocument,
  type SlaKind,
  type SlaWorkItemFieldsFragment,
  type SlaWorkLevel,
  type SlaWorkState,
} from '../../generated/graphql';
import { useI18n } from '../../i18n/i18n';
import type { Lang } from '../../i18n/dictionary';
import { EventDeduper } from '../../live/dedupe';
import { Throttle } from '../../live/throttle';
import { useLiveSubscription, useRefetchOnReconnect } from '../../live/useLiveSubscription';

const KINDS: SlaKind[] = ['PRE_EXAMINATION', 'ISSUANCE', 'COUNTER_WAIT', 'PASSPORT_CUSTODY'];
const LEVELS: SlaWorkLevel[] = ['BREACH', 'WARNING'];
const STATES: SlaWorkState[] = ['UNACKNOWLEDGED', 'ACKNOWLEDGED', 'ASSIGNED_TO_ME', 'UNASSIGNED'];
const PAGE = 100;

interface Filters {
  kind: SlaKind | '';
  district: string;
  counterId: string;
  level: SlaWorkLevel | '';
  state: SlaWorkState | '';
}

/** Ticks once a second (the overdue times count up while the page is open). */
function useTick(ms = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(id);
  }, [ms]);
  return now;
}

/** "2 h 05 min 09 s" (or "-" prefixed while still before the due). */
export function formatOverdue(seconds: number, lang: Lang): string {
  const s = Math.max(0, Math.floor(Math.abs(seconds)));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const pad = (n: number): string => String(n).padStart(2, '0');
  if (lang === 'zh') return h ? `${h} 小时 ${pad(m)} 分 ${pad(sec)} 秒` : `${m} 分 ${pad(sec)} 秒`;
  return h ? `${h} h ${pad(m)} min ${pad(sec)} s` : `${m} min ${pad(sec)} s`;
}

/**
 * The SLA work list (issue 13): every warning and open breach, most urgent first, with the
 * case, applicant, employer, agency, counter, clock and how long it is overdue (ticking). Managers and
 * officers acknowledge, assign and note; every change (theirs, a colleague's, a new warning or
 * breach, a resolution) arrives over `slaWorkListChanged` and the list is read again. After a
 * reconnection the subscription resumes from the last event seen (`since`) and the list is
 * read again, so nothing is lost while offline.
 */
export default function SlaFeed() {
  const { t, lang } = useI18n();
  const { session } = useSignedIn();
  const role = session.claims.role;
  const mayAct = role === 'MANAGER' || role === 'WP_OFFICER' || role === 'EE_OFFICER';
  const [filters, setFilters] = useState<Filters>({ kind: '', district: '', counterId: '', level: '', state: '' });
  const [deduper] = useState(() => new EventDeduper());
  const counters = useQuery(ServiceCountersDocument);
  const assignees = useQuery(SlaAssigneesDocument, { skip: !mayAct, fetchPolicy: 'cache-and-network' });
  const allCounters = useMemo(() => counters.data?.serviceCounters ?? [], [counters.data]);
  const counterName = useMemo(() => new Map(allCounters.map((c) => [c.id, nameOf(c, lang)])), [allCounters, lang]);
  const districts = useMemo(() => {
    const seen = new Map<string, string>();
    for (const c of allCounters) seen.set(c.district, districtName(c, lang));
    return [...seen.entries()].sort((a, b) => a[0].localeCompare(b[0]));
  }, [allCounters, lang]);
  const filter = {
    kind: filters.kind || null,
    district: filters.district || null,
    counterId: filters.counterId || null,
    level: filters.level || null,
    state: filters.state || null,
  };
  const list = useQuery(SlaWorkListDocument, {
    variables: { filter, first: PAGE },
    fetchPolicy: 'cache-and-network',
    notifyOnNetworkStatusChange: false,
  });
  const data = list.data?.slaWorkList;
  const now = useTick();
  // When this answer arrived (to the second): the overdue times tick on from it.
  const [stamp, setStamp] = useState<{ data: unknown; at: number }>({ data: undefined, at: now });
  if (stamp.data !== data) setStamp({ data, at: now });
  const fetchedAt = stamp.at;
  const refetch = list.refetch;
  const refetchAssignees = assignees.refetch;
  const [throttle] = useState(() => new Throttle(250));
  useEffect(() => {
    throttle.setAction(() => void refetch());
  });
  const refresh = useCallback(() => throttle.request(), [throttle]);

  useLiveSubscription(SlaWorkListChangedDocument, {
    deduper,
    eventIdOf: (d) => d.slaWorkListChanged.eventId,
    onEvent: (d) => {
      refresh();
      if (d.slaWorkListChanged.action) void refetchAssignees?.();
    },
  });
  useRefetchOnReconnect(refresh);

  const items = data?.items ?? [];
  const ids = { kind: useId(), district: useId(), counter: useId(), level: useId(), state: useId() };
  const listRef = useRef<HTMLOListElement>(null);
  useWorkListKeys(listRef);

  return (
    <div className="worklist">
      <h1>{t('wl.title')}</h1>
      <p className="help">{t('wl.help')}</p>
      <Errors error={list.error} />
      <ul className="counts" data-testid="wl-counts" aria-live="polite">
        <li>
          {t('wl.breaches')}: <strong data-testid="wl-breaches">{data?.breaches ?? '—'}</strong>
        </li>
        <li>
          {t('wl.warnings')}: <strong data-testid="wl-warnings">{data?.warnings ?? '—'}</strong>
        </li>
        <li>
          {t('wl.total')}: <strong data-testid="wl-total">{data?.totalCount ?? '—'}</strong>
        </li>
        {data && <li className="muted">{t('wl.updated', { time: formatTime(data.asOf, lang) })}</li>}
      </ul>
      {/* The toolbar leaves room at its end for list actions (CSV export). */}
      <form
        className="toolbar"
        aria-label={t('wl.filters')}
        onSubmit={(e) => e.preventDefault()}
        data-testid="wl-toolbar"
      >
        <Select
          id={ids.kind}
          label={t('wl.kind')}
          value={filters.kind}
          testId="wl-filter-kind"
          onChange={(v) => setFilters((f) => ({ ...f, kind: v as SlaKind | '' }))}
          options={KINDS.map((k) => [k, t(`sla.kind.${k}`)])}
        />
        <Select
          id={ids.district}
          label={t('wl.district')}
          value={filters.district}
          testId="wl-filter-district"
          onChange={(v) => setFilters((f) => ({ ...f, district: v, counterId: '' }))}
          options={districts}
        />
        <Select
          id={ids.counter}
          label={t('wl.counter')}
          value={filters.counterId}
          testId="wl-filter-counter"
          onChange={(v) => setFilters((f) => ({ ...f, counterId: v }))}
          options={allCounters
            .filter((c) => !filters.district || c.district === filters.district)
            .map((c) => [c.id, nameOf(c, lang)])}
        />
        <Select
          id={ids.level}
          label={t('wl.level')}
          value={filters.level}
          testId="wl-filter-level"
          onChange={(v) => setFilters((f) => ({ ...f, level: v as SlaWorkLevel | '' }))}
          options={LEVELS.map((l) => [l, t(`wl.level.${l}`)])}
        />
        <Select
          id={ids.state}
          label={t('wl.state')}
          value={filters.state}
          testId="wl-filter-state"
          onChange={(v) => setFilters((f) => ({ ...f, state: v as SlaWorkState | '' }))}
          options={STATES.map((s) => [s, t(`wl.state.${s}`)])}
        />
        <ExportCsvButton list="slaWorkList" name="sla-work-list" variables={{ filter }} />
      </form>
      {data && items.length === 0 ? (
        <p className="muted" data-testid="wl-empty">
          {t('wl.empty')}
        </p>
      ) : (
        <ol className="wl-list" ref={listRef} data-testid="wl-list">
          {items.map((item) => (
            <WorkItem
              key={item.clockId}
              item={item}
              counterName={item.counterId ? (counterName.get(item.counterId) ?? item.counterId) : null}
              overdueSeconds={item.overdueMinutes * 60 + (now - fetchedAt) / 1000}
              mayAct={mayAct}
              assignees={assignees.data?.slaAssignees ?? []}
              onDone={refresh}
            />
          ))}
        </ol>
      )}
    </div>
  );
}

/**
 * Keyboard: j / k (or the arrows) move between entries (their case links), a acknowledges the
 * entry in focus, n goes to its note. Keys typed into a field are the field's.
 */
function useWorkListKeys(listRef: RefObject<HTMLOListElement | null>): void {
  useEffect(() => {
    const onKey = (e: globalThis.KeyboardEvent): void => {
      const target = e.target as HTMLElement | null;
      if (e.ctrlKey || e.metaKey || e.altKey || target?.closest('input, select, textarea')) return;
      const list = listRef.current;
      if (!list) return;
      const cards = [...list.querySelectorAll<HTMLElement>('[data-testid="wl-item"]')];
      const current = target?.closest<HTMLElement>('[data-testid="wl-item"]') ?? null;
      const i = current ? cards.indexOf(current) : -1;
      const focus = (card: HTMLElement | undefined): void =>
        card?.querySelector<HTMLElement>('[data-testid="wl-case-link"], button')?.focus();
      if (e.key === 'j' || e.key === 'ArrowDown') focus(cards[Math.min(cards.length - 1, i + 1)]);
      else if (e.key === 'k' || e.key === 'ArrowUp') focus(cards[Math.max(0, i - 1)]);
      else if (e.key === 'a' && current) current.querySelector<HTMLButtonElement>('[data-testid="wl-ack"]')?.click();
      else if (e.key === 'n' && current)
        current.querySelector<HTMLInputElement>('[data-testid="wl-note-input"]')?.focus();
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [listRef]);
}

function Select({
  id,
  label,
  value,
  options,
  onChange,
  testId,
}: {
  id: string;
  label: string;
  value: string;
  options: [string, string][];
  onChange(value: string): void;
  testId: string;
}) {
  const { t } = useI18n();
  return (
    <label htmlFor={id}>
      {label}
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)} data-testid={testId}>
        <option value="">{t('wl.all')}</option>
        {options.map(([v, l]) => (
          <option key={v} value={v}>
            {l}
          </option>
        ))}
      </select>
    </label>
  );
}

function WorkItem({
  item,
  counterName,
  overdueSeconds,
  mayAct,
  assignees,
  onDone,
}: {
  item: SlaWorkItemFieldsFragment;
  counterName: string | null;
  overdueSeconds: number;
  mayAct: boolean;
  assignees: readonly { id: string; name: string; role: string }[];
  onDone(): void;
}) {
  const { t, lang } = useI18n();
  const c = item.case;
  const ref = c?.reference ?? t('case.notVisibleShort');
  const breach = item.level === 'BREACH';
  const headingId = useId();
  return (
    <li
      className={`wl-item panel wl-${item.level}`}
      aria-labelledby={headingId}
      data-testid="wl-item"
      data-clock-id={item.clockId}
      data-case-id={c?.id}
      data-level={item.level}
      data-acknowledged={item.acknowledged}
    >
      <div className="wl-head">
        <SlaBadge
          state={breach ? 'BREACHED' : 'WARNING'}
          label={breach ? t('wl.level.BREACH') : `${t('wl.level.WARNING')} ${item.threshold}%`}
        />
        <h2 id={headingId} className="wl-title">
          {c ? (
            <Link to={casePath(c.id)} aria-label={t('sla.openCase', { ref })} data-testid="wl-case-link">
              {ref}
            </Link>
          ) : (
            <span className="muted">{ref}</span>
          )}{' '}
          · {t(`sla.kind.${item.kind}`)}
        </h2>
        <p className="wl-overdue" data-testid="wl-overdue">
          {overdueSeconds >= 0 ? (
            <>
              <span className="muted">{t('wl.overdueBy')} </span>
              <strong>{formatOverdue(overdueSeconds, lang)}</strong>
            </>
          ) : (
            <span>{t('wl.dueIn', { time: formatOverdue(-overdueSeconds, lang) })}</span>
          )}
        </p>
      </div>
      <dl className="wl-facts">
        <div>
          <dt>{t('wl.applicant')}</dt>
          <dd>{c?.applicant.fullName ?? '—'}</dd>
        </div>
        <div>
          <dt>{t('wl.employer')}</dt>
          <dd>{c?.employer.name ?? '—'}</dd>
        </div>
        <div>
          <dt>{t('wl.agency')}</dt>
          <dd data-testid="wl-agency">{c?.agency?.name ?? '—'}</dd>
        </div>
        <div>
          <dt>{t('wl.counter')}</dt>
          <dd>{counterName ?? '—'}</dd>
        </div>
        <div>
          <dt>{t('sla.due')}</dt>
          <dd>{formatDateTime(item.dueAt, lang)}</dd>
        </div>
      </dl>
      <FollowUp item={item} mayAct={mayAct} assignees={assignees} onDone={onDone} refLabel={ref} />
    </li>
  );
}

function FollowUp({
  item,
  mayAct,
  assignees,
  onDone,
  refLabel,
}: {
  item: SlaWorkItemFieldsFragment;
  mayAct: boolean;
  assignees: readonly { id: string; name: string; role: string }[];
  onDone(): void;
  refLabel: string;
}) {
  const { t, lang } = useI18n();
  const ids = { assignee: useId(), note: useId() };
  const [ack, ackState] = useMutation(AcknowledgeSlaEntryDocument);
  const [assign, assignState] = useMutation(AssignSlaEntryDocument);
  const [addNote, noteState] = useMutation(AddSlaNoteDocument);
  const [assigneeId, setAssigneeId] = useState('');
  const [note, setNote] = useState('');
  // One key per attempt of one action: a retry of the same attempt is answered, not repeated.
  const keys = useRef<{ ack: string; assign: string; note: string }>({
    ack: newIdempotencyKey(),
    assign: newIdempotencyKey(),
    note: newIdempotencyKey(),
  });
  const done = (which: 'ack' | 'assign' | 'note'): void => {
    keys.current[which] = newIdempotencyKey();
    onDone();
  };
  const error = ackState.error ?? assignState.error ?? noteState.error;
  return (
    <section className="wl-follow" aria-label={t('wl.actions', { ref: refLabel })}>
      <p className="wl-status">
        {item.acknowledged && item.acknowledgedBy ? (
          <span data-testid="wl-acknowledged">
            ✓{' '}
            {t('wl.acknowledgedBy', {
              name: item.acknowledgedBy.name,
              at: formatDateTime(item.acknowledgedAt, lang),
            })}
          </span>
        ) : (
          mayAct && (
            <button
              type="button"
              className="button"
              data-testid="wl-ack"
              disabled={ackState.loading}
              onClick={() =>
                void ack({ variables: { clockId: item.clockId, idempotencyKey: keys.current.ack } })
                  .then(() => done('ack'))
                  .catch(() => undefined)
              }
            >
              {t('wl.acknowledge')}
            </button>
          )
        )}
        {item.assignee && (
          <span data-testid="wl-assignee">
            {item.acknowledged && ' · '}
            {!item.acknowledged && mayAct && ' '}
            {t('wl.assignedTo', { name: item.assignee.name })}
          </span>
        )}
      </p>
      {mayAct && (
        <div className="wl-forms">
          <form
            className="toolbar"
            onSubmit={(e) => {
              e.preventDefault();
              if (!assigneeId) return;
              void assign({
                variables: { clockId: item.clockId, assigneeId, idempotencyKey: keys.current.assign },
              })
                .then(() => done('assign'))
                .catch(() => undefined);
            }}
          >
            <label htmlFor={ids.assignee}>
              {t('wl.assign')}
              <select
                id={ids.assignee}
                value={assigneeId}
                onChange={(e) => setAssigneeId(e.target.value)}
                data-testid="wl-assignee-select"
              >
                <option value="">—</option>
                {assignees.map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.name} ({t(`role.${p.role}` as 'role.MANAGER')})
                  </option>
                ))}
              </select>
            </label>
            <button
              type="submit"
              className="button"
              disabled={!assigneeId || assignState.loading}
              data-testid="wl-assign"
            >
              {t('wl.assignTo')}
            </button>
          </form>
          <form
            className="toolbar"
            onSubmit={(e) => {
              e.preventDefault();
              if (!note.trim()) return;
              void addNote({ variables: { clockId: item.clockId, text: note, idempotencyKey: keys.current.note } })
                .then(() => {
                  setNote('');
                  done('note');
                })
                .catch(() => undefined);
            }}
          >
            <label htmlFor={ids.note}>
              {t('wl.note')}
              <input
                id={ids.note}
                value={note}
                maxLength={2000}
                onChange={(e) => setNote(e.target.value)}
                data-testid="wl-note-input"
              />
            </label>
            <button type="submit" className="button" disabled={!note.trim() || noteState.loading} data-testid="wl-note">
              {t('wl.addNote')}
            </button>
          </form>
        </div>
      )}
      <Errors error={error} />
      {item.history.length > 0 && (
        <details data-testid="wl-history">
          <summary>{t('wl.history', { n: item.history.length })}</summary>
          <ol className="timeline">
            {item.history.map((h) => (
              <li key={h.id} data-testid="wl-history-entry" data-action={h.action}>
                {t(`wl.action.${h.action}`, { name: h.by.name, assignee: h.assignee?.name ?? '—' })}
                {h.action === 'NOTED' && h.note && <>: “{h.note}”</>}{' '}
                <span className="muted">
                  · {t(`role.${h.by.role}` as 'role.MANAGER')} · {formatDateTime(h.at, lang)}
                </span>
              </li>
            ))}
          </ol>
        </details>
      )}
    </section>
  );
}
