import pg from 'pg';
import { startDrillStack, type DrillStack } from '../../../bench/drill/drill-stack.ts';
import { createLogger } from '../../../platform/logger.ts';
import { emptyDatabase, legacyDatabase, testClusterUrl, type TestDatabase } from '../../support/databases.ts';
import { holdModuleSyncs } from '../../support/module-sync-lock.ts';

/** hp_workbench, hp_live, hp_community_biz: each changes owner on its own (no movesTogether). */
export const BIZ_MODULES = ['M03', 'M07', 'M08'] as const;

/** The lock every test of the shared cluster running M03/M07/M08's syncs holds (test/support/module-sync-lock.ts). */
export const BIZ_SYNC_LOCK = 'biz M03 M07 M08';

/** Slot names are per module and service, so per cluster: one biz stack at a time. */
const BIZ_SLOTS = [...BIZ_MODULES.flatMap((m) => [`ficus_fwd_${m.toLowerCase()}`, `ficus_rev_${m.toLowerCase()}`]), 'ficus_ref_biz'];

export async function dropBizSlots(): Promise<void> {
  const admin = new pg.Client({ connectionString: testClusterUrl('postgres') });
  await admin.connect();
  try {
    await admin.query('SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = ANY($1) AND NOT active', [BIZ_SLOTS]);
  } finally {
    await admin.end();
  }
}

export interface BizCutoverStack {
  stack: DrillStack;
  legacy: TestDatabase;
  service: TestDatabase;
  stop(): Promise<void>;
}

/**
 * A fresh legacy copy with M03, M07 and M08 moved to biz the way the migration team does it: the
 * running stack of `ficus start` (gateway, phase routing, syncs), then per module `backfill`, a
 * forced `shadow` and `cutover`, one module after the other. Every other module stays in phase
 * legacy, answered by the gateway's engine over the legacy database (no upstream Odoo).
 */
export async function startBizCutoverStack(): Promise<BizCutoverStack> {
  const lock = await holdModuleSyncs(BIZ_SYNC_LOCK);
  const logger = createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent', format: 'json' });
  let legacy: TestDatabase | undefined;
  let control: TestDatabase | undefined;
  let service: TestDatabase | undefined;
  const dropAll = async () => {
    try {
      await control?.drop();
      await service?.drop();
      await legacy?.drop();
      await dropBizSlots();
    } finally {
      await lock.release();
    }
  };
  let stack: DrillStack;
  try {
    await dropBizSlots();
    legacy = await legacyDatabase();
    control = await emptyDatabase('control');
    service = await emptyDatabase('svc_biz');
    stack = await startDrillStack({ legacyUrl: legacy.url, controlUrl: control.url, serviceUrl: service.url, logger, service: 'biz' });
  } catch (error) {
    await dropAll();
    throw error;
  }
  const stop = async () => {
    await stack.stop();
    await dropAll();
  };
  try {
    const force = { force: true, reason: 'test: biz takes over M03, M07 and M08', actor: 'test' };
    for (const module of BIZ_MODULES) {
      const backfill = await stack.controller.backfill(module, { waitMs: 120_000 });
      if (!backfill.ok) throw new Error(`backfill ${module}: ${backfill.message}`);
      await stack.controller.shadow(module, force);
      const cutover = await stack.controller.cutover(module, force);
      if (!cutover.ok) throw new Error(`cutover ${module}: ${cutover.message}`);
    }
    // Gateways learn the phase by NOTIFY; wait until this one routes the three modules to biz.
    const started = Date.now();
    while (BIZ_MODULES.some((m) => stack.runtime.book.get(m).phase !== 'service')) {
      if (Date.now() - started > 5000) throw new Error('the gateway did not learn the cutover of M03, M07 and M08');
      await new Promise((r) => setTimeout(r, 20));
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { stack, legacy, service, stop };
}
