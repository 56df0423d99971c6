import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringifyPythonJson } from '../../../odoo-bridge/wire/json/python-json.ts';
import { odooErrorOf, startLegacyUserSide, startUserSide, type UserSide } from './support/user-core-sides.ts';

const ADMIN = 2;
const OPERATOR = 302; // operator002: operator, not admin
const COACH = 246;
const MEMBER = 6; // member001
const OTHER_MEMBER = 7; // member002

/** What a JSON-RPC client receives (floats arrive as numbers). */
const wire = (value: unknown): unknown => JSON.parse(stringifyPythonJson(value));

/**
 * hp_personal's goal and assessment rules (hp_health_goal.py, hp_assessment.py) as Odoo clients
 * see them, on both sides of the user service's cut: the stored progress and risk_level after any
 * create or write, action_record_progress (state check, Python float(), <= for weight and glucose,
 * cap at 100), action_abandon, and the addon's errors; goal_achieved in svc_user's outbox after
 * cutover only (the monolith publishes nothing).
 */
for (const sideName of ['legacy', 'user'] as const) {
  describe(`hp.health.goal and hp.assessment, ${sideName === 'legacy' ? 'phase legacy (monolith tables)' : 'after cutover to user (svc_user)'}`, () => {
    let side: UserSide;
    const call = (uid: number, model: string, method: string, args: unknown[], kwargs: Record<string, unknown> = {}) => side.call(uid, model, method, args, kwargs);
    const goal = async (id: number) => (await side.rows.query('SELECT state, target_value, current_value, progress, write_uid FROM health_goals WHERE id = $1', [id])).rows[0];
    const achievedEvents = async (ids: number[]) =>
      (await side.rows.query(`SELECT payload FROM outbox WHERE type = 'goal_achieved' AND (payload->'data'->>'goalId')::int = ANY($1) ORDER BY (payload->'data'->>'goalId')::int`, [ids])).rows.map((r) => r.payload);
    const newGoal = async (vals: Record<string, unknown>, uid = MEMBER) => (await call(uid, 'hp.health.goal', 'create', [{ user_id: uid, ...vals }])) as number;

    beforeAll(async () => {
      side = sideName === 'legacy' ? await startLegacyUserSide() : await startUserSide();
    }, 300_000);
    afterAll(async () => {
      await side?.stop();
    });

    it('stores progress on create and on writes of its dependencies, as _compute_progress rounds and caps it', async () => {
      const steps = await newGoal({ goal_type: 'steps', target_value: 3, current_value: 1 });
      expect(wire(await call(MEMBER, 'hp.health.goal', 'read', [[steps], ['progress', 'state', 'start_date', 'current_value']]))).toEqual([
        { id: steps, progress: 33.33, state: 'active', start_date: expect.stringMatching(/^\d{4}-\d\d-\d\d$/), current_value: 1 },
      ]);
      await call(MEMBER, 'hp.health.goal', 'write', [[steps], { current_value: 2 }]);
      expect((await goal(steps)).progress).toBe(66.67);
      await call(MEMBER, 'hp.health.goal', 'write', [[steps], { current_value: 7 }]);
      expect((await goal(steps)).progress).toBe(100);
      // round(x, 2) is Python's: 0.125 is an exact tie, rounded to even (12.5 % → 12.5; 1/8 of 1 % → 0.12).
      await call(MEMBER, 'hp.health.goal', 'write', [[steps], { target_value: 800, current_value: 1 }]);
      expect((await goal(steps)).progress).toBe(0.12);
      // Lower is better for weight: target / current.
      const weight = await newGoal({ goal_type: 'weight', target_value: 60, current_value: 80 });
      expect((await goal(weight)).progress).toBe(75);
      await call(MEMBER, 'hp.health.goal', 'write', [[weight], { goal_type: 'steps' }]);
      expect((await goal(weight)).progress).toBe(100);
      // No target or no value: 0.
      const empty = await newGoal({ goal_type: 'sleep', target_value: 8 });
      expect((await goal(empty)).progress).toBe(0);
    });

    it('action_record_progress: float(value), achieved at >= target (<= for weight and glucose), goal_achieved after cutover', async () => {
      const steps = await newGoal({ goal_type: 'steps', target_value: 10000, current_value: 100 });
      // round(99.995, 2) is 100.0 in Python too (the double is 99.99500000000000455), but not reached.
      expect(await call(MEMBER, 'hp.health.goal', 'action_record_progress', [[steps], '9999.5'])).toBe(true);
      expect(await goal(steps)).toMatchObject({ state: 'active', current_value: 9999.5, progress: 100, write_uid: MEMBER });
      await call(MEMBER, 'hp.health.goal', 'action_record_progress', [[steps], '9_990']);
      expect(await goal(steps)).toMatchObject({ state: 'active', current_value: 9990, progress: 99.9 });
      expect(await call(MEMBER, 'hp.health.goal', 'action_record_progress', [[steps]], { value: 10000 })).toBe(true);
      expect(await goal(steps)).toMatchObject({ state: 'achieved', current_value: 10000, progress: 100 });

      const glucose = await newGoal({ goal_type: 'glucose', target_value: 6, current_value: 8 });
      await call(MEMBER, 'hp.health.goal', 'action_record_progress', [[glucose], 6.5]);
      expect(await goal(glucose)).toMatchObject({ state: 'active', progress: 92.31 });
      await call(MEMBER, 'hp.health.goal', 'action_record_progress', [[glucose], ' 6 ']);
      expect(await goal(glucose)).toMatchObject({ state: 'achieved', current_value: 6, progress: 100 });

      // An active goal without target never counts as reached (`if not self.target_value`).
      const noTarget = await newGoal({ goal_type: 'weight' });
      await call(MEMBER, 'hp.health.goal', 'action_record_progress', [[noTarget], 0]);
      expect(await goal(noTarget)).toMatchObject({ state: 'active', progress: 0 });

      // The monolith has no outbox (and Odoo announced nothing); svc_user's holds one event per goal reached.
      if (sideName === 'user') {
        const events = await achievedEvents([steps, glucose, noTarget]);
        expect(events.map((e) => e.data)).toEqual([
          { goalId: steps, userId: MEMBER, goalType: 'steps', targetValue: 10000, currentValue: 10000, achievedAt: expect.stringMatching(/Z$/) },
          { goalId: glucose, userId: MEMBER, goalType: 'glucose', targetValue: 6, currentValue: 6, achievedAt: expect.stringMatching(/Z$/) },
        ]);
        expect(events.map((e) => e.source)).toEqual(['/ficus/user', '/ficus/user']);
      }
    });

    it('refuses as hp_personal does, with its texts, its classes and its order, leaving every row as it was', async () => {
      const [a, b] = [await newGoal({ goal_type: 'steps', target_value: 100 }), await newGoal({ goal_type: 'steps', target_value: 100 })];
      // `for goal in self` with a duplicate: the second visit finds the goal achieved; the first write is rolled back.
      expect(await odooErrorOf(call(MEMBER, 'hp.health.goal', 'action_record_progress', [[a, a], 150]))).toEqual({ name: 'odoo.exceptions.UserError', message: 'Only active goals can record progress.' });
      expect(await goal(a)).toMatchObject({ state: 'active', current_value: null });
      // Python's float(): its ValueError and TypeError texts.
      expect(await odooErrorOf(call(MEMBER, 'hp.health.goal', 'action_record_progress', [[a], 'ten']))).toEqual({ name: 'builtins.ValueError', message: "could not convert string to float: 'ten'" });
      expect(await odooErrorOf(call(MEMBER, 'hp.health.goal', 'action_record_progress', [[a], null]))).toEqual({ name: 'builtins.TypeError', message: "float() argument must be a string or a real number, not 'NoneType'" });
      expect(await odooErrorOf(call(MEMBER, 'hp.health.goal', 'action_record_progress', [[a], [1]]))).toEqual({ name: 'builtins.TypeError', message: "float() argument must be a string or a real number, not 'list'" });
      // The state is checked before float() is evaluated.
      await call(MEMBER, 'hp.health.goal', 'action_abandon', [[b]]);
      expect(await odooErrorOf(call(MEMBER, 'hp.health.goal', 'action_record_progress', [[b], 'ten']))).toEqual({ name: 'odoo.exceptions.UserError', message: 'Only active goals can record progress.' });
      // Another member's goal: outside the read rules, an AccessError (nothing written).
      const others = await newGoal({ goal_type: 'steps', target_value: 100 }, OTHER_MEMBER);
      const denied = await odooErrorOf(call(MEMBER, 'hp.health.goal', 'action_record_progress', [[others], 150]));
      expect(denied.name).toBe('odoo.exceptions.AccessError');
      expect(await goal(others)).toMatchObject({ state: 'active', current_value: null });
      // Coaches hold the member ACL on goals (coach implies member) but only their own rows.
      expect((await odooErrorOf(call(COACH, 'hp.health.goal', 'action_abandon', [[others]]))).name).toBe('odoo.exceptions.AccessError');
      // Operators see every goal (their rule lifts the member rule).
      expect(await call(OPERATOR, 'hp.health.goal', 'action_record_progress', [[others], 150])).toBe(true);
      expect(await goal(others)).toMatchObject({ state: 'achieved', current_value: 150, write_uid: OPERATOR });
    });

    it('action_abandon: active goals only, one write; others untouched; True', async () => {
      const active = await newGoal({ goal_type: 'sleep', target_value: 8, current_value: 6 });
      const achieved = await newGoal({ goal_type: 'sleep', target_value: 8, current_value: 6 });
      await call(MEMBER, 'hp.health.goal', 'action_record_progress', [[achieved], 9]);
      expect(await call(MEMBER, 'hp.health.goal', 'action_abandon', [[active, achieved]])).toBe(true);
      expect((await goal(active)).state).toBe('abandoned');
      expect((await goal(achieved)).state).toBe('achieved');
      expect(await call(MEMBER, 'hp.health.goal', 'action_abandon', [[]])).toBe(true);
      expect((await odooErrorOf(call(MEMBER, 'hp.health.goal', 'action_abandon', [[999_999]]))).name).toBe('odoo.exceptions.MissingError');
    });

    it('hp.assessment: risk_level stored from score on create and write (70 high, 40 medium, else low)', async () => {
      const ids = (await call(COACH, 'hp.assessment', 'create', [[
        { user_id: MEMBER, coach_id: COACH, score: 70 },
        { user_id: MEMBER, coach_id: COACH, score: 69 },
        { user_id: MEMBER, coach_id: COACH, score: 40 },
        { user_id: MEMBER, coach_id: COACH, score: 39 },
        { user_id: MEMBER, coach_id: COACH },
      ]])) as number[];
      expect(wire(await call(COACH, 'hp.assessment', 'read', [ids, ['risk_level']]))).toEqual(
        ['high', 'medium', 'medium', 'low', 'low'].map((risk, i) => ({ id: ids[i], risk_level: risk })),
      );
      await call(COACH, 'hp.assessment', 'write', [[ids[4]], { score: 95 }]);
      expect((await side.rows.query('SELECT risk_level FROM assessments WHERE id = $1', [ids[4]])).rows[0].risk_level).toBe('high');
      await call(ADMIN, 'hp.assessment', 'write', [[ids[0]], { score: 0 }]);
      expect((await side.rows.query('SELECT risk_level FROM assessments WHERE id = $1', [ids[0]])).rows[0].risk_level).toBe('low');
    });
  });
}
