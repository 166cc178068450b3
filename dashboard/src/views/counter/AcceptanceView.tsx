import { useQuery } from '@apollo/client/react';
import QRCode from 'qrcode';
import { useEffect, useId, useRef, useState } from 'react';
import { errorCode } from '../../api/errors';
import { CombinedGraphQLErrors } from '@apollo/client/errors';
import { Link } from '../../app/Link';
import { useSignedIn } from '../../app/session-context';
import { useClerkAction } from '../../clerk/useClerkAction';
import { Errors } from '../../components/Errors';
import { counterName } from '../../format/counter';
import { beijingDate, formatDateTime, formatDay } from '../../format/time';
import {
  AcceptDocumentsDocument,
  CounterCaseDocument,
  CounterWorkstationDocument,
  RecordResidenceMaterialsDocument,
  RecordWorkPermitMaterialDocument,
  type AcceptDocumentsMutation,
  type ResidenceMaterialState,
} from '../../generated/graphql';
import { useI18n } from '../../i18n/i18n';
import type { Lang } from '../../i18n/dictionary';
import { ActionStatus } from './ActionStatus';
import { CaseSummary, type CounterCase } from './CaseSummary';
import { FiledAttachment } from '../attachments/AttachmentViewer';

const FORM_CHECKS = ['blackInk', 'colourPhoto2Inch', 'whiteBackground', 'noHeadwear'] as const;
type FormChecks = Record<(typeof FORM_CHECKS)[number], boolean>;

/**
 * Acceptance at the window: both permits' checklists from the API, each item recorded as the
 * applicant presents it; the interview rule with its exemptions and proxy; the household
 * registration. "Accept" asks the API, which refuses with every missing item, or issues the
 * receipt of acceptance (printed, with a QR code of the public receipt look-up).
 *
 * Beside each checklist item the attachment filed online (the version that passed
 * pre-examination) is shown, to compare the original with (issue 18).
 */
export default function AcceptanceView({ caseId }: { caseId: string }) {
  const { t } = useI18n();
  const id = useId();
  const { data, error, refetch } = useQuery(CounterCaseDocument, {
    variables: { id: caseId },
    fetchPolicy: 'network-only',
  });
  const accept = useClerkAction(AcceptDocumentsDocument);
  const [receipt, setReceipt] = useState<AcceptDocumentsMutation['acceptDocuments'] | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  const c = data?.case;
  if (error) return <Errors error={error} />;
  if (!c) return <p className="loading">{t('app.loading')}</p>;
  const accepted =
    receipt ??
    (c.documentsAcceptance
      ? { ...c.documentsAcceptance, caseId: c.id, __typename: 'DocumentsAcceptance' as const }
      : null);

  const submit = async (): Promise<void> => {
    const r = await accept.run({ caseId });
    if (r) {
      setReceipt(r.acceptDocuments);
      void refetch();
    }
  };
  const problems = refusalProblems(accept.error);

  return (
    <div className="counter-page">
      <p className="no-print">
        <Link to="/counter">← {t('nav.counterQueue')}</Link>
      </p>
      <h1 id={`${id}-h`} tabIndex={-1} ref={heading} className="no-print">
        {t('accept.title', { ref: c.reference })}
      </h1>
      {!accepted && (
        <div className="accept-grid no-print">
          <section className="panel" aria-labelledby={`${id}-who`}>
            <h2 id={`${id}-who`}>{t('case.summary')}</h2>
            <CaseSummary c={c} />
            <Rules c={c} />
          </section>
          <WorkPermitChecklist c={c} onChange={() => void refetch()} />
          <ResidenceChecklist c={c} onChange={() => void refetch()} />
        </div>
      )}
      {!accepted && (
        <section className="panel no-print" aria-labelledby={`${id}-accept`}>
          <h2 id={`${id}-accept`} className="visually-hidden">
            {t('accept.submit')}
          </h2>
          {problems.length > 0 && (
            <div role="alert" className="error" data-testid="accept-refused">
              <p>
                {errorCode(accept.error) === 'INVALID_TRANSITION' &&
                problems.some((p) => /window|waiting|checked in/.test(p))
                  ? t('accept.notServing')
                  : t('accept.refused')}
              </p>
              <ul>
                {problems.map((p) => (
                  <li key={p}>{p}</li>
                ))}
              </ul>
            </div>
          )}
          {problems.length === 0 && <ActionStatus action={accept} testId="accept-error" />}
          <button type="button" onClick={() => void submit()} aria-disabled={accept.busy} data-testid="accept-submit">
            {t('accept.submit')}
          </button>
        </section>
      )}
      {accepted && <Receipt c={c} receipt={accepted} />}
    </div>
  );
}

/** The problems a refused acceptance lists (`extensions.problems`). */
function refusalProblems(error: unknown): string[] {
  if (!CombinedGraphQLErrors.is(error)) return [];
  const p = error.errors[0]?.extensions?.problems;
  return Array.isArray(p) ? p.filter((x): x is string => typeof x === 'string') : [];
}

