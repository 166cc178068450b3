import DataLoader from 'dataloader';
import { commandPipeline, oncePerRuntime, type RequestContext, type SubgraphRuntime } from '@onestop/common';
import { loadResidencePermitConfig } from './config.js';
import { FilingService } from './modules/case-events/filing.service.js';
import type { CustodyContext } from './modules/custody/custody.resolver.js';
import { CustodyService } from './modules/custody/custody.service.js';
import type { DecisionContext } from './modules/decision/decision.resolver.js';
import { DecisionService } from './modules/decision/decision.service.js';
import type { InterviewContext } from './modules/interview/interview.resolver.js';
import { InterviewService } from './modules/interview/interview.service.js';
import type { MaterialsContext } from './modules/materials/materials.resolver.js';
import { MaterialsService } from './modules/materials/materials.service.js';
import { MaterialsStore } from './modules/materials/materials.store.js';
import type { MaterialItemEntity } from './modules/materials/material-item.entity.js';
import type { ResidencePermitEntity } from './modules/residence-permit/residence-permit.entity.js';
import type { PermitsContext } from './modules/residence-permit/residence-permit.resolver.js';
import { ResidencePermitService } from './modules/residence-permit/residence-permit.service.js';
import { PermitStore } from './modules/residence-permit/residence-permit.store.js';
import type { VerificationEntity } from './modules/verification/verification.entity.js';
import type { VerificationContext } from './modules/verification/verification.resolver.js';
import { VerificationService } from './modules/verification/verification.service.js';
import { VerificationStore } from './modules/verification/verification.store.js';

/**
 * The wiring of the residence-permit subgraph: every store and service, built once per process
 * with explicit dependencies, shared by every request (they hold no request state). Every
 * command runs through the one command pipeline.
 */
export const servicesOf = oncePerRuntime((rt: SubgraphRuntime) => {
  const config = loadResidencePermitConfig(rt.config);
  const commands = commandPipeline(rt);
  const permits = new PermitStore(rt.ds);
  const materials = new MaterialsStore(rt.ds);
  const verifications = new VerificationStore(rt.ds);
  return {
    config,
    permits: new ResidencePermitService(permits, rt.clock, rt.calendar),
    materials: new MaterialsService(materials, permits, commands),
    interview: new InterviewService(permits, commands),
    verifications: new VerificationService(verifications, permits, commands, rt.clock),
    decisions: new DecisionService(permits, verifications, commands),
    custody: new CustodyService(permits, commands, rt.clock, rt.calendar, rt.logger),
    filing: new FilingService(permits, commands, rt.logger),
  };
});

export type ResidencePermitServices = ReturnType<typeof servicesOf>;

/**
 * Per-request context of the residence-permit subgraph: the base, the process's services and
 * this request's loaders. It extends what each area's resolvers declare they need, so the
 * compiler checks that the wiring provides it.
 */
export interface ResidencePermitContext
  extends PermitsContext, MaterialsContext, InterviewContext, VerificationContext, DecisionContext, CustodyContext {
  services: ResidencePermitServices;
  /** One SQL statement per entity type per request, whatever the number of permits resolved. */
  loaders: {
    /** Scoped to the actor: a permit of another employer loads as null. */
    permitByCaseId: DataLoader<string, ResidencePermitEntity | null>;
    materialsByPermitId: DataLoader<string, MaterialItemEntity[]>;
    verificationsByPermitId: DataLoader<string, VerificationEntity[]>;
  };
}

export function createContext(runtime: SubgraphRuntime, base: RequestContext): ResidencePermitContext {
  const services = servicesOf(runtime);
  return {
    ...base,
    services,
    loaders: {
      permitByCaseId: new DataLoader(async (ids) => {
        if (!base.actor) return ids.map(() => null);
        const found = await services.permits.findByCaseIds(base.actor, ids);
        return ids.map((id) => found.get(id) ?? null);
      }),
      materialsByPermitId: new DataLoader(async (ids) => {
        const found = await services.materials.findByPermitIds(ids);
        return ids.map((id) => found.get(id) ?? []);
      }),
      verificationsByPermitId: new DataLoader(async (ids) => {
        const found = await services.verifications.findByPermitIds(ids);
        return ids.map((id) => found.get(id) ?? []);
      }),
    },
  };
}
