import { useQuery } from '@apollo/client/react';
import { useId, useState, type ReactNode } from 'react';
import { formatDateTime } from '../../format/time';
import {
  CaseAttachmentsDocument,
  type AttachmentViewerFieldsFragment,
  type CaseAttachmentsQuery,
} from '../../generated/graphql';
import { useI18n } from '../../i18n/i18n';

export type ViewerAttachment = AttachmentViewerFieldsFragment;
type Version = ViewerAttachment['versions'][number];

/**
 * One filed attachment: the chosen version shown inline (an image as an image, a PDF in the
 * browser's own viewer), what it is, who filed it when, the pre-examination verdict, and every
 * earlier version. The file comes from the file endpoint's signed URL on its own origin, so
 * nothing in it can reach the dashboard; the frame is sandboxed as well. `children` sits
 * under the preview (the officer's verdict form, the clerk's tick boxes).
 */
export function AttachmentViewer({
  attachment,
  compact = false,
  children,
}: {
  attachment: ViewerAttachment;
  /** Smaller preview and no version list: beside a checklist row. */
  compact?: boolean;
  children?: ReactNode;
}) {
  const { t, lang } = useI18n();
  const headingId = useId();
  const latest = attachment.versions.at(-1) ?? null;
  const [chosenId, setChosenId] = useState<string | null>(null);
  const shown: Version | null = attachment.versions.find((v) => v.id === chosenId) ?? latest;
  return (
    <article
      className={`attachment${compact ? ' attachment-compact' : ''}${attachment.needsCorrection ? ' attachment-flagged' : ''}`}
      aria-labelledby={headingId}
      data-testid="attachment"
      data-attachment-name={attachment.name}
    >
      <header className="attachment-head">
        <h3 id={headingId}>{attachment.name}</h3>
        {attachment.kind && <span className="tag">{t(`att.kind.${attachment.kind}`)}</span>}
        {shown && <Verdict v={shown} />}
      </header>
      {!shown ? (
        <p className="muted" data-testid="attachment-missing">
          {t('att.noFile')}
        </p>
      ) : (
        <>
          <p className="attachment-meta">
            <span data-testid="attachment-version">{t('att.version', { n: shown.version })}</span>
            {shown.id !== latest?.id && <strong> · {t('att.olderVersion')}</strong>} · {shown.fileName} ·{' '}
            {formatSize(shown.size, lang)} ·{' '}
            {t('att.uploaded', { who: shown.uploadedByName, at: formatDateTime(shown.uploadedAt, lang) })}
          </p>
          {shown.verdict === 'NEEDS_CORRECTION' && shown.verdictReason && (
            <p className="notice" data-testid="attachment-reason">
              <strong>{t('att.toCorrect')}</strong> {shown.verdictReason}
            </p>
          )}
          <Preview v={shown} name={attachment.name} compact={compact} />
          <p className="attachment-links">
            {shown.viewUrl && (
              <a href={shown.viewUrl} target="_blank" rel="noopener noreferrer">
                {t('att.open')}
              </a>
            )}
            {shown.downloadUrl && <a href={shown.downloadUrl}>{t('att.download')}</a>}
            <span className="muted" title={shown.sha256}>
              SHA-256 {shown.sha256.slice(0, 12)}…
            </span>
          </p>
        </>
      )}
      {children}
      {!compact && attachment.versions.length > 1 && (
        <details className="attachment-history">
          <summary>{t('att.history', { n: attachment.versions.length })}</summary>
          <ol>
            {attachment.versions.map((v) => (
              <li key={v.id}>
                <button
                  type="button"
                  className="button-link"
                  aria-pressed={v.id === shown?.id}
                  onClick={() => setChosenId(v.id)}
                >
                  {t('att.version', { n: v.version })} · {v.fileName} · {formatDateTime(v.uploadedAt, lang)}
                </button>{' '}
                <Verdict v={v} />
                {v.verdictReason && <span className="muted"> {v.verdictReason}</span>}
              </li>
            ))}
          </ol>
        </details>
      )}
    </article>
  );
}

function Preview({ v, name, compact }: { v: Version; name: string; compact: boolean }) {
  const { t } = useI18n();
  if (v.deletedAt || !v.viewUrl)
    return (
      <p className="muted" data-testid="attachment-deleted">
        {t('att.deleted')}
      </p>
    );
  if (v.contentType === 'application/pdf')
    return (
      <iframe
        className="attachment-pdf"
        src={v.viewUrl}
        title={t('att.pdfTitle', { name, n: v.version })}
        // The file endpoint is another origin, so the frame cannot reach the dashboard; Chromium
        // shows no PDF in a sandboxed frame, so the isolation is the origin and the file's own CSP.
        referrerPolicy="no-referrer"
        style={compact ? { height: 320 } : undefined}
        data-testid="attachment-pdf"
      />
    );
  return (
    <img
      className="attachment-image"
      src={v.viewUrl}
      alt={t('att.imageAlt', { name, n: v.version })}
      referrerPolicy="no-referrer"
      style={compact ? { maxHeight: 240 } : undefined}
      data-testid="attachment-image"
    />
  );
}

function Verdict({ v }: { v: Version }) {
  const { t } = useI18n();
  const cls = v.verdict === 'FINE' ? 'tag tag-ok' : v.verdict === 'NEEDS_CORRECTION' ? 'tag tag-bad' : 'tag';
  return (
    <span className={cls} data-testid="attachment-verdict" data-verdict={v.verdict}>
      {v.verdict === 'FINE' ? '✓ ' : v.verdict === 'NEEDS_CORRECTION' ? '✗ ' : ''}
      {t(`att.verdict.${v.verdict}`)}
    </span>
  );
}

function formatSize(bytes: number, lang: string): string {
  const f = new Intl.NumberFormat(lang === 'zh' ? 'zh-CN' : 'en-GB', { maximumFractionDigits: 1 });
  return bytes >= 1024 * 1024 ? `${f.format(bytes / 1024 / 1024)} MB` : `${f.format(bytes / 1024)} KB`;
}

/** The filed attachments of a case (one request, shared through Apollo's cache by every viewer on the page). */
export function useCaseAttachments(caseId: string) {
  return useQuery(CaseAttachmentsDocument, {
    variables: { id: caseId },
    fetchPolicy: 'cache-and-network',
    errorPolicy: 'all',
  });
}

/** The attachment a checklist item is about (attachment-N-original / -copy), if any. */
export function attachmentForItem(
  data: CaseAttachmentsQuery | undefined,
  item: string,
): ViewerAttachment | null | undefined {
  const c = data?.case;
  if (!c) return undefined;
  const ref = c.workPermitMaterials.items.find((i) => i.item === item)?.attachment;
  return ref ? (c.attachmentFiles.find((a) => a.id === ref.id) ?? null) : null;
}

/**
 * For the clerk's acceptance screen: the filed attachment beside one checklist item, so the
 * original and the copy are compared with what was pre-examined. Renders nothing for items
 * that are not attachments (passport, identity documents). Every item of one case shares one
 * request.
 */
export function FiledAttachment({ caseId, item }: { caseId: string; item: string }) {
  const { t } = useI18n();
  const q = useCaseAttachments(caseId);
  const a = attachmentForItem(q.data, item);
  if (a === null) return null;
  if (a === undefined) return q.loading ? <p className="loading">{t('app.loading')}</p> : null;
  return <AttachmentViewer attachment={a} compact />;
}
