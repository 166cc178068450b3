import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { Webhook } from 'standardwebhooks';
import {
  guardedLookup,
  hostOf,
  refusedReason,
  RefusedAddressError,
  type AddressPolicy,
} from './webhook-address-policy.js';

/** One signed POST to send. */
export interface WebhookMessage {
  /** `webhook-id`: the same on every attempt and redelivery of one delivery (receivers dedupe on it). */
  id: string;
  url: string;
  /** The endpoint's secrets (`whsec_…`): the current one, and the previous one during a rotation's grace period. */
  secrets: readonly string[];
  body: string;
}

/** What one attempt came to. */
export interface AttemptResult {
  ok: boolean;
  /** The HTTP status, when the receiver answered. */
  status: number | null;
  error: string | null;
  durationMs: number;
}

/**
 * Sends Standard Webhooks POSTs: `webhook-id`, `webhook-timestamp` (wall-clock seconds: the
 * receiver checks it against its own clock), `webhook-signature` (one `v1,…` per secret).
 * A 2xx answer is success; anything else, a redirect included (never followed), a timeout or a
 * refused address is a failure. The socket connects only to an address the policy accepted.
 */
export class WebhookSender {
  private readonly httpAgent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  private readonly httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 8 });

  constructor(
    private readonly policy: AddressPolicy,
    private readonly timeoutMs: number,
    /** Wall clock for `webhook-timestamp` (not the business clock: receivers compare it with theirs). */
    private readonly wallNow: () => Date = () => new Date(),
  ) {}

  /** Signs and sends one message; never throws. */
  async send(msg: WebhookMessage): Promise<AttemptResult> {
    const started = performance.now();
    const done = (ok: boolean, status: number | null, error: string | null): AttemptResult => ({
      ok,
      status,
      error,
      durationMs: Math.round(performance.now() - started),
    });
    let url: URL;
    try {
      url = new URL(msg.url);
    } catch {
      return done(false, null, 'the endpoint URL is not valid');
    }
    const host = hostOf(url);
    const allowed = this.policy.allowedHosts.has(host);
    if (url.protocol !== 'https:' && (this.policy.requireHttps || url.protocol !== 'http:')) {
      return done(false, null, `refused: ${url.protocol} URL (https only)`);
    }
    // An IP literal is not looked up by node:net: check it here.
    if (isIP(host) && !allowed) {
      const reason = refusedReason(host);
      if (reason) return done(false, null, `refused: ${reason}`);
    }
    const timestamp = this.wallNow();
    const signature = msg.secrets.map((s) => new Webhook(s).sign(msg.id, timestamp, msg.body)).join(' ');
    const body = Buffer.from(msg.body);
    const isHttps = url.protocol === 'https:';
    return new Promise<AttemptResult>((resolve) => {
      const req = (isHttps ? https : http).request(
        url,
        {
          method: 'POST',
          agent: isHttps ? this.httpsAgent : this.httpAgent,
          lookup: guardedLookup(host, this.policy),
          headers: {
            'content-type': 'application/json',
            'content-length': body.length,
            'user-agent': 'OneStop-Webhooks/1',
            'webhook-id': msg.id,
            'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
            'webhook-signature': signature,
          },
          timeout: this.timeoutMs,
        },
        (res) => {
          const status = res.statusCode ?? 0;
          res.resume(); // the answer's body is not read: only the status counts
          res.on('end', () => clearTimeout(timer));
          clearTimeout(timer);
          if (status >= 200 && status < 300) resolve(done(true, status, null));
          else if (status >= 300 && status < 400) resolve(done(false, status, 'redirect not followed'));
          else resolve(done(false, status, `answered ${status}`));
        },
      );
      // The whole attempt (connect, send, first byte of the answer) is bounded, not only idle time.
      const timer = setTimeout(() => req.destroy(new Error(`no answer within ${this.timeoutMs} ms`)), this.timeoutMs);
      req.on('timeout', () => req.destroy(new Error(`no answer within ${this.timeoutMs} ms`)));
      req.on('error', (err) => {
        clearTimeout(timer);
        const refused =
          err instanceof RefusedAddressError || (err as { cause?: unknown }).cause instanceof RefusedAddressError;
        resolve(done(false, null, refused ? `refused: ${err.message}` : err.message));
      });
      req.end(body);
    });
  }

  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}
