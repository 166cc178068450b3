import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayGraphQLRequest, GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { InvariantError, REQUEST_ID_HEADER } from '@onestop/common';
import type { FieldNode, GraphQLFormattedError, OperationDefinitionNode, SelectionNode } from 'graphql';
import { BoundedCache } from './bounded-cache.js';
import { graphql } from './graphql.js';
import type { SubgraphEndpoint } from './config.js';
import type { GatewayContext } from './context.js';
import { signingFetcher, SubgraphResponse } from './signing-fetcher.js';
import type { FetcherResponse } from '@apollo/utils.fetcher';

const { GraphQLError, Kind, parse } = graphql;

/** Codes a subgraph's own answer may carry through unchanged; anything else becomes SERVICE_UNAVAILABLE. */
const PASS_THROUGH = new Set([
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'BAD_USER_INPUT',
  'NOT_FOUND',
  'GRAPHQL_VALIDATION_FAILED',
]);

/** Told the outcome of each subgraph call and when it started (`performance.now()`): the gateway's metrics. */
export type SubgraphCallObserver = (subgraph: string, outcome: 'ok' | 'error' | 'unavailable', started: number) => void;

/**
 * A subgraph as the gateway calls it: signed requests with the caller's Authorization and
 * request id, a timeout, and — the point of this class — a subgraph that cannot answer (down,
 * too slow, 5xx) turns into GraphQL errors *with paths* instead of a thrown error. The query
 * plan then places each error at the fields that subgraph owed (for an entity fetch, at every
 * entity's path), the other subgraphs' fields are still returned, and nothing about the
 * subgraph (its URL, the HTTP response) leaks to the client.
 */
export class OneStopDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    private readonly endpoint: SubgraphEndpoint,
    timeoutMs: number,
    private readonly observe: SubgraphCallObserver = () => undefined,
  ) {
    super({ url: endpoint.url });
    this.fetcher = signingFetcher(endpoint.secret, timeoutMs, endpoint.name);
    // Cache-Control from subgraphs is not used: every answer is per-actor.
    this.honorSubgraphCacheControlHeader = false;
  }

  /**
   * What `RemoteGraphQLDataSource.process` does for this gateway (a JSON POST, no APQ, no
   * cache-control), done directly: the base class builds node-fetch `Headers` and `Request`
   * objects for every subgraph call only to hand them to hooks this gateway does not use.
   * A subgraph that cannot answer becomes errors at the fields it owed (below).
   */
  override async process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<GatewayGraphQLResponse> {
    const started = performance.now();
    const context = options.context as Partial<GatewayContext>;
    try {
      const answer = await this.read(await this.post(options.request, context));
      if (!replaying(context)) this.observe(this.endpoint.name, answer.errors?.length ? 'error' : 'ok', started);
      return answer;
    } catch (err) {
      this.failed(err, context, started);
      if (options.kind !== 'incoming operation') throw err;
      return { errors: errorsAtPaths(options.request, describeFailure(err, this.endpoint.name).error) };
    }
  }

  /**
   * The fast path's pass-through (fast-path.ts): the one call of a plan whose answer is the
   * subgraph's `data` as it is. Returns the response body Apollo Server would send — `{"data":…}`
   * and a newline — or null when the answer is anything else (errors, extensions, a failure),
   * which Apollo then answers from the recorded call. When the subgraph's own body is exactly
   * that (an object with `data`, an object, and nothing else, as Apollo Server writes it), its
   * bytes are the answer, neither parsed nor written again.
   */
  async passThrough(request: GatewayGraphQLRequest, context: GatewayContext): Promise<string | null> {
    const started = performance.now();
    try {
      const response = await this.post(request, context);
      if (response.ok && isJsonType(response.headers.get('content-type'))) {
        const text = response instanceof SubgraphResponse ? response.bodyText() : await response.text();
        if (isDataOnlyBody(text)) {
          this.observe(this.endpoint.name, 'ok', started);
          return text.endsWith('\n') ? text : `${text}\n`;
        }
      }
      const answer = await this.read(response);
      this.observe(this.endpoint.name, answer.errors?.length ? 'error' : 'ok', started);
      if (answer.errors !== undefined || answer.extensions !== undefined) return null;
      const data = answer.data;
      return data && typeof data === 'object' && !Array.isArray(data) ? `${JSON.stringify({ data })}\n` : null;
    } catch (err) {
      this.failed(err, context, started);
      return null;
    }
  }

  /** A call that failed: counted and logged once (a replayed call was, when it was made). */
  private failed(err: unknown, context: Partial<GatewayContext>, started: number): void {
    if (replaying(context)) return;
    this.observe(this.endpoint.name, 'unavailable', started);
    context.logger?.warn(
      {
        subgraph: this.endpoint.name,
        err: (err as Error)?.message,
        status: describeFailure(err, this.endpoint.name).status,
      },
      'subgraph request failed',
    );
  }

  /** Sends the request (signed by the fetcher), or replays its recorded answer. */
  private post(request: GatewayGraphQLRequest, context: Partial<GatewayContext>): Promise<FetcherResponse> {
    if (!request.query) throw new InvariantError('A subgraph request without a query.');
    const headers: Record<string, string> = {};
    if (request.http?.headers) for (const [name, value] of request.http.headers) headers[name.toLowerCase()] = value;
    headers['content-type'] = 'application/json';
    // The caller's identity and request id travel to the subgraph (which verifies the token again).
    if (context.authorization) headers.authorization = context.authorization;
    if (context.requestId) headers[REQUEST_ID_HEADER] = context.requestId;
    const body = requestBody(request.query, request.variables, request.operationName, request.extensions);
    const calls = context.subgraphCalls;
    return calls
      ? calls.call(this.endpoint.name, body, () => this.fetcher(this.url!, { method: 'POST', headers, body }))
      : this.fetcher(this.url!, { method: 'POST', headers, body });
  }

  /** The answer as RemoteGraphQLDataSource reads it: a non-2xx is an error, the body a JSON object. */
  private async read(response: FetcherResponse): Promise<GatewayGraphQLResponse> {
    if (!response.ok) throw await this.errorFromResponse(response);
    // The signing fetcher's answers are read whole already: parsed here at once, as parseBody would.
    const parsed =
      response instanceof SubgraphResponse && isJsonType(response.headers.get('content-type'))
        ? JSON.parse(response.bodyText())
        : await this.parseBody(response);
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new InvariantError('The subgraph did not answer with a JSON object.');
    }
    return { ...(parsed as GatewayGraphQLResponse), http: response };
  }
}

