import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readShadowStats, resetShadowStats, ShadowStats } from '../../../migration/control/shadow/shadow-stats.ts';
import { CONTROL_MIGRATIONS, ensureControlSchema } from '../../../migration/control/store/control-schema.ts';
import { createLogger } from '../../../platform/logger.ts';
import { emptyDatabase, type TestDatabase } from '../../support/databases.ts';

describe('shadow counts in the control database', () => {
  let control: TestDatabase;
  beforeAll(async () => {
    control = await emptyDatabase('control');
  });
  afterAll(async () => control?.drop());

  it('the first comparer\'s counts carry over as match / value / error when the schema moves to classes', async () => {
    // The control schema as the first comparer left it, with its counts.
    await control.pool.query(`CREATE SCHEMA ficus_migration; CREATE TABLE ficus_migration.schema_version (id text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
    await control.pool.query(CONTROL_MIGRATIONS[0]!.sql);
    await control.pool.query(`INSERT INTO ficus_migration.schema_version (id) VALUES ($1)`, [CONTROL_MIGRATIONS[0]!.id]);
    await control.pool.query(
      `INSERT INTO ficus_migration.shadow_stat (module, call, matched, unmatched, failed, last_diff, last_diff_at) VALUES
       ('M19', 'hp.activity.search_read', 64, 36, 0, '{"uid": 2, "differences": [{"path": "[0].id", "legacy": 4658, "service": 4659}]}', now()),
       ('M19', 'hp.activity.read', 10, 0, 1, NULL, NULL)`,
    );
    await ensureControlSchema(control.pool);
    const rows = await readShadowStats(control.pool, 'M19');
    expect(rows.map((r) => [r.call, r.counts.match, r.counts.value, r.counts.error, r.compared, r.unexplained])).toEqual([
      ['hp.activity.read', 10, 0, 1, 11, 1],
      ['hp.activity.search_read', 64, 36, 0, 100, 36],
    ]);
    expect(rows[1]!.lastDiff).toMatchObject({ outcome: 'value', differences: [{ path: '[0].id' }] });
    await resetShadowStats(control.pool, 'M19');
  });

  it('classes, fields and samples survive a flush; reads not compared are kept apart; shadow from legacy starts over', async () => {
    await ensureControlSchema(control.pool);
    const metrics = new Registry();
    const stats = new ShadowStats({ control: control.pool, metrics, logger: createLogger({ level: 'silent', format: 'json' }), flushMs: 60_000 });
    const summary = { kind: 'value' as const, path: '[id=7].summary', field: 'summary', legacy: 'a', service: 'b' };
    for (let i = 0; i < 5; i++) stats.record('M19', 'hp.activity.search_read', 'match');
    stats.record('M19', 'hp.activity.search_read', 'timing', { uid: 2, differences: [], note: 'legacy changed in between' });
    stats.record('M19', 'hp.activity.search_read', 'value', { uid: 2, differences: [summary, { ...summary, path: '[id=8].summary' }, { ...summary, path: '[id=8].verb', field: 'verb' }] });
    stats.record('M19', 'hp.activity.search_read', 'behind');
    stats.record('M19', 'hp.activity.read', 'skipped');
    await stats.flush();
    stats.record('M19', 'hp.activity.search_read', 'value', { uid: 3, differences: [summary] });
    await stats.close();
    const [read, searchRead] = await readShadowStats(control.pool, 'M19');
    expect(read).toMatchObject({ call: 'hp.activity.read', compared: 0, notCompared: { skipped: 1, behind: 0 } });
    expect(searchRead).toMatchObject({
      counts: { match: 5, timing: 1, value: 2, missing: 0, extra: 0, error: 0 },
      notCompared: { skipped: 0, behind: 1 },
      compared: 8,
      unexplained: 2,
      // Per comparison, each field once: summary differed in both, verb in one.
      fields: [{ field: 'summary', count: 2 }, { field: 'verb', count: 1 }],
    });
    expect(searchRead!.samples.timing?.note).toBe('legacy changed in between');
    expect(searchRead!.lastDiff?.differences[0]?.path).toBe('[id=7].summary');
    const exported = await metrics.getSingleMetricAsString('ficus_shadow_calls_total');
    expect(exported).toContain('outcome="value"} 2');
    expect(await metrics.getSingleMetricAsString('ficus_shadow_field_differences_total')).toContain('field="summary"} 2');
    await resetShadowStats(control.pool, 'M19');
    expect(await readShadowStats(control.pool, 'M19')).toEqual([]);
  });
});
