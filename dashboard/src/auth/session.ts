/**
 * The signed-in session: the access token from the identity provider (oidc.ts keeps the user),
 * or a token placed under `onestop.token` for this tab by tests and tools. The claims are decoded
 * only to shape the UI (which nav items to offer); the API verifies the token on every
 * request and is the authority on what the user may see and do.
 */
export const ROLES = ['AGENCY', 'WP_OFFICER', 'EE_OFFICER', 'CLERK', 'MANAGER'] as const;
export type Role = (typeof ROLES)[number];

export interface SessionClaims {
  sub: string;
  role: Role;
  name: string;
  agencyId: string | null;
  employerIds: string[];
  counterId: string | null;
  /** Expiry, ms since the epoch; null when the token has none. */
  expiresAt: number | null;
}

export interface Session {
  token: string;
  claims: SessionClaims;
}

const STORAGE_KEY = 'onestop.token';

/** Reads a JWT's payload without verifying it (the API verifies). Null when it is not a OneStop token. */
export function decodeClaims(token: string): SessionClaims | null {
  const part = token.trim().split('.')[1];
  if (!part) return null;
  try {
    const json = atob(
      part
        .replace(/-/g, '+')
        .replace(/_/g, '/')
        .padEnd(Math.ceil(part.length / 4) * 4, '='),
    );
    const bytes = Uint8Array.from(json, (c) => c.charCodeAt(0));
    const p = JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
    const role = p.role;
    if (typeof p.sub !== 'string' || typeof role !== 'string' || !(ROLES as readonly string[]).includes(role))
      return null;
    return {
      sub: p.sub,
      role: role as Role,
      name: typeof p.name === 'string' ? p.name : p.sub,
      agencyId: typeof p.agencyId === 'string' ? p.agencyId : null,
      employerIds: Array.isArray(p.employerIds) ? p.employerIds.filter((e): e is string => typeof e === 'string') : [],
      counterId: typeof p.counterId === 'string' ? p.counterId : null,
      expiresAt: typeof p.exp === 'number' ? p.exp * 1000 : null,
    };
  } catch {
    return null;
  }
}

/** A token placed for this tab by tests or tools (`onestop.token`); null when there is none. */
export function loadSession(): Session | null {
  const token = sessionStorage.getItem(STORAGE_KEY);
  if (!token) return null;
  const claims = decodeClaims(token);
  if (!claims || (claims.expiresAt !== null && claims.expiresAt < Date.now())) {
    sessionStorage.removeItem(STORAGE_KEY);
    return null;
  }
  return { token, claims };
}

export function clearSession(): void {
  sessionStorage.removeItem(STORAGE_KEY);
}
