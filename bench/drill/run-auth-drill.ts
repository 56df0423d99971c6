import os from 'node:os';
import type pg from 'pg';
import { reconcileModules } from '../../migration/reconcile/index.ts';
import type { AuthLoadOptions, AuthLoadReport } from './auth-load.ts';
import { startLoadThread } from './load-thread.ts';
import type { DrillStack } from './drill-stack.ts';
import { settleModules } from './module-drill.ts';
import { heldWriteLatencies, journalTimelines, percentile, stepTimer, type DrillStep } from './drill-figures.ts';

const MODULE = 'M01';

export interface AuthDrillOptions {
  ratePerSecond: number;
  /** Traffic before each step, so shadow collects samples and canary has something to answer. */
  dwellMs: number;
  /** Traffic before the backfill, with M01 in Odoo's hands and no sync running: the run's own baseline. */
  baselineMs: number;
  load: Omit<AuthLoadOptions, 'gatewayUrl' | 'database' | 'ratePerSecond'>;
  log?: (line: string) => void;
}

/** One ownership change as the journal has it, and the refreshes that crossed it. */
export interface OwnershipChange {
  label: string;
  kind: 'cutover' | 'rollback';
  freezeMs: number;
  /**
   * Refreshes that presented a token written on the side that owned M01 before this change and
   * got one written on the side that owned it after (told apart by the id ranges each cutover's
   * id split hands out: cutover.ts, sync/id-split.ts).
   */
  refreshesAcross: number;
}

export interface TokenCheck {
  /** Issued refresh tokens with no row of that hash and id on the side named. */
  missingInService: number[];
  missingInLegacy: number[];
  /** auth_tokens rows of scope 'refresh' beyond the ones issued (a write applied twice). */
  extraInService: number;
  extraInLegacy: number;
  /** Issued tokens without their refresh_sessions row (svc_auth's own book). */
  unbooked: number[];
  /** Tokens of ended logins still unrevoked, and tokens of open logins revoked, on either side. */
  notRevoked: string[];
  wronglyRevoked: string[];
}

export interface AuthDrillResult {
  steps: DrillStep[];
  load: AuthLoadReport;
  achievedRate: number;
  /** Calls of the baseline window (before the backfill) and of the drill after it. */
  baseline: { calls: number; p50Ms: number; p99Ms: number; writeP99Ms: number };
  drill: { calls: number; p50Ms: number; p99Ms: number; writeP99Ms: number };
  freezeHoldP99Ms: number;
  freezeHoldMaxMs: number;
  changes: OwnershipChange[];
  tokens: TokenCheck;
  reconcileClean: boolean;
  reconcileDetail: string;
  timelines: string[];
  /**
   * M01's REST-write owner in svc_auth right after the backfill: recorded by the sync ('legacy'),
   * so the first cutover holds auth's token writes in flight like later ones.
   */
  ownerAfterBackfill: string | null;
  /** 1-minute load average at the end, and the mean of samples taken every second during the run. */
  loadAverage: { end: number; mean: number };
}

/**
 * The migration drill of M01 (auth): with mixed RPC + REST traffic running throughout
 * (auth-load.ts), a quiet baseline, then backfill → shadow → canary 10 → cutover → rollback →
 * cutover; then checks that no call failed, that every refresh token issued exists exactly
 * once, with its id, in both databases (the service's own writes reached the monolith by
 * reverse sync), that ended logins are revoked and open ones are not on both sides, that
 * refreshes crossed every ownership change, and that `ficus reconcile M01` is clean.
 */
