import DataLoader from 'dataloader';
import type { RequestContext, SubgraphRuntime } from '@onestop/common';
import type { CaseEntity } from './case/case.entity.js';
import { CaseService } from './case/case.service.js';

/** Per-request context of the work-permit subgraph. */
export interface WorkPermitContext extends RequestContext {
  services: { cases: CaseService };
  loaders: { caseById: DataLoader<string, CaseEntity | null> };
}

export function createContext(runtime: SubgraphRuntime, base: RequestContext): WorkPermitContext {
  const cases = new CaseService(runtime.ds);
  return {
    ...base,
    services: { cases },
    loaders: {
      caseById: new DataLoader(async (ids) => {
        if (!base.actor) return ids.map(() => null);
        const found = await cases.findByIds(base.actor, ids);
        return ids.map((id) => found.get(id) ?? null);
      }),
    },
  };
}
