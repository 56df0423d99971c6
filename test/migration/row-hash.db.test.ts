import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runReconciliation, type ReconcileTuning, type TableResult } from '../../migration/reconcile/index.ts';
import { emptyDatabase, type TestDatabase } from '../support/databases.ts';

/**
 * The row hash must see a change in any single column of any type, including the changes that
 * PostgreSQL's own hash functions cannot see (they fold or drop part of the value). Both sides
 * hold the same 96 rows of a table with one column per common type; each test plants changes
 * in the target, reconciles, and puts the row back.
 */
let source: TestDatabase;
let target: TestDatabase;
const ROWS = 96;

/** Column → type, and the normalisation the reconciler documents for it (for the ground truth). */
const COLUMNS: Record<string, { type: string; normalised: (x: string) => string }> = {
  c_int2: { type: 'int2', normalised: (x) => x },
  c_int4: { type: 'int4', normalised: (x) => x },
  c_int8: { type: 'int8', normalised: (x) => x },
  c_numeric: { type: 'numeric', normalised: (x) => x },
  c_money: { type: 'numeric(14,2)', normalised: (x) => x },
  c_float8: { type: 'float8', normalised: (x) => x },
  c_bool: { type: 'bool', normalised: (x) => x },
  c_text: { type: 'text', normalised: (x) => x },
  c_varchar: { type: 'varchar', normalised: (x) => x },
  c_date: { type: 'date', normalised: (x) => x },
  c_ts: { type: 'timestamp', normalised: (x) => `date_trunc('millisecond', ${x})` },
  c_tstz: { type: 'timestamptz', normalised: (x) => `date_trunc('millisecond', ${x} AT TIME ZONE 'UTC')` },
  c_time: { type: 'time', normalised: (x) => x },
  c_json: { type: 'json', normalised: (x) => `${x}::jsonb::text` },
  c_jsonb: { type: 'jsonb', normalised: (x) => `${x}::text` },
  c_uuid: { type: 'uuid', normalised: (x) => x },
  c_bytea: { type: 'bytea', normalised: (x) => x },
};
const NAMES = Object.keys(COLUMNS);

beforeAll(async () => {
  [source, target] = await Promise.all([emptyDatabase('rowhash_src'), emptyDatabase('rowhash_tgt')]);
  const ddl = `CREATE TABLE typed (id integer PRIMARY KEY, ${NAMES.map((n) => `${n} ${COLUMNS[n]!.type}`).join(', ')});
    INSERT INTO typed SELECT g, g - 40, g * 1000, g * 100000000000, (g * 1.37)::numeric, g * 2.5, g * 0.1, g % 2 = 0,
      'text ' || g, CASE WHEN g % 7 = 0 THEN NULL ELSE 'v' || g END, date '2026-01-01' + g,
      timestamp '2026-01-01' + g * interval '1.234567 second', timestamptz '2026-01-01 00:00:00+00' + g * interval '1 minute',
      time '08:00' + g * interval '1 second', ('{"g": ' || g || ', "a": [1, {"b": null}]}')::json,
      jsonb_build_object('g', g, 'tags', jsonb_build_array('x', g % 3)), md5(g::text)::uuid, decode(md5(g::text), 'hex')
    FROM generate_series(1, ${ROWS}) g`;
  await Promise.all([source.pool.query(ddl), target.pool.query(ddl)]);
});
afterAll(async () => {
  await Promise.all([source?.drop(), target?.drop()]);
});

async function reconcile(tuning: Partial<ReconcileTuning> = {}): Promise<TableResult> {
  const report = await runReconciliation({
    tables: [{ table: 'typed' }],
    source: { pool: source.pool, label: 'source' },
    targetFor: () => ({ pool: target.pool, label: 'target' }),
    tuning,
    rules: false,
  });
  return report.tables[0]!;
}

/** Key → differing columns (or kind). */
function found(table: TableResult): Record<string, string[] | string> {
  return Object.fromEntries(table.differences.map((d) => [d.key, d.kind === 'different' ? d.columns! : d.kind]));
}

