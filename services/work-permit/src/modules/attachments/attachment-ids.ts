import { createHash } from 'node:crypto';

const NAMESPACE = 'onestop-attachment';

/**
 * The id of a case's attachment, derived from the case and the attachment's name (UUID
 * version 5 layout): the same before and after its first upload, so a client can address an
 * attachment it has not uploaded yet and the id never changes.
 */
export function attachmentId(caseId: string, name: string): string {
  const h = createHash('sha1').update(`${NAMESPACE}\n${caseId}\n${name.trim().toLowerCase()}`).digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

/** The object key of an upload's bytes: never reused, so objects stay immutable. */
export function objectKey(caseId: string, uploadId: string): string {
  return `cases/${caseId}/${uploadId}`;
}
