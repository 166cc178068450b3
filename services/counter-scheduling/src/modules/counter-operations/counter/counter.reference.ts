import { assertCan } from '@onestop/common';
import type { OpsContext } from '../shared/ops-context.js';
import type DataLoader from 'dataloader';
import type { ServiceCounterEntity } from './counter.entity.js';

/** What this file reads from the request context. */
type Ctx = OpsContext<object, { counterById: DataLoader<string, ServiceCounterEntity | null> }>;

/** `_entities` for ServiceCounter: counters are public to every signed-in role; batched by the request's DataLoader. */
export async function resolveServiceCounterReference(
  ref: { id: string },
  ctx: Ctx,
): Promise<ServiceCounterEntity | null> {
  assertCan(ctx.actor, 'case.read');
  return ctx.opsLoaders.counterById.load(ref.id);
}
