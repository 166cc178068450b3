import type { Clock, RequestContext } from '@onestop/common';

/**
 * The request context as an area's resolvers see it: the services and DataLoaders they use.
 * Each area names its own slice (`AreaContext<{ cases: CaseQueryService }, CaseLoaders>`);
 * `context.ts` builds one context that has them all, so areas never import the wiring.
 */
export interface AreaContext<S = object, L = object> extends RequestContext {
  services: S;
  loaders: L;
  clock: Clock;
}