export async function runAuthCutoverDrill(stack: DrillStack, o: AuthDrillOptions): Promise<AuthDrillResult> {
  const log = o.log ?? (() => undefined);
  const c = stack.controller;
  const steps: DrillStep[] = [];
  // Gates are shown, not waited for; gateways under the drill's own load may need more than the
  // 2 s default to acknowledge a freeze, and the freeze's steps more than its 5 s lease on a CI
  // machine shared with other suites: its correctness is what counts (REST writes still give up
  // after 10 s held, services/kit/cdc/write-owner.ts, and would count as failed).
  const force = { force: true, reason: 'drill: gates shown, not waited for', ackTimeoutMs: 30_000, leaseMs: 15_000 };
  const thresholds = { thresholds: { minShadowSamples: 1, minMatchRate: 0.99 } };
  const timed = stepTimer(steps, log);
  const routedTo = async (phase: string) => {
    const started = Date.now();
    while (stack.runtime.book.get(MODULE).phase !== phase) {
      if (Date.now() - started > 5000) throw new Error(`the gateway did not learn that ${MODULE} is ${phase}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  const preexisting = await refreshRowCount(stack.legacyPool);
  const loads: number[] = [];
  const sampler = setInterval(() => loads.push(osLoad()), 1000);

  const load = await startLoadThread<typeof import('./auth-load.ts'), 'startAuthLoad'>(new URL('./auth-load.ts', import.meta.url), 'startAuthLoad', { gatewayUrl: stack.gatewayUrl, database: 'hp_legacy', ratePerSecond: o.ratePerSecond, ...o.load });
  const started = Date.now();
  const dwell = (ms = o.dwellMs) => new Promise((r) => setTimeout(r, ms));
  let backfillAt = 0;
  let ownerAfterBackfill: string | null = null;
  try {
    await dwell(o.baselineMs);
    backfillAt = Date.now();
    await timed('backfill', async () => {
      const bf = await c.backfill(MODULE, { waitMs: 120_000 });
      if (!bf.ok) throw new Error(bf.message);
      return bf;
    });
    ownerAfterBackfill = (await stack.servicePool.query<{ owner: string }>(`SELECT owner FROM ficus_cdc.write_owner WHERE module = $1`, [MODULE]).catch(() => ({ rows: [] }))).rows[0]?.owner ?? null;
    await dwell();
    await timed('shadow', () => c.shadow(MODULE));
    await dwell();
    await timed('canary 10', () => c.canary(MODULE, 10, { ...thresholds, ...force }));
    await dwell();
    await timed('cutover', () => c.cutover(MODULE, { ...thresholds, ...force }));
    await routedTo('service');
    await dwell();
    await timed('rollback', () => c.rollback(MODULE, force));
    await dwell();
    await timed('cutover again', () => c.cutover(MODULE, { ...thresholds, ...force }));
    await routedTo('service');
    await dwell();
  } catch (error) {
    const seen = await load.stop();
    clearInterval(sampler);
    log(`drill stopped: ${(error as Error).message}; failures ${JSON.stringify(seen.failures.slice(0, 5))}; slowest ${JSON.stringify(seen.slowest.slice(0, 8))}`);
    for (const line of await journalTimelines(c.control).catch(() => [])) log(line);
    throw error;
  }
  const report = await load.stop();
  clearInterval(sampler);
  const elapsed = (Date.now() - started) / 1000;
  await stack.runtime.shadowIdle();

  const held = await heldWriteLatencies(c.control, report.latencies.filter((l) => l.write));
  const timelines = await journalTimelines(c.control);
  const changes = await ownershipChanges(c.control, report);
  await settleModules(stack, [MODULE]);
  const tokens = await checkTokens(stack, report, preexisting);
  const rec = await reconcileModules({ sourceUrl: stack.endpoints.legacyUrl, targetUrl: stack.endpoints.serviceUrlFor('auth'), modules: [MODULE], lag: { lagWindowMs: 2000 } });
  const window = (from: number, to: number) => {
    const calls = report.latencies.filter((l) => l.at >= from && l.at < to);
    const all = calls.map((l) => l.ms);
    const writes = calls.filter((l) => l.write).map((l) => l.ms);
    return { calls: calls.length, p50Ms: percentile(all, 50), p99Ms: percentile(all, 99), writeP99Ms: percentile(writes, 99) };
  };
  return {
    steps,
    load: report,
    achievedRate: report.calls / elapsed,
    baseline: window(0, backfillAt),
    drill: window(backfillAt, Number.MAX_SAFE_INTEGER),
    freezeHoldP99Ms: percentile(held, 99),
    freezeHoldMaxMs: held.length ? Math.max(...held) : 0,
    changes,
    tokens,
    reconcileClean: rec.summary.tablesWithDifferences === 0 && rec.summary.ruleBreaches === 0,
    reconcileDetail: `${rec.summary.tables} tables, ${rec.summary.rowsSource} legacy rows, ${rec.summary.rowsTarget} service rows, ${rec.summary.missingInTarget + rec.summary.missingInSource + rec.summary.different} differences; rules ${rec.summary.rulesChecked} checked, ${rec.summary.ruleBreaches} breaches`,
    timelines,
    ownerAfterBackfill,
    loadAverage: { end: osLoad(), mean: loads.length ? loads.reduce((a, b) => a + b, 0) / loads.length : osLoad() },
  };
}

function osLoad(): number {
  return Math.round(os.loadavg()[0]! * 100) / 100;
}

/** auth_tokens rows a REST login or refresh wrote (scope 'refresh'). */
async function refreshRowCount(pool: pg.Pool): Promise<number> {
  return (await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM auth_tokens WHERE scope = 'refresh'`)).rows[0]!.n;
}

/**
 * Each cutover and rollback of the journal, with its freeze and the refreshes that crossed it.
 * Which ownership period wrote a token follows from its id: until the first cutover ids stay at
 * or below that cutover's split boundary (legacy); then the service hands out ids above it and
 * below the legacy block the split moved the monolith to; after a rollback the monolith writes in
 * that block, up to the next cutover's boundary; and so on.
 */
async function ownershipChanges(control: pg.Pool, report: AuthLoadReport): Promise<OwnershipChange[]> {
  const { rows } = await control.query<{ kind: 'cutover' | 'rollback'; freeze_ms: number | null; split: { tables?: { table: string; boundary: number; legacyStart: number }[] } | null }>(
    `SELECT c.kind, c.freeze_ms, (SELECT s.detail FROM ficus_migration.cutover_step s WHERE s.cutover_id = c.id AND s.step = 'id spaces split') AS split
       FROM ficus_migration.cutover c
      WHERE c.module = $1 AND c.state = 'completed'
      ORDER BY c.id`,
    [MODULE],
  );
  // Period k (0 before the first change) of each token id: ids above the k-th period's upper bound belong to a later one.
  const upperBounds: number[] = [];
  for (const r of rows) {
    if (r.kind === 'cutover') {
      const split = r.split?.tables?.find((t) => t.table === 'auth_tokens');
      if (!split) throw new Error('a cutover of M01 recorded no id split of auth_tokens');
      upperBounds.push(split.boundary); // the old owner (legacy) wrote up to here
    } else {
      const previous = [...rows.slice(0, rows.indexOf(r))].reverse().find((x) => x.kind === 'cutover');
      upperBounds.push(previous!.split!.tables!.find((t) => t.table === 'auth_tokens')!.legacyStart - 1); // the service's ids end below the legacy block
    }
  }
  const periodOf = (id: number) => {
    const k = upperBounds.findIndex((bound) => id <= bound);
    return k === -1 ? upperBounds.length : k;
  };
  const labels = ['cutover', 'rollback', 'cutover again'];
  return rows.map((r, i) => ({
    label: labels[i] ?? `${r.kind} ${i + 1}`,
    kind: r.kind,
    freezeMs: r.freeze_ms ?? 0,
    refreshesAcross: report.refreshes.filter((f) => periodOf(f.presented) === i && periodOf(f.issued) === i + 1).length,
  }));
}

/**
 * Every refresh token the load was issued, on both sides: its row (same hash, same id) exactly
 * once in svc_auth and in the monolith, its refresh_sessions row in svc_auth, no other refresh
 * rows than those, and the revocations of ended logins (and only those) on both sides.
 */
async function checkTokens(stack: DrillStack, report: AuthLoadReport, preexisting: number): Promise<TokenCheck> {
  const hashes = report.issued.map((t) => t.hash);
  const rowsOf = async (pool: pg.Pool) => {
    const { rows } = await pool.query<{ id: number; token_hash: string; revoked: boolean | null }>('SELECT id, token_hash, revoked FROM auth_tokens WHERE token_hash = ANY($1::text[])', [hashes]);
    return new Map(rows.map((r) => [r.token_hash, r]));
  };
  const [service, legacy] = [await rowsOf(stack.servicePool), await rowsOf(stack.legacyPool)];
  const missing = (side: Map<string, { id: number }>) => report.issued.filter((t) => side.get(t.hash)?.id !== t.tokenId).map((t) => t.tokenId);
  const { rows: booked } = await stack.servicePool.query<{ token_id: number; family: string }>('SELECT token_id, family::text FROM refresh_sessions WHERE token_id = ANY($1::int4[])', [report.issued.map((t) => t.tokenId)]);
  const bookedFamily = new Map(booked.map((b) => [b.token_id, b.family]));
  const revokedOn = async (pool: pg.Pool, ids: number[]) => {
    const { rows } = await pool.query<{ id: number; revoked: boolean | null }>('SELECT id, revoked FROM auth_tokens WHERE id = ANY($1::int4[])', [ids]);
    return new Map(rows.map((r) => [r.id, r.revoked === true]));
  };
  const notRevoked: string[] = [];
  const wronglyRevoked: string[] = [];
  for (const [side, pool] of [['svc_auth', stack.servicePool], ['legacy', stack.legacyPool]] as const) {
    const ended = report.endedFamilies.flatMap((f) => f.revoked);
    const endedState = await revokedOn(pool, ended);
    for (const id of ended) if (!endedState.get(id)) notRevoked.push(`${side} #${id}`);
    const open = report.liveFamilies.flatMap((f) => f.tokenIds);
    const openState = await revokedOn(pool, open);
    for (const id of open) if (openState.get(id) !== false) wronglyRevoked.push(`${side} #${id}`);
  }
  return {
    missingInService: missing(service),
    missingInLegacy: missing(legacy),
    // svc_auth holds no token before the backfill copies the monolith's: both sides start from legacy's count.
    extraInService: (await refreshRowCount(stack.servicePool)) - preexisting - report.issued.length,
    extraInLegacy: (await refreshRowCount(stack.legacyPool)) - preexisting - report.issued.length,
    unbooked: report.issued.filter((t) => bookedFamily.get(t.tokenId) !== t.family).map((t) => t.tokenId),
    notRevoked,
    wronglyRevoked,
  };
}
