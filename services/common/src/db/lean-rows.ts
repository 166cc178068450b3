import { createHash } from 'node:crypto';
import type { Pool, QueryResultRow } from 'pg';
import type { DataSource, EntityTarget, ObjectLiteral } from 'typeorm';

/**
 * A read statement of the request path: fixed SQL text, sent as a named (prepared) statement,
 * so each pooled connection parses and plans it once and afterwards only binds and executes.
 */
export interface LeanStatement {
  /** `onestop_<hash of the text>`: one name per text, never reused for another. */
  readonly name: string;
  readonly text: string;
}

const statements = new WeakMap<DataSource, Map<string, LeanStatement>>();

/**
 * The statement named `key` of this DataSource, built on first use (`build` may read the
 * entities' metadata: `leanColumns`, `leanTable`) and kept for the DataSource's life.
 */
export function leanStatement(ds: DataSource, key: string, build: () => string): LeanStatement {
  let byKey = statements.get(ds);
  if (!byKey) statements.set(ds, (byKey = new Map()));
  let s = byKey.get(key);
  if (!s) {
    const text = build().trim();
    s = { name: `onestop_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`, text };
    byKey.set(key, s);
  }
  return s;
}

/**
 * Runs a read on the DataSource's pool without TypeORM's query builder and entity hydration:
 * the rows come back as `pg` parses them (timestamptz as Date, jsonb parsed, integer as number).
 * For the hot read paths (`_entities`, field resolvers), where a row is all the resolver needs.
 * Statements are still reported to the DataSource's logger when logging is on (the tests that
 * count statements per `_entities` call see these too); errors are `pg`'s own, which
 * `isDatabaseUnavailable` and the error masking read as they read TypeORM's.
 */
export async function leanRows<R extends QueryResultRow>(
  ds: DataSource,
  statement: LeanStatement,
  values: readonly unknown[],
): Promise<R[]> {
  if (ds.options.logging) ds.logger.logQuery(statement.text, values as unknown[]);
  // The one double cast of production code (issue 17): TypeORM types its driver as the abstract
  // `Driver`; the PostgreSQL driver's `master` pool is public at run time but not in its types.
  const pool = (ds.driver as unknown as { master: Pool }).master;
  const result = await pool.query<R>({ name: statement.name, text: statement.text, values: values as unknown[] });
  return result.rows;
}

/**
 * The select list that reads an entity's columns under its property names, for `leanRows`:
 * `"a"."slot_start" AS "slotStart", …`, with `date` columns as text (`YYYY-MM-DD`, as TypeORM
 * returns them). Built from the entity's TypeORM metadata, so a column added to the entity is
 * read here too; lazy relations stay unloaded, as with `getMany`. Entities with embedded columns,
 * eager relations or value transformers are refused (their rows need TypeORM's hydration).
 */
export function leanColumns(
  ds: DataSource,
  entity: EntityTarget<ObjectLiteral>,
  alias: string,
  /** Prefixes each property name (`counter.` → `"counter.name"`), to read a joined entity beside another. */
  prefix = '',
): string {
  const meta = ds.getMetadata(entity);
  if (meta.embeddeds.length || meta.eagerRelations.length || meta.columns.some((c) => c.transformer))
    throw new TypeError(`${meta.name} needs TypeORM's hydration (embedded columns, eager relations or transformers)`);
  const q = (s: string): string => `"${s.replace(/"/g, '""')}"`;
  return (
    meta.columns
      // A relation's own join column (no property of its own) is not part of the row: getMany
      // leaves the relation unloaded too.
      .filter((c) => !(c.relationMetadata && c.propertyName === c.relationMetadata.propertyName))
      .map(
        (c) => `${q(alias)}.${q(c.databaseName)}${c.type === 'date' ? '::text' : ''} AS ${q(prefix + c.propertyName)}`,
      )
      .join(', ')
  );
}

/**
 * One entity's properties out of a row that holds several (read with `leanColumns(…, prefix)`),
 * as a new object; null when every one of them is null (an outer join that matched nothing).
 */
export function leanPick<T>(
  ds: DataSource,
  entity: EntityTarget<ObjectLiteral>,
  prefix: string,
  row: object,
): T | null {
  const source = row as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  let found = false;
  for (const property of propertiesOf(ds, entity)) {
    const key = prefix + property;
    if (!(key in source)) continue;
    const v = source[key];
    out[property] = v;
    if (v !== null) found = true;
  }
  return found ? (out as T) : null;
}

const properties = new WeakMap<DataSource, Map<EntityTarget<ObjectLiteral>, string[]>>();

/** An entity's column property names, looked up once per DataSource (`leanPick` runs per row). */
function propertiesOf(ds: DataSource, entity: EntityTarget<ObjectLiteral>): string[] {
  let byEntity = properties.get(ds);
  if (!byEntity) properties.set(ds, (byEntity = new Map()));
  let list = byEntity.get(entity);
  if (!list) byEntity.set(entity, (list = ds.getMetadata(entity).columns.map((c) => c.propertyName)));
  return list;
}

/** The entity's table, schema-qualified and quoted, for `leanRows` statements. */
export function leanTable(ds: DataSource, entity: EntityTarget<ObjectLiteral>): string {
  const meta = ds.getMetadata(entity);
  const schema = meta.schema ?? (ds.options as { schema?: string }).schema;
  return schema ? `"${schema}"."${meta.tableName}"` : `"${meta.tableName}"`;
}
