/**
 * The attachment protocol's cost on loopback: request an upload URL (GraphQL through the
 * gateway), PUT the bytes to work-permit's file endpoint (size, SHA-256, type sniffing, storage
 * on the filesystem store), confirm (GraphQL), then read it back through a signed URL (access
 * log row, SHA-256 check). Starts its own system on an embedded PostgreSQL and free ports.
 *
 * Usage: node bench/dist/attachments-upload.js [--runs 20] [--sizes 100000,1000000,10000000]
 * Prints one JSON line: per size, p50/p95 ms of each phase and MB/s of the PUT.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { requestDevToken } from '@onestop/common';
import { DEMO_AGENCIES } from '@onestop/common/testing';
import { startBenchSystem } from './lib/bench-stack.js';
import { machineInfo } from './lib/machine.js';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '20' }, sizes: { type: 'string', default: '100000,1000000,10000000' } },
});
const runs = Number(values.runs);
const sizes = values.sizes.split(',').map(Number);

/** A PDF of exactly `size` bytes (a header the sniffing recognises, then padding in a comment). */
function pdfOf(size: number, n: number): Buffer {
  const head = Buffer.from(`%PDF-1.4\n% bench ${n}\n`);
  return Buffer.concat([head, Buffer.alloc(size - head.length, 0x20)]);
}

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! * 10) / 10;
};

const dir = await mkdtemp(path.join(tmpdir(), 'onestop-bench-attachments-'));
const system = await startBenchSystem({
  ATTACHMENTS_DIR: dir,
  ATTACHMENTS_MAX_BYTES: String(Math.max(...sizes)),
});
const stack = system.stack;
try {
  const agencyDef = DEMO_AGENCIES[0];
  const agency = await requestDevToken(stack.issuer, {
    sub: 'bench-agency',
    role: 'AGENCY',
    name: 'bench agency',
    agencyId: agencyDef.id,
    employerIds: [...agencyDef.employerIds],
  });
  const officer = await requestDevToken(stack.issuer, {
    sub: 'bench-officer',
    role: 'WP_OFFICER',
    name: 'bench officer',
  });
  const gql = async <T>(query: string, variables: Record<string, unknown>, token: string): Promise<T> => {
    const r = await fetch(stack.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await r.json()) as { data?: T; errors?: unknown[] };
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data!;
  };
  const today = new Date().toISOString().slice(0, 10);
  const plus = (days: number): string => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
  const { fileCase } = await gql<{ fileCase: { id: string } }>(
    'mutation($i: FileCaseInput!) { fileCase(input: $i) { id } }',
    {
      i: {
        idempotencyKey: `bench-${Date.now()}`,
        employerId: agencyDef.employerIds[0],
        route: 'NOTIFICATION_LETTER',
        notificationLetterNumber: `NL-${today.slice(0, 4)}-99999`,
        category: 'B',
        applicant: {
          fullName: 'Bench Applicant',
          nationality: 'DEU',
          passportNumber: 'E99990001',
          dateOfBirth: '1988-06-30',
          sex: 'FEMALE',
          householdRegistration: 'NEVER_REGISTERED',
        },
        attachments: ['Degree certificate'],
        contractEndsOn: plus(900),
        passportExpiresOn: plus(2000),
      },
    },
    agency,
  );
  const figures: Record<string, number> = { runs };
  let n = 0;
  for (const size of sizes) {
    const t = { request: [] as number[], put: [] as number[], confirm: [] as number[], download: [] as number[] };
    for (let i = 0; i < runs; i++) {
      const bytes = pdfOf(size, n++);
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      let t0 = performance.now();
      const { requestAttachmentUpload: ticket } = await gql<{
        requestAttachmentUpload: { uploadId: string; url: string };
      }>(
        'mutation($i: RequestAttachmentUploadInput!) { requestAttachmentUpload(input: $i) { uploadId url } }',
        {
          i: {
            caseId: fileCase.id,
            attachmentName: 'Degree certificate',
            kind: 'DEGREE_CERTIFICATE',
            fileName: 'degree.pdf',
            contentType: 'application/pdf',
            size,
            sha256,
          },
        },
        agency,
      );
      t.request.push(performance.now() - t0);
      t0 = performance.now();
      const put = await fetch(ticket.url, { method: 'PUT', body: new Uint8Array(bytes) });
      if (put.status !== 201) throw new Error(`PUT ${put.status}: ${await put.text()}`);
      t.put.push(performance.now() - t0);
      t0 = performance.now();
      const { confirmAttachmentUpload: a } = await gql<{ confirmAttachmentUpload: { current: { id: string } } }>(
        'mutation($id: ID!) { confirmAttachmentUpload(uploadId: $id) { current { id } } }',
        { id: ticket.uploadId },
        agency,
      );
      t.confirm.push(performance.now() - t0);
      const { attachmentDownloadUrl: link } = await gql<{ attachmentDownloadUrl: { url: string } }>(
        'query($v: ID!) { attachmentDownloadUrl(versionId: $v) { url } }',
        { v: a.current.id },
        officer,
      );
      t0 = performance.now();
      const got = Buffer.from(await (await fetch(link.url)).arrayBuffer());
      t.download.push(performance.now() - t0);
      if (got.length !== size) throw new Error('short read');
    }
    const key = size >= 1e6 ? `${size / 1e6}MB` : `${size / 1e3}KB`;
    for (const [phase, xs] of Object.entries(t)) {
      figures[`${key}.${phase}.p50`] = pct(xs, 50);
      figures[`${key}.${phase}.p95`] = pct(xs, 95);
    }
    figures[`${key}.put.MBps`] = Math.round((size / 1e6 / (pct(t.put, 50) / 1000)) * 10) / 10;
  }
  process.stdout.write(`${JSON.stringify({ scenario: 'attachments-upload', machine: machineInfo(), figures })}\n`);
} finally {
  await system.stop();
  await rm(dir, { recursive: true, force: true });
}
