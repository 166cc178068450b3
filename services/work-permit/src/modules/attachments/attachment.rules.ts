import { fileTypeFromBuffer } from 'file-type';

/** What an attachment is (the Talents Center's application guide lists these per route and category). */
export const ATTACHMENT_KINDS = [
  'DEGREE_CERTIFICATE',
  'EMPLOYMENT_CONTRACT',
  'PASSPORT_PAGE',
  'PHOTO',
  'CRIMINAL_RECORD',
  'HEALTH_CERTIFICATE',
  'CV',
  'OTHER',
] as const;
export type AttachmentKind = (typeof ATTACHMENT_KINDS)[number];

/**
 * The only types accepted: what a scan is. SVG and HTML (which can carry script) and every
 * other type are refused, whatever the client claims.
 */
export const ALLOWED_CONTENT_TYPES = ['application/pdf', 'image/jpeg', 'image/png'] as const;
export type AllowedContentType = (typeof ALLOWED_CONTENT_TYPES)[number];

/** A pre-examination officer's verdict on one version of an attachment. */
export const ATTACHMENT_VERDICTS = ['PENDING', 'FINE', 'NEEDS_CORRECTION'] as const;
export type AttachmentVerdict = (typeof ATTACHMENT_VERDICTS)[number];

/** Stable codes of a refused upload (HTTP body `{ error: { code, message } }` and `AttachmentUpload.refusal`). */
export const UPLOAD_REFUSALS = [
  'UPLOAD_URL_INVALID',
  'UPLOAD_EXPIRED',
  'UPLOAD_ALREADY_USED',
  'FILE_TOO_LARGE',
  'SIZE_MISMATCH',
  'HASH_MISMATCH',
  'TYPE_MISMATCH',
  'TYPE_NOT_ALLOWED',
  'INFECTED',
  'SCAN_UNAVAILABLE',
  'STORAGE_UNAVAILABLE',
] as const;
export type UploadRefusal = (typeof UPLOAD_REFUSALS)[number];

/** What an agency declares when it asks for an upload URL. */
export interface UploadRequest {
  attachmentName: string;
  kind: AttachmentKind;
  fileName: string;
  contentType: string;
  size: number;
  sha256: string;
}

/** Checks an upload request against the case's filed attachment names and the limits; returns every problem. */
export function uploadRequestProblems(r: UploadRequest, filedNames: readonly string[], maxBytes: number): string[] {
  const problems: string[] = [];
  if (!filedNames.some((n) => n.toLowerCase() === r.attachmentName.trim().toLowerCase()))
    problems.push(
      `attachmentName "${r.attachmentName}" is not one of the case's attachments (${filedNames.map((n) => `"${n}"`).join(', ')})`,
    );
  if (!ATTACHMENT_KINDS.includes(r.kind)) problems.push(`kind must be one of ${ATTACHMENT_KINDS.join(', ')}`);
  const fileName = r.fileName.trim();
  if (!fileName || fileName.length > 200) problems.push('fileName must be 1 to 200 characters');
  // eslint-disable-next-line no-control-regex
  else if (/[\u0000-\u001f\u007f/\\]/.test(fileName))
    problems.push('fileName must not contain slashes or control characters');
  if (!(ALLOWED_CONTENT_TYPES as readonly string[]).includes(r.contentType))
    problems.push(`contentType ${r.contentType} is not accepted: only ${ALLOWED_CONTENT_TYPES.join(', ')} (scans)`);
  if (!Number.isInteger(r.size) || r.size < 1) problems.push('size must be the file size in bytes (at least 1)');
  else if (r.size > maxBytes)
    problems.push(`size ${r.size} bytes is over the limit of ${maxBytes} bytes (${formatMb(maxBytes)})`);
  if (!/^[0-9a-f]{64}$/i.test(r.sha256)) problems.push('sha256 must be the 64 hex digits of the file’s SHA-256');
  return problems;
}

/**
 * The real type of the bytes (magic numbers, via `file-type`), or null when it is none we
 * accept. A PDF may start after a little junk (readers allow up to 1 KB), which `file-type` handles.
 */
export async function sniffContentType(bytes: Buffer): Promise<AllowedContentType | null> {
  const found = await fileTypeFromBuffer(bytes);
  const mime = found?.mime as string | undefined;
  return mime && (ALLOWED_CONTENT_TYPES as readonly string[]).includes(mime) ? (mime as AllowedContentType) : null;
}

/** Judges received bytes against what was declared: the first refusal that applies, or null when they are fine. */
export async function judgeUpload(
  bytes: Buffer,
  declared: { size: number; sha256: string; contentType: string },
  sha256: string,
  maxBytes: number,
): Promise<{ refusal: UploadRefusal; message: string } | { refusal: null; contentType: AllowedContentType }> {
  if (bytes.length > maxBytes)
    return {
      refusal: 'FILE_TOO_LARGE',
      message: `The file is over the limit of ${maxBytes} bytes (${formatMb(maxBytes)}).`,
    };
  if (bytes.length !== declared.size)
    return {
      refusal: 'SIZE_MISMATCH',
      message: `${bytes.length} bytes were received; the upload was requested for ${declared.size}.`,
    };
  if (sha256 !== declared.sha256.toLowerCase())
    return {
      refusal: 'HASH_MISMATCH',
      message: `The bytes' SHA-256 is ${sha256}; the upload was requested for ${declared.sha256.toLowerCase()}.`,
    };
  const real = await sniffContentType(bytes);
  if (!real)
    return {
      refusal: 'TYPE_NOT_ALLOWED',
      message: `The bytes are not a PDF, JPEG or PNG (declared ${declared.contentType}); only scans in those formats are accepted.`,
    };
  if (real !== declared.contentType)
    return { refusal: 'TYPE_MISMATCH', message: `The bytes are ${real}, not ${declared.contentType} as declared.` };
  return { refusal: null, contentType: real };
}

/** A file name safe for a Content-Disposition header: ASCII fallback plus the RFC 5987 UTF-8 form. */
export function contentDisposition(kind: 'inline' | 'attachment', fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\;]/g, '_');
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

function formatMb(bytes: number): string {
  return `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;
}
