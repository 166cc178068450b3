import type { GraphQLClient } from './graphql-client.js';

/** One field of an object or input type, as introspection describes it. */
export interface FieldInfo {
  name: string;
  /** The named type at the bottom of lists and non-nulls. */
  type: string;
  /** The full type, e.g. `[Case!]!`. */
  typeRef: string;
  args: { name: string; type: string; typeRef: string }[];
}

/**
 * What the running API offers: the root fields and every type's fields, read by
 * introspection from the gateway. The simulator checks each step's operations against it
 * and reports the missing ones, instead of failing on the first request.
 */
export class Capabilities {
  constructor(
    readonly query: Map<string, FieldInfo>,
    readonly mutation: Map<string, FieldInfo>,
    readonly subscription: Map<string, FieldInfo>,
    readonly types: Map<string, Map<string, FieldInfo>>,
    readonly enums: Map<string, string[]>,
    /** Names of the input object types. */
    readonly inputTypes: Set<string> = new Set(),
  ) {}

  has(root: 'query' | 'mutation' | 'subscription', field: string): boolean {
    return this[root].has(field);
  }

  /** Fields of a type (object or input), or an empty map. */
  fields(type: string): Map<string, FieldInfo> {
    return this.types.get(type) ?? new Map();
  }

  hasField(type: string, field: string): boolean {
    return this.fields(type).has(field);
  }

  static async load(client: GraphQLClient, token: string): Promise<Capabilities> {
    const data = await client.request<IntrospectionResult>(INTROSPECTION, {}, token);
    const types = new Map<string, Map<string, FieldInfo>>();
    const enums = new Map<string, string[]>();
    const inputTypes = new Set<string>();
    for (const t of data.__schema.types) {
      if (t.kind === 'INPUT_OBJECT') inputTypes.add(t.name);
      if (t.enumValues)
        enums.set(
          t.name,
          t.enumValues.map((v) => v.name),
        );
      const list = t.fields ?? t.inputFields;
      if (!list) continue;
      types.set(
        t.name,
        new Map(
          list.map((f) => [
            f.name,
            {
              name: f.name,
              type: namedType(f.type),
              typeRef: printType(f.type),
              args: (f.args ?? []).map((a) => ({ name: a.name, type: namedType(a.type), typeRef: printType(a.type) })),
            },
          ]),
        ),
      );
    }
    const root = (name: string | undefined): Map<string, FieldInfo> =>
      name ? (types.get(name) ?? new Map()) : new Map();
    return new Capabilities(
      root(data.__schema.queryType?.name),
      root(data.__schema.mutationType?.name),
      root(data.__schema.subscriptionType?.name),
      types,
      enums,
      inputTypes,
    );
  }
}

interface TypeRef {
  kind: string;
  name: string | null;
  ofType: TypeRef | null;
}

interface IntrospectionResult {
  __schema: {
    queryType: { name: string } | null;
    mutationType: { name: string } | null;
    subscriptionType: { name: string } | null;
    types: {
      name: string;
      kind: string;
      enumValues: { name: string }[] | null;
      fields: { name: string; type: TypeRef; args: { name: string; type: TypeRef }[] }[] | null;
      inputFields: { name: string; type: TypeRef; args?: undefined }[] | null;
    }[];
  };
}

function namedType(t: TypeRef): string {
  return t.name ?? (t.ofType ? namedType(t.ofType) : '?');
}

function printType(t: TypeRef): string {
  if (t.kind === 'NON_NULL') return `${printType(t.ofType!)}!`;
  if (t.kind === 'LIST') return `[${printType(t.ofType!)}]`;
  return t.name ?? '?';
}

const TYPE_REF = 'kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } }';
const INTROSPECTION = `query BenchIntrospection {
  __schema {
    queryType { name }
    mutationType { name }
    subscriptionType { name }
    types {
      name kind
      enumValues { name }
      fields { name type { ${TYPE_REF} } args { name type { ${TYPE_REF} } } }
      inputFields { name type { ${TYPE_REF} } }
    }
  }
}`;
