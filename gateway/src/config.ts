import path from 'node:path';
import type { AgencyLimits } from './rate-limit.js';
import {
  EnvReader,
  loadCommonConfig,
  SUBGRAPHS,
  subgraphSecret,
  type CommonConfig,
  type SubgraphName,
} from '@onestop/common';

/** One subgraph as the gateway reaches it. */
export interface SubgraphEndpoint {
  name: SubgraphName;
  url: string;
  secret: string;
}

/** The GraphQL Armor limits, applied alike to HTTP and WebSocket operations. */
export interface OperationLimits {
  maxDepth: number;
  maxAliases: number;
  maxTokens: number;
  maxDirectives: number;
  maxCost: number;
}

/** off: any operation; enforce: only safelisted ones; enforce-except-agencies: partner agencies may send their own. */
export type SafelistMode = 'off' | 'enforce' | 'enforce-except-agencies';

/**
 * How subscribers share an upstream subscription: `scope` shares among subscribers with the
 * same role, agency employers and counter; `actor` gives each person their own.
 */
export type SubscriptionSharing = 'scope' | 'actor';

/** Gateway settings, validated at start-up. Every variable is listed in .env.example. */
export interface GatewayConfig {
  common: Omit<CommonConfig, 'databaseUrl'>;
  port: number;
  host: string;
  subgraphs: SubgraphEndpoint[];
  supergraphPath: string;
  subgraphTimeoutMs: number;
  maxBodyBytes: number;
  limits: OperationLimits;
  /** Only operations in the safelist may run (agencies may be exempted). */
  safelist: SafelistMode;
  /** Where the dashboard's `.graphql` operation documents live (the safelist's source). */
  safelistOperationsDir: string;
  /** A manifest written by `node scripts/dist/safelist.js` (JSON); when set it is used instead of the operations folder. */
  safelistManifestPath: string | undefined;
  /** Per-agency request and cost budgets (decision 0011); over them: 429 RATE_LIMITED with Retry-After. */
  agencyLimits: AgencyLimits;
  /** Answer operations seen before without Apollo Server (fast-path.ts; decision 0018); off: every request through Apollo. */
  fastPath: boolean;
  websocket: {
    /** A client that sends no ConnectionInit within this time is closed with 4408. */
    connectionInitTimeoutMs: number;
    /** At most this many operations at once on one connection. */
    maxOperationsPerConnection: number;
    /** How often the gateway retries a lost subgraph subscription before giving up. */
    upstreamRetryAttempts: number;
    sharing: SubscriptionSharing;
  };
}

const DEFAULT_PORTS: Record<SubgraphName, number> = {
  'work-permit': 4001,
  'residence-permit': 4002,
  'counter-scheduling': 4003,
};

/** Reads the gateway's configuration. */
export function loadGatewayConfig(
  env: Readonly<Record<string, string | undefined>> = process.env,
  repoRoot = process.cwd(),
): GatewayConfig {
  const r = new EnvReader(env);
  // The gateway has no database of its own; a placeholder satisfies the shared loader.
  const { databaseUrl: _db, ...common } = loadCommonConfig({ DATABASE_URL: 'postgres://unused/unused', ...env });
  const manifest = r.optional('GATEWAY_SAFELIST_MANIFEST');
  return {
    common,
    port: r.port('GATEWAY_PORT', 4000),
    host: r.string('HOST', '127.0.0.1'),
    subgraphs: SUBGRAPHS.map((name) => {
      const key = `${name.toUpperCase().replace(/-/g, '_')}`;
      const port = r.port(`${key}_PORT`, DEFAULT_PORTS[name]);
      return {
        name,
        url: r.url(`${key}_URL`, `http://127.0.0.1:${port}/graphql`),
        secret: subgraphSecret(name, common.mode, env),
      };
    }),
    supergraphPath: path.resolve(repoRoot, r.string('SUPERGRAPH_PATH', 'schema/supergraph.graphql')),
    subgraphTimeoutMs: r.int('SUBGRAPH_TIMEOUT_MS', 5000, 100, 120_000),
    maxBodyBytes: r.int('GATEWAY_MAX_BODY_BYTES', 100_000, 1000, 10_000_000),
    limits: {
      maxDepth: r.int('GATEWAY_MAX_DEPTH', 12, 2, 100),
      maxAliases: r.int('GATEWAY_MAX_ALIASES', 15, 0, 1000),
      maxTokens: r.int('GATEWAY_MAX_TOKENS', 3000, 100, 100_000),
      maxDirectives: r.int('GATEWAY_MAX_DIRECTIVES', 20, 0, 1000),
      maxCost: r.int('GATEWAY_MAX_COST', 20_000, 10, 10_000_000),
    },
    safelist: r.oneOf('GATEWAY_SAFELIST', ['off', 'enforce', 'enforce-except-agencies'] as const, 'off'),
    safelistOperationsDir: path.resolve(repoRoot, r.string('GATEWAY_SAFELIST_OPERATIONS', 'dashboard/src/graphql')),
    safelistManifestPath: manifest ? path.resolve(repoRoot, manifest) : undefined,
    agencyLimits: {
      requestsPerMinute: r.int('GATEWAY_AGENCY_REQUESTS_PER_MINUTE', 600, 0, 10_000_000),
      costPerMinute: r.int('GATEWAY_AGENCY_COST_PER_MINUTE', 200_000, 0, 1_000_000_000),
      instances: r.int('GATEWAY_INSTANCES', 1, 1, 1000),
    },
    fastPath: r.oneOf('GATEWAY_FAST_PATH', ['on', 'off'] as const, 'on') === 'on',
    websocket: {
      connectionInitTimeoutMs: r.int('GATEWAY_WS_INIT_TIMEOUT_MS', 3000, 100, 60_000),
      maxOperationsPerConnection: r.int('GATEWAY_WS_MAX_OPERATIONS', 50, 1, 10_000),
      upstreamRetryAttempts: r.int('GATEWAY_UPSTREAM_RETRY_ATTEMPTS', 60, 0, 100_000),
      sharing: r.oneOf('GATEWAY_SUBSCRIPTION_SHARING', ['scope', 'actor'] as const, 'scope'),
    },
  };
}
