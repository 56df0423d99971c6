import pg from 'pg';
import { startDrillStack, type DrillStack } from '../../../../bench/drill/drill-stack.ts';
import { createLogger } from '../../../../platform/logger.ts';
import { emptyDatabase, legacyDatabase, testClusterUrl, type TestDatabase } from '../../../support/databases.ts';

export const TRADE_MODULES = ['M04', 'M20'] as const;

export interface TradeCutoverStack {
  stack: DrillStack;
  legacy: TestDatabase;
  service: TestDatabase;
  stop(): Promise<void>;
}

/** Slot names are per module and so per cluster: only one trade stack may run at a time. */
const TRADE_SLOTS = ['ficus_fwd_m04', 'ficus_rev_m04', 'ficus_fwd_m20', 'ficus_rev_m20', 'ficus_ref_trade'];

async function dropTradeSlots(): Promise<void> {
  const admin = new pg.Client({ connectionString: testClusterUrl('postgres') });
  await admin.connect();
  try {
    await admin.query(`SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = ANY($1) AND NOT active`, [TRADE_SLOTS]);
  } finally {
    await admin.end();
  }
}

/**
 * A fresh legacy copy with M04 and M20 moved to trade the way the migration team does it:
 * the running stack of `ficus start` (gateway, phase routing, syncs), `backfill`, then a
 * forced `shadow` and `cutover` of both modules (shadow samples are beside the point here).
 */
export async function startTradeCutoverStack(): Promise<TradeCutoverStack> {
  await dropTradeSlots();
  const logger = createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent', format: 'json' });
  const legacy = await legacyDatabase();
  const control = await emptyDatabase('control');
  const service = await emptyDatabase('svc_trade');
  const stack = await startDrillStack({ legacyUrl: legacy.url, controlUrl: control.url, serviceUrl: service.url, logger, service: 'trade' });
  const t0 = Date.now();
  const mark = (what: string) => process.env.TRADE_STACK_TIMING && console.log(`${what}: ${Date.now() - t0} ms`);
  mark('stack');
  const force = { force: true, reason: 'test: trade takes over M04 and M20', actor: 'test' };
  for (const module of TRADE_MODULES) {
    const backfill = await stack.controller.backfill(module, { waitMs: 120_000 });
    if (!backfill.ok) throw new Error(backfill.message);
    mark(`backfill ${module}`);
  }
  for (const module of TRADE_MODULES) await stack.controller.shadow(module, force);
  await stack.controller.together('cutover', [...TRADE_MODULES], force);
  mark('cutover');
  // Gateways learn the phase by NOTIFY; wait until this one routes both modules to trade.
  const started = Date.now();
  while (TRADE_MODULES.some((m) => stack.runtime.book.get(m).phase !== 'service')) {
    if (Date.now() - started > 5000) throw new Error('the gateway did not learn the cutover');
    await new Promise((r) => setTimeout(r, 20));
  }
  return {
    stack,
    legacy,
    service,
    async stop() {
      await stack.stop();
      await control.drop();
      await service.drop();
      await legacy.drop();
      await dropTradeSlots();
    },
  };
}
