import { buildFederatedSchema, type Logger, type SubgraphDefinition } from '@onestop/common';
import { EVENT_TYPES, EventHandlers } from '@onestop/common/contract';
import type { AttachmentService } from './modules/attachments/attachment.service.js';
import { AccessLogEntity } from './modules/access-log/access-log.entity.js';
import { AccessLogResolver } from './modules/access-log/access-log.resolver.js';
import { AgencyEmployerEntity } from './modules/agency/agency-employer.entity.js';
import { AgencyEntity } from './modules/agency/agency.entity.js';
import { AgencyClientResolver } from './modules/agency-client/agency-client.resolver.js';
import { AgencyResolver } from './modules/agency/agency.resolver.js';
import {
  AttachmentUploadEntity,
  AttachmentEntity,
  AttachmentVersionEntity,
} from './modules/attachments/attachment.entity.js';
import {
  AttachmentVersionResolver,
  CaseAttachmentResolver,
  CaseAttachmentsFieldResolver,
  MaterialItemAttachmentResolver,
} from './modules/attachments/attachment.resolver.js';
import { startFileServer } from './modules/attachments/file-server.js';
import { S3ObjectStore } from './modules/attachments/storage/s3-object-store.js';
import { ApplicantResolver } from './modules/applicant/applicant.resolver.js';
import { CaseReferenceCounterEntity } from './modules/case/case-reference-counter.entity.js';
import { CaseTimelineEntity } from './modules/case/case-timeline.entity.js';
import { CaseEntity } from './modules/case/case.entity.js';
import { resolveCaseReference } from './modules/case/case.reference.js';
import { CaseConnectionResolver, CaseResolver } from './modules/case/case.resolver.js';
import { createContext, type WorkPermitContext } from './context.js';
import { WorkPermitDecisionResolver } from './modules/decision/work-permit-decision.resolver.js';
import { EmployerHandlerEntity } from './modules/employer/employer-handler.entity.js';
import { EmployerEntity } from './modules/employer/employer.entity.js';
import { resolveEmployerReference, EmployerResolver } from './modules/employer/employer.resolver.js';
import { LIFECYCLE_EVENT_TYPES } from './modules/lifecycle/case-lifecycle.consumer.js';
import { CaseMaterialEntity } from './modules/materials/case-material.entity.js';
import { MaterialsResolver } from './modules/materials/materials.resolver.js';
import { WpInit1764201600001 } from './migrations/1764201600001-init.js';
import { WpPassportSearch1764201605000 } from './migrations/1764201605000-passport-search.js';
import { WpAttachments1796587892788 } from './migrations/1796587892788-attachments.js';
import { WpCaseSearch1796620000001 } from './migrations/1796620000001-case-search.js';
import { WpIssuanceDue1796650000001 } from './migrations/1796650000001-issuance-due.js';
import { WpIdempotencyLedger1796710000001 } from './migrations/1796710000001-idempotency-ledger.js';
import { PreExaminationResolver } from './modules/pre-examination/pre-examination.resolver.js';
import { servicesOf, setFileEndpoint } from './context.js';
import { WpWebhooks1764201611000 } from './migrations/1764201611000-webhooks.js';
import { AGENCY_EVENT_TYPES } from './modules/webhook/agency-events.js';
import { CaseEventResolver } from './modules/webhook/case-event.resolver.js';
import { WebhookDeliveryResolver, WebhookEndpointResolver } from './modules/webhook/webhook.resolver.js';

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
    AttachmentEntity,
    AttachmentVersionEntity,
    AttachmentUploadEntity,
  ],
  migrations: [
    WpInit1764201600001,
    WpPassportSearch1764201605000,
    WpWebhooks1764201611000,
    WpAttachments1796587892788,
    WpCaseSearch1796620000001,
    WpIssuanceDue1796650000001,
    WpIdempotencyLedger1796710000001,
  ],
  buildSchema: () =>
    buildFederatedSchema(
      {
        resolvers: [
          CaseResolver,
          CaseConnectionResolver,
          ApplicantResolver,
          PreExaminationResolver,
          CaseAttachmentResolver,
          CaseAttachmentsFieldResolver,
          AttachmentVersionResolver,
          MaterialItemAttachmentResolver,
          MaterialsResolver,
          WorkPermitDecisionResolver,
          EmployerResolver,
          AgencyResolver,
          AgencyClientResolver,
          AccessLogResolver,
          WebhookEndpointResolver,
          WebhookDeliveryResolver,
          CaseEventResolver,
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
    const services = servicesOf(runtime);
    if (runtime.config.mode !== 'production') {
      // Demo data lives with the test tooling (@onestop/common/testing): loaded only outside production.
      const { seedDemoEmployers } = await import('./modules/employer/employer.seed.js');
      await seedDemoEmployers(runtime.ds, runtime.clock);
    }
    // One event per transaction: the handlers append events, and the append lock is held to
    // commit, so a larger batch would hold it while locking further cases (a deadlock risk).
    const lifecycle = runtime.events.consume(
      'work-permit.case-lifecycle',
      { batchSize: 1 },
      new EventHandlers().on(LIFECYCLE_EVENT_TYPES, (e, tx) => services.lifecycle.handle(e, tx)),
    );
    const deadlines = runtime.events.consume(
      'work-permit.pre-exam-deadlines',
      { batchSize: 1 },
      new EventHandlers().on(EVENT_TYPES.calendarChanged, (e, tx) => services.lifecycle.onCalendarChanged(e, tx)),
    );
    // Webhooks (decision 0011): the fan-out turns each agency event into one delivery row per
    // endpoint in the consumer's transaction (it appends nothing, so batches stay large); the
    // dispatcher sends them. Every instance may run both: the consumer's row lock and the
    // dispatcher's SKIP LOCKED leases keep two instances from handling one event or delivery.
    const fanOut = runtime.events.consume(
      'work-permit.webhook-fan-out',
      { types: AGENCY_EVENT_TYPES, batchSize: 100 },
      (e, tx) => services.webhookStore.fanOut(tx, e).then(() => undefined),
    );
    await lifecycle.start();
    await deadlines.start();
    await fanOut.start();
    const { store, config } = services;
    if (config.webhooks.dispatch) await services.webhookDispatcher.start();
    // The attachment store must answer before the file endpoint opens (a dev S3 bucket is created).
    if (store instanceof S3ObjectStore) await store.check(runtime.config.mode !== 'production');
    else await store.check();
    const files = await startFileServer({
      port: config.attachments.filesPort,
      host: config.attachments.filesHost,
      frameAncestors: config.attachments.frameAncestors,
      service: () => services.attachments,
      logger: runtime.logger.child({ component: 'files' }),
    });
    setFileEndpoint(runtime, files.url);
    runtime.logger.info({ url: files.url, storage: store.kind }, 'attachment file endpoint ready');
    const retention = startRetentionSweep(services.attachments, config.attachments.retentionSweepMs, runtime.logger);
    return async () => {
      retention.stop();
      await files.close();
      await services.webhookDispatcher.stop();
      await fanOut.stop();
      await lifecycle.stop();
      await deadlines.stop();
      if (store instanceof S3ObjectStore) store.close();
    };
  },
};

/**
 * The retention job: one sweep, then the next after a pause (never two at once in a process;
 * SKIP LOCKED keeps two instances apart). A failed sweep is logged and retried next time.
 */
function startRetentionSweep(attachments: AttachmentService, pauseMs: number, logger: Logger): { stop(): void } {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const run = async (): Promise<void> => {
    try {
      while (!stopped && (await attachments.sweepRetention()) > 0);
    } catch (err) {
      logger.error({ err: (err as Error).message }, 'attachment retention sweep failed');
    }
    if (!stopped) timer = setTimeout(() => void run(), pauseMs);
  };
  timer = setTimeout(() => void run(), pauseMs);
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
