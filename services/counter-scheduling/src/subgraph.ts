import { assertCan, buildFederatedSchema, type SubgraphDefinition } from '@onestop/common';
import { createContext, type CounterSchedulingContext } from './context.js';
import { ServiceCounterEntity } from './counter/counter.entity.js';
import { CounterResolver } from './counter/counter.resolver.js';
import { seedCounters } from './counter/counter.seed.js';
import { CsInit1764201600003 } from './migrations/1764201600003-init.js';
import { CaseOperationsResolver } from './sla/sla.resolver.js';
import { CaseRef } from './sla/sla.type.js';

/** The counter-scheduling subgraph: counters, appointments, queues, acceptance, claims and SLA clocks. */
export const counterSchedulingSubgraph: SubgraphDefinition<CounterSchedulingContext> = {
  name: 'counter-scheduling',
  dbSchema: 'cs',
  defaultPort: 4003,
  entities: [ServiceCounterEntity],
  migrations: [CsInit1764201600003],
  buildSchema: () =>
    buildFederatedSchema(
      { resolvers: [CounterResolver, CaseOperationsResolver], orphanedTypes: [CaseRef] },
      {
        Case: {
          __resolveReference: (ref: { id: string }, ctx: CounterSchedulingContext) => {
            assertCan(ctx.actor, 'case.read');
            return { id: ref.id };
          },
        },
      },
    ),
  createContext,
  async start(runtime) {
    await seedCounters(runtime.ds);
    return async () => undefined;
  },
};
