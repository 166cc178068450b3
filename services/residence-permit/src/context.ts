import DataLoader from 'dataloader';
import type { RequestContext, SubgraphRuntime } from '@onestop/common';
import type { ResidencePermitEntity } from './residence-permit/residence-permit.entity.js';
import { ResidencePermitService } from './residence-permit/residence-permit.service.js';

/** Per-request context of the residence-permit subgraph. */
export interface ResidencePermitContext extends RequestContext {
  services: { permits: ResidencePermitService };
  loaders: { permitByCaseId: DataLoader<string, ResidencePermitEntity | null> };
}

export function createContext(runtime: SubgraphRuntime, base: RequestContext): ResidencePermitContext {
  const permits = new ResidencePermitService(runtime.ds);
  return {
    ...base,
    services: { permits },
    loaders: {
      permitByCaseId: new DataLoader(async (ids) => {
        if (!base.actor) return ids.map(() => null);
        const found = await permits.findByCaseIds(base.actor, ids);
        return ids.map((id) => found.get(id) ?? null);
      }),
    },
  };
}
