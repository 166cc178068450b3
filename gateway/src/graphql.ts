import { createRequire } from 'node:module';

/**
 * graphql-js as the CommonJS instance that @apollo/gateway, @apollo/federation-internals,
 * Apollo Server and graphql-ws use. graphql checks `instanceof` across its classes (schemas,
 * errors); Node resolves `import 'graphql'` to that same CommonJS build, but bundling test
 * runners resolve it to the ESM build, which is a second copy. Taking it through `require`
 * keeps the gateway on one copy wherever it runs.
 */
export const graphql = createRequire(import.meta.url)('graphql') as typeof import('graphql');
