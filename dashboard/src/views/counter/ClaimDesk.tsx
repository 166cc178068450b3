import { useApolloClient, useQuery } from '@apollo/client/react';
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useSignedIn } from '../../app/session-context';
import { useClerkAction } from '../../clerk/useClerkAction';
import { Errors } from '../../components/Errors';
import { formatDateTime } from '../../format/time';
import {
  CounterCaseDocument,
  DocumentsAcceptanceByReceiptDocument,
  RecordClaimDocument,
} from '../../generated/graphql';
import { useI18n } from '../../i18n/i18n';
import { ActionStatus } from './ActionStatus';
import { CaseSummary } from './CaseSummary';

/**
 * The claim desk: the receipt of acceptance number typed or scanned (a scanner types it and
 * presses Enter), both permits, and the hand-over of permits and passport together; the API
 * refuses with the reason when the case is not ready or the passport is held elsewhere.
 */
export default function ClaimDesk({ initialReceipt }: { initialReceipt?: string }) {
  const { t, lang } = useI18n();
  const id = useId();
  const client = useApolloClient();
  const { session } = useSignedIn();
  const [q, setQ] = useState(initialReceipt ?? '');
  const [caseId, setCaseId] = useState<string | null>(null);
  const [notFound, setNotFound] = useState<string | null>(null);
  const [lookupError, setLookupError] = useState<unknown>(null);
  const [claimedAt, setClaimedAt] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const handOver = useRef<HTMLButtonElement>(null);
  const kase = useQuery(CounterCaseDocument, {
    variables: { id: caseId ?? '' },
    skip: !caseId,
    fetchPolicy: 'network-only',
  });
  const claim = useClerkAction(RecordClaimDocument);
  useEffect(() => {
    if (kase.data?.case) handOver.current?.focus();
  }, [kase.data?.case]);

  const find = async (e?: FormEvent): Promise<void> => {
    e?.preventDefault();
    setCaseId(null);
    setNotFound(null);
    setLookupError(null);
    setClaimedAt(null);
    claim.reset();
    const n = q.trim();
    if (!n) return;
    try {
      const r = await client.query({
        query: DocumentsAcceptanceByReceiptDocument,
        variables: { receiptNumber: n },
        fetchPolicy: 'network-only',
      });
      if (r.data?.documentsAcceptanceByReceipt) setCaseId(r.data.documentsAcceptanceByReceipt.caseId);
      else setNotFound(n);
    } catch (err) {
      setLookupError(err);
    }
  };
  useEffect(() => input.current?.focus(), []);

  const c = kase.data?.case;
  const rpOutcome = c?.residencePermit?.decision?.outcome ?? 'PENDING';
  const notReady =
    c && !c.claim && c.status !== 'READY_FOR_CLAIM'
      ? c.documentsAcceptance && c.documentsAcceptance.counterId !== session.claims.counterId
        ? t('claim.elsewhere', { counter: c.documentsAcceptance.counterId })
        : t('claim.waitingDecision')
      : null;
  const doClaim = async (): Promise<void> => {
    if (!c) return;
    const r = await claim.run({ caseId: c.id });
    if (r) {
      setClaimedAt(r.recordClaim.claimedAt);
      void kase.refetch();
    }
  };

  return (
    <div className="counter-page">
      <h1>{t('claim.title')}</h1>
      <section className="panel" aria-labelledby={`${id}-find`}>
        <form role="search" onSubmit={(e) => void find(e)} className="inline-form">
          <label htmlFor={`${id}-q`} id={`${id}-find`}>
            {t('claim.find')}
          </label>
          <input
            id={`${id}-q`}
            ref={input}
            value={q}
            onChange={(e) => setQ(e.target.value)}
            placeholder="RA-2026-000123"
            autoComplete="off"
            spellCheck={false}
            data-testid="claim-receipt"
          />
          <button type="submit" data-testid="claim-find">
            {t('checkin.search')}
          </button>
        </form>
        <Errors error={lookupError ?? kase.error} />
        {notFound && (
          <p role="status" data-testid="claim-not-found">
            {t('claim.notFound', { n: notFound })}
          </p>
        )}
      </section>
      {c && (
        <section className="panel" aria-labelledby={`${id}-case`} data-testid="claim-case">
          <h2 id={`${id}-case`}>{c.reference}</h2>
          {/* Just handed over: work-permit records the case as claimed a moment later. */}
          <CaseSummary c={claimedAt ? { ...c, status: 'CLAIMED' } : c} />
          <h3>{t('claim.permits')}</h3>
          <dl className="facts" data-testid="claim-permits">
            <dt>{t('claim.wp')}</dt>
            <dd data-testid="claim-wp">
              {t(`permit.${c.workPermit.status}`)}
              {c.workPermit.permitNumber ? ` · ${c.workPermit.permitNumber}` : ''}
            </dd>
            <dt>{t('claim.rp')}</dt>
            <dd data-testid="claim-rp">
              {t(`permit.${rpOutcome}`)}
              {c.residencePermit?.decision?.permitNumber ? ` · ${c.residencePermit.decision.permitNumber}` : ''}
            </dd>
          </dl>
          {c.claim || claimedAt ? (
            <p role="status" className="ok-text" data-testid="claim-done">
              {claimedAt
                ? t('claim.done', { time: formatDateTime(claimedAt, lang) })
                : t('claim.claimed', { time: formatDateTime(c.claim!.claimedAt, lang) })}
            </p>
          ) : (
            <>
              {notReady && (
                <p className="warn-text" data-testid="claim-not-ready">
                  {t('claim.notReady', { reason: notReady })}
                </p>
              )}
              <button
                type="button"
                ref={handOver}
                onClick={() => void doClaim()}
                aria-disabled={claim.busy}
                data-testid="claim-hand-over"
              >
                {t('claim.handOver')}
              </button>
              <ActionStatus action={claim} testId="claim-error" />
            </>
          )}
        </section>
      )}
    </div>
  );
}
