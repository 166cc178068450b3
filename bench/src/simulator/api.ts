import type { Capabilities, FieldInfo } from '../lib/capabilities.js';
import type { GraphQLClient } from '../lib/graphql-client.js';

/** An operation the running API does not offer (yet): the step that needs it is reported, not skipped silently. */
export class MissingOperationError extends Error {
  constructor(readonly missing: string[]) {
    super(`the API has no ${missing.join(' / ')}`);
    this.name = 'MissingOperationError';
  }
}

/** An argument or input field the API requires that the simulator has no value for. */
export class UnfillableInputError extends Error {
  constructor(
    readonly operation: string,
    readonly fields: string[],
  ) {
    super(`${operation}: no value for required ${fields.join(', ')}`);
    this.name = 'UnfillableInputError';
  }
}

/** A selection: field names, or `{ field: [subselection] }`. */
export type Selection = (string | Record<string, Selection>)[];

type Values = Record<string, unknown>;

/**
 * Calls the gateway's operations by name with values matched to the arguments and input
 * fields the schema declares (read by introspection). The simulator names what it knows
 * about a case once (`applicantFullName`, `category`, `slotStart` …) and this layer builds
 * each operation's arguments from those values, so it keeps working while the subgraphs'
 * field names settle, and says exactly which required field it could not fill.
 */
export class Api {
  constructor(
    readonly client: GraphQLClient,
    readonly caps: Capabilities,
  ) {}

  /** The first of `names` the API offers for this root, or null. */
  pick(root: 'query' | 'mutation' | 'subscription', names: readonly string[]): string | null {
    return names.find((n) => this.caps.has(root, n)) ?? null;
  }

  /** Like `pick`, but throws MissingOperationError naming every candidate. */
  need(root: 'query' | 'mutation' | 'subscription', names: readonly string[]): string {
    const found = this.pick(root, names);
    if (!found)
      throw new MissingOperationError(
        names.map((n) => `${root === 'query' ? 'Query' : root === 'mutation' ? 'Mutation' : 'Subscription'}.${n}`),
      );
    return found;
  }

  /** Runs `root.field(args built from values) { selection }` and returns the field's value. */
  async call<T = Record<string, unknown>>(
    root: 'query' | 'mutation',
    field: string | readonly string[],
    values: Values,
    selection: Selection | null,
    token: string,
  ): Promise<T> {
    const name = typeof field === 'string' ? this.need(root, [field]) : this.need(root, field);
    const info = (root === 'query' ? this.caps.query : this.caps.mutation).get(name)!;
    const { text, variables } = this.document(root, info, values, selection);
    const data = await this.client.request<Record<string, T>>(text, variables, token);
    return data[name] as T;
  }

  /** The document and variables for one root field; exposed for subscriptions and benchmarks. */
  document(
    root: 'query' | 'mutation' | 'subscription',
    info: FieldInfo,
    values: Values,
    selection: Selection | null,
  ): { text: string; variables: Values } {
    const opName = `Sim${info.name[0]!.toUpperCase()}${info.name.slice(1)}`;
    const variables: Values = {};
    const defs: string[] = [];
    const args: string[] = [];
    const unfilled: string[] = [];
    for (const a of info.args) {
      const v = this.value(a.type, a.typeRef, a.name, values, `${info.name}(${a.name})`, unfilled);
      if (v === undefined) continue;
      variables[a.name] = v;
      defs.push(`$${a.name}: ${a.typeRef}`);
      args.push(`${a.name}: $${a.name}`);
    }
    if (unfilled.length) throw new UnfillableInputError(`${root}.${info.name}`, unfilled);
    const sel = selection && this.caps.types.has(info.type) ? ` ${this.selection(info.type, selection)}` : '';
    const text = `${root} ${opName}${defs.length ? `(${defs.join(', ')})` : ''} { ${info.name}${args.length ? `(${args.join(', ')})` : ''}${sel} }`;
    return { text, variables };
  }

  /** `{ a b { c } }` for the fields of `type` that exist; unknown fields are left out. */
  selection(type: string, selection: Selection): string {
    const fields = this.caps.fields(type);
    const parts: string[] = [];
    for (const s of selection) {
      if (typeof s === 'string') {
        const f = fields.get(s);
        if (!f) continue;
        // An object field asked for by name alone gets its id (or __typename).
        if (this.caps.types.has(f.type) && !this.caps.enums.has(f.type))
          parts.push(`${s} { ${this.caps.hasField(f.type, 'id') ? 'id' : '__typename'} }`);
        else parts.push(s);
      } else {
        for (const [k, sub] of Object.entries(s)) {
          const f = fields.get(k);
          if (!f) continue;
          parts.push(`${k} ${this.selection(f.type, sub)}`);
        }
      }
    }
    if (!parts.length) parts.push('__typename');
    return `{ ${parts.join(' ')} }`;
  }

  /** The value for an argument or input field: from `values` by name, or built for an input object. */
  private value(
    type: string,
    typeRef: string,
    name: string,
    values: Values,
    path: string,
    unfilled: string[],
  ): unknown {
    const required = typeRef.endsWith('!');
    const given = values[name];
    const isInput = this.caps.inputTypes.has(type);
    if (isInput) {
      if (typeRef.startsWith('[')) {
        if (Array.isArray(given))
          return given.map((g, i) => this.input(type, (g ?? {}) as Values, `${path}[${i}]`, unfilled));
        if (required) unfilled.push(path);
        return undefined;
      }
      const source = given && typeof given === 'object' && !Array.isArray(given) ? (given as Values) : values;
      if (!required && (given === undefined || given === null) && !this.anyFieldGiven(type, values)) return undefined;
      return this.input(type, source, path, unfilled);
    }
    if (given === undefined || given === null) {
      // A checklist of yes/no checks: `'*Boolean': true` answers every required check not named.
      if (required && type === 'Boolean' && typeof values['*Boolean'] === 'boolean') return values['*Boolean'];
      if (required) unfilled.push(path);
      return undefined;
    }
    const allowed = this.caps.enums.get(type);
    if (allowed && typeof given === 'string' && !allowed.includes(given)) {
      unfilled.push(`${path} (${given} is not one of ${allowed.join('/')})`);
      return undefined;
    }
    return given;
  }

  private input(type: string, values: Values, path: string, unfilled: string[]): Values {
    const out: Values = {};
    for (const f of this.caps.fields(type).values()) {
      const v = this.value(f.type, f.typeRef, f.name, values, `${path}.${f.name}`, unfilled);
      if (v !== undefined) out[f.name] = v;
    }
    return out;
  }

  private anyFieldGiven(type: string, values: Values): boolean {
    return [...this.caps.fields(type).keys()].some((k) => values[k] !== undefined);
  }
}
