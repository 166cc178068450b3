/**
 * Fixtures of the attachment tests: the sample scans, and the upload protocol as an agency
 * runs it (request a URL over GraphQL, PUT the bytes to the file endpoint, confirm).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '@onestop/scripts';
import { expect } from 'vitest';
import { ok, type TestSystem } from './index.js';

const dir = path.join(repoRoot, 'test', 'fixtures', 'attachments');

/** Sample scans made for these tests (test/fixtures/attachments). */
export const PDF = readFileSync(path.join(dir, 'degree-certificate.pdf'));
export const JPEG = readFileSync(path.join(dir, 'passport-page.jpg'));
export const PNG = readFileSync(path.join(dir, 'photo.png'));

export const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

export const VERSION_FIELDS = `id version fileName contentType size sha256 uploadedAt uploadedByName verdict verdictReason reviewedByName deletedAt viewUrl downloadUrl`;
export const ATTACHMENT_FIELDS = `id name kind needsCorrection current { ${VERSION_FIELDS} } versions { ${VERSION_FIELDS} }`;

export const REQUEST_UPLOAD = `mutation($i: RequestAttachmentUploadInput!) { requestAttachmentUpload(input: $i) { uploadId url method expiresAt maxBytes } }`;
export const CONFIRM_UPLOAD = `mutation($id: ID!) { confirmAttachmentUpload(uploadId: $id) { ${ATTACHMENT_FIELDS} } }`;
export const CASE_ATTACHMENTS = `query($id: ID!) { case(id: $id) { id status attachmentFiles { ${ATTACHMENT_FIELDS} } } }`;

export interface VersionView {
  id: string;
  version: number;
  fileName: string;
  contentType: string;
  size: number;
  sha256: string;
  verdict: string;
  verdictReason: string | null;
  deletedAt: string | null;
  viewUrl: string | null;
  downloadUrl: string | null;
}
export interface AttachmentView {
  id: string;
  name: string;
  kind: string | null;
  needsCorrection: boolean;
  current: VersionView | null;
  versions: VersionView[];
}
export interface UploadTicket {
  uploadId: string;
  url: string;
  method: string;
  expiresAt: string;
  maxBytes: number;
}

/** Asks for an upload URL; the declaration defaults to what the bytes are. */
export async function requestUpload(
  sys: TestSystem,
  token: string,
  caseId: string,
  attachmentName: string,
  bytes: Buffer,
  declared: Partial<{ kind: string; fileName: string; contentType: string; size: number; sha256: string }> = {},
): Promise<UploadTicket> {
  const r = await sys.gql<{ requestAttachmentUpload: UploadTicket }>(
    REQUEST_UPLOAD,
    {
      i: {
        caseId,
        attachmentName,
        kind: 'OTHER',
        fileName: 'scan.pdf',
        contentType: 'application/pdf',
        size: bytes.length,
        sha256: sha256(bytes),
        ...declared,
      },
    },
    token,
  );
  return ok(r).requestAttachmentUpload;
}

/** Sends bytes to an upload URL as a client would (curl -T). */
export async function put(
  url: string,
  bytes: Buffer,
): Promise<{ status: number; body: { error?: { code: string; message: string } } & Record<string, unknown> }> {
  const res = await fetch(url, {
    method: 'PUT',
    body: new Uint8Array(bytes),
    headers: { 'content-type': 'application/octet-stream' },
  });
  return { status: res.status, body: (await res.json()) as never };
}

/** The whole protocol for a file that must be accepted: request, PUT, confirm. */
export async function upload(
  sys: TestSystem,
  token: string,
  caseId: string,
  attachmentName: string,
  bytes: Buffer,
  declared: Partial<{ kind: string; fileName: string; contentType: string }>,
): Promise<AttachmentView> {
  const t = await requestUpload(sys, token, caseId, attachmentName, bytes, declared);
  const sent = await put(t.url, bytes);
  expect(sent.status, JSON.stringify(sent.body)).toBe(201);
  return ok(await sys.gql<{ confirmAttachmentUpload: AttachmentView }>(CONFIRM_UPLOAD, { id: t.uploadId }, token))
    .confirmAttachmentUpload;
}

/** A case's attachments as `token` sees them. */
export async function attachmentsOf(sys: TestSystem, token: string, caseId: string): Promise<AttachmentView[]> {
  return ok(await sys.gql<{ case: { attachmentFiles: AttachmentView[] } }>(CASE_ATTACHMENTS, { id: caseId }, token))
    .case.attachmentFiles;
}
