import { UnauthenticatedError } from '../errors.js';

/** The five roles of the one-stop service (DOMAIN.md: who uses it). */
export const ROLES = ['AGENCY', 'WP_OFFICER', 'EE_OFFICER', 'CLERK', 'MANAGER'] as const;
export type Role = (typeof ROLES)[number];

/** Who is making a request, as proven by a verified token. */
export interface Actor {
  /** Stable subject id (the token's `sub`). */
  id: string;
  role: Role;
  /** Display name for timelines and audit logs. */
  name: string;
  /** AGENCY only: the agency acting. */
  agencyId: string | null;
  /** AGENCY only: the employers the agency is entrusted by; it acts for these and no others. */
  employerIds: readonly string[];
  /** CLERK only: the counter the clerk staffs. */
  counterId: string | null;
}

/** The token claims OneStop reads. */
export interface OneStopClaims {
  sub: string;
  role: Role;
  name?: string;
  agencyId?: string;
  employerIds?: string[];
  counterId?: string;
}

/** Turns verified claims into an Actor, rejecting tokens whose claims don't fit the role. */
export function actorFromClaims(claims: Record<string, unknown>): Actor {
  const role = claims.role;
  const sub = claims.sub;
  if (typeof sub !== 'string' || !sub) throw new UnauthenticatedError('The token has no subject (sub).');
  if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role)) {
    throw new UnauthenticatedError(`The token's role must be one of ${ROLES.join(', ')}.`);
  }
  const employerIds = Array.isArray(claims.employerIds)
    ? claims.employerIds.filter((e): e is string => typeof e === 'string')
    : [];
  const agencyId = typeof claims.agencyId === 'string' ? claims.agencyId : null;
  const counterId = typeof claims.counterId === 'string' ? claims.counterId : null;
  if (role === 'AGENCY' && !agencyId) throw new UnauthenticatedError('An AGENCY token must carry agencyId.');
  if (role === 'CLERK' && !counterId) throw new UnauthenticatedError('A CLERK token must carry counterId.');
  return {
    id: sub,
    role: role as Role,
    name: typeof claims.name === 'string' ? claims.name : sub,
    agencyId: role === 'AGENCY' ? agencyId : null,
    employerIds: role === 'AGENCY' ? employerIds : [],
    counterId: role === 'CLERK' ? counterId : null,
  };
}
