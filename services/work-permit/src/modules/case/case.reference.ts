import { assertCan } from '@onestop/common';
import type { AreaContext } from '../../shared/request-context.js';
import type { CaseLoaders } from './case.resolver.js';
import type { CaseEntity } from './case.entity.js';

type CaseReferenceContext = AreaContext<object, Pick<CaseLoaders, 'caseById'>>;

/**
 * `_entities` for Case: a lookup by id with the same authorization and agency scoping as
 * `Query.case`, batched through the request's DataLoader (one SQL statement per fetch). A case
 * outside the actor's scope resolves to null, exactly like one that does not exist.
 */
export async function resolveCaseReference(ref: { id: string }, ctx: CaseReferenceContext): Promise<CaseEntity | null> {
  assertCan(ctx.actor, 'case.read');
  return ctx.loaders.caseById.load(ref.id);
}