/** The interview rule's result, exemptions and proxy; the household-registration check. */
function Rules({ c }: { c: CounterCase }) {
  const { t } = useI18n();
  const iv = c.residencePermit?.interview;
  const household = c.applicant.householdRegistration;
  return (
    <div data-testid="rules" className="rules">
      <h3>{t('accept.interview')}</h3>
      {iv ? (
        <>
          <p data-testid="interview-rule">
            <strong>{iv.required ? t('accept.interviewYes') : t('accept.interviewNo')}</strong>
            {iv.status !== 'NOT_REQUIRED' ? ` · ${t(`accept.interviewStatus.${iv.status}`)}` : ''}
          </p>
          {iv.exemptions.length > 0 && (
            <p>
              {t('accept.exemptions')}: {iv.exemptions.map((e) => t(`exemption.${e}`)).join(', ')}
            </p>
          )}
          <p>
            {iv.proxy
              ? t('accept.proxy', { name: iv.proxy.name, kind: t(`proxy.${iv.proxy.kind}`) })
              : t('accept.noProxy')}
          </p>
        </>
      ) : (
        <p>{t('case.pending')}</p>
      )}
      <h3>{t('accept.household')}</h3>
      <p className={household === 'NOT_CANCELLED' ? 'error-text' : undefined} data-testid="household">
        {t(`accept.household.${household}`)}
      </p>
    </div>
  );
}

function WorkPermitChecklist({ c, onChange }: { c: CounterCase; onChange(): void }) {
  const { t, lang } = useI18n();
  const id = useId();
  const record = useClerkAction(RecordWorkPermitMaterialDocument, { keyed: false });
  const items = c.workPermitMaterials.items;
  // What the clerk just ticked shows at once; the API's answer (and the refetch) confirms it.
  const [ticked, setTicked] = useState<Record<string, boolean>>({});
  return (
    <section className="panel" aria-labelledby={`${id}-h`} data-testid="wp-checklist">
      <h2 id={`${id}-h`}>{t('accept.wp')}</h2>
      <ul className="checklist">
        {items.map((i) => (
          <li key={i.item}>
            <label>
              <input
                type="checkbox"
                checked={ticked[i.item] ?? i.present}
                onChange={async (e) => {
                  const present = e.target.checked;
                  setTicked((m) => ({ ...m, [i.item]: present }));
                  if (await record.run({ input: { caseId: c.id, item: i.item, present } })) onChange();
                  else setTicked((m) => ({ ...m, [i.item]: !present }));
                }}
                data-testid={`wp-${i.item}`}
              />
              {wpLabel(i.item, i.label, lang)}
            </label>
            <FiledAttachment caseId={c.id} item={i.item} />
          </li>
        ))}
      </ul>
      <ActionStatus action={record} testId="wp-error" />
    </section>
  );
}

function ResidenceChecklist({ c, onChange }: { c: CounterCase; onChange(): void }) {
  const { t } = useI18n();
  const id = useId();
  const record = useClerkAction(RecordResidenceMaterialsDocument, { keyed: false });
  const items = c.residencePermit?.materials.items ?? [];
  // What the clerk just chose shows at once; the API's answer (and the refetch) confirms it.
  const [chosen, setChosen] = useState<Record<string, { state: ResidenceMaterialState; form?: FormChecks }>>({});
  const stateOf = (i: (typeof items)[number]): ResidenceMaterialState => chosen[i.item]?.state ?? i.state;
  const formOf = (i: (typeof items)[number]): FormChecks =>
    chosen[i.item]?.form ?? {
      blackInk: i.applicationForm?.blackInk ?? false,
      colourPhoto2Inch: i.applicationForm?.colourPhoto2Inch ?? false,
      whiteBackground: i.applicationForm?.whiteBackground ?? false,
      noHeadwear: i.applicationForm?.noHeadwear ?? false,
    };
  const save = async (
    item: (typeof items)[number],
    state: ResidenceMaterialState,
    form?: FormChecks,
  ): Promise<void> => {
    const applicationForm = item.item === 'APPLICATION_FORM' ? (form ?? formOf(item)) : undefined;
    const before = chosen[item.item];
    setChosen((m) => ({ ...m, [item.item]: { state, form: applicationForm } }));
    const done = await record.run({
      caseId: c.id,
      items: [{ item: item.item, state, ...(applicationForm ? { applicationForm } : {}) }],
    });
    if (done) onChange();
    else setChosen((m) => ({ ...m, [item.item]: before ?? { state: item.state } }));
  };
  return (
    <section className="panel" aria-labelledby={`${id}-h`} data-testid="rp-checklist">
      <h2 id={`${id}-h`}>{t('accept.rp')}</h2>
      <ul className="checklist">
        {items.map((i) => (
          <li key={i.item}>
            <fieldset className="segmented">
              <legend>{t(`rp.item.${i.item}`)}</legend>
              {(['MISSING', 'PRESENT', 'VERIFIED'] as const).map((s) => (
                <label key={s}>
                  <input
                    type="radio"
                    name={`${id}-${i.item}`}
                    checked={stateOf(i) === s}
                    onChange={() => void save(i, s)}
                    data-testid={`rp-${i.item}-${s}`}
                  />
                  {t(`accept.state.${s}`)}
                </label>
              ))}
            </fieldset>
            {i.item === 'APPLICATION_FORM' && (
              <div className="form-checks">
                {FORM_CHECKS.map((k) => (
                  <label key={k}>
                    <input
                      type="checkbox"
                      checked={formOf(i)[k]}
                      onChange={(e) => void save(i, stateOf(i), { ...formOf(i), [k]: e.target.checked })}
                      data-testid={`rp-form-${k}`}
                    />
                    {t(`accept.form.${k}`)}
                  </label>
                ))}
              </div>
            )}
            <FiledAttachment caseId={c.id} item={i.item} />
          </li>
        ))}
      </ul>
      <ActionStatus action={record} testId="rp-error" />
    </section>
  );
}

