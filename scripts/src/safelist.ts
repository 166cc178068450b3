/**
 * `node scripts/dist/safelist.js [--out schema/safelist.json]`: hashes every operation in the
 * dashboard's `.graphql` documents (dashboard/src/graphql) into the manifest the gateway
 * enforces with GATEWAY_SAFELIST=enforce|enforce-except-agencies and
 * GATEWAY_SAFELIST_MANIFEST=<file>. Without a manifest the gateway reads the same documents at
 * start-up; the manifest is for deployments that do not ship the dashboard's sources.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { checkOperations, loadGatewayConfig, safelistFromOperations } from '@onestop/gateway';
import { repoRoot } from './paths.js';

const outArg = process.argv.indexOf('--out');
const out = path.resolve(repoRoot, outArg > 0 ? process.argv[outArg + 1]! : 'schema/safelist.json');
const dir = path.join(repoRoot, 'dashboard', 'src', 'graphql');
try {
  // An operation the gateway would refuse anyway (invalid, or over the Armor limits) is not listed.
  const cfg = loadGatewayConfig({ ...process.env, NODE_ENV: 'test' }, repoRoot);
  const problems = await checkOperations(await readFile(cfg.supergraphPath, 'utf8'), dir, cfg.limits);
  if (problems.length) {
    throw new Error(
      problems.map((p) => `${path.relative(repoRoot, p.file)} ${p.operation}: ${p.errors.join('; ')}`).join('\n'),
    );
  }
  const safelist = await safelistFromOperations(dir);
  await writeFile(out, `${JSON.stringify(safelist.toManifest(), null, 2)}\n`);
  process.stdout.write(
    `safelist: ${safelist.size} operations from ${path.relative(repoRoot, dir)} → ${path.relative(repoRoot, out)}\n`,
  );
} catch (err) {
  process.stderr.write(`safelist: ${(err as Error).message}\n`);
  process.exit(1);
}
