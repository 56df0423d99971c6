import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../platform/logger.ts';
import { startDailyReconcile } from '../../runtime/daily-reconcile.ts';
import { emptyDatabase, legacyDatabase, testClusterUrl, type TestDatabase } from '../support/databases.ts';

/** The daily reconciliation inside `ficus start`: every run is counted by result, a failed one with its reason logged and stored. */
let control: TestDatabase;
let legacy: TestDatabase;

beforeAll(async () => {
  [control, legacy] = await Promise.all([emptyDatabase('control'), legacyDatabase()]);
});
afterAll(async () => {
  await Promise.all([control?.drop(), legacy?.drop()]);
});

function harness(legacyDatabaseUrl: string) {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({ level: 'info', format: 'json', destination: { write: (line: string) => void lines.push(JSON.parse(line)) } as never });
  const metrics = new Registry();
  const phases = { get: (module: string) => ({ module, phase: 'legacy' as const, canaryPercent: 0, freeze: null, version: 0 }) };
  return { lines, metrics, start: () => startDailyReconcile({ at: '03:00', legacyDatabaseUrl, controlPool: control.pool, phases, logger, metrics }) };
}

async function runsByResult(metrics: Registry): Promise<Record<string, number>> {
  const metric = await metrics.getSingleMetric('ficus_reconcile_runs_total')!.get();
  return Object.fromEntries(metric.values.map((v) => [String(v.labels.result), v.value]));
}

describe('daily reconciliation', () => {
  it('a run that fails is counted as result="failed", its reason logged and stored; the schedule goes on', async () => {
    const h = harness(testClusterUrl('t_legacy_database_that_does_not_exist'));
    const daily = await h.start();
    try {
      expect(await daily.runNow()).toBeUndefined();
      expect(await runsByResult(h.metrics)).toEqual({ failed: 1 });
      const failure = h.lines.find((l) => l.msg === 'daily reconciliation failed');
      expect(failure?.reason).toBe('database "t_legacy_database_that_does_not_exist" does not exist');
      expect(JSON.stringify(failure)).not.toMatch(/password|ficus@/);

      await daily.runNow();
      expect(await runsByResult(h.metrics)).toEqual({ failed: 2 });
      expect(daily.nextRunAt().getTime()).toBeGreaterThan(Date.now());
      const { rows } = await control.pool.query(`SELECT status, error FROM ficus_control.reconcile_runs ORDER BY id`);
      expect(rows).toEqual([
        { status: 'error', error: 'database "t_legacy_database_that_does_not_exist" does not exist' },
        { status: 'error', error: 'database "t_legacy_database_that_does_not_exist" does not exist' },
      ]);
    } finally {
      daily.stop();
    }
  });

  it('a run where no module has a service copy is not a failure: counted as nothing_to_compare and stored clean', async () => {
    await control.pool.query('TRUNCATE ficus_control.reconcile_runs');
    const h = harness(legacy.url);
    const daily = await h.start();
    try {
      const report = await daily.runNow();
      expect(report?.status).toBe('clean');
      expect(report?.scope?.length).toBe(20);
      expect(report?.scope?.every((m) => !m.compared && m.explanation.includes('nothing to reconcile'))).toBe(true);
      expect(await runsByResult(h.metrics)).toEqual({ nothing_to_compare: 1 });
      expect(h.lines.some((l) => l.msg === 'daily reconciliation failed')).toBe(false);
      const { rows } = await control.pool.query(`SELECT status FROM ficus_control.reconcile_runs`);
      expect(rows).toEqual([{ status: 'clean' }]);
    } finally {
      daily.stop();
    }
  });
});
