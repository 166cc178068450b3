import { useMutation } from '@apollo/client/react';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { newIdempotencyKey } from '../../api/idempotency-key';
import { canAct } from '../../app/permissions';
import { useSignedIn } from '../../app/session-context';
import { Errors } from '../../components/Errors';
import {
  IssueResidencePermitDocument,
  IssueWorkPermitDocument,
  RecordVerificationOutcomeDocument,
  RefuseResidencePermitDocument,
  RefuseWorkPermitDocument,
  ScheduleVerificationDocument,
  type VerificationKind,
  type VerificationOutcome,
} from '../../generated/graphql';
import { useI18n } from '../../i18n/i18n';
import type { CaseDetail } from './CasePage';

const lines = (s: string): string[] =>
  s
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

/**
 * The actions an officer's role allows on this case. Forms are offered by role and status
 * (a mirror of the rules); the API decides, and its message is shown when it refuses.
 */
export function OfficerActions({ c, onDone }: { c: CaseDetail; onDone(): void }) {
  const { t } = useI18n();
  const { session } = useSignedIn();
  const role = session.claims.role;
  const rp = c.residencePermit;
  const undecidedRp = rp && !rp.decision;
  return (
    <section className="panel" aria-labelledby="actions-h" data-testid="case-actions">
      <h2 id="actions-h">{t('case.actions')}</h2>
      <div className="grid-2">
        {/* Pass and return live with the documents: views/attachments/PreExamAttachments.tsx. */}
        {canAct(role, 'decideWorkPermit') && c.status === 'ACCEPTED' && c.workPermit.status === 'PENDING' && (
          <>
            <Action
              title={`${t('action.decideWorkPermit')}: ${t('action.issue')}`}
              doc={IssueWorkPermitDocument}
              onDone={onDone}
              fields={[
                { name: 'permitNumber', label: t('action.permitNumber') },
                { name: 'validUntil', label: t('action.validUntil'), type: 'date' },
              ]}
              variables={(v) => ({
                input: { caseId: c.id, permitNumber: v.permitNumber ?? '', validUntil: v.validUntil || null },
              })}
            />
            <Action
              title={`${t('action.decideWorkPermit')}: ${t('action.refuse')}`}
              doc={RefuseWorkPermitDocument}
              onDone={onDone}
              fields={[{ name: 'reasons', label: t('action.reasons'), multiline: true }]}
              variables={(v) => ({ input: { caseId: c.id, reasons: lines(v.reasons ?? '') } })}
            />
          </>
        )}
        {canAct(role, 'recordVerification') && undecidedRp && (
          <>
            <Action
              title={t('action.scheduleVerification')}
              doc={ScheduleVerificationDocument}
              onDone={onDone}
              fields={[
                {
                  name: 'kind',
                  label: t('action.verificationMethod'),
                  options: VERIFICATION_KINDS.map((k) => [k, t(`action.kind.${k}`)]),
                },
                { name: 'scheduledAt', label: t('action.scheduledAt'), type: 'datetime-local' },
                { name: 'location', label: t('action.location') },
              ]}
              variables={(v, idempotencyKey) => ({
                caseId: c.id,
                input: {
                  kind: (v.kind || 'FACE_TO_FACE_INTERVIEW') as VerificationKind,
                  // The input is Beijing wall time, whatever the browser's zone.
                  scheduledAt: v.scheduledAt ? new Date(`${v.scheduledAt}:00+08:00`).toISOString() : '',
                  location: v.location || null,
                  idempotencyKey,
                },
              })}
            />
            {rp.verifications
              .filter((v) => !v.outcome)
              .map((ver) => (
                <Action
                  key={ver.id}
                  title={`${t('action.recordVerification')}: ${t(`action.kind.${ver.kind}`)}`}
                  doc={RecordVerificationOutcomeDocument}
                  onDone={onDone}
                  fields={[
                    {
                      name: 'outcome',
                      label: t('action.verificationOutcome'),
                      options: OUTCOMES.map((o) => [o, t(`action.outcome.${o}`)]),
                    },
                    { name: 'notes', label: t('action.notes'), multiline: true },
                  ]}
                  variables={(v) => ({
                    verificationId: ver.id,
                    input: { outcome: (v.outcome || 'CONFIRMED') as VerificationOutcome, notes: v.notes || null },
                  })}
                />
              ))}
          </>
        )}
        {canAct(role, 'decideResidencePermit') && undecidedRp && rp.status === 'UNDER_REVIEW' && (
          <>
            <Action
              title={`${t('action.decideResidencePermit')}: ${t('action.issue')}`}
              doc={IssueResidencePermitDocument}
              onDone={onDone}
              fields={[
                { name: 'permitNumber', label: t('action.permitNumber') },
                { name: 'validFrom', label: t('action.validFrom'), type: 'date' },
                { name: 'validUntil', label: t('action.validUntil'), type: 'date' },
              ]}
              variables={(v) => ({
                caseId: c.id,
                input: {
                  permitNumber: v.permitNumber ?? '',
                  validFrom: v.validFrom ?? '',
                  validUntil: v.validUntil ?? '',
                },
              })}
            />
            <Action
              title={`${t('action.decideResidencePermit')}: ${t('action.refuse')}`}
              doc={RefuseResidencePermitDocument}
              onDone={onDone}
              note={t('action.finalWarning')}
              fields={[{ name: 'reasons', label: t('action.reasons'), multiline: true }]}
              variables={(v) => ({ caseId: c.id, reasons: lines(v.reasons ?? '') })}
            />
          </>
        )}
      </div>
    </section>
  );
}

