import { pyRound2 } from '../../odoo-bridge/orm/python-round.ts';
import { on, type BusinessRule, type RuleBreach } from './rule-model.ts';

/**
 * The invariants of M05, M17 and M18 (hp_growth, hp_operations, hp_risk: the ops service), from
 * the addons' sources. Each module changes owner on its own, so each rule reads the tables of one
 * module only (res_users, Odoo's own, is read where it lives: the monolith).
 *
 * - res.users `coach_rating_avg` (hp_growth/models/res_users.py, store=True, depends on
 *   `hp_rating_ids.score`): `round(sum(scores) / len(scores), 2)` of the ratings the coach
 *   received, 0.0 without any. The column is the monolith's (a table Odoo still owns); ops writes
 *   it through the owner when it creates a rating, so on both sides the ratings must give the
 *   average the monolith stores.
 * - hp.risk.rule `action_scan` creates one alert per matching record *not already alerted by the
 *   rule*, naming no user: so an open alert's (rule_id, res_id) is unique among the alerts for
 *   one user (or none) — two open alerts of one rule on one record are a scan (or a stream
 *   evaluation) that ran twice or a sync that copied one twice. Alerts an operator creates by hand
 *   may name the user concerned, and the monolith's own data has two open alerts of one rule on one
 *   payment for two users (alerts 24 and 50): those are not one alert twice.
 * - hp.risk.alert `rule_id` (many2one, ondelete='set null'): in the monolith PostgreSQL's foreign
 *   key empties it when the rule is deleted; svc_ops keeps no foreign keys, so an alert naming a
 *   rule that does not exist is a set-null the service missed.
 */

const coachRatingAverage: BusinessRule = {
  id: 'coach-rating-avg-computed',
  title: "Every coach's stored rating average is the mean of the ratings received, to two places",
  description:
    "For every user with ratings (ratings.coach_id) or a non-zero coach_rating_avg, res_users.coach_rating_avg (the monolith's) equals " +
    "Python's round(mean(score), 2) of the coach's ratings on this side (0.0 without any), as hp_growth's stored compute writes it.",
  tables: ['ratings'],
  scope: 'per-side',
  async check(sides, side) {
    const [ratings, stored] = await Promise.all([
      on(sides[side], 'ratings').query<{ coach_id: number; total: string; n: number }>(
        `SELECT coach_id, sum(score)::text AS total, count(*)::int4 AS n FROM ratings WHERE coach_id IS NOT NULL GROUP BY coach_id`,
      ),
      // res_users is the monolith's on both sides' checks: the stored average has one home.
      on(sides.source, 'res_users').query<{ id: number; average: string | null }>(
        `SELECT id, coach_rating_avg::text AS average FROM res_users WHERE coach_rating_avg IS NOT NULL AND coach_rating_avg <> 0`,
      ),
    ]);
    const expected = new Map(ratings.rows.map((r) => [r.coach_id, pyRound2(Number(r.total) / r.n)]));
    const storedBy = new Map(stored.rows.map((r) => [r.id, Number(r.average)]));
    const coaches = [...new Set([...expected.keys(), ...storedBy.keys()])].sort((a, b) => a - b);
    return coaches.flatMap((coach): RuleBreach[] => {
      const want = expected.get(coach) ?? 0;
      const have = storedBy.get(coach) ?? 0;
      if (Math.abs(want - have) < 0.005) return [];
      const n = ratings.rows.find((r) => r.coach_id === coach)?.n ?? 0;
      return [{
        ids: { res_users: [coach] },
        detail: `coach ${coach}: coach_rating_avg ${have.toFixed(2)}, ${n} rating(s) averaging ${want.toFixed(2)}`,
        noRepair: "the monolith recomputes it when a rating of the coach is written: a person finds the rating whose write was lost",
      }];
    });
  },
};

const openAlertUnique: BusinessRule = {
  id: 'risk-open-alert-unique',
  title: 'No rule has two open alerts on one record for one user',
  description:
    "Among risk alerts in state 'open', each (rule_id, res_id, user_id) occurs once (user_id empty counting as one user): hp.risk.rule.action_scan " +
    'alerts a record, naming no user, only if the rule has not alerted it yet.',
  tables: ['risk_alerts'],
  scope: 'per-side',
  async check(sides, side) {
    const { rows } = await on(sides[side], 'risk_alerts').query<{ rule_id: number; res_model: string | null; res_id: number; user_id: number | null; ids: number[] }>(
      `SELECT rule_id, min(res_model) AS res_model, res_id, user_id, array_agg(id ORDER BY id) AS ids FROM risk_alerts
        WHERE state = 'open' AND rule_id IS NOT NULL AND res_id IS NOT NULL GROUP BY rule_id, res_id, user_id HAVING count(*) > 1 ORDER BY rule_id, res_id, user_id NULLS FIRST`,
    );
    return rows.map((r) => ({
      ids: { risk_alerts: r.ids, risk_rules: [r.rule_id], ...(r.user_id ? { res_users: [r.user_id] } : {}) },
      detail: `rule ${r.rule_id} has ${r.ids.length} open alerts on ${r.res_model ?? 'record'} ${r.res_id}${r.user_id ? ` for user ${r.user_id}` : ''} (alerts ${r.ids.join(', ')})`,
      noRepair: 'which alert an operator has seen is not in the rows: a person closes the others as false positives',
    }));
  },
};

const alertRuleExists: BusinessRule = {
  id: 'risk-alert-rule-exists',
  title: 'No risk alert names a rule that does not exist',
  description: "Every alert's rule_id, when set, finds a risk rule (hp.risk.alert's many2one is ondelete='set null': a deleted rule empties it).",
  tables: ['risk_alerts', 'risk_rules'],
  scope: 'per-side',
  async check(sides, side) {
    const locate = sides[side];
    const { rows } = await on(locate, 'risk_alerts').query<{ id: number; rule_id: number }>(`SELECT id, rule_id FROM risk_alerts WHERE rule_id IS NOT NULL ORDER BY id`);
    const named = [...new Set(rows.map((r) => r.rule_id))];
    const existing = new Set((await on(locate, 'risk_rules').query<{ id: number }>(`SELECT id FROM risk_rules WHERE id = ANY($1::int4[])`, [named])).rows.map((r) => r.id));
    return rows
      .filter((r) => !existing.has(r.rule_id))
      .map((r) => ({
        ids: { risk_alerts: [r.id], risk_rules: [r.rule_id] },
        detail: `risk alert ${r.id} names rule ${r.rule_id}, which does not exist`,
        noRepair: 'the rule is gone: whether the alert keeps no rule (the set null) or the rule comes back is for a person to decide',
      }));
  },
};

export const OPS_RULES: readonly BusinessRule[] = [coachRatingAverage, openAlertUnique, alertRuleExists];
