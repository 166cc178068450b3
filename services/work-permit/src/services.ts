import type { EventStore, SubgraphRuntime } from '@onestop/common';
import { AttachmentService } from './attachments/attachment.service.js';
import { FileSystemObjectStore } from './attachments/storage/fs-object-store.js';
import type { ObjectStore } from './attachments/storage/object-store.js';
import { S3ObjectStore } from './attachments/storage/s3-object-store.js';
import { ClamdScanner, NO_SCAN } from './attachments/virus-scan.js';
import { AccessLogService } from './access-log/access-log.service.js';
import { AgencyService } from './agency/agency.service.js';
import { AgencyClientService } from './agency-client/agency-client.service.js';
import { CaseFilingService } from './case/case-filing.service.js';
import { CaseQueryService } from './case/case-query.service.js';
import { loadWorkPermitConfig, type AttachmentsConfig, type WorkPermitConfig } from './config.js';
import { WorkPermitDecisionService } from './decision/work-permit-decision.service.js';
import { EmployerService } from './employer/employer.service.js';
import { CaseLifecycleProjector } from './lifecycle/case-lifecycle.consumer.js';
import { MaterialsService } from './materials/materials.service.js';
import { PreExaminationService } from './pre-examination/pre-examination.service.js';
import { WebhookDispatcher } from './webhook/webhook-dispatcher.js';
import { WebhookSender } from './webhook/webhook-sender.js';
import { WebhookService } from './webhook/webhook.service.js';
import { WebhookStore } from './webhook/webhook.store.js';

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

const built = new WeakMap<SubgraphRuntime, WorkPermitServices>();
const fileEndpoints = new WeakMap<SubgraphRuntime, string>();

/** Records the file endpoint's base URL once it listens (signed URLs point at it unless ATTACHMENTS_PUBLIC_URL is set). */
export function setFileEndpoint(runtime: SubgraphRuntime, url: string): void {
  fileEndpoints.set(runtime, url);
}

/** The object store the configuration names. */
export function openObjectStore(cfg: AttachmentsConfig): ObjectStore {
  const s = cfg.storage;
  return s.kind === 'filesystem'
    ? new FileSystemObjectStore(s.dir)
    : new S3ObjectStore({
        bucket: s.bucket,
        endpoint: s.endpoint,
        region: s.region,
        accessKeyId: s.accessKeyId,
        secretAccessKey: s.secretAccessKey,
        forcePathStyle: s.forcePathStyle,
        prefix: s.prefix,
      });
}

/** The process's services, built once per runtime (configuration is validated on the first call, at start-up). */
export function servicesFor(runtime: SubgraphRuntime): WorkPermitServices {
  let s = built.get(runtime);
  if (!s) {
    const config = loadWorkPermitConfig();
    const { ds, clock, events, calendar, logger } = runtime;
    const accessLog = new AccessLogService(ds, clock);
    const webhookStore = new WebhookStore(ds);
    const sender = new WebhookSender(
      { requireHttps: config.webhooks.requireHttps, allowedHosts: config.webhooks.allowedHosts },
      config.webhooks.timeoutMs,
    );
    const cases = new CaseQueryService(ds, clock, accessLog);
    const a = config.attachments;
    const store = openObjectStore(a);
    const attachments = new AttachmentService(
      ds,
      clock,
      events,
      a,
      store,
      a.clamav ? new ClamdScanner(a.clamav.host, a.clamav.port, a.clamav.timeoutMs) : NO_SCAN,
      cases,
      accessLog,
      logger.child({ component: 'attachments' }),
      () => a.publicUrl ?? fileEndpoints.get(runtime) ?? `http://${a.filesHost}:${a.filesPort}`,
    );
    s = {
      employers: new EmployerService(ds, clock),
      agencies: new AgencyService(ds, clock),
      agencyClients: new AgencyClientService(ds, clock, config.identityAdmin),
      cases,
      filing: new CaseFilingService(ds, clock, events, calendar, config.renewalWindow),
      preExamination: new PreExaminationService(ds, clock, events, attachments),
      materials: new MaterialsService(ds, clock, events),
      decisions: new WorkPermitDecisionService(ds, clock, events),
      accessLog,
      lifecycle: new CaseLifecycleProjector(events, calendar, logger.child({ component: 'case-lifecycle' })),
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
    built.set(runtime, s);
  }
  return s;
}
