import DataLoader from 'dataloader';
import type { AccessLogLoaders } from './modules/access-log/access-log.resolver.js';
import type { AgencyLoaders } from './modules/agency/agency.resolver.js';
import type { AttachmentLoaders } from './modules/attachments/attachment.resolver.js';
import type { CaseLoaders } from './modules/case/case.resolver.js';
import type { EmployerLoaders } from './modules/employer/employer.resolver.js';
import type { MaterialsLoaders } from './modules/materials/materials.resolver.js';
import type { WebhookLoaders } from './modules/webhook/webhook.resolver.js';
import type { AreaContext } from './shared/request-context.js';
import {
  commandPipeline,
  oncePerRuntime,
  type EventStore,
  type RequestContext,
  type SubgraphRuntime,
} from '@onestop/common';
import { AttachmentService } from './modules/attachments/attachment.service.js';
import type { ObjectStore } from './modules/attachments/storage/object-store.js';
import { openObjectStore } from './modules/attachments/storage/open-object-store.js';
import { ClamdScanner, NO_SCAN } from './modules/attachments/virus-scan.js';
import { AccessLogService } from './modules/access-log/access-log.service.js';
import { AgencyService } from './modules/agency/agency.service.js';
import { AgencyClientService } from './modules/agency-client/agency-client.service.js';
import { CaseFilingService } from './modules/case/case-filing.service.js';
import { CaseQueryService } from './modules/case/case-query.service.js';
import { loadWorkPermitConfig, type WorkPermitConfig } from './config.js';
import { WorkPermitDecisionService } from './modules/decision/work-permit-decision.service.js';
import { EmployerService } from './modules/employer/employer.service.js';
import { CaseLifecycleProjector } from './modules/lifecycle/case-lifecycle.consumer.js';
import { MaterialsService } from './modules/materials/materials.service.js';
import { PreExaminationService } from './modules/pre-examination/pre-examination.service.js';
import { WebhookDispatcher } from './modules/webhook/webhook-dispatcher.js';
import { WebhookSender } from './modules/webhook/webhook-sender.js';
import { WebhookService } from './modules/webhook/webhook.service.js';
import { WebhookStore } from './modules/webhook/webhook.store.js';

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
  /** The event log (the `caseEvents` feed reads it). */
  events: EventStore;
  webhookStore: WebhookStore;
  webhooks: WebhookService;
  /** Background sender of webhook deliveries (started by the subgraph when WEBHOOK_DISPATCH is on). */
  webhookDispatcher: WebhookDispatcher;
  attachments: AttachmentService;
  /** Where attachment bytes are kept. */
  store: ObjectStore;
  config: WorkPermitConfig;
}

const fileEndpoints = new WeakMap<SubgraphRuntime, string>();

/** Records the file endpoint's base URL once it listens (signed URLs point at it unless ATTACHMENTS_PUBLIC_URL is set). */
export function setFileEndpoint(runtime: SubgraphRuntime, url: string): void {
  fileEndpoints.set(runtime, url);
}

/** The process's services, built once per runtime (configuration is validated on the first call, at start-up). */
export const servicesOf = oncePerRuntime((runtime): WorkPermitServices => {
  const config = loadWorkPermitConfig();
  const { ds, clock, events, calendar, logger } = runtime;
  const accessLog = new AccessLogService(ds, clock);
  const webhookStore = new WebhookStore(ds);
  const sender = new WebhookSender(
    { requireHttps: config.webhooks.requireHttps, allowedHosts: config.webhooks.allowedHosts },
    config.webhooks.timeoutMs,
  );
  const commands = commandPipeline(runtime);
  const cases = new CaseQueryService(ds, clock, accessLog);
  const a = config.attachments;
  const store = openObjectStore(a);
  const attachments = new AttachmentService(
    ds,
    clock,
    commands,
    a,
    store,
    a.clamav ? new ClamdScanner(a.clamav.host, a.clamav.port, a.clamav.timeoutMs) : NO_SCAN,
    cases,
    accessLog,
    logger.child({ component: 'attachments' }),
    () => a.publicUrl ?? fileEndpoints.get(runtime) ?? `http://${a.filesHost}:${a.filesPort}`,
  );
  return {
    employers: new EmployerService(ds, clock),
    agencies: new AgencyService(ds, clock),
    agencyClients: new AgencyClientService(ds, clock, config.identityAdmin),
    cases,
    filing: new CaseFilingService(commands, calendar, config.renewalWindow),
    preExamination: new PreExaminationService(commands, attachments),
    materials: new MaterialsService(ds, commands),
    decisions: new WorkPermitDecisionService(commands),
    accessLog,
    lifecycle: new CaseLifecycleProjector(commands, calendar, logger.child({ component: 'case-lifecycle' })),
    attachments,
    store,
    config,
    events,
    webhookStore,
    webhooks: new WebhookService(ds, webhookStore, config.webhooks),
    webhookDispatcher: new WebhookDispatcher(
      webhookStore,
      sender,
      runtime.listener,
      config.webhooks,
      logger.child({ component: 'webhooks' }),
    ),
  };
});

/** Per-request DataLoaders (each area declares its own): each batches one kind of read into one SQL statement per tick. */
export type WorkPermitLoaders = CaseLoaders &
  EmployerLoaders &
  AgencyLoaders &
  AttachmentLoaders &
  MaterialsLoaders &
  WebhookLoaders &
  AccessLogLoaders;

/** Per-request context of the work-permit subgraph. */
export type WorkPermitContext = AreaContext<WorkPermitServices, WorkPermitLoaders>;

export function createContext(runtime: SubgraphRuntime, base: RequestContext): WorkPermitContext {
  const services = servicesOf(runtime);
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
        const found = await services.materials.byCaseIds(ids);
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
