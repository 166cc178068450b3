import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EICAR_MARKER, startFakeClamd } from './fake-clamd.js';
import { ClamdScanner, parseClamdReply } from './virus-scan.js';

describe('ClamAV INSTREAM scanner', () => {
  let clamd: Awaited<ReturnType<typeof startFakeClamd>>;
  beforeAll(async () => {
    clamd = await startFakeClamd();
  });
  afterAll(async () => clamd.close());

  it('streams the bytes in length-prefixed chunks and reads a clean verdict', async () => {
    const bytes = Buffer.alloc(200_000, 3);
    const scanner = new ClamdScanner('127.0.0.1', clamd.port, 10_000, 64 * 1024);
    expect(await scanner.scan(bytes)).toEqual({ verdict: 'clean' });
    expect(clamd.streams.at(-1)!.equals(bytes)).toBe(true);
  });

  it('reports the signature of an infected file', async () => {
    const scanner = new ClamdScanner('127.0.0.1', clamd.port);
    const r = await scanner.scan(Buffer.from(`%PDF-1.4 ${EICAR_MARKER}`));
    expect(r).toEqual({ verdict: 'infected', signature: 'Eicar-Signature' });
  });

  it('says so when no daemon answers', async () => {
    const closed = createServer();
    const port = await new Promise<number>((r) =>
      closed.listen(0, '127.0.0.1', () => r((closed.address() as { port: number }).port)),
    );
    await new Promise<void>((r) => closed.close(() => r()));
    const r = await new ClamdScanner('127.0.0.1', port, 2000).scan(Buffer.from('x'));
    expect(r.verdict).toBe('error');
  });

  it('parses the daemon’s replies', () => {
    expect(parseClamdReply('stream: OK\0')).toEqual({ verdict: 'clean' });
    expect(parseClamdReply('stream: Win.Test.EICAR_HDB-1 FOUND\0')).toEqual({
      verdict: 'infected',
      signature: 'Win.Test.EICAR_HDB-1',
    });
    expect(parseClamdReply('INSTREAM size limit exceeded. ERROR\0').verdict).toBe('error');
  });
});
