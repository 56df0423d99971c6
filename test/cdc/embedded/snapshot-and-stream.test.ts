import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChangeApplier } from '../../../cdc/apply/applier.ts';
import { copyTableDefinitions } from '../../../cdc/apply/copy-table-definitions.ts';
import { EmbeddedSource } from '../../../cdc/embedded/embedded-source.ts';
import type { ChangeEvent } from '../../../cdc/events/change-event.ts';
import { lsnToNumber } from '../../../cdc/events/lsn.ts';
import { validateChangeEvent } from '../../../cdc/events/validate.ts';
import { useReplicationOrigin } from '../../../cdc/apply/replication-origin.ts';
import { compareTables } from '../../../cdc/verify/compare-tables.ts';
import { legacyDatabase, emptyDatabase, type TestDatabase } from '../../support/databases.ts';
import { CAPTURED_TABLES, logger, openApplier, slotNames, testOriginName, waitUntil } from '../support/cdc-fixtures.ts';

const FULL_IDENTITY = ['public.service_orders', 'public.knowledge_contents'];

describe('embedded CDC: snapshot, then streaming, into a target with the same DDL', () => {
  let legacy: TestDatabase;
  let target: TestDatabase;
  let applier: ChangeApplier;
  let source: EmbeddedSource;
  const seen: ChangeEvent[] = [];

  const inSync = async () => (await compareTables(legacy.pool as unknown as pg.ClientBase, target.pool as unknown as pg.ClientBase, CAPTURED_TABLES)).length === 0;
  const compare = () => compareTables(legacy.pool as unknown as pg.ClientBase, target.pool as unknown as pg.ClientBase, CAPTURED_TABLES);

  beforeAll(async () => {
    [legacy, target] = await Promise.all([legacyDatabase(), emptyDatabase('cdc_target')]);
    const [s, t] = await Promise.all([legacy.pool.connect(), target.pool.connect()]);
    await copyTableDefinitions(s, t, CAPTURED_TABLES);
    s.release();
    t.release();
    applier = await openApplier(target.url);
    source = new EmbeddedSource({
      sourceUrl: legacy.url,
      purpose: 'test_stream',
      tables: CAPTURED_TABLES,
      applier,
      logger,
      replicaIdentityFull: FULL_IDENTITY,
      heartbeatIntervalMs: 300,
      onApplied: (events) => seen.push(...events),
    });
    source.start();
    await source.ready;
  });

  afterAll(async () => {
    await source?.stop();
    await source?.remove();
    await applier?.close();
    await Promise.all([legacy?.drop(), target?.drop()]);
  });

  it('snapshots every captured table exactly (op r), consistent with the slot', async () => {
    expect(await compare()).toEqual([]);
    const snapshot = seen.filter((e) => e.value.op === 'r');
    const { rows } = await legacy.pool.query<{ n: number }>(
      `SELECT sum((xpath('/row/c/text()', query_to_xml('SELECT count(*) AS c FROM ' || t, false, true, '')))[1]::text::int)::int AS n
         FROM unnest($1::text[]) AS t`,
      [CAPTURED_TABLES],
    );
    expect(snapshot.length).toBe(rows[0]!.n);
  });

  it('covers every column type of hp_legacy', async () => {
    const { rows } = await legacy.pool.query<{ udt_name: string; captured: boolean }>(
      `SELECT c.udt_name, bool_or((c.table_schema || '.' || c.table_name) = ANY($1::text[])) AS captured
         FROM information_schema.columns c JOIN information_schema.tables t USING (table_schema, table_name)
        WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE' GROUP BY 1`,
      [CAPTURED_TABLES],
    );
    expect(rows.filter((r) => !r.captured).map((r) => r.udt_name)).toEqual([]);
    expect(rows.map((r) => r.udt_name).sort()).toEqual(expect.arrayContaining(['bool', 'bytea', 'date', 'float8', 'int4', 'jsonb', 'numeric', 'text', 'timestamp', 'varchar']));
  });

  it('streams inserts, updates and deletes of every type, TOAST and bytea included', async () => {
    const big = 'x'.repeat(50_000) + ' end'; // TOASTed (well above the 2 kB threshold, incompressible enough with the suffix below)
    const random = Array.from({ length: 3000 }, () => Math.random().toString(36).slice(2)).join('');
    await legacy.pool.query(`UPDATE health_records SET value = value + 1.5, note = $1, measured_at = '2026-01-02 03:04:05.678901' WHERE id <= 20`, [random]);
    await legacy.pool.query(`UPDATE health_records SET value2 = 42.25 WHERE id <= 20`); // note unchanged & TOASTed, DEFAULT identity
    await legacy.pool.query(`UPDATE knowledge_contents SET body = $1 WHERE id = (SELECT min(id) FROM knowledge_contents)`, [big + random]);
    await legacy.pool.query(`UPDATE knowledge_contents SET purchase_count = purchase_count + 1`); // body unchanged, FULL identity
    await legacy.pool.query(`UPDATE assessments SET answers = jsonb_set(coalesce(answers, '{}'), '{ficus}', to_jsonb($1::text)) WHERE id IN (SELECT id FROM assessments LIMIT 5)`, [random]);
    await legacy.pool.query(`UPDATE assessments SET summary = 'seen' WHERE id IN (SELECT id FROM assessments LIMIT 5)`); // answers unchanged & TOASTed
    await legacy.pool.query(`UPDATE settlements SET period_start = period_start + 1, net = net + 0.01`);
    await legacy.pool.query(`UPDATE res_company SET logo_web = decode(repeat('00ff10', 2000) || $1, 'hex') WHERE id = 1`, ['abcdef']);
    await legacy.pool.query(`INSERT INTO ir_attachment (name, type, db_datas, res_model, create_date) VALUES ('cdc.bin', 'binary', '\\x000102fffe', 'res.partner', now())`);
    await legacy.pool.query(`DELETE FROM ratings WHERE id IN (SELECT id FROM ratings ORDER BY id LIMIT 10)`);
    await legacy.pool.query(`INSERT INTO content_tags (name, create_date) VALUES ('cdc tag', now() at time zone 'utc')`);
    await legacy.pool.query(`UPDATE service_orders SET state = 'cancelled' WHERE id IN (SELECT id FROM service_orders WHERE state <> 'cancelled' LIMIT 3)`);
    await waitUntil('target equal to source', inSync);
    expect(await compare()).toEqual([]);
    const ops = new Set(seen.map((e) => e.value.op));
    expect([...ops].sort()).toEqual(['c', 'd', 'r', 'u']);
  });

  it('every event it produced validates against schemas/change-event.schema.json', () => {
    const invalid = seen.map((e) => validateChangeEvent(e)).filter((r) => !r.ok);
    expect(invalid).toEqual([]);
    expect(seen.find((e) => e.value.source.table === 'order_lines')?.key).toEqual({ id: expect.any(Number) });
    const fullUpdate = seen.find((e) => e.value.op === 'u' && e.value.source.table === 'service_orders');
    expect(fullUpdate?.value.before).toMatchObject({ state: expect.any(String) }); // REPLICA IDENTITY FULL before-image
    const defaultUpdate = seen.find((e) => e.value.op === 'u' && e.value.source.table === 'health_records');
    expect(defaultUpdate?.value.before).toBeNull();
  });

  it('skips changes written under a Ficus replication origin (no loops)', async () => {
    const reverseOrigin = testOriginName('reverse');
    const reverse = new pg.Client({ connectionString: legacy.url });
    await reverse.connect();
    try {
      await useReplicationOrigin(reverse, reverseOrigin);
      await reverse.query(`UPDATE content_tags SET name = 'written by the reverse applier' WHERE name = 'cdc tag'`);
    } finally {
      await reverse.end();
    }
    await legacy.pool.query(`UPDATE content_tags SET create_date = create_date WHERE id = 1`); // an ordinary change after it
    await waitUntil('the ordinary change', async () => seen.some((e) => e.value.source.table === 'content_tags' && e.value.op === 'u' && e.key.id === 1));
    const looped = seen.filter((e) => e.value.source.origin === reverseOrigin);
    expect(looped.length).toBe(1);
    const { rows } = await target.pool.query(`SELECT name FROM content_tags WHERE name = 'cdc tag'`);
    expect(rows.length).toBe(1); // not applied
    const skipped = await applier.metrics.eventsSkipped.get();
    expect(skipped.values.find((v) => v.labels.reason === 'own_origin')?.value).toBe(1);
  });

  it('advances confirmed_flush_lsn while the published tables are idle (heartbeats)', async () => {
    const flush = async () =>
      lsnToNumber((await legacy.pool.query<{ l: string }>(`SELECT confirmed_flush_lsn::text AS l FROM pg_replication_slots WHERE slot_name = 'ficus_test_stream'`)).rows[0]!.l);
    const before = await flush();
    // WAL written elsewhere in the cluster, none in the published tables.
    await legacy.pool.query('CREATE TABLE unpublished_noise (id int)');
    await legacy.pool.query('INSERT INTO unpublished_noise SELECT generate_series(1, 1000)');
    const walAfterNoise = lsnToNumber((await legacy.pool.query<{ l: string }>('SELECT pg_current_wal_insert_lsn()::text AS l')).rows[0]!.l);
    await waitUntil('confirmed_flush_lsn past the noise', async () => (await flush()) >= walAfterNoise, 20_000);
    expect(await flush()).toBeGreaterThan(before);
  });

  it('leaves no replication slot behind once removed', async () => {
    await source.stop();
    await source.remove();
    expect(await slotNames(legacy.pool as unknown as pg.ClientBase)).not.toContain('ficus_test_stream');
    const { rows } = await legacy.pool.query(`SELECT 1 FROM pg_publication WHERE pubname = 'ficus_test_stream'`);
    expect(rows).toEqual([]);
  });
});
