import { createHmac, timingSafeEqual } from 'node:crypto';

/** What a signed attachment URL allows: one upload, or reading one version for one actor. */
export type UrlGrant =
  | { op: 'put'; uploadId: string; exp: number }
  | {
      op: 'get';
      versionId: string;
      exp: number;
      /** Who the URL was issued to: written to the access log when it is used. */
      actor: { id: string; role: string; name: string };
      disposition: 'inline' | 'attachment';
    };

/**
 * Capability tokens for the attachment file endpoint: the grant, base64url JSON, then an
 * HMAC-SHA256 over it with a key only work-permit holds. They are issued only through the
 * GraphQL API after `assertCan`, expire on the business clock, and an upload token is also
 * single-use (the upload row records its use).
 */
export function signGrant(secret: string, grant: UrlGrant): string {
  const body = Buffer.from(JSON.stringify(grant)).toString('base64url');
  return `${body}.${mac(secret, body)}`;
}

/** The grant of a token whose signature verifies, or null (expiry is the caller's check). */
export function verifyGrant(secret: string, token: string): UrlGrant | null {
  const [body, sig, extra] = token.split('.');
  if (!body || !sig || extra !== undefined) return null;
  const want = Buffer.from(mac(secret, body));
  const got = Buffer.from(sig);
  if (want.length !== got.length || !timingSafeEqual(want, got)) return null;
  try {
    const g = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as UrlGrant;
    if ((g.op !== 'put' && g.op !== 'get') || typeof g.exp !== 'number') return null;
    return g;
  } catch {
    return null;
  }
}

function mac(secret: string, body: string): string {
  return createHmac('sha256', secret).update(`onestop-attachment-url\n${body}`).digest('base64url');
}
