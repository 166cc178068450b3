import type { Role } from '../auth/session';

/**
 * A mirror of the API's policy (services/common auth/assert-can.ts), used only to decide
 * what to offer: which pages appear and which actions show a form. The API still checks
 * every request; when the two disagree the API's error is what the user sees.
 */
export type Page = 'city' | 'sla' | 'cases' | 'calendar' | 'counter' | 'search' | 'reports';

const PAGES: Record<Page, readonly Role[]> = {
  city: ['MANAGER', 'CLERK', 'WP_OFFICER', 'EE_OFFICER'],
  sla: ['MANAGER', 'CLERK', 'WP_OFFICER', 'EE_OFFICER', 'AGENCY'],
  cases: ['AGENCY', 'WP_OFFICER', 'EE_OFFICER', 'CLERK', 'MANAGER'],
  calendar: ['MANAGER'],
  counter: ['CLERK'],
  // Search and reports (issue 13): officers and managers; the API scopes and logs every search.
  search: ['MANAGER', 'WP_OFFICER', 'EE_OFFICER'],
  reports: ['MANAGER', 'WP_OFFICER', 'EE_OFFICER'],
};

export function canOpen(role: Role, page: Page): boolean {
  return PAGES[page].includes(role);
}

/** The page a role lands on after signing in. */
export function homePage(role: Role): Page {
  if (role === 'CLERK') return 'counter';
  return role === 'MANAGER' ? 'city' : 'cases';
}

export type CaseAction = 'preExamine' | 'decideWorkPermit' | 'recordVerification' | 'decideResidencePermit';

const ACTIONS: Record<CaseAction, readonly Role[]> = {
  preExamine: ['WP_OFFICER'],
  decideWorkPermit: ['WP_OFFICER'],
  recordVerification: ['EE_OFFICER'],
  decideResidencePermit: ['EE_OFFICER'],
};

export function canAct(role: Role, action: CaseAction): boolean {
  return ACTIONS[action].includes(role);
}

/**
 * The search by passport number: roles that work with personal data, agencies excepted
 * (`case.readPersonal` without AGENCY; the API logs every search).
 */
export function canSearchByPassport(role: Role): boolean {
  return role === 'WP_OFFICER' || role === 'EE_OFFICER' || role === 'CLERK';
}
