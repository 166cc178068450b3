import { assertCan } from '@onestop/common';
import type { OpsContext } from '../shared/ops-context.js';
import type DataLoader from 'dataloader';
import type { CaseReadinessEntity } from '../readiness/case-readiness.entity.js';

/** What this file reads from the request context. */
type Ctx = OpsContext<object, { readinessByCase: DataLoader<string, CaseReadinessEntity | null> }>;

/**
 * `_entities` for Case: the same scoping as everywhere else: an agency gets only its own
 * employers' cases (looked up in the readiness projection, batched by the request's
 * DataLoader); a case this subgraph has not heard of resolves for the other roles only.
 */
export async function resolveCaseReference(ref: { id: string }, ctx: Ctx): Promise<{ id: string } | null> {
  assertCan(ctx.actor, 'case.read');
  if (ctx.actor.role !== 'AGENCY') return { id: ref.id };
  const kase = await ctx.opsLoaders.readinessByCase.load(ref.id);
  if (!kase?.employerId || !ctx.actor.employerIds.includes(kase.employerId)) return null;
  return { id: ref.id };
}
