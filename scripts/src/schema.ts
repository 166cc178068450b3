/**
 * `pnpm schema`: prints each subgraph's SDL into schema/<subgraph>.graphql and composes
 * schema/supergraph.graphql. `pnpm schema:check`: fails on drift or a composition error.
 */
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { composeServices } from '@apollo/composition';
import { SUBGRAPHS } from '@onestop/common';
import { parse } from 'graphql';
import { repoRoot } from './paths.js';

const run = promisify(execFile);

/** Default subgraph URLs recorded in the supergraph; the gateway overrides them from its config. */
const DEFAULT_URLS: Record<string, string> = {
  'work-permit': 'http://127.0.0.1:4001/graphql',
  'residence-permit': 'http://127.0.0.1:4002/graphql',
  'counter-scheduling': 'http://127.0.0.1:4003/graphql',
};

/** Builds the SDL of every subgraph (each in its own process: type-graphql keeps global metadata) and composes them. */
export async function buildArtifacts(): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const sdls = await Promise.all(
    SUBGRAPHS.map(async (name) => {
      const { stdout } = await run(
        process.execPath,
        [path.join(repoRoot, 'services', name, 'dist', 'print-schema.js')],
        { cwd: repoRoot },
      );
      return { name, typeDefs: stdout.trimEnd() + '\n' };
    }),
  );
  for (const s of sdls) files.set(`${s.name}.graphql`, s.typeDefs);
  const result = composeServices(
    sdls.map((s) => ({ name: s.name, url: DEFAULT_URLS[s.name], typeDefs: parse(s.typeDefs) })),
  );
  if (result.errors?.length || !result.supergraphSdl) {
    throw new Error(`Composition failed:\n${(result.errors ?? []).map((e) => `  - ${e.message}`).join('\n')}`);
  }
  files.set('supergraph.graphql', result.supergraphSdl);
  return files;
}

async function main(): Promise<void> {
  const check = process.argv.includes('--check');
  let files: Map<string, string>;
  try {
    files = await buildArtifacts();
  } catch (err) {
    process.stderr.write(`schema: ${(err as Error).message}\n`);
    process.exit(1);
  }
  const drift: string[] = [];
  for (const [file, content] of files) {
    const target = path.join(repoRoot, 'schema', file);
    if (check) {
      const committed = await readFile(target, 'utf8').catch(() => '');
      if (committed !== content) drift.push(`schema/${file}`);
    } else {
      await writeFile(target, content);
    }
  }
  if (check && drift.length) {
    process.stderr.write(`schema: drift in ${drift.join(', ')}: run \`pnpm schema\` and commit the result.\n`);
    process.exit(1);
  }
  process.stdout.write(
    check
      ? 'schema: up to date, composition ok\n'
      : `schema: wrote ${[...files.keys()].map((f) => `schema/${f}`).join(', ')}\n`,
  );
}

await main();
