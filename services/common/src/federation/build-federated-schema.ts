import { buildSubgraphSchema } from '@apollo/subgraph';
import { printSchemaWithDirectives, type IResolvers } from '@graphql-tools/utils';
import type { GraphQLSchema } from 'graphql';
import { gql } from 'graphql-tag';
import { buildSchema, createResolversMap, type BuildSchemaOptions, type PubSub } from 'type-graphql';
import { guardTextInput, type TextInputOptions } from './text-input.js';

/** The Federation 2 directives OneStop subgraphs use. */
const FEDERATION_LINK = `
  extend schema
    @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@shareable", "@external", "@requires", "@provides", "@inaccessible"])
`;

/**
 * type-graphql refuses to build any `@Subscription` without a `pubSub`, even one that brings
 * its own `subscribe` function. OneStop subscriptions all do (they read the event log through
 * `EventStore.subscribe`), so topic-based pub/sub is never used: this one says so if it is.
 */
const NO_TOPIC_PUBSUB: PubSub = {
  publish(topic) {
    throw new TypeError(`Topic pub/sub is not used in OneStop (publish "${topic}"): append a domain event instead.`);
  },
  subscribe(topic) {
    throw new TypeError(
      `Topic pub/sub is not used in OneStop (subscribe "${topic}"): give @Subscription a subscribe function over EventStore.subscribe.`,
    );
  },
};

/**
 * Builds a Federation 2 subgraph schema from type-graphql resolvers: type-graphql makes the
 * schema, Apollo's buildSubgraphSchema adds `_entities`/`_service`, and `referenceResolvers`
 * supply each entity's `__resolveReference` (which must call assertCan like any resolver), and
 * the shared input layer checks every String/ID argument before any resolver sees it
 * (`guardTextInput`). The one helper every subgraph uses.
 */
export async function buildFederatedSchema(
  options: Omit<BuildSchemaOptions, 'skipCheck'>,
  referenceResolvers: IResolvers = {},
  textInput: TextInputOptions = {},
): Promise<GraphQLSchema> {
  const schema = await buildSchema({ pubSub: NO_TOPIC_PUBSUB, ...options, skipCheck: true, validate: false });
  const resolvers = createResolversMap(schema) as Record<string, Record<string, unknown>>;
  for (const [type, fields] of Object.entries(referenceResolvers as Record<string, Record<string, unknown>>)) {
    resolvers[type] = { ...(resolvers[type] ?? {}), ...fields };
  }
  return guardTextInput(
    buildSubgraphSchema([
      {
        typeDefs: gql`
          ${FEDERATION_LINK}
          ${printSchemaWithDirectives(schema)}
        `,
        resolvers: resolvers as never,
      },
    ]),
    textInput,
  );
}
