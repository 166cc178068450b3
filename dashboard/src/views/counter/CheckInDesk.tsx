import { useApolloClient, useQuery } from '@apollo/client/react';
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useSignedIn } from '../../app/session-context';
import { useClerkAction } from '../../clerk/useClerkAction';
import { Errors } from '../../components/Errors';
import { counterName } from '../../format/counter';
import { formatDateTime, formatHour } from '../../format/time';
import {
  AppointmentByLetterDocument,
  CaseByReferenceDocument,
  CasesByPassportDocument,
  CheckInDocument,
  CheckInPreviewDocument,
  CounterCaseDocument,
  CounterWorkstationDocument,
  type CheckInMutation,
} from '../../generated/graphql';
import { useI18n } from '../../i18n/i18n';
import type { MessageKey } from '../../i18n/dictionary';
import { ActionStatus } from './ActionStatus';
import { CaseSummary } from './CaseSummary';

type By = 'letter' | 'reference' | 'passport';
const BY: By[] = ['letter', 'reference', 'passport'];

/**
 * The check-in desk: find the applicant by appointment letter, case reference or passport,
 * say what will happen (the API's own check-in rules, run without writing), issue the ticket
 * and print it.
 */
export default function CheckInDesk() {
  const { t, lang } = useI18n();
  const id = useId();
  const client = useApolloClient();
  const { session } = useSignedIn();
  const counterId = session.claims.counterId ?? '';
  const counter = useQuery(CounterWorkstationDocument, { variables: { counterId } });
  const [by, setBy] = useState<By>('letter');
  const [q, setQ] = useState('');
  const [caseId, setCaseId] = useState<string | null>(null);
  const [choices, setChoices] = useState<{ id: string; reference: string; name: string }[]>([]);
  const [notFound, setNotFound] = useState<string | null>(null);
  const [searchError, setSearchError] = useState<unknown>(null);
  const [ticket, setTicket] = useState<CheckInMutation['checkIn'] | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const issueButton = useRef<HTMLButtonElement>(null);
  const kase = useQuery(CounterCaseDocument, {
    variables: { id: caseId ?? '' },
    skip: !caseId,
    fetchPolicy: 'network-only',
  });
  const preview = useQuery(CheckInPreviewDocument, {
    variables: { caseId: caseId ?? '' },
    skip: !caseId || ticket !== null,
    fetchPolicy: 'network-only',
  });
  const checkIn = useClerkAction(CheckInDocument);
  useEffect(() => input.current?.focus(), []);
  useEffect(() => {
    if (preview.data && preview.data.checkInPreview.outcome !== 'REFUSED') issueButton.current?.focus();
  }, [preview.data]);

  const reset = (): void => {
    setCaseId(null);
    setChoices([]);
    setTicket(null);
    setNotFound(null);
    setQ('');
    checkIn.reset();
    setTimeout(() => input.current?.focus(), 0);
  };

  const find = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    const value = q.trim();
    setCaseId(null);
    setChoices([]);
    setTicket(null);
    setNotFound(null);
    setSearchError(null);
    if (!value) return;
    try {
      if (by === 'letter') {
        const r = await client.query({
          query: AppointmentByLetterDocument,
          variables: { letterNumber: value },
          fetchPolicy: 'network-only',
        });
        if (r.data?.appointmentByLetter) setCaseId(r.data.appointmentByLetter.caseId);
        else setNotFound(value);
      } else if (by === 'reference') {
        const r = await client.query({
          query: CaseByReferenceDocument,
          variables: { reference: value.toUpperCase() },
          fetchPolicy: 'network-only',
        });
        if (r.data?.caseByReference) setCaseId(r.data.caseByReference.id);
        else setNotFound(value);
      } else {
        const r = await client.query({
          query: CasesByPassportDocument,
          variables: { passportNumber: value },
          fetchPolicy: 'network-only',
        });
        const nodes = r.data?.cases.edges.map((x) => x.node) ?? [];
        if (nodes.length === 1) setCaseId(nodes[0]!.id);
        else if (nodes.length > 1)
          setChoices(nodes.map((n) => ({ id: n.id, reference: n.reference, name: n.applicant.fullName })));
        else setNotFound(value);
      }
    } catch (err) {
      setSearchError(err);
    }
  };

  const issue = async (): Promise<void> => {
    if (!caseId) return;
    const r = await checkIn.run({ caseId });
    if (r) setTicket(r.checkIn);
  };

  const p = preview.data?.checkInPreview;
  const will = p
    ? p.outcome === 'WALK_IN'
      ? t('checkin.will.WALK_IN', { c: p.category ?? 'A' })
      : p.outcome === 'APPOINTMENT'
        ? t('checkin.will.APPOINTMENT', {
            letter: p.appointmentLetterNumber ?? '',
            time: p.appointmentSlotStart ? formatHour(p.appointmentSlotStart, lang) : '',
          })
        : t('checkin.will.REFUSED', { reason: reasonLabel(t, p.reason) })
    : null;
  const name = counter.data?.serviceCounter ? counterName(counter.data.serviceCounter, lang) : counterId;

  return (
    <div className="counter-page">
      <h1>{t('checkin.title')}</h1>
      <section className="panel no-print" aria-labelledby={`${id}-find`}>
        <h2 id={`${id}-find`}>{t('checkin.find')}</h2>
        <form role="search" onSubmit={(e) => void find(e)} className="inline-form">
          <fieldset className="segmented">
            <legend>{t('checkin.by')}</legend>
            {BY.map((b) => (
              <label key={b}>
                <input
                  type="radio"
                  name={`${id}-by`}
                  value={b}
                  checked={by === b}
                  onChange={() => setBy(b)}
                  data-testid={`by-${b}`}
                />
                {t(`checkin.by.${b}`)}
              </label>
            ))}
          </fieldset>
          <label htmlFor={`${id}-q`} className="visually-hidden">
            {t(`checkin.by.${by}`)}
          </label>
          <input
            id={`${id}-q`}
            ref={input}
            value={q}
            onChange={(e) => setQ(e.target.value)}
            placeholder={t(`checkin.placeholder.${by}`)}
            autoComplete="off"
            spellCheck={false}
            data-testid="checkin-query"
          />
          <button type="submit" data-testid="checkin-find">
            {t('checkin.search')}
          </button>
        </form>
        <Errors error={searchError} />
        {notFound && (
          <p role="status" data-testid="checkin-not-found">
            {t('checkin.notFound', { q: notFound })}
          </p>
        )}
        {choices.length > 0 && (
          <>
            <p>{t('checkin.several')}</p>
            <ul className="choices">
              {choices.map((c) => (
                <li key={c.id}>
                  <button type="button" className="button-secondary" onClick={() => setCaseId(c.id)}>
                    {c.reference} · {c.name}
                  </button>
                </li>
              ))}
            </ul>
          </>
        )}
      </section>

      {caseId && !ticket && (
        <section className="panel" aria-labelledby={`${id}-case`} data-testid="checkin-case">
          <h2 id={`${id}-case`}>{kase.data?.case?.reference ?? '…'}</h2>
          <Errors error={kase.error ?? preview.error} />
          {kase.data?.case && <CaseSummary c={kase.data.case} />}
          {p && (
            <div
              className={`will will-${p.outcome.toLowerCase()}`}
              role="status"
              data-testid="checkin-will"
              data-outcome={p.outcome}
            >
              <p>
                <strong>{will}</strong>
              </p>
              {p.outcome === 'REFUSED' && p.message && <p data-testid="checkin-reason">{p.message}</p>}
            </div>
          )}
          {p && p.outcome !== 'REFUSED' && (
            <button
              type="button"
              ref={issueButton}
              onClick={() => void issue()}
              aria-disabled={checkIn.busy}
              data-testid="checkin-issue"
            >
              {t('checkin.issue')}
            </button>
          )}
          <ActionStatus action={checkIn} testId="checkin-error" />
        </section>
      )}

      {ticket && (
        <section className="panel print-area ticket" aria-labelledby={`${id}-ticket`} data-testid="ticket">
          <h2 id={`${id}-ticket`}>{t('checkin.ticketTitle')}</h2>
          <p className="ticket-number" data-testid="ticket-number">
            {ticket.ticketNumber}
          </p>
          <dl className="facts">
            <dt>{t('checkin.ticketCounter')}</dt>
            <dd>{name}</dd>
            <dt>{t('checkin.ticketTime')}</dt>
            <dd>{formatDateTime(ticket.issuedAt, lang)}</dd>
            <dt>{t('queue.kind')}</dt>
            <dd>{ticket.appointmentId ? t('queue.appointment') : t('queue.walkIn')}</dd>
          </dl>
          <p>{t('checkin.ticketHelp')}</p>
          <div className="actions no-print">
            <button type="button" onClick={() => window.print()} data-testid="ticket-print">
              {t('checkin.print')}
            </button>
            <button type="button" className="button-secondary" onClick={reset} data-testid="checkin-next">
              {t('checkin.next')}
            </button>
          </div>
        </section>
      )}
    </div>
  );
}

/** The refusal's stable reason in words; the API's sentence follows it. */
function reasonLabel(t: (k: MessageKey) => string, reason: string | null | undefined): string {
  const known = [
    'NO_APPOINTMENT_TODAY',
    'CASE_WITHDRAWN',
    'PRE_EXAM_NOT_PASSED',
    'COUNTER_CLOSED',
    'ALREADY_CHECKED_IN',
    'CLAIMED',
    'NOT_FOUND',
  ] as const;
  const r = known.find((k) => k === reason);
  return r ? t(`checkin.reason.${r}`) : (reason ?? '');
}
