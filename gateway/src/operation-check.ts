import { readFile } from 'node:fs/promises';
import { Supergraph } from '@apollo/federation-internals';
import type { DocumentNode, OperationDefinitionNode } from 'graphql';
import { createProtection } from './armor.js';
import type { OperationLimits } from './config.js';
import { graphql } from './graphql.js';
import { executableDefinitions, graphqlFilesUnder } from './safelist.js';

const { Kind, parse, print } = graphql;

/** An operation document the gateway would refuse. */
export interface OperationProblem {
  file: string;
  operation: string;
  errors: string[];
}

/**
 * Checks every operation in the `.graphql` documents under `dir` as the gateway would run
 * it: valid against the supergraph's API schema and within the Armor limits. A safelisted
 * operation that fails here would be listed and still refused, so the safelist script and the
 * tests use this to catch it first.
 */
export async function checkOperations(
  supergraphSdl: string,
  dir: string,
  limits: OperationLimits,
  production = true,
): Promise<OperationProblem[]> {
  const schema = Supergraph.build(supergraphSdl).apiSchema().toGraphQLJSSchema();
  const protection = createProtection(limits, production);
  const problems: OperationProblem[] = [];
  for (const file of await graphqlFilesUnder(dir)) {
    const source = await readFile(file, 'utf8');
    let document: DocumentNode;
    try {
      document = parse(source);
    } catch (err) {
      problems.push({ file, operation: '(document)', errors: [(err as Error).message] });
      continue;
    }
    for (const op of document.definitions.filter(
      (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
    )) {
      // Each operation as a client sends it: with the fragments it uses (an unused one is a validation error).
      const single = executableDefinitions(document, op)
        .map((d) => print(d))
        .join('\n');
      const result = protection.check(schema, single);
      if ('errors' in result)
        problems.push({
          file,
          operation: op.name?.value ?? '(anonymous)',
          errors: result.errors.map((e) => e.message),
        });
    }
  }
  return problems;
}
