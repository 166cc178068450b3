import { assertCan, buildFederatedSchema, type SubgraphDefinition } from '@onestop/common';
import { createContext, type ResidencePermitContext } from './context.js';
import { RpInit1764201600002 } from './migrations/1764201600002-init.js';
import { ResidencePermitEntity } from './residence-permit/residence-permit.entity.js';
import { CaseResidencePermitResolver } from './residence-permit/residence-permit.resolver.js';
import { CaseRef } from './residence-permit/residence-permit.type.js';

/** The residence-permit subgraph: the Exit-Entry Administration's half of every case. */
export const residencePermitSubgraph: SubgraphDefinition<ResidencePermitContext> = {
  name: 'residence-permit',
  dbSchema: 'rp',
  defaultPort: 4002,
  entities: [ResidencePermitEntity],
  migrations: [RpInit1764201600002],
  buildSchema: () =>
    buildFederatedSchema(
      { resolvers: [CaseResidencePermitResolver], orphanedTypes: [CaseRef] },
      {
        Case: {
          __resolveReference: (ref: { id: string }, ctx: ResidencePermitContext) => {
            assertCan(ctx.actor, 'case.read');
            return { id: ref.id };
          },
        },
      },
    ),
  createContext,
};
