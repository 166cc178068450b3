import { useMutation } from '@apollo/client/react';
import { useId, useState, type FormEvent } from 'react';
import { canAct } from '../../app/permissions';
import { useSignedIn } from '../../app/session-context';
import { Errors } from '../../components/Errors';
import {
  CaseAttachmentsDocument,
  CaseDetailDocument,
  PassPreExaminationDocument,
  ReturnCaseDocument,
  ReviewAttachmentDocument,
} from '../../generated/graphql';
import { useI18n } from '../../i18n/i18n';
import { AttachmentViewer, useCaseAttachments, type ViewerAttachment } from './AttachmentViewer';

/**
 * The case's filed attachments on the case page. For a work-permit officer while the case is
 * SUBMITTED this is the pre-examination itself: each attachment's latest version is marked fine
 * or needing correction (with the reason), then the case is passed, or returned naming every
 * attachment to correct in one notification. Everyone else who may see the case sees the
 * documents and the verdicts (an agency: which to correct, and why).
 */
export function CaseAttachmentsPanel({ caseId, onDone }: { caseId: string; onDone(): void }) {
  const { t } = useI18n();
  const { session } = useSignedIn();
  const q = useCaseAttachments(caseId);
  const c = q.data?.case;
  const examining = !!c && c.status === 'SUBMITTED' && canAct(session.claims.role, 'preExamine');
  const refresh = (): void => {
    void q.refetch();
    onDone();
  };
  return (
    <section className="panel" aria-labelledby="attachments-h" data-testid="attachments-panel">
      <h2 id="attachments-h">{examining ? t('att.preExamTitle') : t('att.title')}</h2>
      <Errors error={q.error} />
      {!c ? (
        q.loading && <p className="loading">{t('app.loading')}</p>
      ) : c.attachmentFiles.length === 0 ? (
        <p className="muted">{t('case.none')}</p>
      ) : (
        <>
          {examining && <p className="help">{t('att.preExamHelp')}</p>}
          <div className="attachments">
            {c.attachmentFiles.map((a) => (
              <AttachmentViewer key={a.id} attachment={a}>
                {examining && a.versions.length > 0 && <ReviewForm a={a} onDone={refresh} />}
              </AttachmentViewer>
            ))}
          </div>
          {examining && <Decide caseId={caseId} attachments={c.attachmentFiles} onDone={refresh} />}
        </>
      )}
    </section>
  );
}

/** Fine, or needing correction with the reason: saved at once, so a second officer sees it. */
function ReviewForm({ a, onDone }: { a: ViewerAttachment; onDone(): void }) {
  const { t } = useI18n();
  const id = useId();
  const current = a.versions.at(-1)!;
  const [reason, setReason] = useState(current.verdictReason ?? '');
  const [run, { loading, error, reset }] = useMutation(ReviewAttachmentDocument);
  const mark = async (verdict: 'FINE' | 'NEEDS_CORRECTION', e?: FormEvent): Promise<void> => {
    e?.preventDefault();
    reset();
    const r = await run({
      variables: { input: { versionId: current.id, verdict, reason: verdict === 'FINE' ? null : reason } },
    }).catch(() => null);
    if (r?.data) onDone();
  };
  return (
    <form
      className="attachment-review"
      onSubmit={(e) => void mark('NEEDS_CORRECTION', e)}
      aria-label={t('att.reviewOf', { name: a.name })}
    >
      <button
        type="button"
        className="button"
        disabled={loading}
        aria-pressed={current.verdict === 'FINE'}
        onClick={() => void mark('FINE')}
        data-testid="mark-fine"
      >
        ✓ {t('att.markFine')}
      </button>
      <label htmlFor={`${id}-reason`}>{t('att.reason')}</label>
      <textarea
        id={`${id}-reason`}
        rows={2}
        value={reason}
        onChange={(e) => setReason(e.target.value)}
        onKeyDown={(e) => {
          // Ctrl/⌘+Enter saves, as in every multi-line field of the dashboard.
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) void mark('NEEDS_CORRECTION');
        }}
        data-testid="correction-reason"
      />
      <button
        type="submit"
        disabled={loading || !reason.trim()}
        aria-pressed={current.verdict === 'NEEDS_CORRECTION'}
        data-testid="mark-correction"
      >
        ✗ {t('att.markCorrection')}
      </button>
      <Errors error={error} testId="review-error" />
    </form>
  );
}

