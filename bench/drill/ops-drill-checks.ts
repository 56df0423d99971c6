import type pg from 'pg';
import { pythonRound2 } from '../../migration/legacy-addons/hp-growth.ts';
import type { OpsLoadReport } from './ops-load-types.ts';
import { baselineIds, sideChecker, type SideCheck } from './side-check.ts';

/** The tables the drill writes (alerts are its rules' own, all new), and the rows of the drill's users each held before the drill (ids), on the monolith. */
export type OpsBaseline = Record<OpsTable, Set<number>>;
type OpsTable = 'ratings' | 'notifications' | 'operations' | 'risk_rules';

/** Whose rows a table's drill rows are: ratings by coach, notifications by member, operations by operator, rules by their creator (an operator). */
const OWNER_COLUMN: Record<OpsTable, string> = { ratings: 'coach_id', notifications: 'user_id', operations: 'operator_id', risk_rules: 'create_uid' };
const TABLES = Object.keys(OWNER_COLUMN) as OpsTable[];
const ofOwners = (table: string) => `${OWNER_COLUMN[table as OpsTable] ?? 'rule_id'} = ANY($1::int4[])`;
const ownersIn = (table: OpsTable, users: { members: readonly number[]; coaches: readonly number[]; operators: readonly number[] }) =>
  table === 'ratings' ? users.coaches : table === 'notifications' ? users.members : users.operators;

export async function opsBaseline(pool: pg.Pool, users: { members: readonly number[]; coaches: readonly number[]; operators: readonly number[] }): Promise<OpsBaseline> {
  return (await baselineIds(pool, TABLES.map((table) => ({ table, where: ofOwners(table), owners: ownersIn(table, users) })))) as OpsBaseline;
}

/**
 * Every row the load was answered with, on one side: present exactly once with the values its
 * last accepted write gave it (a rating's coach, rater and score; a notification's member, title
 * and read flag; an operation's name and state; a rule's code, model and condition; an alert an
 * operator acted on, its state), and no other new row of the drill's users. The alerts of the
 * drill's rules, made by scans and by the stream's evaluation alike: each on a rating its rule's
 * condition matches, one per rule and rating, every matching rating answered before a rule's
 * last scan started alerted, and at least as many as the scans said they created.
 */
