/**
 * `node scripts/dist/migrate.js`: applies every pending migration (platform, then each
 * subgraph's schema) and exits: the migration job of the container deployment, run before
 * new pods (docs/deploy.md: upgrades). Each subgraph migrates in its own process through its
 * own entry point (`services/<name>/dist/migrate.js`), as it would at start-up. Needs DATABASE_URL.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { SUBGRAPHS } from '@onestop/common';
import { repoRoot } from './paths.js';

for (const name of SUBGRAPHS) {
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'services', name, 'dist', 'migrate.js')], {
    stdio: 'inherit',
    env: process.env,
  });
  if (r.status !== 0) {
    process.stderr.write(`error: the migrations of ${name} did not complete (exit ${r.status ?? r.signal}).\n`);
    process.exit(1);
  }
}
process.stdout.write(`migrations up to date: ${SUBGRAPHS.join(', ')}\n`);