/** Puts the target's rows back as the source has them. */
async function restore(ids: number[]): Promise<void> {
  const { rows } = await source.pool.query(`SELECT json_agg(t) AS rows FROM typed t WHERE id = ANY($1::int[])`, [ids]);
  await target.pool.query(`DELETE FROM typed WHERE id = ANY($1::int[])`, [ids]);
  await target.pool.query(`INSERT INTO typed SELECT * FROM json_populate_recordset(NULL::typed, $1::json)`, [JSON.stringify(rows[0].rows)]);
}

const ts = (micros: bigint) => `timestamp '2000-01-01' + ${micros} * interval '1 microsecond'`;

/**
 * Pairs of different values that PostgreSQL's hash functions for the type hash alike (checked
 * below, so the test proves the reconciler does not rely on them).
 */
const COLLIDING: { id: number; column: string; before: string; after: string; why: string }[] = [
  { id: 3, column: 'c_money', before: '12.50', after: '-12.50', why: 'numeric hashing ignores the sign' },
  { id: 4, column: 'c_numeric', before: "'NaN'", after: "'Infinity'", why: 'all special numerics hash alike' },
  { id: 5, column: 'c_int8', before: '-1', after: '4294967295', why: 'int8 hashing folds the two halves' },
  // 2^32 + 1 µs apart with both halves even: 800000000000000 µs ^ (400 << 32 | 400) is ms-aligned too
  { id: 6, column: 'c_ts', before: ts(800000000000000n), after: ts(798282013082000n), why: 'timestamp hashing folds the two halves' },
  { id: 7, column: 'c_tstz', before: `(${ts(800000000000000n)}) AT TIME ZONE 'UTC'`, after: `(${ts(798282013082000n)}) AT TIME ZONE 'UTC'`, why: 'same for timestamptz' },
  { id: 8, column: 'c_time', before: "time '12:34:56.789'", after: "time '13:46:31.756297'", why: 'time hashing folds too' },
  { id: 9, column: 'c_jsonb', before: `'[[1, 2]]'`, after: `'[[1], 2]'`, why: 'jsonb hashing ignores where arrays end' },
];

