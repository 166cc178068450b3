/**
 * The dashboard's operation documents are the safelist's source: every one must be valid
 * against the committed supergraph and within the gateway's Armor limits, or the gateway
 * would refuse an operation it lists.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkOperations, loadGatewayConfig, safelistFromOperations } from '@onestop/gateway';
import { repoRoot } from '@onestop/scripts';

describe('gateway: the safelist from the dashboard’s operations', () => {
  const dir = path.join(repoRoot, 'dashboard', 'src', 'graphql');
  const cfg = loadGatewayConfig({ NODE_ENV: 'test' }, repoRoot);

  it('lists every dashboard operation, each valid and within the limits the gateway enforces', async () => {
    const safelist = await safelistFromOperations(dir);
    expect(safelist.size).toBeGreaterThan(0);
    const problems = await checkOperations(await readFile(cfg.supergraphPath, 'utf8'), dir, cfg.limits);
    expect(problems.map((p) => `${path.relative(repoRoot, p.file)} ${p.operation}: ${p.errors.join('; ')}`)).toEqual(
      [],
    );
  });
});