/** The planner's subgraph queries (a few per kept plan), as JSON strings: escaped once, not per call. */
const quotedQueries = new BoundedCache<string, string>(1000);

/**
 * `JSON.stringify({ query, variables, operationName, extensions })`, byte for byte, with the
 * query's JSON string kept: a kept plan sends the same query text on every request.
 */
export function requestBody(
  query: string,
  variables: Record<string, unknown> | undefined,
  operationName: string | undefined,
  extensions: Record<string, unknown> | undefined,
): string {
  if (extensions !== undefined || (variables !== undefined && (typeof variables !== 'object' || variables === null)))
    return JSON.stringify({ query, variables, operationName, extensions });
  let quoted = quotedQueries.get(query);
  if (quoted === undefined) {
    quoted = JSON.stringify(query);
    if (query.length <= 100_000) quotedQueries.set(query, quoted);
  }
  let body = `{"query":${quoted}`;
  if (variables !== undefined) body += `,"variables":${JSON.stringify(variables)}`;
  if (operationName !== undefined) body += `,"operationName":${JSON.stringify(operationName)}`;
  return `${body}}`;
}

function ignore(): void {}

function replaying(context: Partial<GatewayContext>): boolean {
  return context.subgraphCalls?.replaying === true;
}

/** What RemoteGraphQLDataSource.parseBody reads as JSON. */
function isJsonType(contentType: string | null): boolean {
  return (
    contentType !== null &&
    (contentType.startsWith('application/json') || contentType.startsWith('application/graphql-response+json'))
  );
}

const DATA_PREFIX = '{"data":{';

/**
 * True when `text` is `{"data":{…}}` (a newline after it allowed) and nothing else: the data
 * object's braces are matched outside strings, and the outer object closes right after it,
 * so there are no `errors` (Apollo Server writes them first) and no `extensions`. Anything
 * else — spaces, other keys, `"data":null` — is left to the parser. The subgraphs are
 * Apollo Server (JSON.stringify), so their bytes are what the gateway would write.
 */
export function isDataOnlyBody(text: string): boolean {
  if (!text.startsWith(DATA_PREFIX)) return false;
  let depth = 1;
  let i = DATA_PREFIX.length;
  const n = text.length;
  for (; i < n && depth > 0; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // A string: skip to its closing quote (escapes skip the next character).
      for (i++; i < n; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c) i++;
        else if (d === 0x22) break;
      }
    } else if (c === 0x7b || c === 0x5b) depth++;
    else if (c === 0x7d || c === 0x5d) depth--;
  }
  if (depth !== 0 || text.charCodeAt(i) !== 0x7d) return false;
  const rest = n - i - 1;
  return rest === 0 || (rest === 1 && text.charCodeAt(n - 1) === 0x0a);
}

/**
 * The subgraph calls of one request, kept so that the request can be answered a second time
 * without calling any subgraph again. The gateway's fast path (fast-path.ts) records every
 * call it makes; when the answer needs Apollo's full pipeline after all (errors to place and
 * mask, value completion), the request is run through Apollo Server with the log replaying:
 * each call gets the very answer (or failure) the subgraph gave the first time, so a mutation
 * is never sent twice and the response is the one Apollo would have given in the first place.
 */
