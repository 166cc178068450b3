import type { RequestContext } from '@onestop/common';

/**
 * What a resolver of counter operations reads from the request context: the services it calls
 * (`ops`) and the request's DataLoaders it batches with (`opsLoaders`). Each resolver names
 * only what it uses; the wiring's context (`src/context.ts`) has them all, so no area imports
 * the wiring.
 */
export interface OpsContext<S = object, L = object> extends RequestContext {
  ops: S;
  opsLoaders: L;
}
