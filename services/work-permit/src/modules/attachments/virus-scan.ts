import { connect } from 'node:net';

/** The outcome of a scan: clean, infected (with the signature's name), or no answer. */
export type ScanResult =
  { verdict: 'clean' } | { verdict: 'infected'; signature: string } | { verdict: 'error'; message: string };

/** A virus scanner for received bytes. */
export interface VirusScanner {
  readonly name: string;
  scan(bytes: Buffer): Promise<ScanResult>;
}

/** No scanner configured: every file passes (the default of `pnpm start`; operators configure ClamAV). */
export const NO_SCAN: VirusScanner = { name: 'none', scan: async () => ({ verdict: 'clean' }) };

/**
 * ClamAV's daemon (clamd) over TCP, INSTREAM command: `zINSTREAM\0`, then chunks each prefixed
 * with its length as a 4-byte big-endian integer, then a zero-length chunk; clamd answers
 * `stream: OK`, `stream: <signature> FOUND` or `... ERROR`, NUL-terminated. The chunk size stays
 * under clamd's StreamMaxLength per chunk.
 */
export class ClamdScanner implements VirusScanner {
  readonly name = 'clamd';

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly timeoutMs = 30_000,
    private readonly chunkBytes = 64 * 1024,
  ) {}

  scan(bytes: Buffer): Promise<ScanResult> {
    return new Promise((resolve) => {
      let answer = '';
      let settled = false;
      const done = (r: ScanResult): void => {
        if (settled) return;
        settled = true;
        socket.destroy();
        resolve(r);
      };
      const socket = connect({ host: this.host, port: this.port }, () => {
        socket.write('zINSTREAM\0');
        for (let i = 0; i < bytes.length; i += this.chunkBytes) {
          const chunk = bytes.subarray(i, i + this.chunkBytes);
          const len = Buffer.alloc(4);
          len.writeUInt32BE(chunk.length);
          socket.write(len);
          socket.write(chunk);
        }
        socket.write(Buffer.alloc(4));
      });
      socket.setTimeout(this.timeoutMs, () =>
        done({ verdict: 'error', message: `clamd did not answer within ${this.timeoutMs} ms` }),
      );
      socket.on('data', (c: Buffer) => {
        answer += c.toString('utf8');
        if (answer.includes('\0')) done(parseClamdReply(answer));
      });
      socket.on('end', () => done(parseClamdReply(answer)));
      socket.on('error', (err) =>
        done({ verdict: 'error', message: `clamd at ${this.host}:${this.port}: ${err.message}` }),
      );
    });
  }
}

/** Reads clamd's reply to INSTREAM. */
export function parseClamdReply(raw: string): ScanResult {
  const line = raw.replace(/\0/g, '').trim();
  if (/^stream: OK$/.test(line)) return { verdict: 'clean' };
  const found = /^stream: (.+) FOUND$/.exec(line);
  if (found) return { verdict: 'infected', signature: found[1]! };
  return {
    verdict: 'error',
    message: line ? `clamd answered: ${line}` : 'clamd closed the connection without an answer',
  };
}
