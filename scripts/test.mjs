#!/usr/bin/env node
// `pnpm test`: type-check (build), schema drift, dashboard build, ESLint, Prettier, then every vitest suite
// (unit, integration, cross-service, browser). Ends with one line: "N passed, N failed".
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => path.join(root, 'node_modules', '.bin', name);
const results = [];
if (Number(process.versions.node.split('.')[0]) !== 24) {
  process.stderr.write(`OneStop runs on Node 24 (this is ${process.version}): run \`npm test\`, which installs it.\n`);
  process.exit(1);
}
// The .bin shims run `node` from PATH: make it this Node 24 for every step.
const env = { ...process.env, PATH: [path.dirname(process.execPath), process.env.PATH].join(path.delimiter) };

function step(name, cmd, args) {
  process.stdout.write(`\n▶ ${name}: ${[path.basename(cmd), ...args].join(' ')}\n`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env });
  const ok = r.status === 0;
  results.push({ name, ok });
  process.stdout.write(`${ok ? '✓' : '✗'} ${name}\n`);
  return ok;
}

const built = step('type-check and build', bin('tsc'), ['-b', 'tsconfig.build.json']);
if (built) step('schema drift', process.execPath, ['scripts/dist/schema.js', '--check']);
// Codegen from the committed supergraph, type-check, vite build; prints the initial JS size and
// fails over budget. The browser tests in vitest serve this build.
step('dashboard build', process.execPath, ['dashboard/scripts/build.mjs']);
step('eslint', bin('eslint'), ['.', '--max-warnings', '0']);
step('prettier', bin('prettier'), ['--check', '.', '--log-level', 'warn']);

let passed = results.filter((r) => r.ok).length;
let failed = results.length - passed;
if (built) {
  const out = path.join(root, 'test', 'artifacts', 'vitest-results.json');
  mkdirSync(path.dirname(out), { recursive: true });
  rmSync(out, { force: true });
  const extra = process.argv.slice(2);
  step('vitest', bin('vitest'), ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${out}`, ...extra]);
  results.pop(); // counted by its own tests below
  if (existsSync(out)) {
    const report = JSON.parse(readFileSync(out, 'utf8'));
    passed += report.numPassedTests;
    failed += report.numFailedTests;
    // A suite that failed to load (syntax, setup) has no failed tests but must fail the run.
    failed += report.testResults.filter(
      (s) => s.status === 'failed' && s.assertionResults.every((a) => a.status !== 'failed'),
    ).length;
    if (report.numTotalTests === 0) failed += 1;
  } else {
    failed += 1;
  }
} else {
  failed += 1; // nothing could run
}
process.stdout.write(`\n${passed} passed, ${failed} failed\n`);
process.exit(failed === 0 ? 0 : 1);