describe('row hash', () => {
  it('sees changes that the types’ own hash functions cannot tell apart', async () => {
    for (const c of COLLIDING) {
      const type = COLUMNS[c.column]!.type;
      const { rows } = await source.pool.query(
        `SELECT hash_record_extended(ROW((${c.before})::${type}), 0) = hash_record_extended(ROW((${c.after})::${type}), 0) AS same`,
      );
      expect(rows[0].same, c.why).toBe(true);
      await Promise.all([
        source.pool.query(`UPDATE typed SET ${c.column} = (${c.before})::${type} WHERE id = ${c.id}`),
        target.pool.query(`UPDATE typed SET ${c.column} = (${c.after})::${type} WHERE id = ${c.id}`),
      ]);
    }
    try {
      expect(found(await reconcile())).toEqual(Object.fromEntries(COLLIDING.map((c) => [String(c.id), [c.column]])));
    } finally {
      await restore(COLLIDING.map((c) => c.id));
    }
    expect(found(await reconcile())).toEqual({});
  });

  /** A new value for a column, as SQL (a literal cast to the column's type), random or adversarial. */
  const literal = (s: string) => `'${s.replaceAll("'", "''")}'`;
  const noNul = (s: string) => !s.includes('\u0000');
  /** JSON that PostgreSQL accepts: no \u0000 and no lone surrogate escapes. */
  const json = fc.jsonValue().map((v) => JSON.stringify(v)).filter((j) => j !== undefined && !/\\u(0000|d[89a-f])/i.test(j));
  const micros = fc.bigInt({ min: -3_000_000_000_000_000n, max: 3_000_000_000_000_000n });
  const newValue: Record<string, fc.Arbitrary<string>> = {
    c_int2: fc.integer({ min: -32768, max: 32767 }).map(String),
    c_int4: fc.integer().map(String),
    c_int8: fc.oneof(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map(String), fc.constantFrom('-1', '4294967295', '-4294967296', '0')),
    c_numeric: fc.oneof(
      fc.tuple(fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }), fc.integer({ min: 0, max: 8 })).map(([n, scale]) => {
        const digits = (n < 0n ? -n : n).toString().padStart(scale + 1, '0');
        return `${n < 0n ? '-' : ''}${scale ? `${digits.slice(0, -scale)}.${digits.slice(-scale)}` : digits}`;
      }),
      fc.constantFrom("'NaN'", "'Infinity'", "'-Infinity'", '-1.37', '0'),
    ),
    c_money: fc.integer({ min: -10_000_000, max: 10_000_000 }).map((c) => (c / 100).toFixed(2)),
    c_float8: fc.double().map((d) => literal(Number.isNaN(d) ? 'NaN' : d === Infinity ? 'Infinity' : d === -Infinity ? '-Infinity' : Object.is(d, -0) ? '-0' : String(d))),
    c_bool: fc.boolean().map(String),
    c_text: fc.oneof(fc.string({ unit: 'grapheme' }).filter(noNul), fc.string({ minLength: 3000, maxLength: 9000 }).filter(noNul)).map(literal),
    c_varchar: fc.string().filter(noNul).map(literal),
    c_date: fc.integer({ min: -200_000, max: 200_000 }).map((d) => `date '2000-01-01' + ${d}`),
    c_ts: micros.map(ts),
    c_tstz: micros.map((m) => `(${ts(m)}) AT TIME ZONE 'UTC'`),
    c_time: fc.bigInt({ min: 0n, max: 86_399_999_999n }).map((m) => `time '00:00' + ${m} * interval '1 microsecond'`),
    c_json: json.map(literal),
    c_jsonb: json.map(literal),
    c_uuid: fc.uuid().map(literal),
    c_bytea: fc.uint8Array({ maxLength: 64 }).map((b) => `'\\x${Buffer.from(b).toString('hex')}'::bytea`),
  };
  /** Changes of an existing value that a weak hash would miss (sign, halves, an hour, …), per column. */
  const adversarial: Record<string, (column: string) => string[]> = {
    c_int8: (c) => [`-${c}`, `${c} # 4294967297`, `${c} + 4294967296`],
    c_numeric: (c) => [`-${c}`, `${c} * 10`],
    c_money: (c) => [`-${c}`],
    c_float8: (c) => [`-${c}`],
    c_ts: (c) => [`${c} + interval '4294967.297 second'`, `${c} + interval '1 hour'`, `${c} + interval '1 millisecond'`],
    c_tstz: (c) => [`${c} + interval '4294967.297 second'`, `${c} - interval '8 hours'`],
    c_time: (c) => [`${c} + interval '4294.967297 second'`],
    c_jsonb: (c) => [`jsonb_build_array(${c})`, `${c} || '{"g": -1}'`],
  };
  const change = fc.oneof(
    fc.constantFrom(...NAMES).chain((column) => newValue[column]!.map((sql) => ({ column, sql, over: false }))),
    fc.constantFrom(...Object.keys(adversarial)).chain((column) =>
      fc.constantFrom(...adversarial[column]!(column)).map((sql) => ({ column, sql, over: true })),
    ),
  );
  const tuning = fc.constantFrom<Partial<ReconcileTuning>>(
    {},
    { chunkRows: 4, leafRows: 1, fanOut: 2 },
    { chunkRows: 64, leafRows: 8, fanOut: 4 },
    { chunkRows: 16, sliceRows: 10 }, // several page slices per chunk: partial sums combined
  );

  it('finds a single changed value in any column, and reports nothing when the change is only of form', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: ROWS }), change, tuning, async (id, { column, sql, over }, tune) => {
        const { type, normalised } = COLUMNS[column]!;
        const update = over ? `UPDATE typed SET ${column} = ${sql} WHERE id = ${id}` : `UPDATE typed SET ${column} = (${sql})::${type} WHERE id = ${id}`;
        // Ground truth in PostgreSQL itself: do the normalised values differ?
        const { rows } = await target.pool.query(
          `SELECT (${normalised(column)}) IS DISTINCT FROM (${normalised(`(${over ? sql : `(${sql})::${type}`})`)}) AS differs FROM typed WHERE id = ${id}`,
        );
        const differs: boolean = rows[0].differs;
        await target.pool.query(update);
        try {
          const table = await reconcile(tune);
          expect(found(table)).toEqual(differs ? { [String(id)]: [column] } : {});
          // One differing row per chunk is named from the chunk sums and checked by key: one row read per side.
          if (differs && Object.keys(tune).length === 0) expect(table.rowsFetched).toBe(2);
        } finally {
          await restore([id]);
        }
      }),
      { numRuns: 60 },
    );
  }, 120_000);
});
