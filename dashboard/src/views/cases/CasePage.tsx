import { useQuery } from '@apollo/client/react';
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { Link } from '../../app/Link';
import { canAct } from '../../app/permissions';
import { useSignedIn } from '../../app/session-context';
import { Errors } from '../../components/Errors';
import { SlaBadge, type SlaState } from '../../components/SlaBadge';
import { counterName } from '../../format/counter';
import { formatDateTime, formatTime } from '../../format/time';
import {
  CaseDetailDocument,
  CaseEventsDocument,
  ServiceCountersDocument,
  type CaseDetailQuery,
  type CaseStatus,
} from '../../generated/graphql';
import { useI18n } from '../../i18n/i18n';
import type { Lang } from '../../i18n/dictionary';
import { EventDeduper } from '../../live/dedupe';
import { useLiveSubscription, useRefetchOnReconnect } from '../../live/useLiveSubscription';
import { formatOverdue } from '../sla/SlaFeed';
import { CaseAttachmentsPanel } from '../attachments/PreExamAttachments';
import { OfficerActions } from './CaseActions';
import { CASE_STATUSES } from './case-statuses';

export type CaseDetail = NonNullable<CaseDetailQuery['case']>;
type Clock = NonNullable<CaseDetail['sla']>[number];

/**
 * One case: both permits, materials, interview, passport custody and receipt, appointment,
 * SLA clocks and the timeline; and the actions the signed-in officer's role allows. A case
 * the API does not show (not found, or another employer's for an agency) is just "not
 * visible": the page never hints that it exists.
 */
