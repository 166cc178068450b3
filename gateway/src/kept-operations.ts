import { createRequire } from 'node:module';
import path from 'node:path';
import type { OperationDefinitionNode } from 'graphql';

/** operationFromDocument's signature (operations.js of @apollo/federation-internals). */
type OperationFromDocument = (
  schema: object,
  document: { definitions: readonly unknown[] },
  options?: { operationName?: string; validate?: boolean },
) => unknown;

/** Operations the fast path keeps (by their parsed definition), and what federation built from each, per API schema. */
const kept = new WeakMap<OperationDefinitionNode, WeakMap<object, unknown> | null>();
let installed: boolean | undefined;

/**
 * `executeQueryPlan` rebuilds federation's `Operation` from the operation's document on every
 * request (`operationFromDocument`, with validation off: the document was validated when it was
 * planned). For an operation the fast path keeps (`keepOperation`), the first build is kept and
 * handed out again: same schema, same definition nodes (parsed documents are never modified),
 * so the same operation. executeQueryPlan reads it (variable definitions, and computeResponse
 * where compiled shaping gives an answer back) and never changes it. Every other call — the
 * planner's, or any document not kept — is built as before. executeQueryPlan looks the function
 * up on federation-internals' exports at each call (the index re-exports operations.js through
 * getters), so replacing operations.js's export is enough. False when this version keeps it
 * elsewhere; then every request builds its operation, as before.
 */
export function installKeptOperations(): boolean {
  if (installed !== undefined) return installed;
  try {
    const require = createRequire(import.meta.url);
    // Resolved from @apollo/gateway, whose executeQueryPlan is the caller.
    const gateway = require.resolve('@apollo/gateway');
    const internals = path.dirname(createRequire(gateway).resolve('@apollo/federation-internals'));
    const operations = require(path.join(internals, 'operations.js')) as {
      operationFromDocument?: OperationFromDocument;
    };
    const original = operations.operationFromDocument;
    if (typeof original !== 'function') return (installed = false);
    const reusing: OperationFromDocument = (schema, document, options) => {
      const first = document.definitions[0] as OperationDefinitionNode | undefined;
      const bySchema = first && options?.validate === false && !options.operationName ? kept.get(first) : undefined;
      if (bySchema === undefined) return original(schema, document, options);
      let built = bySchema?.get(schema);
      if (built === undefined) {
        built = original(schema, document, options);
        if (bySchema) bySchema.set(schema, built);
        else kept.set(first!, new WeakMap([[schema, built]]));
      }
      return built;
    };
    operations.operationFromDocument = reusing;
    installed = true;
  } catch {
    installed = false;
  }
  return installed;
}

/** Marks an operation the fast path keeps: executeQueryPlan builds its federation operation once. */
export function keepOperation(operation: OperationDefinitionNode): void {
  if (!kept.has(operation)) kept.set(operation, null);
}
