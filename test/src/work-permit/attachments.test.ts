import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startTestSystem,
  waitFor,
  type TestSystem,
  AGENCY_A,
  agencyToken,
  errorCode,
  fileCase,
  filing,
  today,
  attachmentsOf,
  CONFIRM_UPLOAD,
  JPEG,
  PDF,
  PNG,
  put,
  requestUpload,
  REQUEST_UPLOAD,
  sha256,
  upload,
  type AttachmentView,
  EICAR_MARKER,
  startFakeClamd,
} from '../testkit/index.js';

/**
 * The online materials through the real stack (issue 18): an agency uploads over the signed,
 * single-use URL protocol; the file endpoint checks the bytes; officers see and judge each
 * version; corrections add versions; downloads are scoped, logged and served inertly; retention
 * deletes the files of withdrawn cases. The ClamAV hook is exercised against a fake clamd that
 * speaks INSTREAM.
 */
let sys: TestSystem;
let clamd: Awaited<ReturnType<typeof startFakeClamd>>;
let storeDir: string;
let agency: string;
let agencyB: string;
let officer: string;
let clerk: string;
let manager: string;
let day: string;
const EMP1 = AGENCY_A.employerIds[0];
const MAX_BYTES = 200_000;
const NAMES = ['Degree certificate', 'Passport page'];

const RETURN = `mutation($i: ReturnCaseInput!) { returnCase(input: $i) { id status returnNotification { items { field problem attachmentId } } } }`;
const RESUBMIT = `mutation($i: ResubmitCaseInput!) { resubmitCase(input: $i) { id status } }`;
const PASS = `mutation($i: PassPreExaminationInput!) { passPreExamination(input: $i) { id status } }`;
const REVIEW = `mutation($i: ReviewAttachmentInput!) { reviewAttachment(input: $i) { id needsCorrection current { id verdict verdictReason } } }`;
const WITHDRAW = `mutation($i: WithdrawCaseInput!) { withdrawCase(input: $i) { id status } }`;
const DOWNLOAD_URL = `query($v: ID!, $d: AttachmentDisposition!) { attachmentDownloadUrl(versionId: $v, disposition: $d) { url expiresAt } }`;
const ACCESS_LOG = `query($c: ID!) { caseAccessLog(caseId: $c, first: 100) { edges { node { actorId actorRole caseId fields } } } }`;
const UPLOAD_STATE = `query($id: ID!) { attachmentUpload(id: $id) { id state refusal refusalMessage } }`;
const MATERIALS = `query($id: ID!) { case(id: $id) { workPermitMaterials { items { item attachment { name current { version verdict contentType viewUrl } } } } } }`;

beforeAll(async () => {
  clamd = await startFakeClamd();
  storeDir = await mkdtemp(path.join(tmpdir(), 'onestop-attachments-test-'));
  sys = await startTestSystem({
    ATTACHMENTS_DIR: storeDir,
    ATTACHMENTS_MAX_BYTES: String(MAX_BYTES),
    ATTACHMENTS_UPLOAD_URL_TTL_SECONDS: '600',
    ATTACHMENTS_RETENTION_DAYS: '30',
    ATTACHMENTS_RETENTION_SWEEP_MS: '300',
    ATTACHMENTS_CLAMAV: `127.0.0.1:${clamd.port}`,
    ATTACHMENTS_CLAMAV_TIMEOUT_MS: '5000',
  });
  agency = await agencyToken(sys, 0);
  agencyB = await agencyToken(sys, 1);
  officer = await sys.token('WP_OFFICER');
  clerk = await sys.token('CLERK', { counterId: 'chaoyang-cbd' });
  manager = await sys.token('MANAGER');
  day = await today(sys);
}, 180_000);
afterAll(async () => {
  await sys?.stop();
  await clamd?.close();
  if (storeDir) await rm(storeDir, { recursive: true, force: true });
});

async function newCase(): Promise<string> {
  return (await fileCase(sys, agency, filing(EMP1, day, { attachments: NAMES }))).id;
}

/** Every object in the store (the filesystem store keeps `<key>` and `<key>.meta.json`). */
async function storedObjects(): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true }).catch(() => [])) {
      if (e.isDirectory()) await walk(path.join(d, e.name));
      else if (!e.name.endsWith('.meta.json')) out.push(path.relative(storeDir, path.join(d, e.name)));
    }
  };
  await walk(storeDir);
  return out.sort();
}

