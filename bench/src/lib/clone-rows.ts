import type pg from 'pg';

/** The schemas whose rows describe a case (each subgraph's own). */
const CASE_SCHEMAS = ['wp', 'rp', 'cs'];

interface Column {
  name: string;
  type: string;
  serial: boolean;
  unique: boolean;
}

interface TablePlan {
  table: string;
  key: string;
  columns: Column[];
}

/** What a clone run inserted. */
export interface CloneResult {
  rowsByTable: Record<string, number>;
  seconds: number;
}

export interface CloneOptions {
  /** The case every clone copies (filed through the API, so every subgraph holds its rows). */
  templateCaseId: string;
  /** Clone numbers `from`..`to` (inclusive): clone g gets case id md5(template:g)::uuid. */
  from: number;
  to: number;
  /** SQL expressions (over `t` = template row, `g` = clone number) replacing a column, by `schema.table.column`. */
  overrides?: Record<string, string>;
  /** Tables left out (e.g. `cs.sla_clock`, whose clocks would otherwise all fire at once). */
  exclude?: string[];
  /** Rows per INSERT statement. */
  batch?: number;
  onProgress?: (message: string) => void;
}

/** SQL for the id of clone `g` of the case (as the cloned rows hold it). */
export function cloneCaseIdSql(templateCaseId: string, g: string): string {
  return `md5('${templateCaseId.replace(/'/g, "''")}' || ':' || ${g})::uuid`;
}

/**
 * Bulk test-data setup: copies every row that belongs to one template case, in every
 * subgraph's schema, `to − from + 1` times with `generate_series`, mapping the ids the rows
 * share (the case id, their own uuid keys) to new ones consistently across tables, and
 * suffixing values that must be unique, then VACUUM (ANALYZE). Works whatever columns the subgraphs add, because
 * it copies what the real commands wrote.
 */
export async function cloneCase(pool: pg.Pool, opts: CloneOptions): Promise<CloneResult> {
  const started = Date.now();
  const client = await pool.connect();
  try {
    await client.query('SET synchronous_commit = off');
    const plans = await planTables(client, opts.templateCaseId, new Set(opts.exclude ?? []));
    const idsInTemplate = await templateIds(client, plans, opts.templateCaseId);
    const rowsByTable: Record<string, number> = {};
    const batch = opts.batch ?? 100_000;
    for (const p of plans) {
      const [schema, table] = p.table.split('.') as [string, string];
      const cols = p.columns.filter((c) => !c.serial);
      const exprs = cols.map((c) => columnExpr(`${p.table}.${c.name}`, c, idsInTemplate, opts.overrides ?? {}));
      let inserted = 0;
      for (let lo = opts.from; lo <= opts.to; lo += batch) {
        const hi = Math.min(opts.to, lo + batch - 1);
        const r = await client.query(
          `INSERT INTO ${q(schema)}.${q(table)} (${cols.map((c) => q(c.name)).join(', ')})
           SELECT ${exprs.join(', ')} FROM ${q(schema)}.${q(table)} t, generate_series(${lo}, ${hi}) g
           WHERE t.${q(p.key)}::text = $1`,
          [opts.templateCaseId],
        );
        inserted += r.rowCount ?? 0;
        opts.onProgress?.(`${p.table}: ${inserted} rows`);
      }
      rowsByTable[p.table] = inserted;
    }
    // As autovacuum would after a bulk load: visibility map and hint bits set, statistics fresh.
    for (const p of plans) await client.query(`VACUUM (ANALYZE) ${p.table.split('.').map(q).join('.')}`);
    return { rowsByTable, seconds: Math.round((Date.now() - started) / 100) / 10 };
  } finally {
    client.release();
  }
}

function q(ident: string): string {
  return `"${ident.replace(/"/g, '""')}"`;
}

