import { buildFederatedSchema, EVENT_TYPES, type SubgraphDefinition } from '@onestop/common';
import { AccessLogEntity } from './access-log/access-log.entity.js';
import { AccessLogResolver } from './access-log/access-log.resolver.js';
import { AgencyEmployerEntity } from './agency/agency-employer.entity.js';
import { AgencyEntity } from './agency/agency.entity.js';
import { AgencyResolver } from './agency/agency.resolver.js';
import { AgencyClientResolver } from './agency-client/agency-client.resolver.js';
import { ApplicantResolver } from './applicant/applicant.resolver.js';
import { CaseReferenceCounterEntity } from './case/case-reference-counter.entity.js';
import { CaseTimelineEntity } from './case/case-timeline.entity.js';
import { CaseEntity } from './case/case.entity.js';
import { resolveCaseReference } from './case/case.reference.js';
import { CaseConnectionResolver, CaseResolver } from './case/case.resolver.js';
import { createContext, type WorkPermitContext } from './context.js';
import { WorkPermitDecisionResolver } from './decision/work-permit-decision.resolver.js';
import { EmployerHandlerEntity } from './employer/employer-handler.entity.js';
import { EmployerEntity } from './employer/employer.entity.js';
import { resolveEmployerReference, EmployerResolver } from './employer/employer.resolver.js';
import { seedDemoEmployers } from './employer/employer.seed.js';
import { LIFECYCLE_EVENT_TYPES } from './lifecycle/case-lifecycle.consumer.js';
import { CaseMaterialEntity } from './materials/case-material.entity.js';
import { MaterialsResolver } from './materials/materials.resolver.js';
import { WpInit1764201600001 } from './migrations/1764201600001-init.js';
import { WpPassportSearch1764201605000 } from './migrations/1764201605000-passport-search.js';
import { PreExaminationResolver } from './pre-examination/pre-examination.resolver.js';
import { servicesFor } from './services.js';

/** The work-permit subgraph: owns Case and the Beijing Overseas Talents Center's half of it. */
export const workPermitSubgraph: SubgraphDefinition<WorkPermitContext> = {
  name: 'work-permit',
  dbSchema: 'wp',
  defaultPort: 4001,
  entities: [
    EmployerEntity,
    EmployerHandlerEntity,
    AgencyEntity,
    AgencyEmployerEntity,
    CaseEntity,
    CaseReferenceCounterEntity,
    CaseTimelineEntity,
    CaseMaterialEntity,
    AccessLogEntity,
  ],
  migrations: [WpInit1764201600001, WpPassportSearch1764201605000],
  buildSchema: () =>
    buildFederatedSchema(
      {
        resolvers: [
          CaseResolver,
          CaseConnectionResolver,
          ApplicantResolver,
          PreExaminationResolver,
          MaterialsResolver,
          WorkPermitDecisionResolver,
          EmployerResolver,
          AgencyResolver,
          AgencyClientResolver,
          AccessLogResolver,
        ],
      },
      {
        Case: { __resolveReference: (ref: { id: string }, ctx: WorkPermitContext) => resolveCaseReference(ref, ctx) },
        Employer: {
          __resolveReference: (ref: { id: string }, ctx: WorkPermitContext) => resolveEmployerReference(ref, ctx),
        },
      },
    ),
  createContext,
  async start(runtime) {
    const services = servicesFor(runtime);
    if (runtime.config.mode !== 'production') await seedDemoEmployers(runtime.ds, runtime.clock);
    // One event per transaction: the handlers append events, and the append lock is held to
    // commit, so a larger batch would hold it while locking further cases (a deadlock risk).
    const lifecycle = runtime.events.consume(
      'work-permit.case-lifecycle',
      { types: LIFECYCLE_EVENT_TYPES, batchSize: 1 },
      (e, tx) => services.lifecycle.handle(e, tx),
    );
    const deadlines = runtime.events.consume(
      'work-permit.pre-exam-deadlines',
      { types: [EVENT_TYPES.calendarChanged], batchSize: 1 },
      (e, tx) => services.lifecycle.onCalendarChanged(e, tx),
    );
    await lifecycle.start();
    await deadlines.start();
    return async () => {
      await lifecycle.stop();
      await deadlines.stop();
    };
  },
};