export default function CasePage({ id }: { id: string }) {
  const { t, lang } = useI18n();
  const { session } = useSignedIn();
  const q = useQuery(CaseDetailDocument, { variables: { id }, fetchPolicy: 'cache-and-network', errorPolicy: 'all' });
  const c = q.data?.case;
  const counters = useQuery(ServiceCountersDocument);
  const counterNames = useMemo(
    () => new Map((counters.data?.serviceCounters ?? []).map((k) => [k.id, counterName(k, lang)])),
    [counters.data, lang],
  );
  // Live: another session's decision (or any event of this case) reloads the page's data.
  const [deduper] = useState(() => new EventDeduper());
  const [lastChange, setLastChange] = useState<{ type: string; at: number } | null>(null);
  const refetch = q.refetch;
  useLiveSubscription(CaseEventsDocument, {
    deduper,
    eventIdOf: (d) => d.caseEvents.eventId,
    onEvent: (d) => {
      if (d.caseEvents.caseId !== id) return;
      setLastChange({ type: d.caseEvents.type, at: Date.now() });
      void refetch();
    },
  });
  useRefetchOnReconnect(() => refetch());
  const now = useTick();
  // When this answer arrived (to the second): the countdowns tick on from it.
  const [stamp, setStamp] = useState<{ data: unknown; at: number }>({ data: undefined, at: now });
  if (stamp.data !== q.data) setStamp({ data: q.data, at: now });
  const fetchedAt = stamp.at;
  const role = session.claims.role;
  const officer = canAct(role, 'preExamine') || canAct(role, 'recordVerification');
  if (q.loading && !q.data) return <p className="loading">{t('app.loading')}</p>;
  if (!c) {
    return (
      <section className="panel" aria-labelledby="case-h">
        <h1 id="case-h">{t('case.notVisible')}</h1>
        <Errors error={q.error} />
        <Link to="/cases">{t('case.back')}</Link>
      </section>
    );
  }
  const rp = c.residencePermit;
  const preExam = c.status === 'SUBMITTED' || c.status === 'RETURNED';
  return (
    <div data-testid="case-page" data-case-id={c.id}>
      <p>
        <Link to="/cases">← {t('case.back')}</Link>
      </p>
      <h1>{t('case.title', { ref: c.reference })}</h1>
      <p className="muted" data-testid="case-live" aria-live="polite">
        {t('case.live')} {t('case.timesNote')}
        {lastChange && (
          <>
            {' '}
            <strong>{t('case.updated', { time: formatTime(lastChange.at, lang), what: lastChange.type })}</strong>
          </>
        )}
      </p>
      <Errors error={q.error} />
      {/* During pre-examination the documents are the work: first on the page. */}
      {preExam && <CaseAttachmentsPanel caseId={c.id} onDone={() => void q.refetch()} />}
      <div className="grid-2">
        <Section title={t('case.summary')}>
          <dl className="facts">
            <Fact label={t('cases.status')}>
              <strong data-testid="case-status">{t(`status.${c.status}`)}</strong>
            </Fact>
            <Fact label={t('cases.applicant')}>{c.applicant.fullName}</Fact>
            <Fact label={t('case.nationality')}>{c.applicant.nationality}</Fact>
            <Fact label={t('case.passportNumber')}>
              <span data-testid="passport-number">{c.applicant.passportNumber}</span>
            </Fact>
            <Fact label={t('case.dateOfBirth')}>{c.applicant.dateOfBirth}</Fact>
            <Fact label={t('cases.category')}>
              {c.category}
              {c.points != null && ` (${c.points})`}
            </Fact>
            <Fact label={t('cases.route')}>
              <span data-testid="case-route">{t(`code.route.${c.route}`)}</span>
            </Fact>
            <Fact label={t('cases.employer')}>{c.employer.name}</Fact>
            <Fact label={t('case.preExamDue')}>
              <span data-testid="pre-exam-due">{formatDateTime(c.preExamDueAt, lang)}</span>{' '}
              {c.preExamDueProvisional && <span className="tag">⚠ {t('cases.provisional')}</span>}
            </Fact>
          </dl>
          {c.returnNotification && (
            <div className="notice">
              <p>
                {t('case.returnNotice', {
                  count: c.returnNotification.returnCount,
                  at: formatDateTime(c.returnNotification.returnedAt, lang),
                })}
              </p>
              <ul>
                {c.returnNotification.items.map((i) => (
                  <li key={i.field}>
                    <strong>{i.field}</strong>: {i.problem}
                  </li>
                ))}
              </ul>
            </div>
          )}
        </Section>
        <Section title={t('case.clocks')}>
          {!c.sla || c.sla.length === 0 ? (
            <p className="muted">{t('case.none')}</p>
          ) : (
            <ul className="counts" style={{ flexDirection: 'column' }}>
              {c.sla.map((k) => (
                <li key={k.id}>
                  <SlaBadge state={clockState(k)} /> <strong>{t(`sla.kind.${k.kind}`)}</strong> · {t('sla.due')}{' '}
                  {formatDateTime(k.dueAt, lang)}
                  {k.provisional && <span className="tag">⚠ {t('cases.provisional')}</span>}
                  {!k.stoppedAt && (
                    <span className="muted" data-testid="clock-countdown">
                      {' '}
                      ·{' '}
                      {(() => {
                        const left = k.remainingWorkingMinutes * 60 - (now - fetchedAt) / 1000;
                        return left >= 0
                          ? t('case.remaining', { time: formatOverdue(left, lang) })
                          : t('case.overdueBy', { time: formatOverdue(-left, lang) });
                      })()}
                    </span>
                  )}
                </li>
              ))}
            </ul>
          )}
        </Section>
        <Section title={t('case.workPermit')}>
          <Decision
            status={c.workPermit.status}
            number={c.workPermit.permitNumber}
            validUntil={c.workPermit.validUntil}
            reasons={c.workPermit.refusalReasons ?? []}
            at={c.workPermit.decidedAt}
          />
          <h3>{t('case.materials')}</h3>
          <Materials complete={c.workPermitMaterials.complete} missing={c.workPermitMaterials.missing} />
        </Section>
        <Section title={t('case.residencePermit')}>
          {!rp ? (
            <p className="muted">{t('case.none')}</p>
          ) : (
            <>
              <Decision
                status={rp.decision?.outcome ?? 'PENDING'}
                number={rp.decision?.permitNumber ?? null}
                validUntil={rp.decision?.validUntil ?? null}
                reasons={rp.decision?.reasons ?? []}
                at={rp.decision?.decidedAt ?? null}
              />
              <h3>{t('case.materials')}</h3>
              <Materials complete={rp.materials.complete} missing={rp.materials.missing} />
              <h3>{t('case.interview')}</h3>
              <p>
                {rp.interview.required ? t('case.interviewRequired') : t('case.interviewExempt')} ·{' '}
                {t(`code.interview.${rp.interview.status}`)}
                <br />
                <span className="muted">{rp.interview.reason}</span>
              </p>
              <h3>{t('case.verifications')}</h3>
              {rp.verifications.length === 0 ? (
                <p className="muted">{t('case.none')}</p>
              ) : (
                <ul>
                  {rp.verifications.map((v) => (
                    <li key={v.id}>
                      {t(`action.kind.${v.kind}`)} · {formatDateTime(v.scheduledAt, lang)} ·{' '}
                      {t(`code.verification.${v.status}`)}
                      {v.outcome && ` · ${t(`action.outcome.${v.outcome}`)}`}
                      {v.notes && <span className="muted"> · {v.notes}</span>}
                    </li>
                  ))}
                </ul>
              )}
            </>
          )}
        </Section>
        <Section title={t('case.custody')}>
          <dl className="facts">
            <Fact label={t('case.receipt')}>
              {c.documentsAcceptance?.receiptNumber ?? rp?.passportCustody?.receiptNumber ?? '—'}
            </Fact>
            <Fact label={t('case.heldSince')}>{formatDateTime(rp?.passportCustody?.heldSince ?? null, lang)}</Fact>
            {rp?.passportCustody && (
              <Fact label="">{t('case.workingDaysHeld', { days: rp.passportCustody.workingDaysHeld })}</Fact>
            )}
            <Fact label={t('case.released')}>{formatDateTime(rp?.passportCustody?.releasedAt ?? null, lang)}</Fact>
            <Fact label={t('case.issuanceDue')}>
              {formatDateTime(c.documentsAcceptance?.issuanceDueAt ?? null, lang)}{' '}
              {c.documentsAcceptance?.issuanceDueProvisional && <span className="tag">⚠ {t('cases.provisional')}</span>}
            </Fact>
            <Fact label={t('case.claimedAt')}>{formatDateTime(c.claim?.claimedAt ?? null, lang)}</Fact>
          </dl>
        </Section>
        <Section title={t('case.appointment')}>
          {c.appointment ? (
            <dl className="facts">
              <Fact label={t('case.letter')}>{c.appointment.letterNumber}</Fact>
              <Fact label={t('cases.counter')}>
                {c.appointment.counter ? counterName(c.appointment.counter, lang) : '—'}
              </Fact>
              <Fact label={t('case.slot')}>
                {formatDateTime(c.appointment.slotStart, lang)} –{' '}
                {formatDateTime(c.appointment.slotEnd, lang).slice(-5)}
              </Fact>
              <Fact label={t('cases.status')}>{t(`code.appointment.${c.appointment.status}`)}</Fact>
            </dl>
          ) : (
            <p className="muted">{t('case.none')}</p>
          )}
        </Section>
      </div>
      {!preExam && <CaseAttachmentsPanel caseId={c.id} onDone={() => void q.refetch()} />}
      {officer && <OfficerActions c={c} onDone={() => void q.refetch()} />}
      <Section title={t('case.timeline')}>
        <ol className="timeline" data-testid="timeline">
          {c.timeline.map((e, i) => {
            const actor = actorOf(e, c);
            return (
              <li key={`${e.at}-${i}`} data-testid="timeline-entry" data-action={e.action}>
                <strong>{actionLabel(e.action, t)}</strong>
                {e.toStatus && ` → ${t(`status.${e.toStatus}`)}`}{' '}
                <span className="muted">
                  · <time dateTime={e.at}>{formatDateTime(e.at, lang)}</time>
                </span>
                <span className="muted" data-testid="timeline-actor">
                  {' '}
                  ·{' '}
                  {actor.role
                    ? actor.name
                      ? t('tl.by', { name: actor.name, role: t(`role.${actor.role}`) })
                      : t(`role.${actor.role}`)
                    : t('tl.actor.system')}
                </span>
                {e.note && <div>{localiseNote(e.note, lang, counterNames, t)}</div>}
              </li>
            );
          })}
        </ol>
      </Section>
    </div>
  );
}