export async function checkOpsSide(side: SideCheck['side'], pool: pg.Pool, baseline: OpsBaseline, report: OpsLoadReport): Promise<SideCheck> {
  const { check, newRows, compare } = sideChecker(side, pool, baseline);
  const users = { members: report.memberIds, coaches: report.coachIds, operators: report.operatorIds };
  const rowsOf = <R extends { id: number }>(table: OpsTable, columns: string) => newRows<R>(table, columns, ofOwners(table), ownersIn(table, users));

  const ratings = await rowsOf<{ id: number; coach_id: number; rater_id: number | null; score: number }>('ratings', 'coach_id, rater_id, score');
  compare('ratings', report.ratings, ratings, (t, r) =>
    r.coach_id !== t.coachId || r.rater_id !== t.raterId || r.score !== t.score ? `holds coach ${r.coach_id} rater ${r.rater_id} score ${r.score}, written coach ${t.coachId} rater ${t.raterId} score ${t.score}` : undefined);

  const notifications = await rowsOf<{ id: number; user_id: number; title: string; is_read: boolean | null }>('notifications', 'user_id, title, is_read');
  compare('notifications', report.notifications, notifications, (t, r) =>
    r.user_id !== t.userId || r.title !== t.title || (r.is_read ?? false) !== t.isRead ? `holds "${r.title}" of ${r.user_id} read ${r.is_read}, last written "${t.title}" of ${t.userId} read ${t.isRead}` : undefined);

  const operations = await rowsOf<{ id: number; operator_id: number | null; name: string; state: string }>('operations', 'operator_id, name, state');
  compare('operations', report.operations, operations, (t, r) =>
    r.operator_id !== t.operatorId || r.name !== t.name || r.state !== t.state ? `holds "${r.name}" ${r.state} of ${r.operator_id}, last written "${t.name}" ${t.state} of ${t.operatorId}` : undefined);

  const rules = await rowsOf<{ id: number; code: string; model_name: string; condition: string | null; active: boolean | null }>('risk_rules', 'code, model_name, condition, active');
  compare('risk_rules', report.rules, rules, (t, r) =>
    r.code !== t.code || r.model_name !== 'hp.rating' || (r.active ?? false) !== true ? `holds ${r.code} on ${r.model_name} active ${r.active}, written ${t.code} on hp.rating active` : undefined);

  // The alerts of the drill's rules: all new (the rules are).
  const ruleIds = report.rules.map((r) => r.id);
  const { rows: alertRows } = await pool.query<{ id: number; rule_id: number; res_model: string | null; res_id: number | null; state: string }>(
    'SELECT id, rule_id, res_model, res_id, state FROM risk_alerts WHERE rule_id = ANY($1::int4[]) ORDER BY id', [ruleIds],
  );
  const alerts = new Map(alertRows.map((a) => [a.id, a]));
  compare('risk_alerts', report.alerts, alerts, (t, r) => (r.state !== t.state ? `holds ${r.state}, last written ${t.state}` : undefined), () => []);
  const answered = new Map(report.ratings.map((r) => [r.id, r.answeredAt]));
  for (const rule of report.rules) {
    const { rows: matching } = await pool.query<{ id: number }>('SELECT id FROM ratings WHERE coach_id = $1 AND score <= $2', [rule.coachId, rule.maxScore]);
    const matches = new Set(matching.map((r) => r.id));
    const mine = alertRows.filter((a) => a.rule_id === rule.id);
    const seen = new Set<number>();
    for (const a of mine) {
      if (a.res_model !== 'hp.rating' || a.res_id === null || !matches.has(a.res_id)) check.wrong.push(`risk_alerts #${a.id}: rule ${rule.code} alerted ${a.res_model} ${a.res_id}, which its condition does not match`);
      else if (seen.has(a.res_id)) check.extra.push(`risk_alerts #${a.id}: rule ${rule.code} alerted rating ${a.res_id} again`);
      if (a.res_id !== null) seen.add(a.res_id);
    }
    // A rating answered before the rule's last scan started (or there before the drill) is one that scan saw.
    if (rule.lastScanStartedAt !== null) {
      for (const id of matches) if (!seen.has(id) && (answered.get(id) ?? 0) < rule.lastScanStartedAt) check.missing.push(`risk_alerts of rule ${rule.code} on rating ${id}`);
    }
    const scanned = rule.scans.reduce((a, b) => a + b, 0);
    if (mine.length < scanned) check.missing.push(`risk_alerts of rule ${rule.code}: scans answered ${scanned} created, ${mine.length} present`);
  }
  return check;
}

/**
 * hp_growth's stored res.users.coach_rating_avg of each drill coach (the monolith's column, the
 * only one) against Python's round(mean, 2) of the coach's ratings on `side`: what differs, as
 * a side check's `wrong` lines.
 */
export async function coachAveragesDiffer(legacy: pg.Pool, side: pg.Pool, coachIds: readonly number[]): Promise<string[]> {
  const [{ rows: stored }, { rows: totals }] = await Promise.all([
    legacy.query<{ id: number; average: string | null }>('SELECT id, coach_rating_avg::text AS average FROM res_users WHERE id = ANY($1::int4[])', [coachIds]),
    side.query<{ coach_id: number; total: string; n: number }>('SELECT coach_id, sum(score)::text AS total, count(*)::int4 AS n FROM ratings WHERE coach_id = ANY($1::int4[]) GROUP BY coach_id', [coachIds]),
  ]);
  return stored.flatMap((u) => {
    const t = totals.find((x) => x.coach_id === u.id);
    const expected = t ? pythonRound2(Number(t.total) / t.n) : 0;
    return Math.abs(Number(u.average ?? 0) - expected) < 0.005 ? [] : [`res_users #${u.id}: coach_rating_avg ${u.average}, its ${t?.n ?? 0} ratings average ${expected}`];
  });
}
