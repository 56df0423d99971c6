import type pg from 'pg';
import { inPgTransaction } from '../../platform/pg-transaction.ts';
import type { ReconcileReport } from './report-model.ts';
import { isTableCondition } from './table-failure.ts';
import type { BreachRepair, RuleSide } from './rule-model.ts';
import type { OwnerLookup, TableOwner } from './table-owner.ts';
import { MEMBER_COUNT_SQL } from './biz-rules.ts';
import { RISK_LEVEL_SQL } from './user-rules.ts';

/**
 * `--repair` for business-rule breaches: the writes that mend them (a missing points award, an
 * order its succeeded payment did not mark paid, a payment that lost its link to the order), each
 * made on the system of record of the table it writes. A breach seen only in a copy (the legacy
 * table of a module cut over, or a service's forward copy) is not written there: the sync carries
 * the owner's rows over, and the table re-sync of `planRepair` mends a copy that drifted.
 * Breaches no machine should mend (a rewritten ledger history, a payment that does not exist) are
 * listed with the reason, for a person.
 */
export interface RuleRepairStep {
  rule: string;
  /** Where the breach was seen; also where the write goes (the owner's side of `repair.table`). */
  side: RuleSide;
  owner: TableOwner;
  detail: string;
  repair: BreachRepair;
  /** The statement the step runs, with its values, as a person would read and could run it. */
  sql: string;
}

export interface RuleRepairLeftOver {
  rule: string;
  side: RuleSide | 'across' | 'owners';
  detail: string;
  reason: string;
}

export interface RuleRepairPlan {
  steps: RuleRepairStep[];
  /** Breaches the plan does not write anything for, each with why. */
  leftOver: RuleRepairLeftOver[];
}

const sideOf = (owner: TableOwner): RuleSide => (owner === 'legacy' ? 'source' : 'target');
const sideWords = (side: RuleSide) => (side === 'source' ? 'the legacy database' : 'the service database');
const keyOf = (r: BreachRepair): string => JSON.stringify(r);

/**
 * What `--repair` proposes for the report's rule breaches. Breaches seen on the owner's side come
 * first, so the same breach seen in both the owner and its copy is written once, on the owner.
 */
export async function planRuleRepairs(report: ReconcileReport, ownerOf: OwnerLookup): Promise<RuleRepairPlan> {
  const plan: RuleRepairPlan = { steps: [], leftOver: [] };
  const candidates: { rule: string; side: RuleSide | 'owners'; detail: string; repair: BreachRepair; owner: TableOwner }[] = [];
  for (const result of report.rules) {
    for (const breach of result.breaches) {
      if (result.side === 'across') {
        plan.leftOver.push({ rule: result.id, side: 'across', detail: breach.detail, reason: 'the two sides disagree: re-sync the table from its system of record (the table repair above), then check again' });
      } else if (!breach.repair) {
        plan.leftOver.push({ rule: result.id, side: result.side, detail: breach.detail, reason: breach.noRepair ?? 'no automatic repair for this rule: a person decides' });
      } else {
        candidates.push({ rule: result.id, side: result.side, detail: breach.detail, repair: breach.repair, owner: await ownerOf(breach.repair.table) });
      }
    }
  }
  const planned = new Set<string>();
  // Seen on the owners' rows (`owners`: each table read on its system of record) or on the side that owns the table written.
  const onOwner = candidates.filter((c) => c.side === 'owners' || c.side === sideOf(c.owner));
  for (const c of onOwner) {
    if (planned.has(keyOf(c.repair))) continue;
    planned.add(keyOf(c.repair));
    plan.steps.push({ ...c, side: sideOf(c.owner), sql: statementOf(c.repair).readable });
  }
  for (const c of candidates.filter((x) => !onOwner.includes(x))) {
    if (planned.has(keyOf(c.repair))) continue;
    plan.leftOver.push({
      rule: c.rule,
      side: c.side,
      detail: c.detail,
      reason: `seen in the copy of ${c.repair.table} in ${sideWords(c.side as RuleSide)}, whose system of record is ${c.owner === 'legacy' ? 'the legacy database' : 'its service'}: not written there (the sync carries the owner's rows; a drifted copy is re-synced by the table repair)`,
    });
  }
  return plan;
}

