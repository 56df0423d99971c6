import { typeError, userError, valueError } from '../../odoo-bridge/errors.ts';
import type { CallContext } from '../../odoo-bridge/orm/call-context.ts';
import { idsOf, type MethodSpec } from '../../odoo-bridge/orm/methods/method.ts';
import type { BehaviourRegistry } from '../../odoo-bridge/orm/write/behaviour-registry.ts';
import { updateRecords } from '../../odoo-bridge/orm/write/record-writes.ts';
import { inTransaction } from '../../odoo-bridge/orm/write/transaction.ts';
import { pythonRound2 } from './hp-growth.ts';
import { readSelf, writeEnv } from './odoo-self.ts';

/**
 * hp_personal (M02, hp_personal/models/hp_health_goal.py) for the legacy side's engine: the
 * stored `progress` of a health goal and `action_record_progress(value)`. Its literal defaults
 * (`source='manual'`, `state='active'`, `start_date=context_today`) come from the sources like
 * every module's (registry/python-field-facts.ts).
 */
interface GoalRow {
  id: number;
  goal_type: string;
  state: string;
  target_value: number | null;
  current_value: number | null;
}

const lowerIsBetter = (goalType: string) => goalType === 'weight' || goalType === 'glucose';

/** `_compute_progress`: percentage of the target reached, capped at 100, `round(…, 2)`; 0 without target or value. */
export function goalProgress(goal: Pick<GoalRow, 'goal_type' | 'target_value' | 'current_value'>): number {
  const target = Number(goal.target_value ?? 0);
  const current = Number(goal.current_value ?? 0);
  if (!target || !current) return 0;
  return Math.min(100, pythonRound2(lowerIsBetter(goal.goal_type) ? (target / current) * 100 : (current / target) * 100));
}

/** `_is_reached`: at or past the target, downwards for weight and glucose. */
function isReached(goal: GoalRow): boolean {
  const target = Number(goal.target_value ?? 0);
  if (!target) return false;
  const current = Number(goal.current_value ?? 0);
  return lowerIsBetter(goal.goal_type) ? current <= target : current >= target;
}

async function recomputeProgress(ctx: CallContext, ids: number[]): Promise<void> {
  const { rows } = await ctx.db.query<GoalRow>(`SELECT id, goal_type, state, target_value, current_value FROM health_goals WHERE id = ANY($1::int4[])`, [ids]);
  for (const row of rows) await ctx.db.query(`UPDATE health_goals SET progress = $2 WHERE id = $1`, [row.id, goalProgress(row)]);
}

/** Python's `float(value)` for what a JSON/XML-RPC client can send. */
function pyFloat(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string') {
    const n = Number(value.trim());
    if (value.trim() && Number.isFinite(n)) return n;
    throw valueError(`could not convert string to float: '${value}'`);
  }
  const type = value === null || value === undefined ? 'NoneType' : Array.isArray(value) ? 'list' : 'dict';
  throw typeError(`float() argument must be a string or a real number, not '${type}'`);
}

export function registerHpPersonal(behaviours: BehaviourRegistry): BehaviourRegistry {
  const actionRecordProgress: MethodSpec = {
    api: 'records',
    signature: { qualname: 'HpHealthGoal.action_record_progress', params: [{ name: 'value' }] },
    run: (ctx, model, args, ids) =>
      inTransaction(ctx, async (tx) => {
        const w = writeEnv(tx, behaviours);
        const list = idsOf(ids);
        const goals = await readSelf<GoalRow>(w, model, list, ['goal_type', 'state', 'target_value', 'current_value']);
        // `for goal in self`: each goal in turn, as Python writes them.
        for (const id of list) {
          const goal = goals.get(id)!;
          if (goal.state !== 'active') throw userError('Only active goals can record progress.');
          goal.current_value = pyFloat(args.value);
          await updateRecords(w, model, [id], { current_value: goal.current_value });
          if (isReached(goal)) {
            goal.state = 'achieved';
            await updateRecords(w, model, [id], { state: 'achieved' });
            // `_hp_on_goal_achieved` is a hook no installed addon overrides.
          }
        }
        return true;
      }),
  };
  behaviours.register('hp.health.goal', { compute: { progress: recomputeProgress }, methods: { action_record_progress: actionRecordProgress } });
  return behaviours;
}
