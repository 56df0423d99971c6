import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { startDrillStack, type DrillStack } from '../../../bench/drill/drill-stack.ts';
import { createLogger } from '../../../platform/logger.ts';
import { emptyDatabase, legacyDatabase, testClusterUrl, type TestDatabase } from '../../support/databases.ts';
import { PROJECT_ROOT } from '../../support/ficus-process.ts';
import { categoryOf, replayGolden, type ReplayOutcome } from '../../support/golden/replay.ts';
import { M01_GOLDEN, M01_GOLDEN_COUNTS, M01_KNOWN_DIFFERENCES_AFTER_CUTOVER as M01_KNOWN_DIFFERENCES } from './support/m01-golden.ts';

/** Slot names are per module and service, so per cluster: one M01 stack at a time (this file runs its blocks in order). */
const M01_SLOTS = ['ficus_fwd_m01', 'ficus_rev_m01', 'ficus_ref_auth'];

async function dropM01Slots(): Promise<void> {
  const admin = new pg.Client({ connectionString: testClusterUrl('postgres') });
  await admin.connect();
  try {
    await admin.query(`SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = ANY($1) AND NOT active`, [M01_SLOTS]);
  } finally {
    await admin.end();
  }
}

interface AuthCutoverStack {
  stack: DrillStack;
  stop(): Promise<void>;
}

/**
 * A fresh legacy copy with M01 moved to auth the way the migration team does it: the running
 * stack of `ficus start`, `ficus migrate backfill M01`, then a forced shadow and `cutover M01`.
 */
async function startAuthCutoverStack(): Promise<AuthCutoverStack> {
  await dropM01Slots();
  const logger = createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent', format: 'json' });
  const databases: TestDatabase[] = [await legacyDatabase(), await emptyDatabase('control'), await emptyDatabase('svc_auth')];
  const [legacy, control, service] = databases as [TestDatabase, TestDatabase, TestDatabase];
  const stack = await startDrillStack({ legacyUrl: legacy.url, controlUrl: control.url, serviceUrl: service.url, logger, service: 'auth' });
  const stop = async () => {
    await stack.stop();
    for (const db of databases) await db.drop();
    await dropM01Slots();
  };
  try {
    const force = { force: true, reason: 'test: auth takes over M01', actor: 'test' };
    const backfill = await stack.controller.backfill('M01', { waitMs: 120_000 });
    if (!backfill.ok) throw new Error(backfill.message);
    await stack.controller.shadow('M01', force);
    const cutover = await stack.controller.cutover('M01', force);
    if (!cutover.ok) throw new Error(cutover.message);
    // Gateways learn the phase by NOTIFY; wait until this one routes M01 to auth.
    const started = Date.now();
    while (stack.runtime.book.get('M01').phase !== 'service') {
      if (Date.now() - started > 5000) throw new Error('the gateway did not learn the cutover');
      await new Promise((r) => setTimeout(r, 20));
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { stack, stop };
}

/**
 * The M01 golden cases (recorded from the real Odoo 18, scripts/record-m01-golden.py) replayed
 * against a gateway whose M01 has been cut over to auth: hp.auth.token and hp.permission are
 * then served from svc_auth, res.users stays the monolith's. Each sequence runs against a fresh
 * stack (its ids assume a freshly restored database), the pristine reads before the first one.
 */
const BLOCKS = [
  // The pristine cases only read, and the replayer runs them before any sequence: they share the
  // first sequence's fresh stack (one stack fewer, about 8 s of the suite).
  { name: 'pristine, then seq_tokens', keep: (c: { id: string; db_state: string }) => c.db_state === 'pristine' || c.id.startsWith('seq_tokens#') },
  { name: 'seq_permissions', keep: (c: { id: string }) => c.id.startsWith('seq_permissions#') },
  { name: 'seq_users', keep: (c: { id: string }) => c.id.startsWith('seq_users#') },
];

const outcomes: ReplayOutcome[] = [];
const printed: string[] = [];

afterAll(() => {
  console.log(['M01 golden after cutover to auth', ...printed].join('\n'));
});

describe('M01 golden cases after auth took over M01', () => {
  const lines = readFileSync(path.join(PROJECT_ROOT, M01_GOLDEN), 'utf8').split('\n').filter((l) => l.trim());
  for (const block of BLOCKS) {
    it(`replays ${block.name}`, { timeout: 200_000 }, async () => {
      const file = path.join(tmpdir(), `m01-golden-${block.name.replace(/\W+/g, '-')}-${process.pid}.jsonl`);
      writeFileSync(file, lines.filter((l) => block.keep(JSON.parse(l))).join('\n') + '\n');
      const auth = await startAuthCutoverStack();
      try {
        expect(auth.stack.runtime.book.get('M01').phase).toBe('service');
        // Each block has its own fresh stack, so the replayer's reset between sequences is a no-op.
        const report = await replayGolden(auth.stack.gatewayUrl, { db: 'hp_legacy', file, resetCmd: 'true', show: 20 });
        outcomes.push(...report.outcomes);
        printed.push(`--- ${block.name}\n${report.printed}`);
        expect(report.outcomes.length).toBeGreaterThan(0);
      } finally {
        await auth.stop();
      }
    });
  }

  it('answers as the monolith did, apart from the listed known differences', () => {
    const byCategory: Record<string, number> = {};
    for (const o of outcomes) byCategory[categoryOf(o.id)] = (byCategory[categoryOf(o.id)] ?? 0) + 1;
    expect(byCategory).toEqual(M01_GOLDEN_COUNTS);
    const differing = outcomes.filter((o) => o.outcome !== 'pass').map((o) => o.id);
    console.log(`M01 golden cases after cutover: ${outcomes.length - differing.length}/${outcomes.length} match`);
    expect(differing.filter((id) => !(id in M01_KNOWN_DIFFERENCES))).toEqual([]);
    expect(Object.keys(M01_KNOWN_DIFFERENCES).filter((id) => !differing.includes(id))).toEqual([]);
  });
});