export class SubgraphCallLog {
  /** In the order made; a replay takes the first not yet replayed with the same subgraph and body. */
  private readonly calls: { subgraph: string; body: string; pending: Promise<FetcherResponse> | null }[] = [];
  private mode: 'record' | 'replay' = 'record';

  get replaying(): boolean {
    return this.mode === 'replay';
  }

  /** From now on every call is answered from what was recorded. */
  replay(): void {
    this.mode = 'replay';
  }

  /** Makes (recording) or replays the call with this exact body to this subgraph. */
  call(subgraph: string, body: string, send: () => Promise<FetcherResponse>): Promise<FetcherResponse> {
    if (this.mode === 'replay') {
      const recorded = this.calls.find((c) => c.pending && c.subgraph === subgraph && c.body === body);
      const pending = recorded?.pending;
      if (recorded) recorded.pending = null;
      // Plans are deterministic: the same plan over the same answers makes the same calls.
      // Were it ever otherwise, refusing beats sending a mutation a second time.
      return (
        pending ?? Promise.reject(new InvariantError(`A replayed request made a call to ${subgraph} it had not made.`))
      );
    }
    const pending = send();
    // Recorded failures are awaited by their replay; until then they are not unhandled.
    pending.catch(ignore);
    this.calls.push({ subgraph, body, pending });
    return pending;
  }
}

interface Failure {
  error: Omit<GraphQLFormattedError, 'path'>;
  status: number | undefined;
}

function describeFailure(err: unknown, subgraph: string): Failure {
  const response =
    err instanceof GraphQLError
      ? (err.extensions.response as { status?: number; body?: unknown } | undefined)
      : undefined;
  const status = response?.status;
  // A 4xx answer with GraphQL errors (the subgraph refused the request): keep its code and message.
  const bodyErrors = (response?.body as { errors?: GraphQLFormattedError[] } | undefined)?.errors;
  const first = Array.isArray(bodyErrors) ? bodyErrors[0] : undefined;
  const code = String(first?.extensions?.code ?? '');
  if (status && status < 500 && first && PASS_THROUGH.has(code)) {
    return { status, error: { message: first.message, extensions: { code } } };
  }
  const timedOut = err instanceof Error && (err.name === 'TimeoutError' || /timeout|timed out/i.test(err.message));
  return {
    status,
    error: {
      message: timedOut
        ? `The ${subgraph} service did not answer in time; its fields are null and the rest was returned.`
        : `The ${subgraph} service is unavailable right now; its fields are null and the rest was returned.`,
      extensions: { code: 'SERVICE_UNAVAILABLE', service: subgraph },
    },
  };
}

/**
 * One error per field the failed fetch would have filled: for an entity fetch each entity's
 * fields at `_entities[i].<field>` (the query plan turns that into the entity's path in the
 * response), otherwise each root field of the fetch.
 */
function errorsAtPaths(
  request: GraphQLDataSourceProcessOptions['request'],
  error: Omit<GraphQLFormattedError, 'path'>,
): GraphQLFormattedError[] {
  let op: OperationDefinitionNode | undefined;
  try {
    op = parse(request.query ?? '').definitions.find(
      (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
    );
  } catch {
    // The query came from the planner; if it does not parse, the error is reported without a path.
  }
  const roots = (op?.selectionSet.selections ?? []).filter((s): s is FieldNode => s.kind === Kind.FIELD);
  const representations = request.variables?.representations;
  if (Array.isArray(representations)) {
    const entities = roots.find((f) => f.name.value === '_entities');
    return representations.flatMap((rep: { __typename?: string }, i) => {
      const fields = (entities?.selectionSet?.selections ?? []).flatMap((s) =>
        s.kind === Kind.INLINE_FRAGMENT && (!s.typeCondition || s.typeCondition.name.value === rep?.__typename)
          ? responseNames(s.selectionSet.selections)
          : [],
      );
      return fields.length
        ? [...new Set(fields)].map((f) => ({ ...error, path: ['_entities', i, f] }))
        : [{ ...error, path: ['_entities', i] }];
    });
  }
  const fields = responseNames(roots);
  return fields.length ? fields.map((f) => ({ ...error, path: [f] })) : [error];
}

function responseNames(selections: readonly SelectionNode[]): string[] {
  return selections.flatMap((s) =>
    s.kind === Kind.FIELD && s.name.value !== '__typename' ? [s.alias?.value ?? s.name.value] : [],
  );
}

/** The data sources of every subgraph, keyed by the supergraph's subgraph name. */
export function createDataSources(
  endpoints: readonly SubgraphEndpoint[],
  timeoutMs: number,
  observe?: SubgraphCallObserver,
): Map<string, OneStopDataSource> {
  return new Map(endpoints.map((e) => [e.name, new OneStopDataSource(e, timeoutMs, observe)]));
}