type Timeline = CaseDetail['timeline'][number];
type Translate = ReturnType<typeof useI18n>['t'];
type StaffRole = 'AGENCY' | 'WP_OFFICER' | 'EE_OFFICER' | 'CLERK' | 'MANAGER';

/** Who does each kind of step (DOMAIN.md): the role shown for a timeline line. Absent: the system. */
const ROLE_OF_ACTION: Record<string, StaffRole> = {
  FILED: 'AGENCY',
  RESUBMITTED: 'AGENCY',
  WITHDRAWN: 'AGENCY',
  ATTACHMENT_UPLOADED: 'AGENCY',
  APPOINTMENT_BOOKED: 'AGENCY',
  APPOINTMENT_RESCHEDULED: 'AGENCY',
  APPOINTMENT_CANCELLED: 'AGENCY',
  RETURNED: 'WP_OFFICER',
  PRE_EXAM_PASSED: 'WP_OFFICER',
  WORK_PERMIT_ISSUED: 'WP_OFFICER',
  WORK_PERMIT_REFUSED: 'WP_OFFICER',
  MATERIAL_RECORDED: 'CLERK',
  MATERIALS_PRESENTER_SET: 'CLERK',
  CHECKED_IN: 'CLERK',
  CHECKED_IN_AGAIN: 'CLERK',
  TICKET_MISSED: 'CLERK',
  DOCUMENTS_ACCEPTED: 'CLERK',
  CLAIMED: 'CLERK',
  RESIDENCE_PERMIT_ISSUED: 'EE_OFFICER',
  RESIDENCE_PERMIT_REFUSED: 'EE_OFFICER',
};
/** Names the timeline carries for lines another subgraph's event made: a service, not a person. */
const SERVICE_NAMES = new Set(['work-permit', 'residence-permit', 'counter-scheduling', 'retention', 'identity']);

