import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Search for officers and managers (issue 13, item 5; docs/decisions/0017-case-search-and-csv.md):
 * the applicant's name and the employer's name by partial text (Latin letters or Chinese
 * characters, accents and case ignored), the passport number and the reference by prefix.
 *
 * The cluster runs with `--locale=C`, under which `pg_trgm` treats every non-ASCII character as
 * a separator: `show_trgm('王小明')` is empty. So names are indexed through `wp.search_key`,
 * which strips accents (`unaccent`), lower-cases, and spells each remaining non-ASCII
 * character as `x` plus five hex digits of its code point: 王小明 → x0738bx05c0fx0660e. That key is
 * plain ASCII whatever the locale, a `gin_trgm_ops` index over it answers `LIKE '%…%'`, and one
 * Chinese character (six key characters) already gives trigrams to look up.
 *
 * The applicant's key is stored in `applicant_name_key`, kept by a trigger, and indexed: the
 * trigram index proposes candidate rows and LIKE rechecks each, which on a stored column costs
 * a string comparison, not a call of `search_key` (about 0.2 ms a row: a common name's few
 * hundred candidates would take 100 ms). Not a generated column: TypeORM's schema check
 * cannot read those (it looks for `typeorm_metadata`). The employer table is small, so its
 * index is on the expression.
 */
export class WpCaseSearch1796620000001 implements MigrationInterface {
  name = 'WpCaseSearch1796620000001';

  async up(q: QueryRunner): Promise<void> {
    // Both are trusted extensions (PostgreSQL 13+): the database owner may create them.
    await q.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public`);
    await q.query(`CREATE EXTENSION IF NOT EXISTS unaccent WITH SCHEMA public`);
    // IMMUTABLE although unaccent() is STABLE: the dictionary is named explicitly (no search_path
    // lookup), which is the documented way to index unaccented text. Changing unaccent.rules
    // would need a REINDEX.
    await q.query(`
      CREATE FUNCTION wp.search_key(t text) RETURNS text
      LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
        SELECT coalesce(string_agg(
                 CASE WHEN ascii(c) < 128 THEN c ELSE 'x' || lpad(to_hex(ascii(c)), 5, '0') END, '' ORDER BY n), '')
        FROM unnest(regexp_split_to_array(
               lower(public.unaccent('public.unaccent'::regdictionary, btrim(regexp_replace(t, '\\s+', ' ', 'g')))),
               '')) WITH ORDINALITY AS s(c, n)
      $$`);
    await q.query(`ALTER TABLE wp."case" ADD COLUMN applicant_name_key text`);
    await q.query(`
      CREATE FUNCTION wp.case_applicant_name_key() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        NEW.applicant_name_key := wp.search_key(NEW.applicant_full_name);
        RETURN NEW;
      END $$`);
    // BEFORE INSERT too: a copied row (a bulk load, a restore of the table) gets its own key.
    await q.query(`
      CREATE TRIGGER case_applicant_name_key BEFORE INSERT OR UPDATE OF applicant_full_name, applicant_name_key
      ON wp."case" FOR EACH ROW EXECUTE FUNCTION wp.case_applicant_name_key()`);
    await q.query(`UPDATE wp."case" SET applicant_name_key = wp.search_key(applicant_full_name)`);
    await q.query(
      `CREATE INDEX "IDX_case_applicant_name_trgm" ON wp."case" USING gin (applicant_name_key public.gin_trgm_ops)`,
    );
    await q.query(
      `CREATE INDEX "IDX_employer_name_trgm" ON wp.employer USING gin (wp.search_key(name) public.gin_trgm_ops)`,
    );
    // Prefix searches: text_pattern_ops answers LIKE 'E12%' whatever the database's collation.
    // It also answers the exact passport search (text_pattern_ops has `=`), so it replaces the
    // equality index of migration 1764201605000: one index for both, and the planner never has two
    // to choose between.
    await q.query(`CREATE INDEX "IDX_case_passport_prefix" ON wp."case" (applicant_passport_number text_pattern_ops)`);
    await q.query(`DROP INDEX wp."IDX_case_passport_number"`);
    await q.query(`CREATE INDEX "IDX_case_reference_prefix" ON wp."case" (reference text_pattern_ops)`);
    // Who searched for what: the text searched for, on every access-log row of a search.
    await q.query(`ALTER TABLE wp.access_log ADD COLUMN search_text text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE wp.access_log DROP COLUMN search_text`);
    await q.query(`DROP INDEX wp."IDX_case_reference_prefix"`);
    await q.query(`CREATE INDEX "IDX_case_passport_number" ON wp."case" (applicant_passport_number)`);
    await q.query(`DROP INDEX wp."IDX_case_passport_prefix"`);
    await q.query(`DROP INDEX wp."IDX_employer_name_trgm"`);
    await q.query(`DROP INDEX wp."IDX_case_applicant_name_trgm"`);
    await q.query(`DROP TRIGGER case_applicant_name_key ON wp."case"`);
    await q.query(`DROP FUNCTION wp.case_applicant_name_key()`);
    await q.query(`ALTER TABLE wp."case" DROP COLUMN applicant_name_key`);
    await q.query(`DROP FUNCTION wp.search_key(text)`);
  }
}
