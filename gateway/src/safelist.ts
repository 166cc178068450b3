import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ApolloServerPlugin } from '@apollo/server';
import { StartupError, type Actor } from '@onestop/common';
import type {
  DocumentNode,
  FragmentDefinitionNode,
  GraphQLError as GraphQLErrorType,
  OperationDefinitionNode,
} from 'graphql';
import { graphql } from './graphql.js';
import type { SafelistMode } from './config.js';
import type { GatewayContext } from './context.js';

const { GraphQLError, Kind, parse, print, stripIgnoredCharacters, visit } = graphql;

/** The error code of an operation refused by the safelist; stable for clients. */
export const NOT_IN_SAFELIST = 'OPERATION_NOT_IN_SAFELIST';

/**
 * The hash of one executable operation: the operation and the fragments it uses (sorted by
 * name), printed and stripped of whitespace and comments, SHA-256. Formatting, comments,
 * other operations in the same document and unused fragments do not change it; anything a
 * server would execute differently does.
 */
export function operationHash(document: DocumentNode, operationName?: string | null): string | null {
  const operations = document.definitions.filter(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  const operation = operationName
    ? operations.find((o) => o.name?.value === operationName)
    : operations.length === 1
      ? operations[0]
      : undefined;
  if (!operation) return null;
  const parts = executableDefinitions(document, operation).map((d) => stripIgnoredCharacters(print(d)));
  return createHash('sha256').update(parts.join('\n')).digest('hex');
}

/** An operation and the fragments it uses, transitively, sorted by name: what a server executes. */
export function executableDefinitions(
  document: DocumentNode,
  operation: OperationDefinitionNode,
): (OperationDefinitionNode | FragmentDefinitionNode)[] {
  const fragments = new Map(
    document.definitions
      .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
      .map((f) => [f.name.value, f]),
  );
  const used = new Map<string, FragmentDefinitionNode>();
  const collect = (node: OperationDefinitionNode | FragmentDefinitionNode): void => {
    visit(node, {
      FragmentSpread(spread) {
        const name = spread.name.value;
        const fragment = fragments.get(name);
        if (!fragment || used.has(name)) return;
        used.set(name, fragment);
        collect(fragment);
      },
    });
  };
  collect(operation);
  return [operation, ...[...used.values()].sort((a, b) => a.name.value.localeCompare(b.name.value))];
}

/** Every operation's hash in a document of operations (a dashboard `.graphql` file). */
export function documentHashes(source: string, file = 'document'): string[] {
  let document: DocumentNode;
  try {
    document = parse(source);
  } catch (err) {
    throw new StartupError(`${file} is not a valid GraphQL document: ${(err as Error).message}`);
  }
  return document.definitions
    .filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)
    .map((op) => {
      if (!op.name) throw new StartupError(`${file}: every safelisted operation needs a name.`);
      return operationHash(document, op.name.value)!;
    });
}

/** The operations the gateway lets through when the safelist is enforced. */
export class Safelist {
  constructor(private readonly hashes: ReadonlySet<string>) {}

  get size(): number {
    return this.hashes.size;
  }

  has(hash: string | null): boolean {
    return hash !== null && this.hashes.has(hash);
  }

  /** The hashes, sorted, as `node scripts/dist/safelist.js` writes them. */
  toManifest(): { version: 1; operations: string[] } {
    return { version: 1, operations: [...this.hashes].sort() };
  }
}

/** Every `.graphql`/`.gql` file under `dir`, recursively, in a stable order; a missing folder has none. */
export async function graphqlFilesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) await walk(full);
      else if (e.name.endsWith('.graphql') || e.name.endsWith('.gql')) out.push(full);
    }
  };
  await walk(dir);
  return out;
}

/** Reads every `.graphql` file under `dir` (recursively) into a safelist. A missing folder is an empty safelist. */
export async function safelistFromOperations(dir: string): Promise<Safelist> {
  const hashes = new Set<string>();
  for (const file of await graphqlFilesUnder(dir)) {
    for (const h of documentHashes(await readFile(file, 'utf8'), file)) hashes.add(h);
  }
  return new Safelist(hashes);
}

/** Reads a manifest written by `node scripts/dist/safelist.js`. */
export async function safelistFromManifest(file: string): Promise<Safelist> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new StartupError(`GATEWAY_SAFELIST_MANIFEST=${file} cannot be read as JSON: ${(err as Error).message}`);
  }
  const ops = (parsed as { operations?: unknown }).operations;
  if (!Array.isArray(ops) || !ops.every((h) => typeof h === 'string' && /^[0-9a-f]{64}$/.test(h))) {
    throw new StartupError(
      `GATEWAY_SAFELIST_MANIFEST=${file} must be {"version":1,"operations":["<sha256 hex>", ...]}.`,
    );
  }
  return new Safelist(new Set(ops as string[]));
}

/** True when this actor's operations must be in the safelist. */
export function safelistApplies(mode: SafelistMode, actor: Actor | null): boolean {
  if (mode === 'off') return false;
  if (mode === 'enforce-except-agencies') return actor?.role !== 'AGENCY';
  return true;
}

/** The error for a refused operation. */
export function notInSafelistError(): GraphQLErrorType {
  return new GraphQLError('This operation is not in the safelist of operations this gateway accepts.', {
    extensions: { code: NOT_IN_SAFELIST, http: { status: 400 } },
  });
}

/** Hashes already computed, beside the parsed documents they belong to (weakly: they go with the document). */
const hashesByDocument = new WeakMap<DocumentNode, Map<string, string | null>>();

/**
 * {@link operationHash}, remembered per parsed document. Apollo Server hands the same parsed
 * document to every request with the same query text (its document cache), and the WebSocket
 * server reuses checked documents the same way (armor.ts), so each operation is printed and
 * hashed once rather than on every request.
 */
export function memoizedOperationHash(document: DocumentNode, operationName?: string | null): string | null {
  let byName = hashesByDocument.get(document);
  if (!byName) hashesByDocument.set(document, (byName = new Map()));
  const key = operationName ?? '';
  let hash = byName.get(key);
  if (hash === undefined) {
    hash = operationHash(document, operationName);
    // A document has few operations; names that match none are not remembered.
    if (hash !== null && byName.size < 16) byName.set(key, hash);
  }
  return hash;
}

/** Refuses HTTP operations outside the safelist (the WebSocket server checks the same in onSubscribe). */
export function safelistPlugin(mode: SafelistMode, safelist: Safelist): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, request, contextValue }) {
          if (!safelistApplies(mode, contextValue.actor)) return;
          if (!safelist.has(memoizedOperationHash(document, request.operationName))) throw notInSafelistError();
        },
      };
    },
  };
}
