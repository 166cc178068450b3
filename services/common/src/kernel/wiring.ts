import type { SubgraphRuntime } from '../server/subgraph-runtime.js';

/**
 * A subgraph's services are built once per process, with explicit dependencies, and shared by
 * every request (they hold no request state). `servicesOf(runtime)` returns the same object for
 * the same runtime every time; per-request state (DataLoaders) lives in the request context.
 *
 * ```ts
 * export const servicesOf = oncePerRuntime((rt) => {
 *   const commands = commandPipeline(rt);
 *   const permits = new PermitStore(rt.ds);
 *   return { permits: new PermitService(permits, commands, rt.clock) };
 * });
 * ```
 */
export function oncePerRuntime<S>(build: (runtime: SubgraphRuntime) => S): (runtime: SubgraphRuntime) => S {
  const built = new WeakMap<SubgraphRuntime, S>();
  return (runtime) => {
    let services = built.get(runtime);
    if (!services) {
      services = build(runtime);
      built.set(runtime, services);
    }
    return services;
  };
}
