export {
  CommandPipeline,
  type CommandAuthor,
  type CommandContext,
  type CommandIdempotency,
  type CommandPipelineDeps,
  type CommandSpec,
  type EventSubject,
} from './command-pipeline.js';
export {
  IdempotencyLedger,
  assertIdempotencyKey,
  canonicalRequest,
  keyReusedError,
  importKeptKeys,
  type KeptKey,
  type IdempotentRequest,
  type PriorAttempt,
} from './idempotency-ledger.js';
export { oncePerRuntime } from './wiring.js';

import type { SubgraphRuntime } from '../server/subgraph-runtime.js';
import { CommandPipeline } from './command-pipeline.js';

/** The command pipeline of a running subgraph (its database, clock, event log and name). */
export function commandPipeline(runtime: SubgraphRuntime): CommandPipeline {
  return new CommandPipeline({ subgraph: runtime.name, ds: runtime.ds, clock: runtime.clock, events: runtime.events });
}
