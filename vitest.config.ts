import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

// type-graphql and TypeORM read decorator metadata, which esbuild does not emit: SWC does.
export default defineConfig({
  plugins: [
    swc.vite({
      jsc: {
        parser: { syntax: 'typescript', decorators: true },
        transform: { legacyDecorator: true, decoratorMetadata: true },
        target: 'es2022',
      },
    }),
  ],
  test: {
    include: [
      'services/*/src/**/*.spec.ts',
      'gateway/src/**/*.spec.ts',
      'scripts/src/**/*.spec.ts',
      'bench/src/**/*.spec.ts',
      'dashboard/src/**/*.spec.ts',
      'test/src/**/*.test.ts',
      'dashboard/src/**/*.spec.ts',
    ],
    exclude: ['**/node_modules/**', '**/dist/**'],
    globalSetup: ['test/src/setup/global-database.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 180_000,
  },
});
