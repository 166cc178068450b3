import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { DocumentNode, OperationDefinitionNode } from 'graphql';
import { errorCodeLabel, type ProcessMetrics } from './metrics.js';

/** Says whether an operation name may be used as a label as it is (the gateway: its hash is in the safelist). */
export type KnownOperation = (document: DocumentNode, operationName: string | null | undefined) => boolean;

/** Labels already worked out, beside the parsed documents (Apollo reuses one parsed document per query text). */
const labelsByDocument = new WeakMap<DocumentNode, Map<string, string>>();

/**
 * The bounded label of an operation: its name when `known` vouches for it (a safelisted
 * operation), otherwise `<type> <first root field>` — a field of the schema, since the
 * document has been validated — never the client's free text.
 */
export function operationLabel(
  document: DocumentNode,
  operation: OperationDefinitionNode,
  operationName: string | null | undefined,
  known?: KnownOperation,
): string {
  let byName = labelsByDocument.get(document);
  const key = operationName ?? '';
  const cached = byName?.get(key);
  if (cached) return cached;
  let label: string;
  if (operationName && known?.(document, operationName)) {
    label = operationName;
  } else {
    const first = operation.selectionSet.selections[0];
    label = `${operation.operation} ${first?.kind === 'Field' ? first.name.value : '(fragment)'}`;
  }
  if (!byName) labelsByDocument.set(document, (byName = new Map()));
  if (byName.size < 8) byName.set(key, label);
  return label;
}

/**
 * Records every GraphQL operation Apollo Server answers: count by outcome, latency, and each
 * error's `extensions.code`. A request that fails before an operation is resolved (parse or
 * validation errors) is labelled `(invalid)`. Costs each request one small hooks object and
 * two or three metric updates.
 */
export function graphqlMetricsPlugin<C extends BaseContext>(
  metrics: ProcessMetrics,
  known?: KnownOperation,
): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      const started = performance.now();
      let label = '(invalid)';
      let type = 'unknown';
      return {
        async didResolveOperation({ document, operation, operationName }) {
          if (!operation) return;
          type = operation.operation;
          label = metrics.boundedOperation(operationLabel(document, operation, operationName, known));
        },
        async willSendResponse({ response, errors }) {
          const failed =
            (errors?.length ?? 0) > 0 ||
            (response.body.kind === 'single' && (response.body.singleResult.errors?.length ?? 0) > 0);
          metrics.operations.inc({ operation: label, type, outcome: failed ? 'error' : 'ok' });
          metrics.operationDuration.observe({ operation: label, type }, (performance.now() - started) / 1000);
          const list =
            errors ?? (response.body.kind === 'single' ? response.body.singleResult.errors : undefined) ?? [];
          for (const e of list) {
            metrics.operationErrors.inc({ operation: label, code: errorCodeLabel(e.extensions?.code) });
          }
        },
      };
    },
  };
}
