import js from '@eslint/js';
import jsxA11y from 'eslint-plugin-jsx-a11y';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      '.data/**',
      '.tools/**',
      'test/artifacts/**',
      'dashboard/src/generated/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "ThrowStatement > NewExpression[callee.name='Error']",
          message:
            'Throw an error class from @onestop/common errors.ts (stable extensions.code, or InvariantError for internal invariants), not a bare Error.',
        },
      ],
    },
  },
  // The dashboard runs in the browser: React hooks rules and accessibility (jsx-a11y) checks.
  {
    files: ['dashboard/src/**/*.{ts,tsx}'],
    ...jsxA11y.flatConfigs.recommended,
    plugins: { ...jsxA11y.flatConfigs.recommended.plugins, 'react-hooks': reactHooks },
    languageOptions: {
      ...jsxA11y.flatConfigs.recommended.languageOptions,
      globals: { ...globals.browser },
      parserOptions: { ecmaFeatures: { jsx: true } },
    },
    rules: { ...jsxA11y.flatConfigs.recommended.rules, ...reactHooks.configs.flat['recommended-latest'].rules },
  },
  // Test and demo tooling stays out of production code (issue 17, docs/architecture.md): only
  // specs, tests, benchmarks, scripts, the testing/ folders and the demo seeds (`*.seed.ts`,
  // loaded by dynamic import outside production only) may import it.
  {
    files: ['services/*/src/**/*.ts', 'gateway/src/**/*.ts', 'dashboard/src/**/*.{ts,tsx}'],
    ignores: ['**/*.spec.ts', '**/*.test.ts', '**/testing/**', '**/*.seed.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: '@onestop/common/testing',
              message:
                'Test and demo tooling is not for production code: import it from specs, test/, bench/, scripts/, a testing/ folder or a *.seed.ts demo seed.',
            },
          ],
          patterns: [
            {
              group: ['**/testing', '**/testing/*'],
              message: 'A testing/ folder is test tooling: production code does not import it.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.spec.ts', '**/*.test.ts', 'test/**', 'bench/**', 'scripts/**', '**/testing/**', '**/*.mjs'],
    rules: { 'no-restricted-syntax': 'off' },
  },
);
