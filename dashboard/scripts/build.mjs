#!/usr/bin/env node
// The dashboard's build, one command for `pnpm build` and the test runner:
// codegen (typed operations from the committed supergraph) → type-check (tsc --noEmit) →
// vite build (dist/) → initial JavaScript size against the budget.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => path.join(dir, 'node_modules', '.bin', name);
const steps = [
  ['codegen', process.execPath, ['scripts/codegen.mjs']],
  ['type-check', bin('tsc'), ['--noEmit', '-p', '.']],
  ['vite build', bin('vite'), ['build', '--logLevel', 'warn']],
  ['bundle size', process.execPath, ['scripts/bundle-size.mjs']],
];
for (const [name, cmd, args] of steps) {
  const r = spawnSync(cmd, args, { cwd: dir, stdio: 'inherit', env: process.env });
  if (r.status !== 0) {
    process.stderr.write(`dashboard build: ${name} failed.\n`);
    process.exit(r.status ?? 1);
  }
}
