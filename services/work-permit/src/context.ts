import DataLoader from 'dataloader';
import type { Clock, RequestContext, SubgraphRuntime } from '@onestop/common';
import type { CaseTimelineEntity } from './case/case-timeline.entity.js';
import type { CaseEntity } from './case/case.entity.js';
import type { EmployerHandlerEntity } from './employer/employer-handler.entity.js';
import type { EmployerEntity } from './employer/employer.entity.js';
import type { AgencyEntity } from './agency/agency.entity.js';
import type { CaseAttachmentView } from './attachments/attachment.service.js';
import type { CaseMaterialEntity } from './materials/case-material.entity.js';
import { servicesFor, type WorkPermitServices } from './services.js';
import type { AttemptRow } from './webhook/webhook.store.js';

/** Per-request DataLoaders: each batches one kind of read into one SQL statement per tick. */
export interface WorkPermitLoaders {
  /** Scoped to the actor: a case outside it loads as null. */
  caseById: DataLoader<string, CaseEntity | null>;
  /** Scoped to the actor, like caseById. */
  caseByReference: DataLoader<string, CaseEntity | null>;
  /** Not scoped: callers reach employers through something already scoped (a case, the actor's own list). */
  employerById: DataLoader<string, EmployerEntity | null>;
  handlersByEmployerId: DataLoader<string, EmployerHandlerEntity[]>;
  employerIdsByAgencyId: DataLoader<string, string[]>;
  /** Not scoped: reached through a scoped case (the agency that filed it). */
  agencyById: DataLoader<string, AgencyEntity | null>;
  timelineByCaseId: DataLoader<string, CaseTimelineEntity[]>;
  /** Every filed attachment of a case (reached through the scoped case), with its versions. */
  attachmentsByCase: DataLoader<CaseEntity, CaseAttachmentView[], string>;
  materialsByCaseId: DataLoader<string, CaseMaterialEntity[]>;
  /** Attempts of webhook deliveries (the owner's agency was checked by whoever loaded the delivery). */
  webhookAttempts: DataLoader<string, AttemptRow[]>;
  /** Records a staff read of a personal field (key: caseId + "\n" + field); resolves once the access log row is written. */
  personalRead: DataLoader<string, true>;
}

/** Per-request context of the work-permit subgraph. */
export interface WorkPermitContext extends RequestContext {
  services: WorkPermitServices;
  loaders: WorkPermitLoaders;
  clock: Clock;
}

export function createContext(runtime: SubgraphRuntime, base: RequestContext): WorkPermitContext {
  const services = servicesFor(runtime);
  const { actor } = base;
  return {
    ...base,
    services,
    clock: runtime.clock,
    loaders: {
      caseById: new DataLoader(async (ids) => {
        if (!actor) return ids.map(() => null);
        const found = await services.cases.findByIds(actor, ids);
        return ids.map((id) => found.get(id) ?? null);
      }),
      caseByReference: new DataLoader(async (refs) => {
        if (!actor) return refs.map(() => null);
        const found = await services.cases.findByReferences(actor, refs);
        return refs.map((r) => found.get(r.trim().toUpperCase()) ?? null);
      }),
      employerById: new DataLoader(async (ids) => {
        const found = await services.employers.byIds(ids);
        return ids.map((id) => found.get(id) ?? null);
      }),
      handlersByEmployerId: new DataLoader(async (ids) => {
        const found = await services.employers.handlersByEmployerIds(ids);
        return ids.map((id) => found.get(id) ?? []);
      }),
      employerIdsByAgencyId: new DataLoader(async (ids) => {
        const found = await services.agencies.employerIdsByAgencyIds(ids);
        return ids.map((id) => found.get(id) ?? []);
      }),
      agencyById: new DataLoader(async (ids) => {
        const found = await services.agencies.byIds(ids);
        return ids.map((id) => found.get(id) ?? null);
      }),
      timelineByCaseId: new DataLoader(async (ids) => {
        const found = await services.cases.timelines(ids);
        return ids.map((id) => found.get(id) ?? []);
      }),
      materialsByCaseId: new DataLoader(async (ids) => {
        const found = await services.cases.materials(ids);
        return ids.map((id) => found.get(id) ?? []);
      }),
      webhookAttempts: new DataLoader(async (ids) => {
        const found = await services.webhooks.attempts(ids);
        return ids.map((id) => found.get(id) ?? []);
      }),
      attachmentsByCase: new DataLoader(
        async (cases) => {
          const found = await services.attachments.byCaseIds(cases);
          return cases.map((c) => found.get(c.id) ?? []);
        },
        { cacheKeyFn: (c) => c.id },
      ),
      personalRead: new DataLoader(async (keys) => {
        const byCase = new Map<string, string[]>();
        for (const k of keys) {
          const [caseId, field] = k.split('\n') as [string, string];
          byCase.set(caseId, [...(byCase.get(caseId) ?? []), field]);
        }
        if (actor)
          await services.accessLog.record(
            actor,
            [...byCase].map(([caseId, fields]) => ({ caseId, fields })),
          );
        return keys.map(() => true as const);
      }),
    },
  };
}
