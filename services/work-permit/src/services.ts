import type { SubgraphRuntime } from '@onestop/common';
import { AccessLogService } from './access-log/access-log.service.js';
import { AgencyService } from './agency/agency.service.js';
import { AgencyClientService } from './agency-client/agency-client.service.js';
import { CaseFilingService } from './case/case-filing.service.js';
import { CaseQueryService } from './case/case-query.service.js';
import { loadWorkPermitConfig } from './config.js';
import { WorkPermitDecisionService } from './decision/work-permit-decision.service.js';
import { EmployerService } from './employer/employer.service.js';
import { CaseLifecycleProjector } from './lifecycle/case-lifecycle.consumer.js';
import { MaterialsService } from './materials/materials.service.js';
import { PreExaminationService } from './pre-examination/pre-examination.service.js';

/** The services of one work-permit process: stateless, shared by every request. */
export interface WorkPermitServices {
  employers: EmployerService;
  agencies: AgencyService;
  agencyClients: AgencyClientService;
  cases: CaseQueryService;
  filing: CaseFilingService;
  preExamination: PreExaminationService;
  materials: MaterialsService;
  decisions: WorkPermitDecisionService;
  accessLog: AccessLogService;
  lifecycle: CaseLifecycleProjector;
}

const built = new WeakMap<SubgraphRuntime, WorkPermitServices>();

/** The process's services, built once per runtime (configuration is validated on the first call, at start-up). */
export function servicesFor(runtime: SubgraphRuntime): WorkPermitServices {
  let s = built.get(runtime);
  if (!s) {
    const config = loadWorkPermitConfig();
    const { ds, clock, events, calendar, logger } = runtime;
    const accessLog = new AccessLogService(ds, clock);
    s = {
      employers: new EmployerService(ds, clock),
      agencies: new AgencyService(ds, clock),
      agencyClients: new AgencyClientService(ds, clock, config.identityAdmin),
      cases: new CaseQueryService(ds, clock, accessLog),
      filing: new CaseFilingService(ds, clock, events, calendar, config.renewalWindow),
      preExamination: new PreExaminationService(ds, clock, events),
      materials: new MaterialsService(ds, clock, events),
      decisions: new WorkPermitDecisionService(ds, clock, events),
      accessLog,
      lifecycle: new CaseLifecycleProjector(events, calendar, logger.child({ component: 'case-lifecycle' })),
    };
    built.set(runtime, s);
  }
  return s;
}
