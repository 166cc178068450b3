import path from 'node:path';
import { EnvReader, loadCommonConfig, SUBGRAPHS, subgraphSecret, type CommonConfig, type SubgraphName } from '@onestop/common';

/** One subgraph as the gateway reaches it. */
export interface SubgraphEndpoint {
  name: SubgraphName;
  url: string;
  secret: string;
}

/** Gateway settings, validated at start-up. Every variable is listed in .env.example. */
export interface GatewayConfig {
  common: Omit<CommonConfig, 'databaseUrl'>;
  port: number;
  host: string;
  subgraphs: SubgraphEndpoint[];
  supergraphPath: string;
  subgraphTimeoutMs: number;
  maxBodyBytes: number;
  /** Only operations in the safelist may run (agencies may be exempted). */
  safelist: 'off' | 'enforce' | 'enforce-except-agencies';
}

const DEFAULT_PORTS: Record<SubgraphName, number> = { 'work-permit': 4001, 'residence-permit': 4002, 'counter-scheduling': 4003 };

/** Reads the gateway's configuration. */
export function loadGatewayConfig(env: Readonly<Record<string, string | undefined>> = process.env, repoRoot = process.cwd()): GatewayConfig {
  const r = new EnvReader(env);
  // The gateway has no database of its own; a placeholder satisfies the shared loader.
  const { databaseUrl: _db, ...common } = loadCommonConfig({ DATABASE_URL: 'postgres://unused/unused', ...env });
  return {
    common,
    port: r.port('GATEWAY_PORT', 4000),
    host: r.string('HOST', '127.0.0.1'),
    subgraphs: SUBGRAPHS.map((name) => {
      const key = `${name.toUpperCase().replace(/-/g, '_')}`;
      const port = r.port(`${key}_PORT`, DEFAULT_PORTS[name]);
      return { name, url: r.url(`${key}_URL`, `http://127.0.0.1:${port}/graphql`), secret: subgraphSecret(name, common.mode, env) };
    }),
    supergraphPath: path.resolve(repoRoot, r.string('SUPERGRAPH_PATH', 'schema/supergraph.graphql')),
    subgraphTimeoutMs: r.int('SUBGRAPH_TIMEOUT_MS', 5000, 100, 120_000),
    maxBodyBytes: r.int('GATEWAY_MAX_BODY_BYTES', 100_000, 1000, 10_000_000),
    safelist: r.oneOf('GATEWAY_SAFELIST', ['off', 'enforce', 'enforce-except-agencies'] as const, 'off'),
  };
}