/** The person and role behind a timeline line; a service name is never shown as an actor. */
export function actorOf(e: Timeline, c: CaseDetail): { name: string | null; role: StaffRole | null } {
  const person = e.actorName && !SERVICE_NAMES.has(e.actorName) ? e.actorName : null;
  // residence-permit records who decided; the line its event made names only the service.
  if (e.action.startsWith('RESIDENCE_PERMIT_'))
    return { name: person ?? c.residencePermit?.decision?.decidedByName ?? null, role: 'EE_OFFICER' };
  return { name: person, role: ROLE_OF_ACTION[e.action] ?? null };
}

const ACTIONS = new Set(
  Object.keys(ROLE_OF_ACTION).concat([
    'APPOINTMENT_NO_SHOW',
    'UNSERVED_AT_CLOSING',
    'READY_FOR_CLAIM',
    'PRE_EXAM_DEADLINE_CHANGED',
    'ATTACHMENTS_DELETED',
  ]),
);

function actionLabel(code: string, t: Translate): string {
  return ACTIONS.has(code)
    ? t(`tl.${code}` as 'tl.FILED')
    : t('tl.OTHER', { code: code.toLowerCase().replace(/_/g, ' ') });
}

const ISO_INSTANT = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})/g;

const NOTE_CODES: Record<string, string> = {
  NOTIFICATION_LETTER: 'code.route.NOTIFICATION_LETTER',
  IN_MAINLAND: 'code.route.IN_MAINLAND',
  RENEWAL: 'code.route.RENEWAL',
};

/**
 * A timeline note as the reader's language shows it: instants in Beijing time, counter ids as
 * the counters' names, codes (routes, statuses) as their labels.
 */
export function localiseNote(note: string, lang: Lang, counters: ReadonlyMap<string, string>, t: Translate): string {
  let out = note.replace(ISO_INSTANT, (iso) => formatDateTime(iso, lang));
  out = out.replace(/\b[A-Z][A-Z_]{3,}[A-Z]\b/g, (code) => {
    if (code in NOTE_CODES) return t(NOTE_CODES[code] as 'code.route.RENEWAL');
    if ((CASE_STATUSES as readonly string[]).includes(code)) return t(`status.${code as CaseStatus}`);
    return code;
  });
  for (const [id, name] of counters) if (out.includes(id)) out = out.split(id).join(name);
  return out;
}

/** Ticks once a second while the page is open (the countdowns). */
function useTick(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

function clockState(k: Clock): SlaState {
  if (k.state === 'BREACHED') return 'BREACHED';
  if (k.state !== 'RUNNING') return 'CLOSED';
  return k.lastThreshold != null && k.lastThreshold < 100 ? 'WARNING' : 'OK';
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  const id = `s-${title.replace(/\W+/g, '-')}`;
  return (
    <section className="panel" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  );
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </>
  );
}

function Decision({
  status,
  number,
  validUntil,
  reasons,
  at,
}: {
  status: string;
  number: string | null;
  validUntil: string | null;
  reasons: readonly string[];
  at: string | null;
}) {
  const { t, lang } = useI18n();
  const state: SlaState = status === 'ISSUED' ? 'OK' : status === 'REFUSED' ? 'BREACHED' : 'UNKNOWN';
  const label = status === 'ISSUED' ? t('action.issue') : status === 'REFUSED' ? t('action.refuse') : t('case.pending');
  return (
    <div>
      <SlaBadge state={state} label={label} />
      {number && (
        <p>
          {t('case.permitNumber')}: <strong>{number}</strong> · {t('case.validUntil')} {validUntil}
        </p>
      )}
      {reasons.length > 0 && (
        <ul>
          {reasons.map((r) => (
            <li key={r}>{r}</li>
          ))}
        </ul>
      )}
      {at && <p className="muted">{formatDateTime(at, lang)}</p>}
    </div>
  );
}

function Materials({ complete, missing }: { complete: boolean; missing: readonly string[] }) {
  const { t } = useI18n();
  return complete ? (
    <SlaBadge state="OK" label={t('case.complete')} />
  ) : (
    <p>{t('case.missing', { items: missing.join(', ') || '—' })}</p>
  );
}
