import DataLoader from 'dataloader';
import type { RequestContext, SubgraphRuntime } from '@onestop/common';
import { CustodyService } from './modules/custody/custody.service.js';
import { DecisionService } from './modules/decision/decision.service.js';
import { InterviewService } from './modules/interview/interview.service.js';
import type { MaterialItemEntity } from './modules/materials/material-item.entity.js';
import { MaterialsService } from './modules/materials/materials.service.js';
import { PermitCommands } from './modules/residence-permit/permit-command.js';
import type { ResidencePermitEntity } from './modules/residence-permit/residence-permit.entity.js';
import { ResidencePermitService } from './modules/residence-permit/residence-permit.service.js';
import type { VerificationEntity } from './modules/verification/verification.entity.js';
import { VerificationService } from './modules/verification/verification.service.js';

/** Per-request context of the residence-permit subgraph. */
export interface ResidencePermitContext extends RequestContext {
  runtime: SubgraphRuntime;
  services: {
    permits: ResidencePermitService;
    materials: MaterialsService;
    interview: InterviewService;
    verifications: VerificationService;
    decisions: DecisionService;
    custody: CustodyService;
  };
  /** One SQL statement per entity type per request, whatever the number of permits resolved. */
  loaders: {
    /** Scoped to the actor: a permit of another employer loads as null. */
    permitByCaseId: DataLoader<string, ResidencePermitEntity | null>;
    materialsByPermitId: DataLoader<string, MaterialItemEntity[]>;
    verificationsByPermitId: DataLoader<string, VerificationEntity[]>;
  };
}

export function createContext(runtime: SubgraphRuntime, base: RequestContext): ResidencePermitContext {
  const commands = new PermitCommands(runtime);
  const permits = new ResidencePermitService(runtime);
  const materials = new MaterialsService(runtime, commands);
  const verifications = new VerificationService(runtime, commands);
  return {
    ...base,
    runtime,
    services: {
      permits,
      materials,
      interview: new InterviewService(commands),
      verifications,
      decisions: new DecisionService(commands),
      custody: new CustodyService(runtime),
    },
    loaders: {
      permitByCaseId: new DataLoader(async (ids) => {
        if (!base.actor) return ids.map(() => null);
        const found = await permits.findByCaseIds(base.actor, ids);
        return ids.map((id) => found.get(id) ?? null);
      }),
      materialsByPermitId: new DataLoader(async (ids) => {
        const found = await materials.findByPermitIds(ids);
        return ids.map((id) => found.get(id) ?? []);
      }),
      verificationsByPermitId: new DataLoader(async (ids) => {
        const found = await verifications.findByPermitIds(ids);
        return ids.map((id) => found.get(id) ?? []);
      }),
    },
  };
}