/** A raw upload request (bad input included): a valid PDF declaration, with `overrides` on top. */
function ask(token: string, caseId: string, overrides: Record<string, unknown> = {}) {
  return sys.gql(
    REQUEST_UPLOAD,
    {
      i: {
        caseId,
        attachmentName: 'Degree certificate',
        kind: 'OTHER',
        fileName: 'scan.pdf',
        contentType: 'application/pdf',
        size: PDF.length,
        sha256: sha256(PDF),
        ...overrides,
      },
    },
    token,
  );
}

async function versionRows(caseId: string): Promise<number> {
  const r = await sys.sql.query<{ n: string }>(`SELECT count(*) AS n FROM wp.attachment_version WHERE case_id = $1`, [
    caseId,
  ]);
  return Number(r.rows[0]!.n);
}

async function attachmentLogCount(caseId: string): Promise<number> {
  const r = await sys.gql<{ caseAccessLog: { edges: { node: { fields: string[] } }[] } }>(
    ACCESS_LOG,
    { c: caseId },
    manager,
  );
  expect(r.errors).toBeUndefined();
  return r.data!.caseAccessLog.edges.filter((e) => e.node.fields.some((f) => f.startsWith('attachment:'))).length;
}

describe('upload and view', () => {
  let caseId: string;
  let files: AttachmentView[];

  it('an agency uploads a PDF and a JPEG, and the officer sees both, byte for byte', async () => {
    caseId = await newCase();
    const before = await attachmentsOf(sys, agency, caseId);
    expect(before.map((a) => [a.name, a.current])).toEqual([
      ['Degree certificate', null],
      ['Passport page', null],
    ]);
    const pdf = await upload(sys, agency, caseId, 'Degree certificate', PDF, {
      kind: 'DEGREE_CERTIFICATE',
      fileName: '学位证书 degree.pdf',
      contentType: 'application/pdf',
    });
    expect(pdf.id).toBe(before[0]!.id);
    await upload(sys, agency, caseId, 'passport page', JPEG, {
      kind: 'PASSPORT_PAGE',
      fileName: 'passport.jpg',
      contentType: 'image/jpeg',
    });
    files = await attachmentsOf(sys, officer, caseId);
    expect(files.map((a) => [a.name, a.kind, a.current?.version, a.current?.contentType, a.current?.verdict])).toEqual([
      ['Degree certificate', 'DEGREE_CERTIFICATE', 1, 'application/pdf', 'PENDING'],
      ['Passport page', 'PASSPORT_PAGE', 1, 'image/jpeg', 'PENDING'],
    ]);
    for (const [a, bytes] of [
      [files[0]!, PDF],
      [files[1]!, JPEG],
    ] as const) {
      const res = await fetch(a.current!.viewUrl!);
      expect(res.status).toBe(200);
      expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
      expect(a.current!.sha256).toBe(sha256(bytes));
    }
    // The scanner saw both files whole.
    expect(clamd.streams.some((s) => s.equals(PDF))).toBe(true);
    expect(clamd.streams.some((s) => s.equals(JPEG))).toBe(true);
  });

  it('serves files so that they cannot run script: exact type, nosniff, a locked CSP, a disposition, another origin', async () => {
    const img = await fetch(files[1]!.current!.viewUrl!);
    expect(img.headers.get('content-type')).toBe('image/jpeg');
    expect(img.headers.get('x-content-type-options')).toBe('nosniff');
    expect(img.headers.get('content-security-policy')).toMatch(/default-src 'none'.*sandbox/);
    expect(img.headers.get('content-disposition')).toBe(
      `inline; filename="passport.jpg"; filename*=UTF-8''passport.jpg`,
    );
    const pdf = await fetch(files[0]!.current!.downloadUrl!);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(pdf.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    expect(pdf.headers.get('content-disposition')).toMatch(
      /^attachment; filename="____ degree.pdf"; filename\*=UTF-8''/,
    );
    expect(new URL(files[0]!.current!.viewUrl!).origin).not.toBe(new URL(sys.stack.dashboardUrl).origin);
    expect(new URL(files[0]!.current!.viewUrl!).origin).not.toBe(new URL(sys.gatewayUrl).origin);
  });

  it('agency B cannot obtain a download URL for agency A’s attachment, by any path', async () => {
    const versionId = files[0]!.current!.id;
    const direct = await sys.gql(DOWNLOAD_URL, { v: versionId, d: 'INLINE' }, agencyB);
    expect(errorCode(direct)).toBe('NOT_FOUND');
    expect(direct.data?.attachmentDownloadUrl ?? null).toBeNull();
    const viaCase = await sys.gql<{ case: unknown }>(
      `query($id: ID!) { case(id: $id) { attachmentFiles { current { viewUrl } } } }`,
      { id: caseId },
      agencyB,
    );
    expect(JSON.stringify(viaCase.data ?? {})).not.toContain('/files/v/');
    expect(errorCode(await sys.gql(DOWNLOAD_URL, { v: versionId, d: 'INLINE' }, null))).toBe('UNAUTHENTICATED');
    // Its own agency, and every staff role, may.
    for (const t of [agency, officer, clerk, manager]) {
      const r = await sys.gql<{ attachmentDownloadUrl: { url: string } }>(
        DOWNLOAD_URL,
        { v: versionId, d: 'ATTACHMENT' },
        t,
      );
      expect(r.errors).toBeUndefined();
      expect(r.data!.attachmentDownloadUrl.url).toMatch(/\/files\/v\//);
    }
  });

  it('a download URL cannot be altered', async () => {
    const url = files[1]!.current!.viewUrl!;
    const tampered = url.replace(/\/files\/v\/(.)/, (_m, c: string) => `/files/v/${c === 'e' ? 'f' : 'e'}`);
    const bad = await fetch(tampered);
    expect(bad.status).toBe(403);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('DOWNLOAD_URL_INVALID');
  });

  it('every download appears in the access log, with who and which file', async () => {
    const before = await attachmentLogCount(caseId);
    const fresh = await attachmentsOf(sys, clerk, caseId);
    for (const a of fresh) expect((await fetch(a.current!.viewUrl!)).status).toBe(200);
    expect((await fetch(fresh[0]!.current!.downloadUrl!)).status).toBe(200);
    expect(await attachmentLogCount(caseId)).toBe(before + 3);
    const r = await sys.gql<{
      caseAccessLog: { edges: { node: { actorId: string; actorRole: string; fields: string[] } }[] };
    }>(ACCESS_LOG, { c: caseId }, manager);
    expect(r.data!.caseAccessLog.edges[0]!.node).toMatchObject({
      actorRole: 'CLERK',
      fields: ['attachment:Degree certificate#v1'],
    });
    // The first test's two views by the officer were logged too.
    const byOfficer = r.data!.caseAccessLog.edges.filter(
      (e) => e.node.actorRole === 'WP_OFFICER' && e.node.fields[0]!.startsWith('attachment:'),
    );
    expect(byOfficer.length).toBeGreaterThanOrEqual(2);
  });

  it('the counter checklist carries the filed attachment beside each attachment item', async () => {
    const r = await sys.gql<{
      case: {
        workPermitMaterials: {
          items: { item: string; attachment: { name: string; current: { version: number } } | null }[];
        };
      };
    }>(MATERIALS, { id: caseId }, clerk);
    expect(r.errors).toBeUndefined();
    const items = r.data!.case.workPermitMaterials.items;
    expect(
      items.filter((i) => i.attachment).map((i) => [i.item, i.attachment!.name, i.attachment!.current.version]),
    ).toEqual([
      ['attachment-1-original', 'Degree certificate', 1],
      ['attachment-1-copy', 'Degree certificate', 1],
      ['attachment-2-original', 'Passport page', 1],
      ['attachment-2-copy', 'Passport page', 1],
    ]);
    expect(items.find((i) => i.item === 'applicant-passport')!.attachment).toBeNull();
  });
});

describe('refused uploads: a clear code and nothing stored', () => {
  let caseId: string;
  beforeAll(async () => {
    caseId = await newCase();
  });

  async function refusedWithNothingStored(
    bytes: Buffer,
    declared: Record<string, unknown>,
    status: number,
    code: string,
    send: Buffer = bytes,
  ): Promise<void> {
    const objects = await storedObjects();
    const t = await requestUpload(sys, agency, caseId, 'Degree certificate', bytes, declared);
    const sent = await put(t.url, send);
    expect(sent.status).toBe(status);
    expect(sent.body.error?.code).toBe(code);
    expect(sent.body.error?.message).toBeTruthy();
    expect(await storedObjects()).toEqual(objects);
    const confirm = await sys.gql(CONFIRM_UPLOAD, { id: t.uploadId }, agency);
    expect(errorCode(confirm)).toBe('CONFLICT');
    expect((confirm.errors![0]!.extensions as { refusal?: string }).refusal).toBe(code);
    expect(await versionRows(caseId)).toBe(0);
    const state = await sys.gql<{ attachmentUpload: { state: string; refusal: string } }>(
      UPLOAD_STATE,
      { id: t.uploadId },
      agency,
    );
    expect(state.data!.attachmentUpload).toMatchObject({ state: 'REFUSED', refusal: code });
  }

  it('bytes that are not what the content type claims: TYPE_MISMATCH', async () => {
    await refusedWithNothingStored(JPEG, { contentType: 'application/pdf' }, 422, 'TYPE_MISMATCH');
  });

  it('HTML or SVG bytes declared as an image: TYPE_NOT_ALLOWED', async () => {
    const html = Buffer.from('<!doctype html><html><body><script>alert(document.domain)</script></body></html>');
    await refusedWithNothingStored(html, { contentType: 'image/png', fileName: 'x.png' }, 422, 'TYPE_NOT_ALLOWED');
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>');
    await refusedWithNothingStored(svg, { contentType: 'image/png' }, 422, 'TYPE_NOT_ALLOWED');
  });

  it('a hash mismatch: HASH_MISMATCH', async () => {
    await refusedWithNothingStored(PDF, { sha256: sha256(Buffer.from('something else')) }, 422, 'HASH_MISMATCH');
  });

  it('an oversize file: refused at the request, and at the endpoint when more bytes come than allowed', async () => {
    const big = Buffer.concat([PDF, Buffer.alloc(MAX_BYTES, 0x20)]);
    const r = await ask(agency, caseId, { fileName: 'big.pdf', size: big.length, sha256: sha256(big) });
    expect(errorCode(r)).toBe('BAD_USER_INPUT');
    expect(r.errors![0]!.message).toMatch(/over the limit of 200000 bytes/);
    // Declared small, sent big.
    await refusedWithNothingStored(PDF, {}, 413, 'FILE_TOO_LARGE', big);
  });

  it('more or fewer bytes than declared: SIZE_MISMATCH', async () => {
    await refusedWithNothingStored(PDF, {}, 422, 'SIZE_MISMATCH', PDF.subarray(0, PDF.length - 10));
  });

  it('an infected file (ClamAV INSTREAM): INFECTED', async () => {
    const infected = Buffer.concat([PDF, Buffer.from(`\n%${EICAR_MARKER}\n`)]);
    await refusedWithNothingStored(infected, {}, 422, 'INFECTED');
  });

  it('SVG and HTML are refused at the request, with every problem listed', async () => {
    const r = await ask(agency, caseId, {
      attachmentName: 'Diploma',
      fileName: 'a.svg',
      contentType: 'image/svg+xml',
      size: 10,
      sha256: 'nope',
    });
    expect(errorCode(r)).toBe('BAD_USER_INPUT');
    expect((r.errors![0]!.extensions as { problems: string[] }).problems).toEqual([
      expect.stringMatching(/not one of the case's attachments/),
      expect.stringMatching(/image\/svg\+xml is not accepted/),
      expect.stringMatching(/sha256/),
    ]);
    const rows = await sys.sql.query(`SELECT 1 FROM wp.attachment_upload WHERE case_id = $1 AND file_name = 'a.svg'`, [
      caseId,
    ]);
    expect(rows.rowCount).toBe(0);
  });

  it('an upload URL is single-use: UPLOAD_ALREADY_USED', async () => {
    const t = await requestUpload(sys, agency, caseId, 'Passport page', JPEG, {
      contentType: 'image/jpeg',
      fileName: 'p.jpg',
    });
    expect((await put(t.url, JPEG)).status).toBe(201);
    const again = await put(t.url, JPEG);
    expect([again.status, again.body.error?.code]).toEqual([409, 'UPLOAD_ALREADY_USED']);
  });

  it('two requests on one upload URL at once: exactly one is accepted, one object is stored', async () => {
    const objects = await storedObjects();
    const t = await requestUpload(sys, agency, caseId, 'Passport page', JPEG, {
      contentType: 'image/jpeg',
      fileName: 'p.jpg',
    });
    const results = await Promise.all([put(t.url, JPEG), put(t.url, JPEG), put(t.url, JPEG)]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409]);
    expect((await storedObjects()).length).toBe(objects.length + 1);
  });

  it('a retried or concurrent confirm makes one version; two uploads confirmed at once make versions 1 and 2', async () => {
    const c = await newCase();
    const t = await requestUpload(sys, agency, c, 'Degree certificate', PDF);
    expect((await put(t.url, PDF)).status).toBe(201);
    const confirms = await Promise.all(
      [1, 2, 3].map(() =>
        sys.gql<{ confirmAttachmentUpload: AttachmentView }>(CONFIRM_UPLOAD, { id: t.uploadId }, agency),
      ),
    );
    for (const r of confirms) expect(r.errors).toBeUndefined();
    expect(new Set(confirms.map((r) => r.data!.confirmAttachmentUpload.current!.id)).size).toBe(1);
    expect(await versionRows(c)).toBe(1);
    const a = await requestUpload(sys, agency, c, 'Passport page', JPEG, {
      contentType: 'image/jpeg',
      fileName: 'a.jpg',
    });
    const b = await requestUpload(sys, agency, c, 'Passport page', PNG, {
      contentType: 'image/png',
      fileName: 'b.png',
    });
    expect((await put(a.url, JPEG)).status).toBe(201);
    expect((await put(b.url, PNG)).status).toBe(201);
    const both = await Promise.all([a, b].map((x) => sys.gql(CONFIRM_UPLOAD, { id: x.uploadId }, agency)));
    for (const r of both) expect(r.errors).toBeUndefined();
    const passport = (await attachmentsOf(sys, agency, c))[1]!;
    expect(passport.versions.map((v) => v.version)).toEqual([1, 2]);
    expect(passport.versions.map((v) => v.fileName).sort()).toEqual(['a.jpg', 'b.png']);
  });

  it('only the case’s agency may upload; another agency gets NOT_FOUND and nothing is written', async () => {
    const r = await ask(agencyB, caseId);
    expect(errorCode(r)).toBe('NOT_FOUND');
    expect(errorCode(await ask(officer, caseId))).toBe('FORBIDDEN');
  });

  it('a scanner that does not answer refuses the file: SCAN_UNAVAILABLE', async () => {
    const port = clamd.port;
    await clamd.close();
    try {
      await refusedWithNothingStored(PDF, {}, 503, 'SCAN_UNAVAILABLE');
    } finally {
      clamd = await startFakeClamd(port);
    }
  });

  it('an expired upload URL: UPLOAD_EXPIRED (business clock), nothing stored', async () => {
    const objects = await storedObjects();
    const t = await requestUpload(sys, agency, caseId, 'Degree certificate', PDF);
    await sys.advanceClock(11 * 60_000);
    const sent = await put(t.url, PDF);
    expect([sent.status, sent.body.error?.code]).toEqual([410, 'UPLOAD_EXPIRED']);
    expect(await storedObjects()).toEqual(objects);
    expect(errorCode(await sys.gql(CONFIRM_UPLOAD, { id: t.uploadId }, agency))).toBe('CONFLICT');
    expect(await versionRows(caseId)).toBe(0);
  });
});

describe('pre-examination with the documents: a correction round', () => {
  it('the officer returns the case naming one attachment; the agency adds a version and resubmits; both versions stay; the officer passes it', async () => {
    const caseId = await newCase();
    await upload(sys, agency, caseId, 'Degree certificate', PDF, {
      kind: 'DEGREE_CERTIFICATE',
      fileName: 'degree.pdf',
      contentType: 'application/pdf',
    });
    await upload(sys, agency, caseId, 'Passport page', JPEG, {
      kind: 'PASSPORT_PAGE',
      fileName: 'passport.jpg',
      contentType: 'image/jpeg',
    });
    const [degree, passport] = await attachmentsOf(sys, officer, caseId);
    const fine = await sys.gql<{ reviewAttachment: { current: { verdict: string } } }>(
      REVIEW,
      { i: { versionId: degree!.current!.id, verdict: 'FINE' } },
      officer,
    );
    expect(fine.data!.reviewAttachment.current.verdict).toBe('FINE');
    expect(
      errorCode(
        await sys.gql(REVIEW, { i: { versionId: passport!.current!.id, verdict: 'NEEDS_CORRECTION' } }, officer),
      ),
    ).toBe('BAD_USER_INPUT');
    expect(errorCode(await sys.gql(REVIEW, { i: { versionId: passport!.current!.id, verdict: 'FINE' } }, agency))).toBe(
      'FORBIDDEN',
    );

    const returned = await sys.gql<{
      returnCase: {
        status: string;
        returnNotification: { items: { field: string; problem: string; attachmentId: string | null }[] };
      };
    }>(
      RETURN,
      {
        i: {
          caseId,
          items: [
            { attachmentId: passport!.id, problem: 'The photo page is cut off at the bottom: scan the whole page.' },
          ],
        },
      },
      officer,
    );
    expect(returned.errors).toBeUndefined();
    expect(returned.data!.returnCase.status).toBe('RETURNED');
    expect(returned.data!.returnCase.returnNotification.items).toEqual([
      {
        field: 'Passport page',
        problem: 'The photo page is cut off at the bottom: scan the whole page.',
        attachmentId: passport!.id,
      },
    ]);
    // The agency sees which attachment to correct.
    const seen = await attachmentsOf(sys, agency, caseId);
    expect(seen.map((a) => [a.name, a.needsCorrection, a.current!.verdictReason])).toEqual([
      ['Degree certificate', false, null],
      ['Passport page', true, 'The photo page is cut off at the bottom: scan the whole page.'],
    ]);

    const corrected = await upload(sys, agency, caseId, 'Passport page', PNG, {
      kind: 'PASSPORT_PAGE',
      fileName: 'passport-rescan.png',
      contentType: 'image/png',
    });
    expect(corrected.versions.map((v) => [v.version, v.fileName, v.verdict])).toEqual([
      [1, 'passport.jpg', 'NEEDS_CORRECTION'],
      [2, 'passport-rescan.png', 'PENDING'],
    ]);
    expect(errorCode(await sys.gql(RESUBMIT, { i: { caseId } }, agency))).toBeUndefined();

    // Both versions stay, each with its own bytes.
    const after = (await attachmentsOf(sys, officer, caseId))[1]!;
    expect(after.needsCorrection).toBe(false);
    const v1 = await fetch(after.versions[0]!.viewUrl!);
    const v2 = await fetch(after.versions[1]!.viewUrl!);
    expect(Buffer.from(await v1.arrayBuffer()).equals(JPEG)).toBe(true);
    expect(Buffer.from(await v2.arrayBuffer()).equals(PNG)).toBe(true);

    // Passing is refused while a current version is marked as needing correction.
    await sys.gql(
      REVIEW,
      { i: { versionId: after.current!.id, verdict: 'NEEDS_CORRECTION', reason: 'Still cut off.' } },
      officer,
    );
    const refused = await sys.gql(PASS, { i: { caseId } }, officer);
    expect(errorCode(refused)).toBe('INVALID_TRANSITION');
    expect(refused.errors![0]!.message).toMatch(/"Passport page" version 2 is marked as needing correction/);
    await sys.gql(REVIEW, { i: { versionId: after.current!.id, verdict: 'FINE' } }, officer);
    const passed = await sys.gql<{ passPreExamination: { status: string } }>(PASS, { i: { caseId } }, officer);
    expect(passed.data!.passPreExamination.status).toBe('PRE_EXAM_PASSED');
    const final = await attachmentsOf(sys, officer, caseId);
    expect(final.map((a) => [a.name, a.current!.version, a.current!.verdict])).toEqual([
      ['Degree certificate', 1, 'FINE'],
      ['Passport page', 2, 'FINE'],
    ]);
    // The filed versions are frozen once pre-examination has passed.
    const late = await ask(agency, caseId, {
      attachmentName: 'Passport page',
      fileName: 'x.png',
      contentType: 'image/png',
      size: PNG.length,
      sha256: sha256(PNG),
    });
    expect(errorCode(late)).toBe('INVALID_TRANSITION');
  });

  it('a return naming an attachment of another case is refused and changes nothing', async () => {
    const a = await newCase();
    const b = await newCase();
    const other = (await attachmentsOf(sys, officer, b))[0]!;
    const r = await sys.gql(RETURN, { i: { caseId: a, items: [{ attachmentId: other.id, problem: 'x' }] } }, officer);
    expect(errorCode(r)).toBe('BAD_USER_INPUT');
    const status = await sys.sql.query<{ status: string }>(`SELECT status FROM wp."case" WHERE id = $1`, [a]);
    expect(status.rows[0]!.status).toBe('SUBMITTED');
  });
});

describe('retention', () => {
  it('deletes the files of a withdrawn case after the retention period (business clock) and logs it', async () => {
    const caseId = await newCase();
    await upload(sys, agency, caseId, 'Degree certificate', PDF, {
      kind: 'DEGREE_CERTIFICATE',
      fileName: 'degree.pdf',
      contentType: 'application/pdf',
    });
    const kept = await newCase();
    await upload(sys, agency, kept, 'Degree certificate', PDF, {
      kind: 'DEGREE_CERTIFICATE',
      fileName: 'degree.pdf',
      contentType: 'application/pdf',
    });
    const before = (await attachmentsOf(sys, officer, caseId))[0]!.current!;
    const oldUrl = before.viewUrl!;
    expect(
      errorCode(await sys.gql(WITHDRAW, { i: { caseId, reason: 'The applicant took another offer.' } }, agency)),
    ).toBeUndefined();
    const objects = await storedObjects();
    expect(objects.some((o) => o.includes(caseId))).toBe(true);
    await sys.advanceClock(31 * 86_400_000);
    await waitFor(
      async () => {
        const r = await sys.sql.query(
          `SELECT 1 FROM wp.attachment_version WHERE case_id = $1 AND deleted_at IS NOT NULL`,
          [caseId],
        );
        return r.rowCount === 1;
      },
      30_000,
      'the retention sweep',
    );
    expect((await storedObjects()).some((o) => o.includes(caseId))).toBe(false);
    expect((await storedObjects()).some((o) => o.includes(kept))).toBe(true);
    const timeline = await sys.sql.query<{ action: string; note: string }>(
      `SELECT action, note FROM wp.case_timeline WHERE case_id = $1 AND action = 'ATTACHMENTS_DELETED'`,
      [caseId],
    );
    expect(timeline.rows).toEqual([
      {
        action: 'ATTACHMENTS_DELETED',
        note: expect.stringMatching(/Retention \(30 days after withdrawal\): deleted Degree certificate v1/),
      },
    ]);
    const after = (await attachmentsOf(sys, officer, caseId))[0]!.current!;
    expect(after.deletedAt).not.toBeNull();
    expect(after.viewUrl).toBeNull();
    const gone = await fetch(oldUrl);
    expect(gone.status).toBe(410);
  });

  it('deletes the files of a case with a refused permit, counted from when both permits were decided', async () => {
    const caseId = await newCase();
    await upload(sys, agency, caseId, 'Passport page', JPEG, {
      kind: 'PASSPORT_PAGE',
      fileName: 'p.jpg',
      contentType: 'image/jpeg',
    });
    // Test data: the case as the decision flow leaves it (work permit refused, both decided) 40 days ago.
    await sys.sql.query(
      `UPDATE wp."case" SET status = 'READY_FOR_CLAIM', wp_status = 'REFUSED', rp_status = 'ISSUED',
         ready_at = (SELECT max(uploaded_at) FROM wp.attachment_version WHERE case_id = $1) - interval '40 days'
       WHERE id = $1`,
      [caseId],
    );
    await waitFor(
      async () =>
        (
          await sys.sql.query(`SELECT 1 FROM wp.attachment_version WHERE case_id = $1 AND deleted_at IS NOT NULL`, [
            caseId,
          ])
        ).rowCount === 1,
      30_000,
      'the retention sweep',
    );
    expect((await storedObjects()).some((o) => o.includes(caseId))).toBe(false);
    const note = await sys.sql.query<{ note: string }>(
      `SELECT note FROM wp.case_timeline WHERE case_id = $1 AND action = 'ATTACHMENTS_DELETED'`,
      [caseId],
    );
    expect(note.rows[0]!.note).toMatch(/^Retention \(30 days after refusal\): deleted Passport page v1$/);
  });
});
