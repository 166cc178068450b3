import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { DocumentNode, GraphQLError as GraphQLErrorType, GraphQLSchema, ValidationRule } from 'graphql';
import { graphql } from './graphql.js';
import type { OperationLimits } from './config.js';
import type { GatewayContext } from './context.js';

const { GraphQLError, parse, specifiedRules, validate } = graphql;

/** The same limits for HTTP (Apollo plugins + validation rules) and WebSocket (parse + validate here). */
export interface Protection {
  validationRules: ValidationRule[];
  apolloPlugins: ApolloServerPlugin<GatewayContext>[];
  /**
   * Parses and validates a WebSocket operation exactly as HTTP does: the token limit while
   * parsing, then graphql-js's rules plus the depth, alias, directive and cost limits.
   * Returns the document or the errors (with `extensions.code`) to send back.
   */
  check(schema: GraphQLSchema, source: string): { document: DocumentNode } | { errors: GraphQLErrorType[] };
}

/**
 * GraphQL Armor, configured once. The depth limit's introspection exemption (armor skips a
 * *field* named `__schema`; before armor 2.4.2 of max-depth / cost-limit it skipped any node
 * with that name, so an operation or fragment named `__schema` bypassed the limit) is only
 * kept outside production, where introspection exists for tools; in production every
 * operation is depth-limited, introspection or not.
 */
export function createProtection(limits: OperationLimits, production: boolean): Protection {
  const armor = new ApolloArmor({
    maxDepth: { n: limits.maxDepth, ignoreIntrospection: !production },
    maxAliases: { n: limits.maxAliases },
    maxTokens: { n: limits.maxTokens },
    maxDirectives: { n: limits.maxDirectives },
    costLimit: { maxCost: limits.maxCost, ignoreIntrospection: !production },
    blockFieldSuggestion: { enabled: production },
  });
  const protection = armor.protect();
  // Armor is published as CommonJS and typed against Apollo's CJS build; its plugins and rules are plain objects.
  const validationRules = protection.validationRules as unknown as ValidationRule[];
  return {
    validationRules,
    apolloPlugins: protection.plugins as unknown as ApolloServerPlugin<GatewayContext>[],
    check(schema, source) {
      let document: DocumentNode;
      try {
        document = parse(source, { maxTokens: limits.maxTokens });
      } catch (err) {
        const message = /Document contains more/.test((err as Error).message) ? `Syntax Error: Token limit of ${limits.maxTokens} exceeded.` : (err as Error).message;
        return { errors: [new GraphQLError(message, { extensions: { code: 'GRAPHQL_PARSE_FAILED' } })] };
      }
      const found = validate(schema, document, [...specifiedRules, ...validationRules]);
      if (found.length) {
        return {
          errors: found.map(
            (e) => new GraphQLError(production ? hideSuggestions(e.message) : e.message, { nodes: e.nodes, extensions: { ...e.extensions, code: 'GRAPHQL_VALIDATION_FAILED' } }),
          ),
        };
      }
      return { document };
    },
  };
}

/** Field suggestions name parts of the schema; production hides them (introspection is off there too). */
export function hideSuggestions(message: string): string {
  return message.replace(/ ?Did you mean .+\?$/, '');
}
