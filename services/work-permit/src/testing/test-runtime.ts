import { startSubgraphTestRuntime, type SubgraphTestRuntime } from '@onestop/common/testing';
import { seedDemoEmployers } from '../modules/employer/employer.seed.js';
import { workPermitSubgraph } from '../subgraph.js';

/** The work-permit service layer on a throwaway database, without HTTP: for specs that need the real SQL. */
export type TestRuntime = SubgraphTestRuntime;

/**
 * Builds work-permit's runtime the way startSubgraph does (platform and wp migrations, event
 * store, calendar, demo employers), with `onQuery` seeing every SQL statement the DataSource
 * runs: the statement counter behind the batching specs.
 */
export function startTestRuntime(opts: { onQuery?: (sql: string) => void } = {}): Promise<TestRuntime> {
  return startSubgraphTestRuntime(workPermitSubgraph, {
    onQuery: opts.onQuery,
    seed: (runtime) => seedDemoEmployers(runtime.ds, runtime.clock),
  });
}
