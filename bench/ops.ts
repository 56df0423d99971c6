/**
 * Ops's hottest path (issue 26, bar 4): risk rules evaluated on the change stream. Rows of the
 * monolith change at CHANGES_PER_SECOND (payments created and updated, ratings created, service
 * orders moved: the tables the seed rules watch), the kit's RowChangeFeed reads them off the WAL
 * (the embedded logical-replication reader, its own slot) and ops's RiskStreamHost evaluates every
 * active rule against each batch (one keyed search per rule and batch through the ORM engine,
 * alerts once per rule and record, in svc_ops: M18 owned by ops).
 *
 * Two conditions in the same run, slices alternating, ROUNDS of each, SLICE_SECONDS long, the
 * stream drained between slices: 100 active rules (the 10 seed rules and 90 more with thresholds
 * drawn over the same models), and the baseline: the same changes through the same feed with 0
 * active rules (what the change stream costs by itself). Per condition: changes produced and
 * handled per second, lag from the source commit to the end of evaluation (p50, p99, max),
 * evaluation CPU-time per change, alerts created. Checks at the end: no (rule, record) alerted
 * twice, and no changed record that matches a rule now lacks its alert (the keyed search repeated
 * over all changed ids). Load average is printed: the machine is shared.
 * Run: npx tsx bench/ops.ts [--seconds N]   (N seconds per slice, default 5; ends with one JSON line)
 */
import os from 'node:os';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { Registry } from 'prom-client';
import { setWriteOwner } from '../migration/control/service-write-gate.ts';
import { createLogger } from '../platform/logger.ts';
import { RowChangeFeed, type RowChange } from '../services/kit/cdc/row-change-feed.ts';
import { provisionServiceDatabase } from '../services/kit/db/provision.ts';
import { OPS_MIGRATIONS } from '../services/ops/db/migrations.ts';
import type { OpsDatabase } from '../services/ops/db/tables.ts';
import { readCondition } from '../services/ops/domain/risk-condition.ts';
import { RiskStreamHost } from '../services/ops/domain/risk-stream-host.ts';
import { keyedDomain } from '../services/ops/domain/risk-stream.ts';
import { round, secondsArgument } from './support/measure.ts';

process.env.FICUS_BENCH_DIR ??= '/tmp/ficus-bench-ops';
const { startBenchCluster } = await import('./support/bench-cluster.ts');
const { copyServiceBackfill } = await import('./support/service-backfill-copy.ts');

const SLICE_SECONDS = secondsArgument(5);
const ROUNDS = Number(process.env.ROUNDS ?? 2);
const CHANGES_PER_SECOND = Number(process.env.CHANGES_PER_SECOND ?? 400);
const ACTIVE_RULES = 100;
const TICK_MS = 50;
const LEGACY_DATABASE = 'ops_bench_legacy';
const SERVICE_DATABASE = 'ops_bench_svc';
const OPS_TABLES = ['ratings', 'certifications', 'operations', 'notifications', 'risk_rules', 'risk_alerts', 'audit_logs'];

const loadAverage = () => os.loadavg().map((l) => round(l, 2));
const loadAtStart = loadAverage();
const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'error', format: 'json' });
const bench = await startBenchCluster(Number(process.env.FICUS_BENCH_PG_PORT ?? 54393));
const admin = new pg.Client({ connectionString: bench.cluster.url('postgres') });
await admin.connect();
for (const name of [LEGACY_DATABASE, SERVICE_DATABASE]) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
// A fresh copy of the monolith per run: the load writes into it.
await admin.query(`CREATE DATABASE ${LEGACY_DATABASE} TEMPLATE legacy`);
await admin.query(`CREATE DATABASE ${SERVICE_DATABASE}`);
const legacyUrl = bench.cluster.url(LEGACY_DATABASE);
const serviceUrl = bench.cluster.url(SERVICE_DATABASE);
const legacyPool = new pg.Pool({ connectionString: legacyUrl, max: 8 });
const servicePool = new pg.Pool({ connectionString: serviceUrl, max: 8 });
// The databases are dropped WITH (FORCE) at the end: idle connections die then.
legacyPool.on('error', () => undefined);
servicePool.on('error', () => undefined);