export function describeRuleRepairPlan(plan: RuleRepairPlan): string {
  if (!plan.steps.length && !plan.leftOver.length) return 'business rules: nothing to repair\n';
  const lines: string[] = [];
  if (plan.steps.length) {
    lines.push(`business rules: ${plan.steps.length} write(s) on the system of record (made with --apply):`);
    for (const s of plan.steps) {
      lines.push(`  ${s.rule} (${sideWords(s.side)}, owner ${s.owner}): ${s.detail}`);
      lines.push(...s.sql.split('\n').map((l) => `    ${l}`));
    }
  }
  if (plan.leftOver.length) {
    lines.push(`business rules: ${plan.leftOver.length} breach(es) not repaired automatically:`);
    const where = (side: RuleRepairLeftOver['side']) => (side === 'across' ? 'across both sides' : side === 'owners' ? 'the systems of record' : sideWords(side));
    for (const l of plan.leftOver) lines.push(`  ${l.rule} (${where(l.side)}): ${l.detail} — ${l.reason}`);
  }
  return lines.join('\n') + '\n';
}

export interface RuleRepairResult {
  rule: string;
  side: RuleSide;
  table: string;
  /** False when the breach no longer stood (mended meanwhile, e.g. by a sync or a repair run twice), or the write failed. */
  written: boolean;
  detail: string;
  /** The database's reason when the write failed (a constraint, a lock timeout): the breach stays and the next reconcile reports it. */
  failed?: string;
}

/** The legacy database and the service database holding a table (found lazily: the module registry may be read first). */
export interface RuleRepairPools {
  source(table: string): pg.Pool | Promise<pg.Pool>;
  target(table: string): pg.Pool | Promise<pg.Pool>;
}

/** Makes the plan's writes, each in its own transaction on the side that owns its table. */
export async function applyRuleRepairs(
  plan: RuleRepairPlan,
  pools: RuleRepairPools,
): Promise<RuleRepairResult[]> {
  const results: RuleRepairResult[] = [];
  for (const step of plan.steps) {
    const pool = await (step.side === 'source' ? pools.source(step.repair.table) : pools.target(step.repair.table));
    const { text, values, lock } = statementOf(step.repair);
    try {
      const written = await inPgTransaction(pool, async (client) => {
        // The ledger's own lock: Odoo's hp.points.transaction.create and the finance service take it, so the award chains after theirs.
        if (lock) await client.query('SELECT pg_advisory_xact_lock($1::int4, $2::int4)', lock);
        return client.query(text, values);
      });
      results.push({ rule: step.rule, side: step.side, table: step.repair.table, written: (written.rowCount ?? 0) > 0, detail: step.detail });
    } catch (error) {
      // What the data holds (a constraint, a value) is reported with the other results, never a failed run (exit 2).
      if (!isTableCondition(error)) throw error;
      results.push({ rule: step.rule, side: step.side, table: step.repair.table, written: false, detail: step.detail, failed: (error as Error).message });
    }
  }
  return results;
}

/** The advisory lock class of the points ledger (hp_points: pg_advisory_xact_lock(14, user_id)). */
export const POINTS_LEDGER_LOCK = 14;
/** Odoo's superuser: what a repair records as the author of its writes. */
const REPAIR_UID = 1;

interface Statement {
  /** What pg runs: `$n` placeholders for `values`. */
  text: string;
  values: (number | string | null)[];
  /** The same with its values inlined (ids, amounts and fixed words only), as the plan prints it. */
  readable: string;
  /** An advisory lock (class, key) taken in the transaction before the statement. */
  lock?: [number, number];
}

/**
 * Each repair checks, in the statement itself, that the breach still stands (no award for the
 * order yet; the order still pending; the payment still unlinked), so applying a plan twice, or
 * after the sync mended it, writes nothing.
 */
