import { ForbiddenError, UnauthenticatedError } from '../errors.js';
import type { Actor, Role } from './actor.js';

/** Everything an actor can be allowed to do. */
export type Action =
  | 'case.read'
  | 'case.readPersonal'
  | 'case.file'
  | 'case.resubmit'
  | 'case.withdraw'
  | 'case.preExamine'
  | 'workPermit.decide'
  | 'residencePermit.verify'
  | 'residencePermit.decide'
  | 'residencePermit.demandInterview'
  | 'residencePermit.recordProxy'
  | 'materials.verify'
  | 'appointment.read'
  | 'appointment.book'
  | 'queue.operate'
  | 'documents.accept'
  | 'claim.record'
  | 'load.read'
  | 'counter.inspect'
  | 'sla.read'
  | 'sla.configure'
  | 'sla.followUp'
  | 'counter.manage'
  | 'calendar.manage'
  | 'employer.read'
  | 'employer.manage'
  | 'accessLog.read'
  | 'webhook.manage'
  | 'attachment.upload'
  | 'attachment.read'
  | 'apiClient.manage';

/** What an action applies to: the employer of a case, the counter of a queue. */
export interface Resource {
  employerId?: string | null;
  counterId?: string | null;
}

const ALL: readonly Role[] = ['AGENCY', 'WP_OFFICER', 'EE_OFFICER', 'CLERK', 'MANAGER'];
const OFFICERS: readonly Role[] = ['WP_OFFICER', 'EE_OFFICER'];

/** Which roles may take each action. Scoping (agency → employers, clerk → counter) is applied on top. */
const POLICY: Record<Action, readonly Role[]> = {
  'case.read': ALL,
  // Personal data (passport number, date of birth, address, photo) only where the work needs it.
  'case.readPersonal': ['AGENCY', ...OFFICERS, 'CLERK'],
  'case.file': ['AGENCY'],
  'case.resubmit': ['AGENCY'],
  'case.withdraw': ['AGENCY'],
  'case.preExamine': ['WP_OFFICER'],
  'workPermit.decide': ['WP_OFFICER'],
  'residencePermit.verify': ['EE_OFFICER'],
  'residencePermit.decide': ['EE_OFFICER'],
  'residencePermit.demandInterview': ['EE_OFFICER'],
  'residencePermit.recordProxy': ['AGENCY', 'CLERK'],
  'materials.verify': ['CLERK'],
  'appointment.read': ALL,
  'appointment.book': ['AGENCY'],
  'queue.operate': ['CLERK'],
  'documents.accept': ['CLERK'],
  'claim.record': ['CLERK'],
  'load.read': ['MANAGER', 'CLERK', ...OFFICERS],
  // A counter's page (queue, clerks at windows): managers any counter, a clerk their own (decision 0015).
  'counter.inspect': ['MANAGER', 'CLERK'],
  'sla.read': ALL,
  'sla.configure': ['MANAGER'],
  // The SLA work list (issue 13): who runs the work acknowledges, assigns and notes.
  'sla.followUp': ['MANAGER', ...OFFICERS],
  'counter.manage': ['MANAGER'],
  'calendar.manage': ['MANAGER'],
  'apiClient.manage': ['MANAGER'],
  'employer.read': ALL,
  'employer.manage': ['MANAGER'],
  'accessLog.read': ['MANAGER'],
  // A partner agency's own integration: its webhook endpoints, deliveries and notifications.
  'webhook.manage': ['AGENCY'],
  // The online materials (issue 18): the case's agency uploads; the roles whose work needs the
  // documents see them (agencies only their own employers'), every view written to the access log.
  'attachment.upload': ['AGENCY'],
  'attachment.read': ALL,
};

/** Actions a clerk may take only at the counter they staff. */
const COUNTER_SCOPED: ReadonlySet<Action> = new Set([
  'queue.operate',
  'documents.accept',
  'claim.record',
  'materials.verify',
  'counter.inspect',
]);

/** True when `actor` may take `action` on `resource`. */
export function can(actor: Actor | null | undefined, action: Action, resource: Resource = {}): boolean {
  if (!actor) return false;
  if (!POLICY[action].includes(actor.role)) return false;
  if (actor.role === 'AGENCY' && resource.employerId !== undefined) {
    if (!resource.employerId || !actor.employerIds.includes(resource.employerId)) return false;
  }
  if (actor.role === 'CLERK' && COUNTER_SCOPED.has(action) && resource.counterId !== undefined) {
    if (resource.counterId !== actor.counterId) return false;
  }
  return true;
}

/**
 * The one authorization check, called first in every resolver and reference resolver.
 * Throws UNAUTHENTICATED without an actor and FORBIDDEN when the role or scope does not allow it.
 */
export function assertCan(
  actor: Actor | null | undefined,
  action: Action,
  resource: Resource = {},
): asserts actor is Actor {
  if (!actor) throw new UnauthenticatedError();
  if (can(actor, action, resource)) return;
  if (!POLICY[action].includes(actor.role)) {
    throw new ForbiddenError(`A ${actor.role} may not ${describe(action)}.`);
  }
  if (actor.role === 'AGENCY') {
    throw new ForbiddenError(`Your agency does not act for employer ${resource.employerId ?? '(none)'}.`);
  }
  throw new ForbiddenError(`You staff counter ${actor.counterId}; this is counter ${resource.counterId ?? '(none)'}.`);
}

/**
 * SQL-side scoping for list queries: the employer ids an actor may see, or `null` for all.
 * Lists filter by this so an agency never even counts another employer's cases.
 */
export function employerScope(actor: Actor): readonly string[] | null {
  return actor.role === 'AGENCY' ? actor.employerIds : null;
}

function describe(action: Action): string {
  return action
    .replace('.', ': ')
    .replace(/([A-Z])/g, ' $1')
    .toLowerCase();
}
