import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHealthDataStack, type HealthDataStack, type UserOwner } from './health-data-stack.ts';

const ADMIN = 2;
const OPERATOR = 302; // operator002: operator (implies member), not admin
const COACH = 246;
const MEMBER = 6;
const OTHER = 7;

/**
 * POST /users/{id}/health-actions, GET the action, PUT/GET /users/{id}/health-goals on both homes
 * of M02's rows (the monolith before cutover, svc_user after): the record and the goal progressed
 * exactly as action_record_progress, the events in svc_user's outbox in the request's
 * transaction, validation and problems, Idempotency-Key, and the rights Odoo RPC gives the same
 * user (members their own rows; coaches read records but hold no right on others' goals;
 * operators everything).
 */
for (const owner of ['legacy', 'service'] as UserOwner[]) {
  describe(`health actions and goals over REST, rows in ${owner === 'legacy' ? 'the monolith (before cutover)' : 'svc_user (after cutover)'}`, () => {
    let stack: HealthDataStack;
    const as = (uid: number) => stack.token(uid);
    const call = (method: string, path: string, uid: number | null, body?: unknown, headers?: Record<string, string>) => stack.call(method, path, uid === null ? null : as(uid), body, headers);
    const rows = () => stack.home(owner);
    const goalRow = async (id: number) => (await rows().query('SELECT user_id, goal_type, state, target_value, current_value, progress, write_uid FROM health_goals WHERE id = $1', [id])).rows[0];
    const eventsAbout = async (subjects: string[]) =>
      (await stack.service.pool.query(`SELECT type, payload FROM outbox WHERE payload->>'subject' = ANY($1) ORDER BY created_at, id`, [subjects])).rows as { type: string; payload: any }[];
    const putGoals = (uid: number, subject: number, goals: unknown[], headers?: Record<string, string>) => call('PUT', `/users/${subject}/health-goals`, uid, { goals }, headers);
    const freshGoal = async (subject: number, goalType: string, targetValue: number, extra: Record<string, unknown> = {}) => {
      // Abandon what is active of the type first, so the PUT creates.
      await putGoals(ADMIN, subject, [{ goalType, state: 'abandoned' }]);
      const created = await putGoals(ADMIN, subject, [{ goalType, targetValue, startDate: '2026-01-01', ...extra }]);
      expect(created.status).toBe(201);
      return created.body.created[0] as number;
    };

    beforeAll(async () => {
      stack = await startHealthDataStack({ owner });
    }, 300_000);
    afterAll(async () => {
      await stack?.stop();
    });

    it('a step count advances the active steps goal as action_record_progress; reaching it achieves it; events in the outbox', async () => {
      const goal = await freshGoal(MEMBER, 'steps', 10000, { currentValue: 2000 });
      expect(await goalRow(goal)).toMatchObject({ state: 'active', progress: 20 });
      const first = await call('POST', `/users/${MEMBER}/health-actions`, MEMBER, { recordType: 'steps', value: 8000 });
      expect(first.status).toBe(201);
      expect(first.headers.get('location')).toBe(`/users/${MEMBER}/health-actions/${first.body.id}`);
      expect(first.body).toMatchObject({ userId: MEMBER, recordType: 'steps', value: 8000, value2: null, unit: 'steps', source: 'manual', deviceBindingId: null });
      expect(first.body.goalsAdvanced).toEqual([expect.objectContaining({ id: goal, state: 'active', currentValue: 8000, progress: 80 })]);
      const second = await call('POST', `/users/${MEMBER}/health-actions`, MEMBER, { recordType: 'steps', value: 10250, note: 'long walk' });
      expect(second.body.goalsAdvanced).toEqual([expect.objectContaining({ id: goal, state: 'achieved', currentValue: 10250, progress: 100 })]);
      expect(await goalRow(goal)).toMatchObject({ state: 'achieved', current_value: 10250, progress: 100, write_uid: MEMBER });
      // The Location resolves, for the member and for a coach (coaches read every health record).
      for (const uid of [MEMBER, COACH, OPERATOR]) {
        const got = await call('GET', first.headers.get('location')!, uid);
        expect(got.status).toBe(200);
        expect(got.body).toEqual({ ...first.body, goalsAdvanced: undefined, measuredAt: first.body.measuredAt });
      }
      const events = await eventsAbout([`hp.health.record/${first.body.id}`, `hp.health.record/${second.body.id}`, `hp.health.goal/${goal}`]);
      expect(events.map((e) => e.type)).toEqual(['health_action_recorded', 'health_action_recorded', 'goal_achieved']);
      expect(events[1]!.payload.data).toEqual({
        recordId: second.body.id, userId: MEMBER, recordType: 'steps', value: 10250, value2: null, unit: 'steps', measuredAt: expect.stringMatching(/Z$/), source: 'manual', deviceBindingId: null,
      });
      expect(new Date(events[1]!.payload.data.measuredAt).getTime()).toBe(new Date(second.body.measuredAt).getTime());
      expect(events[2]!.payload.data).toEqual({ goalId: goal, userId: MEMBER, goalType: 'steps', targetValue: 10000, currentValue: 10250, achievedAt: expect.stringMatching(/Z$/) });
      // An achieved goal is no longer active: the next record advances nothing.
      const third = await call('POST', `/users/${MEMBER}/health-actions`, MEMBER, { recordType: 'steps', value: 12000 });
      expect(third.body.goalsAdvanced).toEqual([]);
    });

    it('weight and glucose are reached downwards; sleep_hours advance sleep goals; heart rate and blood pressure advance none', async () => {
      const weight = await freshGoal(OTHER, 'weight', 70, { currentValue: 80 });
      const sleep = await freshGoal(OTHER, 'sleep', 8);
      const w1 = await call('POST', `/users/${OTHER}/health-actions`, OTHER, { recordType: 'weight', value: 75, unit: 'kg' });
      expect(w1.body.goalsAdvanced).toEqual([expect.objectContaining({ id: weight, state: 'active', progress: 93.33 })]);
      const w2 = await call('POST', `/users/${OTHER}/health-actions`, OTHER, { recordType: 'weight', value: 69.5 });
      expect(w2.body.goalsAdvanced).toEqual([expect.objectContaining({ id: weight, state: 'achieved', progress: 100 })]);
      const s = await call('POST', `/users/${OTHER}/health-actions`, OTHER, { recordType: 'sleep_hours', value: 6 });
      expect(s.body.goalsAdvanced).toEqual([expect.objectContaining({ id: sleep, state: 'active', progress: 75 })]);
      const bp = await call('POST', `/users/${OTHER}/health-actions`, OTHER, { recordType: 'blood_pressure', value: 120, value2: 80 });
      expect(bp.status).toBe(201);
      expect(bp.body).toMatchObject({ value: 120, value2: 80, unit: 'mmHg', goalsAdvanced: [] });
    });

    it('an older reading (a late upload) or one outside the goal period advances nothing', async () => {
      const goal = await freshGoal(MEMBER, 'glucose', 6, { currentValue: 9 });
      const now = await call('POST', `/users/${MEMBER}/health-actions`, MEMBER, { recordType: 'blood_glucose', value: 7 });
      expect(now.body.goalsAdvanced).toHaveLength(1);
      const late = await call('POST', `/users/${MEMBER}/health-actions`, MEMBER, { recordType: 'blood_glucose', value: 5, measuredAt: new Date(Date.now() - 3_600_000).toISOString() });
      expect(late.status).toBe(201);
      expect(late.body.goalsAdvanced).toEqual([]);
      const beforeStart = await call('POST', `/users/${MEMBER}/health-actions`, MEMBER, { recordType: 'blood_glucose', value: 5, measuredAt: '2025-12-31T23:00:00Z' });
      expect(beforeStart.body.goalsAdvanced).toEqual([]);
      expect(await goalRow(goal)).toMatchObject({ state: 'active', current_value: 7 });
    });

    it('concurrent actions of one member: the goal ends at the newest reading, whatever order they commit in', async () => {
      const goal = await freshGoal(OTHER, 'sleep', 1_000_000);
      const base = Date.parse('2026-11-01T00:00:00Z');
      // Only a member's newest reading moves a goal: earlier tests of this file recorded sleep for this member at "now".
      await rows().query(`DELETE FROM health_records WHERE user_id = $1 AND record_type = 'sleep_hours' AND measured_at >= $2`, [OTHER, new Date(base).toISOString()]);
      // Distinct times, sent in a shuffled order, all at once.
      const readings = Array.from({ length: 12 }, (_, i) => ({ value: 5 + i / 10, at: new Date(base + i * 3_600_000).toISOString() }));
      const shuffled = [...readings].sort(() => Math.random() - 0.5);
      const answers = await Promise.all(shuffled.map((r) => call('POST', `/users/${OTHER}/health-actions`, OTHER, { recordType: 'sleep_hours', value: r.value, measuredAt: r.at })));
      expect(answers.map((a) => a.status)).toEqual(answers.map(() => 201));
      expect((await goalRow(goal)).current_value).toBe(readings.at(-1)!.value);
    });

    it('rights as over RPC: a member only for themselves, a coach reads records but neither writes others\' nor reads goals, operators do all', async () => {
      const goal = await freshGoal(OTHER, 'steps', 5000);
      const before = (await rows().query('SELECT count(*)::int AS n FROM health_records')).rows[0].n;
      // Reads are audited, and each audit row is a health_data_accessed event: only the writes' events count here.
      const eventsBefore = (await stack.service.pool.query(`SELECT count(*)::int AS n FROM outbox WHERE type <> 'health_data_accessed'`)).rows[0].n;
      const forOther = await call('POST', `/users/${OTHER}/health-actions`, MEMBER, { recordType: 'steps', value: 6000 });
      expect(forOther.status).toBe(403);
      expect(forOther.headers.get('content-type')).toMatch(/application\/problem\+json/);
      const byCoach = await call('POST', `/users/${OTHER}/health-actions`, COACH, { recordType: 'steps', value: 6000 });
      expect(byCoach.status).toBe(403);
      expect((await rows().query('SELECT count(*)::int AS n FROM health_records')).rows[0].n).toBe(before);
      expect(await goalRow(goal)).toMatchObject({ state: 'active', current_value: null });
      expect((await call('GET', `/users/${OTHER}/health-goals`, MEMBER)).status).toBe(403);
      expect((await call('GET', `/users/${OTHER}/health-goals`, COACH)).status).toBe(403);
      expect((await call('GET', `/users/${OTHER}/health-goals/${goal}`, MEMBER)).status).toBe(403);
      // The member's own id with another member's goal id: not found.
      expect((await call('GET', `/users/${MEMBER}/health-goals/${goal}`, MEMBER)).status).toBe(404);
      expect((await putGoals(MEMBER, MEMBER, [{ id: goal, targetValue: 1 }])).status).toBe(404);
      expect((await putGoals(MEMBER, OTHER, [{ goalType: 'sleep', targetValue: 8 }])).status).toBe(403);
      expect((await putGoals(COACH, OTHER, [{ id: goal, state: 'abandoned' }])).status).toBe(403);
      expect(await goalRow(goal)).toMatchObject({ state: 'active', target_value: 5000 });
      // A refused request leaves no event: the outbox row would have been in its transaction.
      expect((await stack.service.pool.query(`SELECT count(*)::int AS n FROM outbox WHERE type <> 'health_data_accessed'`)).rows[0].n).toBe(eventsBefore);
      const byOperator = await call('POST', `/users/${OTHER}/health-actions`, OPERATOR, { recordType: 'steps', value: 6000, source: 'coach' });
      expect(byOperator.status).toBe(201);
      expect(byOperator.body.goalsAdvanced).toEqual([expect.objectContaining({ id: goal, state: 'achieved' })]);
      expect((await call('GET', `/users/${OTHER}/health-goals/${goal}`, OPERATOR)).body).toMatchObject({ id: goal, state: 'achieved', currentValue: 6000, progress: 100 });
      // Another member's record by id under one's own id: not found; a member reading another's: refused.
      expect((await call('GET', `/users/${MEMBER}/health-actions/${byOperator.body.id}`, MEMBER)).status).toBe(404);
      expect((await call('GET', `/users/${OTHER}/health-actions/${byOperator.body.id}`, MEMBER)).status).toBe(403);
      expect((await call('GET', `/users/999999/health-goals`, ADMIN)).status).toBe(404);
      expect((await call('POST', `/users/999999/health-actions`, ADMIN, { recordType: 'steps', value: 1 })).status).toBe(404);
      // Every goal read is in the audit, the refused ones too, without values.
      const audited = (await stack.service.pool.query(`SELECT actor_uid, subject_uids, model, protocol, outcome FROM health_read_audit WHERE model = 'hp.health.goal' AND subject_uids = ARRAY[$1::int] AND actor_uid = $2`, [OTHER, COACH])).rows;
      expect(audited).toEqual([{ actor_uid: COACH, subject_uids: [OTHER], model: 'hp.health.goal', protocol: 'rest', outcome: 'refused' }]);
    });

    it('validation and problems: ajv at the edge, the unit of the type, no future, a device of the same member', async () => {
      const bad = async (body: unknown) => {
        const answer = await call('POST', `/users/${MEMBER}/health-actions`, MEMBER, body);
        expect(answer.headers.get('content-type')).toMatch(/application\/problem\+json/);
        return answer.status;
      };
      expect(await bad({ recordType: 'steps' })).toBe(400);
      expect(await bad({ recordType: 'mood', value: 1 })).toBe(400);
      expect(await bad({ recordType: 'steps', value: -1 })).toBe(400);
      expect(await bad({ recordType: 'steps', value: '100' })).toBe(400);
      expect(await bad({ recordType: 'blood_pressure', value: 120 })).toBe(400);
      expect(await bad({ recordType: 'steps', value: 100, value2: 1 })).toBe(400);
      expect(await bad({ recordType: 'steps', value: 100, extra: true })).toBe(400);
      expect(await bad({ recordType: 'weight', value: 70, unit: 'lb' })).toBe(422);
      expect(await bad({ recordType: 'weight', value: 70, measuredAt: new Date(Date.now() + 3_600_000).toISOString() })).toBe(422);
      const { rows: [othersDevice] } = await rows().query('SELECT id FROM device_bindings WHERE user_id <> $1 LIMIT 1', [MEMBER]);
      expect(await bad({ recordType: 'weight', value: 70, source: 'device', deviceBindingId: othersDevice.id })).toBe(422);
      expect((await call('POST', `/users/${MEMBER}/health-actions`, null, { recordType: 'steps', value: 1 })).status).toBe(401);
      expect((await putGoals(MEMBER, MEMBER, [])).status).toBe(400);
      expect((await putGoals(MEMBER, MEMBER, [{ goalType: 'steps', targetValue: 0 }])).status).toBe(400);
      expect((await putGoals(MEMBER, MEMBER, [{ goalType: 'steps' }])).status).toBe(400);
      expect((await putGoals(MEMBER, MEMBER, [{ goalType: 'sleep', targetValue: 8, startDate: '2026-05-01', endDate: '2026-04-01' }])).status).toBe(422);
    });

    it('Idempotency-Key: a retried action records once and replays its answer; another body with the key is 422', async () => {
      const key = `action-${owner}-${Date.now()}`;
      const body = { recordType: 'heart_rate', value: 61, measuredAt: '2026-11-30T08:00:00Z' };
      const first = await call('POST', `/users/${MEMBER}/health-actions`, MEMBER, body, { 'idempotency-key': key });
      const again = await call('POST', `/users/${MEMBER}/health-actions`, MEMBER, body, { 'idempotency-key': key });
      expect(again.status).toBe(201);
      expect(again.body).toEqual(first.body);
      expect((await rows().query(`SELECT count(*)::int AS n FROM health_records WHERE user_id = $1 AND record_type = 'heart_rate' AND measured_at = '2026-11-30 08:00:00'`, [MEMBER])).rows[0].n).toBe(1);
      expect((await eventsAbout([`hp.health.record/${first.body.id}`])).length).toBe(1);
      expect((await call('POST', `/users/${MEMBER}/health-actions`, MEMBER, { ...body, value: 62 }, { 'idempotency-key': key })).status).toBe(422);
    });

    it('OpenAPI documents the health-action and goal routes, with the optional Idempotency-Key on the writes', async () => {
      const doc = await call('GET', '/user/openapi.json', null);
      expect(doc.status).toBe(200);
      const paths = doc.body.paths as Record<string, Record<string, any>>;
      const ops = Object.entries(paths).flatMap(([path, byMethod]) => Object.keys(byMethod).map((m) => `${m.toUpperCase()} ${path}`));
      expect(ops).toEqual(expect.arrayContaining([
        'POST /users/{id}/health-actions', 'GET /users/{id}/health-actions/{actionId}', 'GET /users/{id}/health-goals', 'PUT /users/{id}/health-goals', 'GET /users/{id}/health-goals/{goalId}',
      ]));
      const keyOf = (op: any) => op.parameters.find((p: any) => p.name === 'Idempotency-Key');
      expect(keyOf(paths['/users/{id}/health-actions']!.post).required).toBe(false);
      expect(keyOf(paths['/users/{id}/health-goals']!.put).required).toBe(false);
    });

    it('PUT goals: create, update the active goal of a type, abandon by id and by type; the list filters and pages', async () => {
      await putGoals(MEMBER, MEMBER, [{ goalType: 'weight', state: 'abandoned' }]);
      const created = await putGoals(MEMBER, MEMBER, [{ goalType: 'weight', targetValue: 65, currentValue: 70, endDate: '2027-06-30' }]);
      expect(created.status).toBe(201);
      const id = created.body.created[0];
      expect(created.headers.get('location')).toBe(`/users/${MEMBER}/health-goals/${id}`);
      expect(created.body.goals).toEqual([{ id, userId: MEMBER, goalType: 'weight', state: 'active', targetValue: 65, currentValue: 70, progress: 92.86, startDate: new Date().toISOString().slice(0, 10), endDate: '2027-06-30' }]);
      expect((await call('GET', created.headers.get('location')!, MEMBER)).body).toEqual(created.body.goals[0]);
      // The same type again updates the active one (PUT is idempotent): the target changes, the progress follows.
      const updated = await putGoals(MEMBER, MEMBER, [{ goalType: 'weight', targetValue: 68 }]);
      expect(updated.status).toBe(200);
      expect(updated.body).toEqual({ goals: [expect.objectContaining({ id, targetValue: 68, progress: 97.14 })], created: [], abandoned: [] });
      const byId = await putGoals(MEMBER, MEMBER, [{ id, state: 'abandoned' }]);
      expect(byId.body).toEqual({ goals: [expect.objectContaining({ id, state: 'abandoned' })], created: [], abandoned: [id] });
      // Abandoning an abandoned goal changes nothing (action_abandon filters active ones).
      expect((await putGoals(MEMBER, MEMBER, [{ id, state: 'abandoned' }])).body.abandoned).toEqual([]);
      const list = await call('GET', `/users/${MEMBER}/health-goals?goal_type=weight&state=abandoned&limit=1`, MEMBER);
      expect(list.status).toBe(200);
      expect(list.body.items).toHaveLength(1);
      expect(list.body.total).toBeGreaterThanOrEqual(1);
      const all = await call('GET', `/users/${MEMBER}/health-goals?limit=200`, MEMBER);
      expect(all.body.items.every((g: { userId: number }) => g.userId === MEMBER)).toBe(true);
      expect(all.body.total).toBe((await rows().query('SELECT count(*)::int AS n FROM health_goals WHERE user_id = $1', [MEMBER])).rows[0].n);
      const operatorView = await call('GET', `/users/${MEMBER}/health-goals?limit=200`, OPERATOR);
      expect(operatorView.body.total).toBe(all.body.total);
      expect((await call('GET', `/users/${MEMBER}/health-goals?limit=0`, MEMBER)).status).toBe(400);
    });
  });
}