function statementOf(r: BreachRepair): Statement {
  const now = `(now() AT TIME ZONE 'UTC')`;
  switch (r.kind) {
    case 'append-points':
      return statement(
        [
          `INSERT INTO points_transactions (user_id, delta, balance_after, reason, ref_model, ref_id, create_uid, write_uid, create_date, write_date)`,
          `SELECT :1::int4, :2::int4, last.balance + :2::int4, :3::varchar, :4::varchar, :5::int4, :6::int4, :6::int4, ${now}, ${now}`,
          `  FROM (SELECT coalesce((SELECT balance_after FROM points_transactions WHERE user_id = :1::int4 ORDER BY id DESC LIMIT 1), 0) AS balance) last`,
          ` WHERE last.balance + :2::int4 >= 0`,
          `   AND NOT EXISTS (SELECT 1 FROM points_transactions WHERE reason = :3::varchar AND ref_model = :4::varchar AND ref_id = :5::int4)`,
        ].join('\n'),
        [r.userId, r.delta, r.reason, r.refModel, r.refId, REPAIR_UID],
        [POINTS_LEDGER_LOCK, r.userId],
      );
    case 'mark-order-paid':
      return statement(
        `UPDATE service_orders SET state = 'paid', write_uid = :2::int4, write_date = ${now} WHERE id = :1::int4 AND state = 'pending_payment'`,
        [r.orderId, REPAIR_UID],
      );
    case 'link-payment':
      return statement(
        `UPDATE payments SET source_id = :2::int4, write_uid = :4::int4, write_date = ${now}\n` +
          ` WHERE id = :1::int4 AND state = 'succeeded' AND source_model = 'hp.service.order' AND source_id IS NOT DISTINCT FROM :3::int4`,
        [r.paymentId, r.orderId, r.previousSourceId, REPAIR_UID],
      );
    case 'recompute-goal-progress':
      return statement(
        `UPDATE health_goals SET progress = :2::float8, write_uid = :4::int4, write_date = ${now}\n` +
          ` WHERE id = :1::int4 AND progress IS DISTINCT FROM :2::float8 AND write_date IS NOT DISTINCT FROM :3::timestamp`,
        [r.goalId, r.progress, r.writeDate, REPAIR_UID],
      );
    case 'recompute-risk-level':
      // From the row's own score in the statement: the plan prints no score or level (health data).
      return statement(
        `UPDATE assessments SET risk_level = ${RISK_LEVEL_SQL}, write_uid = :2::int4, write_date = ${now}\n` +
          ` WHERE id = :1::int4 AND risk_level IS DISTINCT FROM ${RISK_LEVEL_SQL}`,
        [r.assessmentId, REPAIR_UID],
      );
    case 'unlink-missing-device':
      return statement(
        `UPDATE health_records SET device_binding_id = NULL\n` +
          ` WHERE id = :1::int4 AND device_binding_id = :2::int4 AND NOT EXISTS (SELECT 1 FROM device_bindings WHERE id = :2::int4)`,
        [r.recordId, r.deviceBindingId],
      );
    case 'recompute-member-count':
      return statement(
        `UPDATE community_groups SET member_count = ${MEMBER_COUNT_SQL}, write_uid = :2::int4, write_date = ${now}\n` +
          ` WHERE id = :1::int4 AND member_count IS DISTINCT FROM ${MEMBER_COUNT_SQL}`,
        [r.groupId, REPAIR_UID],
      );
  }
}

function statement(template: string, values: Statement['values'], lock?: [number, number]): Statement {
  const inline = (v: Statement['values'][number]) => (v === null ? 'NULL' : typeof v === 'number' ? String(v) : `'${v.replace(/'/g, "''")}'`);
  const readable = template.replace(/:(\d+)::\w+/g, (_, n: string) => inline(values[Number(n) - 1]!));
  return {
    text: template.replace(/:(\d+)::/g, (_, n: string) => `$${n}::`),
    values,
    readable: (lock ? `SELECT pg_advisory_xact_lock(${lock[0]}, ${lock[1]});\n` : '') + readable + ';',
    ...(lock ? { lock } : {}),
  };
}
