import { assertCan } from '@onestop/common';
import type { CounterSchedulingContext } from '../../../context.js';
import type { ServiceCounterEntity } from './counter.entity.js';

/** `_entities` for ServiceCounter: counters are public to every signed-in role; batched by the request's DataLoader. */
export async function resolveServiceCounterReference(
  ref: { id: string },
  ctx: CounterSchedulingContext,
): Promise<ServiceCounterEntity | null> {
  assertCan(ctx.actor, 'case.read');
  return ctx.opsLoaders.counterById.load(ref.id);
}