/** Tables with rows of the template case: `wp.case` by id first, then every table with a `case_id`. */
async function planTables(client: pg.PoolClient, caseId: string, exclude: Set<string>): Promise<TablePlan[]> {
  const cols = await client.query<{
    schema: string;
    table: string;
    column: string;
    type: string;
    serial: boolean;
    is_unique: boolean;
  }>(
    `SELECT c.table_schema AS schema, c.table_name AS table, c.column_name AS column, c.data_type AS type,
            coalesce(c.column_default LIKE 'nextval(%', false) OR c.is_identity = 'YES' AS serial,
            EXISTS (
              SELECT 1 FROM pg_index i
              JOIN pg_class tc ON tc.oid = i.indrelid
              JOIN pg_namespace n ON n.oid = tc.relnamespace
              JOIN pg_attribute a ON a.attrelid = tc.oid AND a.attnum = ANY (i.indkey)
              WHERE i.indisunique AND n.nspname = c.table_schema AND tc.relname = c.table_name AND a.attname = c.column_name
            ) AS is_unique
     FROM information_schema.columns c
     JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
     WHERE c.table_schema = ANY ($1)
     ORDER BY c.table_schema, c.table_name, c.ordinal_position`,
    [CASE_SCHEMAS],
  );
  const tables = new Map<string, Column[]>();
  for (const r of cols.rows) {
    const key = `${r.schema}.${r.table}`;
    const list = tables.get(key) ?? [];
    list.push({ name: r.column, type: r.type, serial: r.serial, unique: r.is_unique });
    tables.set(key, list);
  }
  const plans: TablePlan[] = [];
  for (const [table, columns] of tables) {
    if (exclude.has(table) || table === 'wp.migrations' || table.endsWith('.migrations')) continue;
    const key = table === 'wp.case' ? 'id' : columns.some((c) => c.name === 'case_id') ? 'case_id' : null;
    if (!key) continue;
    const [schema, name] = table.split('.') as [string, string];
    const n = await client.query(`SELECT count(*)::int AS n FROM ${q(schema)}.${q(name)} WHERE ${q(key)}::text = $1`, [
      caseId,
    ]);
    if ((n.rows[0] as { n: number }).n > 0) plans.push({ table, key, columns });
  }
  // The case first (other work-permit tables reference it).
  return plans.sort((a, b) =>
    a.table === 'wp.case' ? -1 : b.table === 'wp.case' ? 1 : a.table.localeCompare(b.table),
  );
}

/** Every uuid-looking `id`/`*_id` value in the template's rows: these are remapped per clone. */
async function templateIds(client: pg.PoolClient, plans: TablePlan[], caseId: string): Promise<string[]> {
  const ids = new Set<string>([caseId]);
  for (const p of plans) {
    const [schema, name] = p.table.split('.') as [string, string];
    const own = p.columns.find((c) => c.name === 'id' && (c.type === 'uuid' || c.type === 'text'));
    if (!own) continue;
    const r = await client.query(`SELECT id::text AS id FROM ${q(schema)}.${q(name)} WHERE ${q(p.key)}::text = $1`, [
      caseId,
    ]);
    for (const row of r.rows as { id: string }[]) if (/^[0-9a-f-]{36}$/i.test(row.id)) ids.add(row.id);
  }
  return [...ids];
}

function columnExpr(qualified: string, c: Column, ids: string[], overrides: Record<string, string>): string {
  const override = overrides[qualified];
  if (override) return override;
  const col = `t.${q(c.name)}`;
  const isIdColumn = c.name === 'id' || c.name.endsWith('_id');
  if (isIdColumn && (c.type === 'uuid' || c.type === 'text')) {
    const list = `ARRAY[${ids.map((i) => `'${i}'`).join(', ')}]::text[]`;
    const mapped = `md5(${col}::text || ':' || g)::uuid`;
    return `CASE WHEN ${col}::text = ANY (${list}) THEN ${c.type === 'uuid' ? mapped : `${mapped}::text`} ELSE ${col} END`;
  }
  if (c.unique) {
    if (c.type === 'text' || c.type === 'character varying') return `${col} || '-' || g`;
    if (c.type === 'integer' || c.type === 'bigint') return `${col} + g * 1000`;
  }
  return col;
}