/** Pass, or return naming every attachment marked for correction (plus any other items), in one notification. */
function Decide({ caseId, attachments, onDone }: { caseId: string; attachments: ViewerAttachment[]; onDone(): void }) {
  const { t } = useI18n();
  const id = useId();
  const flagged = attachments.filter((a) => a.needsCorrection);
  const unreviewed = attachments.filter((a) => a.versions.length > 0 && a.versions.at(-1)!.verdict === 'PENDING');
  const missing = attachments.filter((a) => a.versions.length === 0);
  const [other, setOther] = useState('');
  const refetch = { refetchQueries: [CaseDetailDocument, CaseAttachmentsDocument] };
  const [pass, passState] = useMutation(PassPreExaminationDocument, refetch);
  const [ret, retState] = useMutation(ReturnCaseDocument, refetch);
  // "field: problem" per line; a line without a problem is sent as it is, and the API says what is missing.
  const otherItems = other
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => {
      const i = l.indexOf(':');
      return i > 0 ? { field: l.slice(0, i).trim(), problem: l.slice(i + 1).trim() } : { field: l, problem: '' };
    });
  const doReturn = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    const items = [
      ...flagged.map((a) => ({ attachmentId: a.id, problem: a.versions.at(-1)!.verdictReason ?? '' })),
      ...otherItems,
    ];
    const r = await ret({ variables: { input: { caseId, items } } }).catch(() => null);
    if (r?.data) onDone();
  };
  const doPass = async (): Promise<void> => {
    const r = await pass({ variables: { input: { caseId } } }).catch(() => null);
    if (r?.data) onDone();
  };
  return (
    <div className="grid-2 attachment-decide">
      <form onSubmit={(e) => void doReturn(e)} className="panel" aria-labelledby={`${id}-ret`}>
        <h3 id={`${id}-ret`}>{t('att.returnTitle', { n: flagged.length })}</h3>
        {flagged.length > 0 && (
          <ul data-testid="return-list">
            {flagged.map((a) => (
              <li key={a.id}>
                <strong>{a.name}</strong>: {a.versions.at(-1)!.verdictReason}
              </li>
            ))}
          </ul>
        )}
        <label htmlFor={`${id}-other`}>{t('att.otherItems')}</label>
        <textarea id={`${id}-other`} rows={2} value={other} onChange={(e) => setOther(e.target.value)} />
        <Errors error={retState.error} testId="return-error" />
        <button
          type="submit"
          disabled={retState.loading || (flagged.length === 0 && otherItems.length === 0)}
          data-testid="return-case"
        >
          {t('att.returnButton')}
        </button>
      </form>
      <div className="panel">
        <h3>{t('action.passPreExam')}</h3>
        {missing.length > 0 && (
          <p className="notice">{t('att.missingFiles', { names: missing.map((a) => a.name).join(', ') })}</p>
        )}
        {unreviewed.length > 0 && <p className="help">{t('att.passMarksFine', { n: unreviewed.length })}</p>}
        {flagged.length > 0 && <p className="help">{t('att.passBlocked')}</p>}
        <Errors error={passState.error} testId="pass-error" />
        <button
          type="button"
          className="button"
          disabled={passState.loading || flagged.length > 0}
          onClick={() => void doPass()}
          data-testid="pass-case"
        >
          {t('action.passPreExam')}
        </button>
      </div>
    </div>
  );
}