const VERIFICATION_KINDS: VerificationKind[] = [
  'FACE_TO_FACE_INTERVIEW',
  'TELEPHONE_INTERVIEW',
  'ON_SITE_INVESTIGATION',
];
const OUTCOMES: VerificationOutcome[] = ['CONFIRMED', 'DISCREPANCY', 'NO_SHOW'];

interface Field {
  name: string;
  label: string;
  type?: 'text' | 'date' | 'datetime-local';
  multiline?: boolean;
  options?: [string, string][];
}

function Action<TData, TVars extends Record<string, unknown>>({
  title,
  doc,
  fields = [],
  note,
  variables,
  onDone,
}: {
  title: string;
  doc: TypedDocumentNode<TData, TVars>;
  fields?: Field[];
  note?: string;
  /** `idempotencyKey`: the same for every submission of the same values, new once they change or succeed. */
  variables(values: Record<string, string>, idempotencyKey: string): TVars;
  onDone(): void;
}) {
  const { t } = useI18n();
  const id = useId();
  const [values, setValues] = useState<Record<string, string>>({});
  // Submitting again after a failure (a timeout the server may have completed) resends the same
  // key, so the server answers with what it did instead of doing it twice.
  const [idempotencyKey, setIdempotencyKey] = useState(newIdempotencyKey);
  const [done, setDone] = useState(false);
  // Generic over the document: the caller's `variables` is typed against it.
  const [run, { loading, error, reset }] = useMutation(doc as TypedDocumentNode<TData, Record<string, unknown>>);
  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setDone(false);
    reset();
    const r = await run({ variables: variables(values, idempotencyKey) }).catch(() => null);
    if (r?.data) {
      setIdempotencyKey(newIdempotencyKey());
      setDone(true);
      onDone();
    }
  };
  const input = (f: Field): ReactNode => {
    const common = { id: `${id}-${f.name}`, value: values[f.name] ?? '', name: f.name };
    const set = (v: string): void => {
      setValues((prev) => ({ ...prev, [f.name]: v }));
      setIdempotencyKey(newIdempotencyKey()); // different values: a different request
    };
    if (f.options) {
      return (
        <select {...common} onChange={(e) => set(e.target.value)}>
          {f.options.map(([v, label]) => (
            <option key={v} value={v}>
              {label}
            </option>
          ))}
        </select>
      );
    }
    if (f.multiline) return <textarea {...common} rows={3} onChange={(e) => set(e.target.value)} />;
    return <input {...common} type={f.type ?? 'text'} onChange={(e) => set(e.target.value)} />;
  };
  return (
    <form onSubmit={(e) => void submit(e)} aria-labelledby={`${id}-h`} className="panel">
      <h3 id={`${id}-h`}>{title}</h3>
      {note && <p className="notice">{note}</p>}
      {fields.map((f) => (
        <div key={f.name}>
          <label htmlFor={`${id}-${f.name}`}>{f.label}</label>
          {input(f)}
        </div>
      ))}
      <Errors error={error} testId="action-error" />
      {done && (
        <p role="status" className="success">
          {t('action.done')}
        </p>
      )}
      <button type="submit" disabled={loading}>
        {t('action.submit')}
      </button>
    </form>
  );
}
