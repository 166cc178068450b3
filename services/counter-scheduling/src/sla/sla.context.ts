import DataLoader from 'dataloader';
import type { RequestContext, SubgraphRuntime } from '@onestop/common';
import type { SlaClock } from './sla-clock.type.js';
import { SlaQueryService } from './sla-query.service.js';
import { SlaThresholdsService } from './sla-thresholds.service.js';
import { SlaWorkListService } from './sla-work-list.service.js';

/** The SLA part of a request's context: services and per-request DataLoaders. */
export interface SlaContext {
  queries: SlaQueryService;
  thresholds: SlaThresholdsService;
  workList: SlaWorkListService;
  loaders: {
    /** Clocks by case id, scoped to the actor: one SQL statement per `_entities` fetch. */
    clocksByCase: DataLoader<string, SlaClock[]>;
  };
}

export function createSlaContext(runtime: SubgraphRuntime, base: RequestContext): SlaContext {
  const queries = new SlaQueryService(runtime.ds, runtime.calendar, runtime.clock, runtime.events);
  return {
    queries,
    thresholds: new SlaThresholdsService(runtime.ds, runtime.events, runtime.clock),
    workList: new SlaWorkListService(runtime),
    loaders: {
      clocksByCase: new DataLoader(async (caseIds) => {
        if (!base.actor) return caseIds.map(() => []);
        const found = await queries.clocksByCase(base.actor, caseIds);
        return caseIds.map((id) => found.get(id) ?? []);
      }),
    },
  };
}