/** The work-permit checklist's item in the UI's language (the API gives its English label). */
function wpLabel(item: string, label: string, lang: Lang): string {
  if (lang !== 'zh') return label;
  const quoted = /"([^"]+)"/.exec(label)?.[1] ?? '';
  if (/^attachment-\d+-original$/.test(item)) return `附件“${quoted}”原件`;
  if (/^attachment-\d+-copy$/.test(item)) return `附件“${quoted}”复印件`;
  const fixed: Record<string, string> = {
    'handler-identity-document': '经办人身份证件',
    'letter-of-introduction': '单位介绍信',
    'staff-identity-document': '单位工作人员身份证件（原件）',
    'staff-identity-copy': '单位工作人员身份证件复印件',
    'applicant-passport': '申请人护照原件',
  };
  return fixed[item] ?? label;
}

/** The receipt of acceptance, printable, with a QR code of the public look-up. */
function Receipt({
  c,
  receipt,
}: {
  c: CounterCase;
  receipt: {
    receiptNumber: string;
    counterId: string;
    acceptedAt: string;
    issuanceDueAt: string;
    issuanceDueProvisional: boolean;
  };
}) {
  const { t, lang } = useI18n();
  const { session } = useSignedIn();
  const counter = useQuery(CounterWorkstationDocument, {
    variables: { counterId: receipt.counterId || session.claims.counterId || '' },
  });
  const [qr, setQr] = useState<string | null>(null);
  const url = `${location.origin}/receipt/${encodeURIComponent(receipt.receiptNumber)}`;
  useEffect(() => {
    let live = true;
    void QRCode.toDataURL(url, { errorCorrectionLevel: 'M', margin: 2, width: 192 }).then((d) => live && setQr(d));
    return () => {
      live = false;
    };
  }, [url]);
  const k = counter.data?.serviceCounter;
  return (
    <section className="panel print-area receipt" aria-labelledby="receipt-h" data-testid="receipt">
      <p role="status" className="ok-text no-print">
        {t('accept.done')}
      </p>
      <h2 id="receipt-h">{t('receipt.title')}</h2>
      <div className="receipt-body">
        <dl className="facts">
          <dt>{t('receipt.number')}</dt>
          <dd data-testid="receipt-number">{receipt.receiptNumber}</dd>
          <dt>{t('case.reference')}</dt>
          <dd>{c.reference}</dd>
          <dt>{t('case.applicant')}</dt>
          <dd>{c.applicant.fullName}</dd>
          <dt>{t('receipt.passportHeld')}</dt>
          <dd>{t('receipt.passportHeldYes', { passport: c.applicant.passportNumber })}</dd>
          <dt>{t('receipt.acceptedAt')}</dt>
          <dd>{formatDateTime(receipt.acceptedAt, lang)}</dd>
          <dt>{t('receipt.due')}</dt>
          <dd data-testid="receipt-due">
            {/* Due at the end of a working day (00:00 of the next): the applicant reads that working day. */}
            {formatDay(beijingDate(new Date(receipt.issuanceDueAt).getTime() - 1), lang)}{' '}
            {receipt.issuanceDueProvisional ? t('receipt.provisional') : ''}
          </dd>
          <dt>{t('receipt.counter')}</dt>
          <dd data-testid="receipt-counter">{k ? `${counterName(k, lang)}, ${k.address}` : receipt.counterId}</dd>
        </dl>
        <figure className="qr">
          {qr && (
            <img src={qr} alt={t('receipt.qr')} width={192} height={192} data-testid="receipt-qr" data-url={url} />
          )}
          <figcaption>{t('receipt.qr')}</figcaption>
        </figure>
      </div>
      <p>{t('receipt.legal')}</p>
      <div className="actions no-print">
        <button type="button" onClick={() => window.print()} data-testid="receipt-print">
          {t('receipt.print')}
        </button>
        <Link to="/counter" className="button-secondary">
          {t('nav.counterQueue')}
        </Link>
      </div>
    </section>
  );
}
