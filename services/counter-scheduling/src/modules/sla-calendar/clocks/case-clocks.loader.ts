import DataLoader from 'dataloader';
import type { Actor } from '@onestop/common';
import type { CaseClocksService } from './case-clocks.service.js';
import type { SlaClock } from './sla-clock.type.js';

/** Clocks by case id, scoped to the actor: one SQL statement per `_entities` fetch (one per request). */
export function clocksByCaseLoader(clocks: CaseClocksService, actor: Actor | null): DataLoader<string, SlaClock[]> {
  return new DataLoader(async (caseIds) => {
    if (!actor) return caseIds.map(() => []);
    const found = await clocks.clocksByCase(actor, caseIds);
    return caseIds.map((id) => found.get(id) ?? []);
  });
}
