import { actorFromMappedClaims } from './claim-mapping.js';

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

/** Turns claims in OneStop's own names (the embedded provider's) into an Actor; see `actorFromMappedClaims`. */
export function actorFromClaims(claims: Record<string, unknown>): Actor {
  return actorFromMappedClaims(claims);
}