/** 90 rules beside the 10 seed rules, thresholds drawn over the values the load writes. */
function generatedRules(): { model: string; condition: string }[] {
  const rules: { model: string; condition: string }[] = [];
  for (let i = 0; i < ACTIVE_RULES - 10; i++) {
    const kind = i % 5;
    const n = 100 + ((i * 7919) % 9000);
    if (kind === 0) rules.push({ model: 'hp.payment', condition: `[('amount', '>', ${n})]` });
    else if (kind === 1) rules.push({ model: 'hp.payment', condition: `['|', ('state', '=', 'failed'), '&', ('amount', '>=', ${n}), ('method', '=', 'card')]` });
    else if (kind === 2) rules.push({ model: 'hp.rating', condition: `[('score', '<=', ${1 + (i % 3)}), ('comment', 'ilike', '${'abcdefgh'[i % 8]}')]` });
    else if (kind === 3) rules.push({ model: 'hp.service.order', condition: `[('state', 'in', ['cancelled', 'refunded']), ('amount', '>', ${n / 10})]` });
    else rules.push({ model: 'hp.payment', condition: `[('amount', '<', ${i}), ('state', '!=', 'succeeded')]` });
  }
  return rules;
}

let nextRef = 0;
/** One tick of the load: payments created and updated, a rating, a service order moved, in one transaction of the monolith. */
async function writeTick(changes: number): Promise<number> {
  const client = await legacyPool.connect();
  try {
    await client.query('BEGIN');
    const inserts = Math.max(1, Math.floor(changes * 0.5));
    const updates = Math.max(1, Math.floor(changes * 0.3));
    const ratings = Math.max(1, Math.floor(changes * 0.1));
    const orders = Math.max(1, changes - inserts - updates - ratings);
    const methods = ['card', 'wechat', 'alipay'];
    const states = ['pending', 'succeeded', 'failed'];
    const amounts = Array.from({ length: inserts }, () => Math.round(Math.random() * 10_000 * 100) / 100);
    await client.query(
      `INSERT INTO payments (payer_id, currency_id, reference, method, state, amount, create_uid, write_uid, create_date, write_date)
       SELECT 6 + (g % 240), 6, 'PAY-BENCH-' || $1::text || '-' || g, ($2::text[])[1 + g % 3], ($3::text[])[1 + g % 3], ($4::numeric[])[g + 1], 2, 2, now(), now()
         FROM generate_series(0, $5::int - 1) AS g`,
      [String(nextRef++), methods, states, amounts, inserts],
    );
    await client.query(`UPDATE payments SET amount = amount + 1, write_date = now() WHERE id IN (SELECT id FROM payments ORDER BY random() LIMIT $1)`, [updates]);
    await client.query(
      `INSERT INTO ratings (coach_id, rater_id, score, comment, create_uid, write_uid, create_date, write_date)
       SELECT 246 + (g % 40), 6 + (g % 240), 1 + (g % 5), substr('abcdefgh', 1 + (g % 8), 3), 2, 2, now(), now() FROM generate_series(1, $1::int) AS g`,
      [ratings],
    );
    await client.query(`UPDATE service_orders SET write_date = now() WHERE id IN (SELECT id FROM service_orders ORDER BY random() LIMIT $1)`, [orders]);
    await client.query('COMMIT');
    return inserts + updates + ratings + orders;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

interface Slice { condition: 'baseline' | 'risk'; started: number; ended: number }
interface Handled { committedAtMs: number; lagMs: number }

const percentile = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : 0);

let feed: RowChangeFeed | undefined;
const db = new Kysely<OpsDatabase>({ dialect: new PostgresDialect({ pool: servicePool }) });
let ok = false;
try {
  await provisionServiceDatabase(serviceUrl, OPS_MIGRATIONS);
  await copyServiceBackfill(legacyPool, serviceUrl, 'ops', OPS_TABLES);
  await setWriteOwner(servicePool, 'M18', 'service', null);
  for (const [i, rule] of generatedRules().entries()) {
    await servicePool.query(
      `INSERT INTO risk_rules (name, code, model_name, severity, condition, active, create_uid, write_uid, create_date, write_date) VALUES ($1, $1, $2, 'medium', $3, true, 2, 2, now(), now())`,
      [`BENCH_${i}`, rule.model, rule.condition],
    );
  }
  const host = new RiskStreamHost({ db, legacyPool, odooDatabaseName: 'hp_legacy' });
  const tables = await host.watchedTables();
  const handled: Handled[] = [];
  /** Per table, the records whose last change was evaluated with the rules active (only those can be checked). */
  const changedIds = new Map<string, Set<number>>();
  let rulesActive = false;
  let evalCpuUs = 0;
  let evaluated = 0;
  let created = 0;
  feed = new RowChangeFeed({
    sourceUrl: legacyUrl, consumerUrl: serviceUrl, purpose: 'ops_risk_bench', tables, logger, metrics: new Registry(), heartbeatIntervalMs: 1000,
    async handle(changes: readonly RowChange[]) {
      const cpu = process.cpuUsage();
      const outcome = await host.evaluate(changes);
      const used = process.cpuUsage(cpu);
      evalCpuUs += used.user + used.system;
      evaluated += changes.length;
      created += outcome.created.length;
      const done = Date.now();
      for (const change of changes) {
        handled.push({ committedAtMs: change.committedAtMs, lagMs: done - change.committedAtMs });
        let ids = changedIds.get(change.table);
        if (!ids) changedIds.set(change.table, (ids = new Set()));
        if (rulesActive && change.op !== 'd') ids.add(change.id);
        else ids.delete(change.id);
      }
    },
  });
  feed.start();
  await feed.ready;

  const activeRules = async () => Number((await servicePool.query('SELECT count(*) AS n FROM risk_rules WHERE active')).rows[0].n);
  const slices: Slice[] = [];
  let produced = 0;
  const producedBy = { baseline: 0, risk: 0 };
  const drainSeconds: number[] = [];
  const cpuBy = { baseline: 0, risk: 0 };
  const evaluatedBy = { baseline: 0, risk: 0 };
  for (let round_ = 0; round_ < ROUNDS; round_++) {
    for (const condition of ['baseline', 'risk'] as const) {
      // Rule activation between slices, when the stream is drained: each batch sees one condition.
      await servicePool.query(condition === 'risk' ? 'UPDATE risk_rules SET active = true' : 'UPDATE risk_rules SET active = false');
      rulesActive = condition === 'risk';
      if (condition === 'risk' && (await activeRules()) !== ACTIVE_RULES) throw new Error(`expected ${ACTIVE_RULES} active rules`);
      const cpuBefore = evalCpuUs;
      const evaluatedBefore = evaluated;
      const started = Date.now();
      const perTick = Math.max(4, Math.round((CHANGES_PER_SECOND * TICK_MS) / 1000));
      let sliceProduced = 0;
      while (Date.now() - started < SLICE_SECONDS * 1000) {
        const tickStart = Date.now();
        sliceProduced += await writeTick(perTick);
        const wait = TICK_MS - (Date.now() - tickStart);
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      }
      const ended = Date.now();
      produced += sliceProduced;
      producedBy[condition] += sliceProduced;
      slices.push({ condition, started, ended });
      // Drain: everything committed in the slice handled.
      const drainFrom = Date.now();
      while (handled.filter((h) => h.committedAtMs <= ended).length < produced) await new Promise((r) => setTimeout(r, 50));
      drainSeconds.push((Date.now() - drainFrom) / 1000);
      cpuBy[condition] += evalCpuUs - cpuBefore;
      evaluatedBy[condition] += evaluated - evaluatedBefore;
    }
  }

  const figures = (condition: Slice['condition']) => {
    const within = slices.filter((s) => s.condition === condition);
    const lags = handled.filter((h) => within.some((s) => h.committedAtMs >= s.started + 1000 && h.committedAtMs <= s.ended)).map((h) => h.lagMs).sort((a, b) => a - b);
    const seconds = within.reduce((sum, s) => sum + (s.ended - s.started) / 1000, 0);
    return {
      changes_per_s: round(producedBy[condition] / seconds, 1),
      lag_p50_ms: percentile(lags, 50), lag_p99_ms: percentile(lags, 99), lag_max_ms: lags[lags.length - 1] ?? 0,
      eval_cpu_ms_per_change: round(cpuBy[condition] / 1000 / Math.max(1, evaluatedBy[condition]), 3),
      evaluation_capacity_changes_per_s: round(evaluatedBy[condition] / Math.max(1e-6, cpuBy[condition] / 1e6), 0),
    };
  };
  const baseline = figures('baseline');
  const risk = figures('risk');

  // Checks: every stream alert matches its rule now; no rule misses a changed record it matches.
  await servicePool.query('UPDATE risk_rules SET active = true');
  const rules = (await servicePool.query<{ id: number; code: string; model_name: string; condition: string }>('SELECT id, code, model_name, condition FROM risk_rules WHERE active')).rows;
  const ports = host.ports();
  const tableOfModel = new Map<string, string>();
  for (const table of changedIds.keys()) for (const model of await ports.modelsOfTable(table)) tableOfModel.set(model, table);
  let wrongAlerts = 0;
  let missed = 0;
  for (const rule of rules) {
    const read = readCondition(rule.condition);
    if (!('domain' in read)) continue;
    const table = tableOfModel.get(rule.model_name);
    const ids = table ? [...changedIds.get(table)!] : [];
    const matching = new Set(ids.length ? await ports.search(rule.model_name, keyedDomain(ids, read.domain)) : []);
    // Any alert of the rule counts (the seed's included: the stream creates none over them).
    const alerted = new Set((await servicePool.query<{ res_id: number }>('SELECT res_id FROM risk_alerts WHERE rule_id = $1', [rule.id])).rows.map((r) => r.res_id));
    const streamed = (await servicePool.query<{ res_id: number }>('SELECT res_id FROM risk_alerts WHERE rule_id = $1 AND create_uid = 1', [rule.id])).rows.map((r) => r.res_id);
    // Updates move amounts: a record alerted earlier may no longer match; what matches now must be alerted.
    for (const id of matching) if (!alerted.has(id)) missed += 1;
    wrongAlerts += streamed.length - new Set(streamed).size;
  }
  const loadAtEnd = loadAverage();
  ok = missed === 0 && wrongAlerts === 0 && evaluated >= produced;

  console.log(`\nrisk rules on the change stream: ${CHANGES_PER_SECOND} row changes/s target, ${ROUNDS} rounds of ${SLICE_SECONDS} s per condition; ${os.cpus().length} cores`);
  console.log(`${'condition'.padEnd(28)}${'changes/s'.padStart(11)}${'lag p50'.padStart(9)}${'lag p99'.padStart(9)}${'lag max'.padStart(9)}  eval CPU ms/change  capacity changes/s`);
  for (const [name, f] of [['baseline (0 active rules)', baseline], [`risk (${ACTIVE_RULES} active rules)`, risk]] as const) {
    console.log(`${name.padEnd(28)}${f.changes_per_s.toFixed(0).padStart(11)}${String(f.lag_p50_ms).padStart(9)}${String(f.lag_p99_ms).padStart(9)}${String(f.lag_max_ms).padStart(9)}  ${f.eval_cpu_ms_per_change.toFixed(3).padStart(18)}  ${String(f.evaluation_capacity_changes_per_s).padStart(18)}`);
  }
  console.log(`alerts created on the stream ${created}; drains ${drainSeconds.map((d) => d.toFixed(1)).join(', ')} s; checks: missed matches ${missed}, duplicate alerts ${wrongAlerts}, handled ${evaluated} of ${produced}`);
  console.log(`load average (1, 5, 15 min): start ${loadAtStart.join(' ')}, end ${loadAtEnd.join(' ')}`);
  console.log(JSON.stringify({
    bench: 'ops',
    cores: os.cpus().length,
    slice_seconds: SLICE_SECONDS,
    rounds: ROUNDS,
    changes_per_s_target: CHANGES_PER_SECOND,
    active_rules: ACTIVE_RULES,
    baseline,
    risk,
    lag_p99_risk_over_baseline: round(risk.lag_p99_ms / Math.max(1, baseline.lag_p99_ms), 2),
    alerts_created: created,
    drain_s: drainSeconds.map((d) => round(d, 1)),
    checks: { missed_matches: missed, duplicate_alerts: wrongAlerts, handled: evaluated, produced },
    load_avg: { start: loadAtStart, end: loadAtEnd },
    ok,
  }));
} finally {
  await feed?.stop().catch(() => undefined);
  await feed?.remove().catch(() => undefined);
  await legacyPool.end().catch(() => undefined);
  await servicePool.end().catch(() => undefined);
  for (const name of [LEGACY_DATABASE, SERVICE_DATABASE]) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
  await admin.end().catch(() => undefined);
  await bench.stop();
}
process.exit(ok ? 0 : 1);
