import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { DocumentNode, GraphQLError as GraphQLErrorType, GraphQLSchema, ValidationRule } from 'graphql';
import { BoundedCache } from './bounded-cache.js';
import { graphql } from './graphql.js';
import type { OperationLimits } from './config.js';
import type { GatewayContext } from './context.js';

/** Documents remembered as within the token limit, and the longest one remembered (characters). */
const TOKEN_COUNT_CACHE_ENTRIES = 1000;
const TOKEN_COUNT_CACHE_MAX_CHARS = 20_000;
/** Valid WebSocket documents remembered per schema (texts up to TOKEN_COUNT_CACHE_MAX_CHARS). */
const CHECKED_DOCUMENT_CACHE_ENTRIES = 500;

const { GraphQLError, Lexer, NoSchemaIntrospectionCustomRule, parse, Source, specifiedRules, TokenKind, validate } =
  graphql;

/** The hooks of an Apollo Server plugin (server-wide and per request). */
const PLUGIN_HOOKS = [
  'serverWillStart',
  'requestDidStart',
  'unexpectedErrorProcessingRequest',
  'startupDidFail',
  'contextCreationDidFail',
  'invalidRequestWasReceived',
  'renderLandingPage',
  'schemaDidLoadOrUpdate',
] as const;

/**
 * Armor is published as CommonJS and typed against Apollo Server's CJS build, whose request
 * context names a different (CJS) `HeaderMap` class than the one this gateway's ESM Apollo
 * uses; the plugins themselves are plain objects of hook functions, which this checks.
 */
function isApolloPlugin(plugin: object): plugin is ApolloServerPlugin<GatewayContext> {
  return PLUGIN_HOOKS.every((hook) => {
    const fn: unknown = Reflect.get(plugin, hook);
    return fn === undefined || typeof fn === 'function';
  });
}

function apolloPlugins(plugins: readonly object[]): ApolloServerPlugin<GatewayContext>[] {
  return plugins.map((plugin) => {
    if (!isApolloPlugin(plugin))
      throw new TypeError('GraphQL Armor returned an Apollo Server plugin of an unknown shape.');
    return plugin;
  });
}

/** The same limits for HTTP (Apollo plugins + validation rules) and WebSocket (parse + validate here). */
export interface Protection {
  validationRules: ValidationRule[];
  apolloPlugins: ApolloServerPlugin<GatewayContext>[];
  /** The token-limit error for a source over the limit, else null (syntax errors are left to the parser). */
  tokenLimitError(source: string): GraphQLErrorType | null;
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
    // Armor's Apollo token plugin throws from parsingDidStart, which Apollo answers with a 500
    // (for every syntax error too); the gateway counts tokens itself before Apollo parses.
    maxTokens: { enabled: false },
    maxDirectives: { n: limits.maxDirectives },
    costLimit: { maxCost: limits.maxCost, ignoreIntrospection: !production },
    blockFieldSuggestion: { enabled: production },
  });
  const protection = armor.protect();
  const validationRules = protection.validationRules;
  // Clients send the same few documents again and again: remember the ones already counted
  // within the limit (by their exact text) instead of lexing them on every request. Only
  // documents within the limit are remembered, so one over it is always counted and refused.
  const withinLimit = new BoundedCache<string, true>(TOKEN_COUNT_CACHE_ENTRIES);
  // Like Apollo Server's document cache for HTTP: a WebSocket operation text that parsed and
  // validated once (against the same schema and rules) gives the same document again. Only
  // valid documents are remembered; parsed documents are never modified.
  const checkedDocuments = new WeakMap<GraphQLSchema, BoundedCache<string, DocumentNode>>();
  const tokenLimitError = (source: string): GraphQLErrorType | null => {
    if (withinLimit.get(source)) return null;
    if (countTokens(source, limits.maxTokens) > limits.maxTokens) {
      return new GraphQLError(`Syntax Error: Token limit of ${limits.maxTokens} exceeded.`, {
        extensions: { code: 'GRAPHQL_PARSE_FAILED' },
      });
    }
    if (source.length <= TOKEN_COUNT_CACHE_MAX_CHARS) withinLimit.set(source, true);
    return null;
  };
  return {
    validationRules,
    apolloPlugins: apolloPlugins(protection.plugins),
    tokenLimitError,
    check(schema, source) {
      let valid = checkedDocuments.get(schema);
      if (!valid) checkedDocuments.set(schema, (valid = new BoundedCache(CHECKED_DOCUMENT_CACHE_ENTRIES)));
      const known = valid.get(source);
      if (known) return { document: known };
      const overLimit = tokenLimitError(source);
      if (overLimit) return { errors: [overLimit] };
      let document: DocumentNode;
      try {
        document = parse(source);
      } catch (err) {
        return { errors: [new GraphQLError((err as Error).message, { extensions: { code: 'GRAPHQL_PARSE_FAILED' } })] };
      }
      const found = validate(schema, document, [
        ...specifiedRules,
        ...validationRules,
        ...(production ? [NoSchemaIntrospectionCustomRule] : []),
      ]);
      if (found.length) {
        return {
          errors: found.map(
            (e) =>
              new GraphQLError(production ? hideSuggestions(e.message) : e.message, {
                nodes: e.nodes,
                extensions: { ...e.extensions, code: 'GRAPHQL_VALIDATION_FAILED' },
              }),
          ),
        };
      }
      if (source.length <= TOKEN_COUNT_CACHE_MAX_CHARS) valid.set(source, document);
      return { document };
    },
  };
}

/** Field suggestions name parts of the schema; production hides them (introspection is off there too). */
export function hideSuggestions(message: string): string {
  return message.replace(/ ?Did you mean .+\?$/, '');
}

/**
 * Counts a document's tokens (as graphql-js and Armor count them: every lexical token but
 * end-of-file), stopping once past `limit`. A source that does not lex counts what lexed.
 */
export function countTokens(source: string, limit: number): number {
  const lexer = new Lexer(new Source(source));
  let n = 0;
  try {
    while (lexer.advance().kind !== TokenKind.EOF) {
      if (++n > limit) break;
    }
  } catch {
    // A syntax error: the parser reports it.
  }
  return n;
}
