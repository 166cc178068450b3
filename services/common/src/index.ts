/**
 * @onestop/common: the platform runtime every OneStop deployable shares (errors, config,
 * clock, auth, database, event log, calendar, servers, observability). Two more entry points:
 * `@onestop/common/contract` (the vocabulary and the event catalogue between subgraphs) and
 * `@onestop/common/testing` (test and demo tooling, which production code cannot import).
 * docs/architecture.md draws the split.
 */
export {
  OneStopError,
  RateLimitedError,
  BadUserInputError,
  UnauthenticatedError,
  ForbiddenError,
  NotFoundError,
  ConflictError,
  InvalidTransitionError,
  FinalDecisionError,
  ServiceUnavailableError,
  StartupError,
  InvariantError,
  type ErrorCode,
} from './errors.js';
export {
  EnvReader,
  loadCommonConfig,
  subgraphSecret,
  identityAdminSecret,
  redactUrl,
  SUBGRAPHS,
  loadAuthConfig,
  EMBEDDED_ISSUER_DEFAULT,
  API_AUDIENCE_DEFAULT,
  type CommonConfig,
  type AuthConfig,
  type RunMode,
  type SubgraphName,
} from './config.js';
export { createLogger, type Logger } from './logger.js';
export { isUuid } from './ids.js';
export { idempotencyKeyProblems, MAX_IDEMPOTENCY_KEY_LENGTH } from './idempotency.js';
/** The subgraph kernel: the command pipeline, the idempotency ledger, the wiring (decision 0022). */
export * from './kernel/index.js';
export { systemClock, ControlledClock, createClock, advanceSharedClock, CLOCK_CHANNEL, type Clock } from './clock.js';
export { ROLES, actorFromClaims, type Actor, type Role, type OneStopClaims } from './auth/actor.js';
export {
  TokenVerifier,
  ForwardedIdentity,
  TOKEN_ALGORITHMS,
  type ActorResolver,
  type TokenVerifierOptions,
} from './auth/tokens.js';
export {
  requestDevToken,
  DEV_TOKEN_GRANT,
  DEV_CLIENT_ID,
  DEV_CLIENT_SECRET,
  type DevTokenRequest,
} from './auth/dev-token-client.js';
export {
  actorFromMappedClaims,
  claimAt,
  parseRoleValues,
  DEFAULT_CLAIM_MAPPING,
  type ClaimMapping,
} from './auth/claim-mapping.js';
export { assertCan, can, employerScope, type Action, type Resource } from './auth/assert-can.js';
export {
  signRequest,
  verifyRequestSignature,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  REQUEST_ID_HEADER,
  type SignedParts,
} from './auth/request-signing.js';
export { openDatabase, quoteIdent, type DatabaseOptions } from './db/database.js';
export { startEmbeddedPostgres, type EmbeddedDatabase, type EmbeddedDatabaseOptions } from './db/embedded-postgres.js';
export { PgListener } from './db/pg-listener.js';
export { isUniqueViolation, isDatabaseUnavailable } from './db/pg-errors.js';
export { leanColumns, leanPick, leanRows, leanStatement, leanTable, type LeanStatement } from './db/lean-rows.js';
export { platformMigrations } from './platform/platform-migrations.js';
export { buildFederatedSchema } from './federation/build-federated-schema.js';
export {
  guardTextInput,
  textInputProblems,
  textProblem,
  type TextInputOptions,
  MAX_ID_LENGTH,
  MAX_STRING_LENGTH,
} from './federation/text-input.js';
export { PageInfo, MAX_PAGE_SIZE, pageSize, encodeCursor, decodeCursor, assertNoProblems } from './federation/relay.js';
export {
  startSubgraphServer,
  signedConnectionParams,
  type RequestContext,
  type SubgraphServerOptions,
  type RunningServer,
  type DevRoutes,
} from './server/subgraph-server.js';
export { maskError } from './server/error-masking.js';
export {
  actorOrRefuse,
  answerFailure,
  jsonOrRefuse,
  serveGraphQLEndpoint,
  type GraphQLEndpoint,
  type GraphQLHttpRequest,
} from './server/graphql-endpoint.js';
export {
  readBody,
  sendJson,
  sendGraphQLError,
  listen,
  BodyTooLargeError,
  headerMapOf,
  writeGraphQLResponse,
} from './server/http-utils.js';
export {
  startSubgraph,
  type SubgraphDefinition,
  type SubgraphRuntime,
  type StartedSubgraph,
} from './server/subgraph-runtime.js';
export { runMain } from './server/run-main.js';
export { freePort } from './server/free-port.js';
export { migrateSubgraph, runMigrations } from './server/migrate-subgraph.js';
export {
  PostgresEventStore,
  SubscriptionOverflowError,
  EVENT_APPEND_LOCK,
  EVENTS_CHANNEL,
  type PostgresEventStoreOptions,
  type EventStore,
  type EventSubscription,
  type Consumer,
  type EventHandler,
  type ReadOptions,
  type SubscribeOptions,
  type ConsumeOptions,
} from './events/index.js';
export {
  SHANGHAI_TIME_ZONE,
  addCalendarDays,
  parseIsoDate,
  shanghaiDate,
  shanghaiDayEnd,
  shanghaiDayStart,
  weekday,
  type IsoDateParts,
  WorkingDayCalendar,
  type CalendarData,
  type CalendarEntry,
  type DayInfo,
  type DayKind,
  HolidayNoticeError,
  noticeToEntries,
  parseHolidayNotice,
  type HolidayNotice,
  BUNDLED_OFFICIAL_YEARS,
  CalendarStore,
  saveHolidayNotice,
  saveClosure,
} from './calendar/index.js';
export {
  VerifiedTokenCache,
  VERIFIED_TOKEN_CACHE_DEFAULTS,
  type VerifiedTokenCacheOptions,
} from './auth/verified-token-cache.js';
export { caseGateKey, lockCaseGate, lastCaseEvent } from './events/index.js';
export {
  ProcessMetrics,
  LATENCY_BUCKETS,
  errorCodeLabel,
  graphqlMetricsPlugin,
  operationLabel,
  registerDatabaseMetrics,
  registerPoolMetrics,
  httpRequestMetrics,
  startMetricsEndpoint,
  loadObservabilityConfig,
  startTracing,
  inServerSpan,
  withSpan,
  failSpan,
  type KnownOperation,
  type MetricsEndpoint,
  type ObservabilityConfig,
  type Tracing,
} from './observability/index.js';
