import { UnauthenticatedError } from '../errors.js';
import { ROLES, type Actor, type Role } from './actor.js';

/**
 * Where OneStop finds a person's role and scope in a verified token, so any standard OpenID
 * Connect provider can be used without changing its token format (docs/identity.md: claim
 * mapping). Paths are dotted (`realm_access.roles`); the role claim may be a string or an array.
 */
export interface ClaimMapping {
  /** The claim holding the role (string or array of strings). */
  role: string;
  /** Provider role value → OneStop role. Values not listed are ignored; a OneStop role name maps to itself. */
  roleValues: Readonly<Record<string, Role>>;
  /** Display name. */
  name: string;
  /** CLERK: the counter. */
  counterId: string;
  /** AGENCY: the agency. */
  agencyId: string;
  /** AGENCY: the employers it acts for (array, or a space- or comma-separated string). */
  employerIds: string;
}

/** The embedded provider's claims (docs/identity.md). */
export const DEFAULT_CLAIM_MAPPING: ClaimMapping = Object.freeze({
  role: 'role',
  roleValues: Object.freeze({}),
  name: 'name',
  counterId: 'counterId',
  agencyId: 'agencyId',
  employerIds: 'employerIds',
});

/** Parses `OIDC_ROLE_VALUES` (`onestop-manager=MANAGER,onestop-clerk=CLERK`); throws on an unknown role. */
export function parseRoleValues(raw: string | undefined): Record<string, Role> {
  const out: Record<string, Role> = {};
  if (!raw) return out;
  for (const pair of raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const i = pair.lastIndexOf('=');
    const from = pair.slice(0, i).trim();
    const to = pair
      .slice(i + 1)
      .trim()
      .toUpperCase();
    if (i <= 0 || !(ROLES as readonly string[]).includes(to)) {
      throw new TypeError(`"${pair}" must be <provider role>=<${ROLES.join('|')}>`);
    }
    out[from] = to as Role;
  }
  return out;
}

/** A claim at a dotted path; a top-level claim whose name contains dots is found too (Keycloak's URI claims). */
export function claimAt(claims: Record<string, unknown>, path: string): unknown {
  if (path in claims) return claims[path];
  let v: unknown = claims;
  for (const part of path.split('.')) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[part];
  }
  return v;
}

function strings(v: unknown): string[] {
  if (Array.isArray(v)) return v.filter((e): e is string => typeof e === 'string' && e !== '');
  if (typeof v === 'string') return v.split(/[\s,]+/).filter(Boolean);
  return [];
}

/** The OneStop role a token's role claim names, or an UNAUTHENTICATED error saying why there is none. */
function roleOf(claims: Record<string, unknown>, mapping: ClaimMapping): Role {
  const values = strings(claimAt(claims, mapping.role));
  const roles = new Set<Role>();
  for (const v of values) {
    const mapped = mapping.roleValues[v] ?? ((ROLES as readonly string[]).includes(v) ? (v as Role) : undefined);
    if (mapped) roles.add(mapped);
  }
  if (roles.size === 0) throw new UnauthenticatedError(`The token's role must be one of ${ROLES.join(', ')}.`);
  if (roles.size > 1) {
    throw new UnauthenticatedError(
      `The token names several OneStop roles (${[...roles].join(', ')}); a person signs in with one.`,
    );
  }
  return [...roles][0]!;
}

/** Turns verified claims into an Actor through the mapping, rejecting tokens whose claims don't fit the role. */
export function actorFromMappedClaims(
  claims: Record<string, unknown>,
  mapping: ClaimMapping = DEFAULT_CLAIM_MAPPING,
): Actor {
  const sub = claims.sub;
  if (typeof sub !== 'string' || !sub) throw new UnauthenticatedError('The token has no subject (sub).');
  const role = roleOf(claims, mapping);
  const text = (path: string): string | null => {
    const v = claimAt(claims, path);
    return typeof v === 'string' && v !== '' ? v : null;
  };
  const agencyId = text(mapping.agencyId);
  const counterId = text(mapping.counterId);
  if (role === 'AGENCY' && !agencyId) throw new UnauthenticatedError('An AGENCY token must carry agencyId.');
  if (role === 'CLERK' && !counterId) throw new UnauthenticatedError('A CLERK token must carry counterId.');
  return {
    id: sub,
    role,
    name: text(mapping.name) ?? sub,
    agencyId: role === 'AGENCY' ? agencyId : null,
    employerIds: role === 'AGENCY' ? strings(claimAt(claims, mapping.employerIds)) : [],
    counterId: role === 'CLERK' ? counterId : null,
  };
}
