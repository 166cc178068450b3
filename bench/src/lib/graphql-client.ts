import { requestDevToken, type OneStopClaims, type Role } from '@onestop/common';
import { type DEMO_AGENCIES } from '@onestop/common/testing';

/** One GraphQL error as the gateway returns it. */
export interface GqlError {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string; [k: string]: unknown };
}

/** A failed operation: the errors the API returned, with their codes. */
export class GraphQLRequestError extends Error {
  constructor(
    readonly operation: string,
    readonly errors: GqlError[],
    readonly status: number,
  ) {
    super(`${operation}: ${errors.map((e) => `${e.extensions?.code ?? 'ERROR'}: ${e.message}`).join('; ')}`);
    this.name = 'GraphQLRequestError';
  }

  get codes(): string[] {
    return this.errors.map((e) => e.extensions?.code ?? 'ERROR');
  }
}

/** The embedded identity provider the system runs with (OIDC_ISSUER, or its default address). */
export function devIssuer(env: NodeJS.ProcessEnv = process.env): string {
  return env.OIDC_ISSUER || `http://127.0.0.1:${env.IDENTITY_PORT || '4004'}`;
}

/** Asks the embedded provider for the simulator's and the benchmarks' actors' tokens (cached per identity). */
export class Identities {
  private readonly cache = new Map<string, Promise<string>>();

  constructor(private readonly issuer: string = devIssuer()) {}

  token(role: Role, claims: Partial<OneStopClaims> = {}): Promise<string> {
    const key = `${role}:${JSON.stringify(claims)}`;
    let t = this.cache.get(key);
    if (!t) {
      t = requestDevToken(this.issuer, {
        sub: `sim-${role.toLowerCase()}${claims.counterId ? `-${claims.counterId}` : ''}${claims.agencyId ? `-${claims.agencyId.slice(-4)}` : ''}`,
        role,
        name: `Simulated ${role.toLowerCase()}`,
        ...claims,
        ttlSeconds: 12 * 3600,
      });
      t.catch(() => this.cache.delete(key));
      this.cache.set(key, t);
    }
    return t;
  }

  manager(): Promise<string> {
    return this.token('MANAGER', { sub: 'sim-manager', name: 'Simulated manager' });
  }

  wpOfficer(): Promise<string> {
    return this.token('WP_OFFICER', { sub: 'sim-wp-officer', name: 'Simulated Talents Center officer' });
  }

  eeOfficer(): Promise<string> {
    return this.token('EE_OFFICER', { sub: 'sim-ee-officer', name: 'Simulated Exit-Entry officer' });
  }

  clerk(counterId: string): Promise<string> {
    return this.token('CLERK', { sub: `sim-clerk-${counterId}`, name: `Simulated clerk at ${counterId}`, counterId });
  }

  agency(agency: (typeof DEMO_AGENCIES)[number]): Promise<string> {
    return this.token('AGENCY', {
      sub: `sim-agency-${agency.id.slice(-4)}`,
      name: agency.name,
      agencyId: agency.id,
      employerIds: [...agency.employerIds],
    });
  }
}

/** A small GraphQL-over-HTTP client for one endpoint. */
export class GraphQLClient {
  constructor(readonly url: string) {}

  /** Runs an operation; throws GraphQLRequestError when the response has errors. */
  async request<T = Record<string, unknown>>(
    query: string,
    variables: Record<string, unknown> = {},
    token?: string | null,
  ): Promise<T> {
    const name = /(?:query|mutation|subscription)\s+(\w+)/.exec(query)?.[1] ?? 'anonymous';
    const res = await fetch(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    const text = await res.text();
    let body: { data?: T | null; errors?: GqlError[] };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      throw new GraphQLRequestError(name, [{ message: `HTTP ${res.status}: ${text.slice(0, 200)}` }], res.status);
    }
    if (body.errors?.length) throw new GraphQLRequestError(name, body.errors, res.status);
    return body.data as T;
  }

  /** POST /dev/clock on the gateway (MANAGER token): moves the shared business clock forward. */
  async advanceClock(ms: number, managerToken: string): Promise<{ offsetMs: number; now: string }> {
    const res = await fetch(new URL('/dev/clock', this.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${managerToken}` },
      body: JSON.stringify({ advanceMs: Math.max(0, Math.round(ms)) }),
    });
    const body = (await res.json()) as { offsetMs: number; now: string; error?: string };
    if (!res.ok)
      throw new GraphQLRequestError(
        'advanceClock',
        [{ message: `HTTP ${res.status}: ${JSON.stringify(body)}` }],
        res.status,
      );
    return body;
  }

  /** GET /dev/clock: the shared business clock now. */
  async clockNow(): Promise<Date> {
    const res = await fetch(new URL('/dev/clock', this.url));
    if (!res.ok)
      throw new GraphQLRequestError(
        'clockNow',
        [{ message: `GET /dev/clock: HTTP ${res.status} (is the system running outside production mode?)` }],
        res.status,
      );
    const body = (await res.json()) as { now: string };
    return new Date(body.now);
  }
}
