import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { contentDisposition, judgeUpload, sniffContentType, uploadRequestProblems } from './attachment.rules.js';
import { signGrant, verifyGrant } from './signed-url.js';

// The first bytes of each format are what the sniffing reads (test/fixtures/attachments has whole files).
const SAMPLE_PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
const SAMPLE_JPEG = Buffer.concat([
  Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]),
  Buffer.from('JFIF\0'),
  Buffer.alloc(64, 0),
  Buffer.from([0xff, 0xd9]),
]);
const SAMPLE_PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]),
  Buffer.from('IHDR'),
  Buffer.alloc(17, 1),
]);

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

describe('attachment rules', () => {
  it('sniffs PDF, JPEG and PNG from the bytes and nothing else', async () => {
    expect(await sniffContentType(SAMPLE_PDF)).toBe('application/pdf');
    expect(await sniffContentType(SAMPLE_JPEG)).toBe('image/jpeg');
    expect(await sniffContentType(SAMPLE_PNG)).toBe('image/png');
    expect(
      await sniffContentType(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')),
    ).toBeNull();
    expect(await sniffContentType(Buffer.from('<!doctype html><script>alert(1)</script>'))).toBeNull();
  });

  it('refuses bytes that are not what the content type claims, and each mismatch with its own code', async () => {
    const d = (b: Buffer, contentType = 'application/pdf') => ({ size: b.length, sha256: sha(b), contentType });
    expect((await judgeUpload(SAMPLE_JPEG, d(SAMPLE_JPEG), sha(SAMPLE_JPEG), 1e6)).refusal).toBe('TYPE_MISMATCH');
    const html = Buffer.from('<html><script>alert(1)</script></html>');
    expect((await judgeUpload(html, d(html), sha(html), 1e6)).refusal).toBe('TYPE_NOT_ALLOWED');
    expect((await judgeUpload(SAMPLE_PDF, { ...d(SAMPLE_PDF), size: 3 }, sha(SAMPLE_PDF), 1e6)).refusal).toBe(
      'SIZE_MISMATCH',
    );
    expect(
      (await judgeUpload(SAMPLE_PDF, { ...d(SAMPLE_PDF), sha256: '0'.repeat(64) }, sha(SAMPLE_PDF), 1e6)).refusal,
    ).toBe('HASH_MISMATCH');
    expect((await judgeUpload(SAMPLE_PDF, d(SAMPLE_PDF), sha(SAMPLE_PDF), 10)).refusal).toBe('FILE_TOO_LARGE');
    expect(await judgeUpload(SAMPLE_PDF, d(SAMPLE_PDF), sha(SAMPLE_PDF), 1e6)).toEqual({
      refusal: null,
      contentType: 'application/pdf',
    });
  });

  it('lists every problem of an upload request', () => {
    const problems = uploadRequestProblems(
      {
        attachmentName: 'Diploma',
        kind: 'OTHER',
        fileName: '../x',
        contentType: 'image/svg+xml',
        size: 20_000_000,
        sha256: 'abc',
      },
      ['Degree certificate'],
      10_000_000,
    );
    expect(problems).toEqual([
      expect.stringMatching(/not one of the case's attachments/),
      expect.stringMatching(/slashes/),
      expect.stringMatching(/image\/svg\+xml is not accepted/),
      expect.stringMatching(/over the limit/),
      expect.stringMatching(/sha256/),
    ]);
    expect(
      uploadRequestProblems(
        {
          attachmentName: 'degree certificate',
          kind: 'DEGREE_CERTIFICATE',
          fileName: '学位证.pdf',
          contentType: 'application/pdf',
          size: 10,
          sha256: sha(Buffer.from('x')),
        },
        ['Degree certificate'],
        10_000_000,
      ),
    ).toEqual([]);
  });

  it('signs URL grants that cannot be altered', () => {
    const token = signGrant('k'.repeat(32), { op: 'put', uploadId: 'u1', exp: 1 });
    expect(verifyGrant('k'.repeat(32), token)).toEqual({ op: 'put', uploadId: 'u1', exp: 1 });
    expect(verifyGrant('other-key'.repeat(4), token)).toBeNull();
    const [body, sig] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ op: 'put', uploadId: 'u2', exp: 1 })).toString('base64url');
    expect(verifyGrant('k'.repeat(32), `${forged}.${sig}`)).toBeNull();
    expect(verifyGrant('k'.repeat(32), `${body}`)).toBeNull();
  });

  it('writes a Content-Disposition that keeps a Chinese file name and cannot break the header', () => {
    expect(contentDisposition('inline', '学位证 "a";b.pdf')).toBe(
      `inline; filename="___ _a__b.pdf"; filename*=UTF-8''${encodeURIComponent('学位证 "a";b.pdf')}`,
    );
  });
});
