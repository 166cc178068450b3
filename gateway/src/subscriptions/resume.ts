import type { ArgumentNode, FieldNode, GraphQLSchema, OperationDefinitionNode, VariableDefinitionNode } from 'graphql';
import { graphql } from '../graphql.js';

const { getNamedType, isInterfaceType, isObjectType, Kind, parse, print, stripIgnoredCharacters, valueFromAST, visit } =
  graphql;

/**
 * The resume convention (docs/gateway.md): a subscription field that takes an argument
 * `since: ID` and whose payload type has a field `eventId: ID!` can be resumed. The gateway
 * subscribes to the subgraph with `since` bound to its own variable and `eventId` selected
 * under an alias, remembers the last `eventId` it saw, and on a reconnect subscribes again
 * with `since` = that id, so the subgraph replays exactly what was missed.
 */
export const SINCE_ARGUMENT = 'since';
export const EVENT_ID_FIELD = 'eventId';
/** The variable the gateway binds `since` to in the subgraph operation. */
export const RESUME_VARIABLE = '__onestop_since';
/** The alias under which the gateway reads `eventId` (dropped from what clients receive). */
export const EVENT_ID_ALIAS = '__onestop_eventId';

/** How to resume one subgraph subscription operation. */
export interface Resumable {
  /** The subgraph operation with `since: $__onestop_since` and the aliased `eventId`. */
  operation: string;
  /** The root field's response name in the event's data. */
  responseName: string;
  /** The `since` the client asked for (a literal or its variable), null when none. */
  initialSince(variables: Record<string, unknown>): string | null;
  /** The variables the rewritten operation declares, apart from the resume variable. */
  variableNames: string[];
}

/**
 * Rewrites a subgraph subscription operation (the primary fetch of a subscription plan) so it
 * can be resumed; null when its root field does not follow the convention.
 */
export function makeResumable(operation: string, apiSchema: GraphQLSchema): Resumable | null {
  const document = parse(operation);
  const op = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const subscriptionType = apiSchema.getSubscriptionType();
  if (!op || op.operation !== 'subscription' || !subscriptionType) return null;
  const root = op.selectionSet.selections.find((s): s is FieldNode => s.kind === Kind.FIELD);
  if (!root) return null;
  const field = subscriptionType.getFields()[root.name.value];
  const sinceArg = field?.args.find((a) => a.name === SINCE_ARGUMENT);
  const payload = field ? getNamedType(field.type) : undefined;
  if (
    !field ||
    !sinceArg ||
    !payload ||
    !(isObjectType(payload) || isInterfaceType(payload)) ||
    !payload.getFields()[EVENT_ID_FIELD]
  )
    return null;

  const given = root.arguments?.find((a) => a.name.value === SINCE_ARGUMENT);
  const initialSince = (variables: Record<string, unknown>): string | null => {
    if (!given) return null;
    const v = valueFromAST(given.value, sinceArg.type, variables);
    return v === undefined || v === null ? null : String(v);
  };
  const sinceArgument: ArgumentNode = {
    kind: Kind.ARGUMENT,
    name: { kind: Kind.NAME, value: SINCE_ARGUMENT },
    value: { kind: Kind.VARIABLE, name: { kind: Kind.NAME, value: RESUME_VARIABLE } },
  };
  const eventIdSelection: FieldNode = {
    kind: Kind.FIELD,
    alias: { kind: Kind.NAME, value: EVENT_ID_ALIAS },
    name: { kind: Kind.NAME, value: EVENT_ID_FIELD },
  };
  const rewrittenRoot: FieldNode = {
    ...root,
    arguments: [...(root.arguments ?? []).filter((a) => a.name.value !== SINCE_ARGUMENT), sinceArgument],
    selectionSet: root.selectionSet
      ? { ...root.selectionSet, selections: [eventIdSelection, ...root.selectionSet.selections] }
      : root.selectionSet,
  };
  const withRoot: OperationDefinitionNode = {
    ...op,
    selectionSet: {
      ...op.selectionSet,
      selections: op.selectionSet.selections.map((s) => (s === root ? rewrittenRoot : s)),
    },
  };
  // Variables only the old `since` used would now be unused, which a subgraph rejects.
  const used = new Set<string>();
  visit(withRoot.selectionSet, { Variable: (v) => void used.add(v.name.value) });
  const resumeDefinition: VariableDefinitionNode = {
    kind: Kind.VARIABLE_DEFINITION,
    variable: { kind: Kind.VARIABLE, name: { kind: Kind.NAME, value: RESUME_VARIABLE } },
    type: { kind: Kind.NAMED_TYPE, name: { kind: Kind.NAME, value: getNamedType(sinceArg.type).name } },
  };
  const kept = (op.variableDefinitions ?? []).filter(
    (d) => used.has(d.variable.name.value) && d.variable.name.value !== RESUME_VARIABLE,
  );
  const rewritten: OperationDefinitionNode = { ...withRoot, variableDefinitions: [...kept, resumeDefinition] };
  return {
    operation: stripIgnoredCharacters(
      print({ ...document, definitions: document.definitions.map((d) => (d === op ? rewritten : d)) }),
    ),
    responseName: root.alias?.value ?? root.name.value,
    initialSince,
    variableNames: kept.map((d) => d.variable.name.value),
  };
}

/** The event id the aliased selection carried, or null. */
export function eventIdOf(data: unknown, responseName: string): string | null {
  const payload = (data as Record<string, unknown> | null | undefined)?.[responseName] as
    Record<string, unknown> | null | undefined;
  const id = payload?.[EVENT_ID_ALIAS];
  return typeof id === 'string' || typeof id === 'number' ? String(id) : null;
}
