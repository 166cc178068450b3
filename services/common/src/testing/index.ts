/**
 * @onestop/common/testing: test and demo tooling. Throwaway databases, a test token issuer,
 * and the fixed identities of the demo data. Production code cannot import it (ESLint
 * `no-restricted-imports`, eslint.config.js); the demo seeds (`*.seed.ts`) may.
 */
export { createTestDatabase, TEST_ADMIN_URL_ENV, type TestDatabase } from './test-database.js';
export { createTestIssuer, serveTestIssuer, type TestIssuer, type ServedTestIssuer } from './test-issuer.js';
export { DEMO_EMPLOYERS, DEMO_AGENCIES } from './demo-identities.js';
export { demoAgencyClaims, startSubgraphTestRuntime, type SubgraphTestRuntime } from './subgraph-test-runtime.js';
