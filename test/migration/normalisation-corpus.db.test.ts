import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runReconciliation, type ReconcileReport } from '../../migration/reconcile/index.ts';
import { emptyDatabase, type TestDatabase } from '../support/databases.ts';

/**
 * The same 3 000 rows written the way each side legitimately stores them: the legacy side
 * with microsecond timestamps, numeric(14,4), json, NULLs; the service side with millisecond
 * timestamps (a JS Date truncates), timestamptz, numeric(12,2), jsonb with other key order,
 * '' for NULL, and 150 kB TOASTed texts. Then real differences are planted in it.
 */
let source: TestDatabase;
let target: TestDatabase;

const ROWS = 3000;
const REAL = {
  ts: 101, // one millisecond later
  tstz: 202, // one second later
  amount: 303, // 12.50 → 12.51
  qty: 404,
  doc: 505, // a JSON value changed
  body: 606, // last character of a 150 kB text
  note: 707, // NULL vs '' where not configured as equal
  missing: 808,
  extra: 5000,
};

beforeAll(async () => {
  [source, target] = await Promise.all([emptyDatabase('corpus_src'), emptyDatabase('corpus_tgt')]);
  await source.pool.query(`
    CREATE TABLE corpus (id integer PRIMARY KEY, ts timestamp(6), happened timestamp, amount numeric(14,4), qty double precision,
                         doc json, label varchar(40), note text, body text, flag boolean, day date, write_date timestamp);
    INSERT INTO corpus
    SELECT g,
           timestamp '2026-01-01 00:00:00' + g * interval '1.234567 second',
           timestamp '2026-03-01 12:00:00' + g * interval '1 minute',
           round((g * 1.37)::numeric, 2),
           g * 0.1,
           ('{"b": ' || g || ', "a": [1, 2, {"y": "z", "x": null}], "s": "text ' || g || '"}')::json,
           CASE WHEN g % 3 = 0 THEN NULL ELSE 'label ' || g END,
           CASE WHEN g % 5 = 0 THEN NULL ELSE 'note ' || g END,
           CASE WHEN g % 500 = 6 THEN (SELECT string_agg(md5(g::text || i::text), '') FROM generate_series(1, 4700) i) ELSE 'short ' || g END,
           g % 2 = 0,
           date '2026-01-01' + g % 365,
           timestamp '2026-01-02 00:00:00'
      FROM generate_series(1, ${ROWS}) g`);
  // The service's sessions run in another time zone: timestamptz must still compare as UTC.
  await target.pool.query(`ALTER DATABASE ${target.name} SET timezone = 'Asia/Shanghai'`);
  await target.pool.query(`
    CREATE TABLE corpus (id bigint PRIMARY KEY, ts timestamp(3), happened timestamptz, amount numeric(12,2), qty numeric,
                         doc jsonb, label text, note text, body text, flag boolean, day date, write_date timestamptz);`);
  // Copy through JSON, changing each value's form the way a service would store it.
  const { rows } = await source.pool.query(`SELECT json_agg(c) AS rows FROM corpus c`);
  await target.pool.query(
    `INSERT INTO corpus
     SELECT id, date_trunc('milliseconds', ts), happened AT TIME ZONE 'UTC', amount, qty::numeric,
            (SELECT jsonb_object_agg(k, v) FROM (SELECT * FROM jsonb_each(doc::jsonb) ORDER BY key DESC) e(k, v)),
            coalesce(label, ''), note, body, flag, day, write_date AT TIME ZONE 'UTC'
       FROM json_to_recordset($1::json) AS x(id int, ts timestamp, happened timestamp, amount numeric, qty float8, doc json,
                                             label text, note text, body text, flag boolean, day date, write_date timestamp)`,
    [JSON.stringify(rows[0].rows)],
  );
});
afterAll(async () => {
  await Promise.all([source?.drop(), target?.drop()]);
});

async function reconcile(): Promise<ReconcileReport> {
  return runReconciliation({
    tables: [{ table: 'corpus' }],
    source: { pool: source.pool, label: 'legacy' },
    targetFor: () => ({ pool: target.pool, label: 'service' }),
    normalisation: { nullEqualsEmpty: ['corpus.label'] },
    tuning: { chunkRows: 64, leafRows: 8 },
    rules: false,
  });
}

describe('normalisation corpus', () => {
  it('gives no false difference for forms that legitimately differ', async () => {
    const { rows } = await target.pool.query(`SELECT pg_column_size(body) AS stored, length(body) AS chars FROM corpus WHERE id = 6`);
    expect(rows[0].chars).toBe(150_400); // long enough to be TOASTed
    const report = await reconcile();
    const table = report.tables[0]!;
    expect(table.differences).toEqual([]);
    expect(table.status).toBe('clean');
    expect(table.rowsSource).toBe(ROWS);
    expect(report.normalisations.map((n) => n.rule).sort()).toEqual(
      ['float-as-numeric', 'json-canonical', 'null-equals-empty', 'numeric-by-value', 'timestamp-precision', 'timestamptz-to-utc'].sort(),
    );
    expect(report.normalisations.find((n) => n.rule === 'null-equals-empty')!.columns).toEqual(['corpus.label']);
  });

  it('finds each real difference planted in the corpus', async () => {
    const t = target.pool;
    await t.query(`UPDATE corpus SET ts = ts + interval '1 millisecond' WHERE id = ${REAL.ts}`);
    await t.query(`UPDATE corpus SET happened = happened + interval '1 second' WHERE id = ${REAL.tstz}`);
    await t.query(`UPDATE corpus SET amount = amount + 0.01 WHERE id = ${REAL.amount}`);
    await t.query(`UPDATE corpus SET qty = qty + 0.000001 WHERE id = ${REAL.qty}`);
    await t.query(`UPDATE corpus SET doc = jsonb_set(doc, '{a,2,y}', '"changed"') WHERE id = ${REAL.doc}`);
    await t.query(`UPDATE corpus SET body = left(body, -1) || 'X' WHERE id = ${REAL.body}`);
    await source.pool.query(`UPDATE corpus SET note = NULL WHERE id = ${REAL.note}`);
    await t.query(`UPDATE corpus SET note = '' WHERE id = ${REAL.note}`);
    await t.query(`DELETE FROM corpus WHERE id = ${REAL.missing}`);
    await t.query(`INSERT INTO corpus (id, ts) VALUES (${REAL.extra}, now())`);

    const table = (await reconcile()).tables[0]!;
    const found = Object.fromEntries(table.differences.map((d) => [d.key, d.kind === 'different' ? d.columns : d.kind]));
    expect(found).toEqual({
      [REAL.ts]: ['ts'],
      [REAL.tstz]: ['happened'],
      [REAL.amount]: ['amount'],
      [REAL.qty]: ['qty'],
      [REAL.doc]: ['doc'],
      [REAL.body]: ['body'],
      [REAL.note]: ['note'],
      [REAL.missing]: 'missing-in-target',
      [REAL.extra]: 'missing-in-source',
    });
    const body = table.differences.find((d) => d.key === String(REAL.body))!;
    expect(body.values!.body!.source!.length).toBeLessThanOrEqual(200); // values are cut, never whole 150 kB texts
    expect(table.differences.find((d) => d.key === String(REAL.note))!.values).toEqual({ note: { source: null, target: '' } });
  });
});
