import type { SubgraphDefinition } from '@onestop/common';
import { buildFederatedSchema } from '@onestop/common';
import { CaseEntity } from './case/case.entity.js';
import { resolveCaseReference } from './case/case.reference.js';
import { CaseResolver } from './case/case.resolver.js';
import { createContext, type WorkPermitContext } from './context.js';
import { EmployerEntity } from './employer/employer.entity.js';
import { WpInit1764201600001 } from './migrations/1764201600001-init.js';

/** The work-permit subgraph: owns Case and the Beijing Overseas Talents Center's half of it. */
export const workPermitSubgraph: SubgraphDefinition<WorkPermitContext> = {
  name: 'work-permit',
  dbSchema: 'wp',
  defaultPort: 4001,
  entities: [CaseEntity, EmployerEntity],
  migrations: [WpInit1764201600001],
  buildSchema: () =>
    buildFederatedSchema(
      { resolvers: [CaseResolver] },
      { Case: { __resolveReference: (ref: { id: string }, ctx: WorkPermitContext) => resolveCaseReference(ref, ctx) } },
    ),
  createContext,
};
