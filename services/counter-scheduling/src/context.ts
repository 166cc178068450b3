import type { DataSource } from 'typeorm';
import type { RequestContext, SubgraphRuntime } from '@onestop/common';

/** Per-request context of the counter-scheduling subgraph. */
export interface CounterSchedulingContext extends RequestContext {
  ds: DataSource;
}

export function createContext(runtime: SubgraphRuntime, base: RequestContext): CounterSchedulingContext {
  return { ...base, ds: runtime.ds };
}
