import { assertCan, type RequestContext } from '@onestop/common';
import type { CaseRef } from './residence-permit.type.js';

/**
 * `_entities` for Case: the same authorization as `Query.residencePermit`. Agency scoping is
 * applied where the data is, in `Case.residencePermit` (the request's scoped DataLoader: one
 * SQL statement per fetch), so a case of another employer resolves with `residencePermit: null`.
 */
export function resolveCaseReference(ref: { id: string }, ctx: RequestContext): CaseRef {
  assertCan(ctx.actor, 'case.read');
  return { id: ref.id };
}
