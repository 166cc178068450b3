import type { CommonConfig } from '@onestop/common';

/**
 * residence-permit's settings. It has none of its own today: the shared ones (database, ports,
 * identity, observability) come from `loadCommonConfig` and reach it as `runtime.config`, and
 * its business limits are rules of the domain (`shared/custody-rules.ts`, the areas' rules), not
 * deployment settings. A setting this subgraph gains is read and validated here, with a
 * working default, and listed in `.env.example`.
 */
export interface ResidencePermitConfig {
  common: CommonConfig;
}

/** Reads and validates residence-permit's settings; a bad value stops the start-up with one line. */
export function loadResidencePermitConfig(common: CommonConfig): ResidencePermitConfig {
  return { common };
}
