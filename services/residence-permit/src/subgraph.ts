import { buildFederatedSchema, type SubgraphDefinition } from '@onestop/common';
import { createContext, servicesOf, type ResidencePermitContext } from './context.js';
import { caseEventsConsumer } from './modules/case-events/case-events.consumer.js';
import { CustodyResolver } from './modules/custody/custody.resolver.js';
import { DecisionResolver } from './modules/decision/decision.resolver.js';
import { InterviewResolver } from './modules/interview/interview.resolver.js';
import { MaterialItemEntity } from './modules/materials/material-item.entity.js';
import { MaterialsResolver } from './modules/materials/materials.resolver.js';
import { RpInit1764201600002 } from './migrations/1764201600002-init.js';
import { RpVerificationIdempotency1764201608000 } from './migrations/1764201608000-verification-idempotency.js';
import { RpVerificationKeysToLedger1796720000001 } from './migrations/1796720000001-verification-keys-to-ledger.js';
import { ResidencePermitEntity } from './modules/residence-permit/residence-permit.entity.js';
import { resolveCaseReference } from './modules/residence-permit/residence-permit.reference.js';
import {
  CaseResidencePermitResolver,
  ResidencePermitResolver,
} from './modules/residence-permit/residence-permit.resolver.js';
import { CaseRef } from './modules/residence-permit/residence-permit.type.js';
import { VerificationEntity } from './modules/verification/verification.entity.js';
import { VerificationResolver } from './modules/verification/verification.resolver.js';

/** The residence-permit subgraph: the Exit-Entry Administration's half of every case. */
export const residencePermitSubgraph: SubgraphDefinition<ResidencePermitContext> = {
  name: 'residence-permit',
  dbSchema: 'rp',
  defaultPort: 4002,
  entities: [ResidencePermitEntity, MaterialItemEntity, VerificationEntity],
  migrations: [RpInit1764201600002, RpVerificationIdempotency1764201608000, RpVerificationKeysToLedger1796720000001],
  buildSchema: () =>
    buildFederatedSchema(
      {
        resolvers: [
          ResidencePermitResolver,
          CaseResidencePermitResolver,
          MaterialsResolver,
          InterviewResolver,
          VerificationResolver,
          DecisionResolver,
          CustodyResolver,
        ],
        orphanedTypes: [CaseRef],
      },
      {
        Case: {
          __resolveReference: (ref: { id: string }, ctx: ResidencePermitContext) => resolveCaseReference(ref, ctx),
        },
      },
      // The public receipt look-up answers { valid: false } for any malformed number, text that is
      // not text included (it checks it itself: CustodyService.checkReceipt).
      { lenient: ['Query.receiptOfAcceptance'] },
    ),
  createContext,
  async start(runtime) {
    const { filing, custody } = servicesOf(runtime);
    const consumer = caseEventsConsumer(runtime.events, filing, custody);
    await consumer.start();
    return () => consumer.stop();
  },
};
