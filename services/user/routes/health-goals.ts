import { sql, type Kysely } from 'kysely';
import { defineRoute, problems, type AccessPort } from '../../kit/index.ts';
import { onKysely } from '../db/sql-runner.ts';
import type { GoalType, UserDatabase } from '../db/tables.ts';
import { abandonGoals, goalDefaults, recomputeGoalProgress } from '../domain/goals.ts';
import { GOAL_COLUMNS, goalResourceOf, readGoalResources } from './health-resources.ts';
import { asProblems, auditedHealthRead, checkRecords, readerOfHome, restGoalStore, writeGoals, writeInHome } from './rest-access.ts';

type GoalItem =
  | { id: number; targetValue?: number; startDate?: string; endDate?: string; state?: 'abandoned' }
  | { goalType: GoalType; targetValue: number; currentValue?: number; startDate?: string; endDate?: string }
  | { goalType: GoalType; state: 'abandoned' };

const GOAL = 'hp.health.goal';
const TABLE = 'health_goals';

/** The ids of member `subject`'s active goals of `goalType` that the caller's read rules include (the others do not exist for them). */
async function activeGoalsOfType(rows: Kysely<any>, access: AccessPort, subject: number, goalType: GoalType): Promise<number[]> {
  await access.check(GOAL, 'read');
  const rules = await access.rules(GOAL, 'read', 'g');
  const { rows: found } = await sql<{ id: number }>`
    SELECT g.id FROM health_goals g WHERE g.user_id = ${subject} AND g.goal_type = ${goalType} AND g.state = 'active' AND ${rules} ORDER BY g.id`.execute(rows);
  return found.map((g) => g.id);
}

/** A goal of member `subject` the caller may read; another member's goal is "not found" here, whatever the caller's rights. */
async function goalOfSubject(rows: Kysely<any>, access: AccessPort, subject: number, goalId: number): Promise<void> {
  await checkRecords(access, rows, GOAL, TABLE, 'read', [goalId], 'goal');
  const { rows: found } = await sql<{ user_id: number }>`SELECT user_id FROM health_goals WHERE id = ${goalId}`.execute(rows);
  if (found[0]?.user_id !== subject) throw problems.notFound(`goal ${goalId} of user ${subject} does not exist`);
}

const dateVals = (item: { startDate?: string; endDate?: string }) => ({
  ...(item.startDate !== undefined ? { start_date: item.startDate } : {}),
  ...(item.endDate !== undefined ? { end_date: item.endDate } : {}),
});

/** The Odoo-side write of a goal's fields, as the caller: write ACL and rules (403), then the ORM's write. */
async function writeAsCaller(rows: Kysely<any>, access: AccessPort, ids: readonly number[], vals: Parameters<typeof writeGoals>[3]): Promise<void> {
  if (!ids.length || !Object.keys(vals).length) return;
  await checkRecords(access, rows, GOAL, TABLE, 'write', ids, 'goal');
  await writeGoals(rows, access.uid, ids, vals);
}

/**
 * PUT /users/{id}/health-goals: member {id}'s goals, item by item in one transaction:
 * - `{id, targetValue?, startDate?, endDate?, state?: "abandoned"}` writes that goal, then
 *   abandons it (hp.health.goal.action_abandon: only an active goal changes);
 * - `{goalType, targetValue, …}` sets the target of the member's active goals of that type, or
 *   creates one (state active, start_date today in UTC, as the model's defaults) when none is;
 * - `{goalType, state: "abandoned"}` abandons the member's active goals of that type.
 * With the rights of Odoo RPC (hp_personal's ACLs and rules): the member for themselves,
 * operators and admins for anyone (operator implies member, whose ACL is full CRUD, and the
 * operator rule lifts the member rule); a coach only for themselves (403 for anyone else's). A
 * period ending before it starts is 422.
 * Answers 201 (Location: the first goal created) when it created any, else 200.
 */
export const putHealthGoals = defineRoute<UserDatabase, { goals: GoalItem[] }, unknown, { id: number }>({
  method: 'put',
  path: '/users/:id/health-goals',
  summary: "Create, update or abandon a member's health goals (hp.health.goal create/write/action_abandon)",
  auth: 'bearer',
  idempotency: 'optional',
  params: 'rest/user/health-action-params.json',
  body: 'rest/user/health-goals-put.json',
  responses: { 200: 'rest/user/health-goals-result.json', 201: 'rest/user/health-goals-result.json' },
  async handler(ctx) {
    const { params, body, access } = ctx;
    const subject = params.id;
    return writeInHome(ctx, async (rows) => {
      // As GET: no such user is 404, a caller who may read none of the member's goals 403 (audited, the answer shows goals).
      const { granted } = await auditedHealthRead({ ...ctx, access: access! }, rows, subject, GOAL, 'write_answer');
      const store = restGoalStore(rows, access!);
      const touched: number[] = [];
      const created: number[] = [];
      const abandoned: number[] = [];
      for (const item of body.goals) {
        if ('id' in item) {
          await goalOfSubject(rows, access!, subject, item.id);
          await writeAsCaller(rows, access!, [item.id], { ...(item.targetValue !== undefined ? { target_value: item.targetValue } : {}), ...dateVals(item) });
          if (item.state === 'abandoned') abandoned.push(...(await asProblems(abandonGoals(store, [item.id]))));
          touched.push(item.id);
        } else if ('state' in item) {
          const ids = await activeGoalsOfType(rows, access!, subject, item.goalType);
          abandoned.push(...(await asProblems(abandonGoals(store, ids))));
          touched.push(...ids);
        } else {
          const ids = await activeGoalsOfType(rows, access!, subject, item.goalType);
          if (ids.length) {
            await writeAsCaller(rows, access!, ids, { target_value: item.targetValue, ...dateVals(item) });
            touched.push(...ids);
          } else {
            const id = await createGoal(rows, access!, subject, item);
            created.push(id);
            touched.push(id);
          }
        }
      }
      const { rows: inverted } = await sql<{ id: number }>`SELECT id FROM health_goals WHERE id = ANY(${[...new Set(touched)]}::int4[]) AND end_date < start_date ORDER BY id`.execute(rows);
      if (inverted.length) throw problems.unprocessable(`goal ${inverted.map((g) => g.id).join(', ')} would end before it starts`);
      const goals = await readGoalResources(rows, touched);
      await granted(goals.length);
      const answer = { goals, created, abandoned: [...new Set(abandoned)] };
      if (!created.length) return { status: 200, body: answer };
      return { status: 201, body: answer, headers: { location: `/users/${subject}/health-goals/${created[0]}` } };
    });
  },
});

/** hp.health.goal.create as the caller: the model's defaults, the row, the stored progress, then the create ACL and rules on it (403 rolls it back). */
async function createGoal(rows: Kysely<any>, access: AccessPort, subject: number, item: { goalType: GoalType; targetValue: number; currentValue?: number; startDate?: string; endDate?: string }): Promise<number> {
  await access.check(GOAL, 'create');
  const defaults = goalDefaults(new Date().toISOString().slice(0, 10));
  const { rows: inserted } = await sql<{ id: number }>`
    INSERT INTO health_goals (user_id, goal_type, state, target_value, current_value, start_date, end_date, create_uid, write_uid, create_date, write_date)
    VALUES (${subject}, ${item.goalType}, ${defaults.state}, ${item.targetValue}, ${item.currentValue ?? null}, ${item.startDate ?? defaults.start_date}, ${item.endDate ?? null},
            ${access.uid}, ${access.uid}, (now() at time zone 'UTC'), (now() at time zone 'UTC'))
    RETURNING id`.execute(rows);
  const id = inserted[0]!.id;
  await recomputeGoalProgress(onKysely(rows), [id]);
  await checkRecords(access, rows, GOAL, TABLE, 'create', [id], 'goal');
  return id;
}

interface GoalQuery { state?: string; goal_type?: string; limit: number; offset: number }

/**
 * GET /users/{id}/health-goals: member {id}'s goals the caller may read (the member; operators
 * and admins every member's; coaches hold no right on goals: 403), in hp.health.goal's order
 * (start_date desc, id desc), filtered by state and type, paginated.
 */
export const listHealthGoals = defineRoute<UserDatabase, unknown, GoalQuery, { id: number }>({
  method: 'get',
  path: '/users/:id/health-goals',
  summary: "List a member's health goals (the member; operators and admins), filtered by state and type, newest first",
  auth: 'bearer',
  params: 'rest/user/health-action-params.json',
  query: 'rest/user/health-goal-query.json',
  responses: { 200: 'rest/user/health-goal-list.json' },
  async handler(ctx) {
    const { params, query, access } = ctx;
    const rows = await readerOfHome(ctx);
    const { grant, granted } = await auditedHealthRead({ ...ctx, access: access! }, rows, params.id, GOAL, 'list');
    const where = sql.join([await grant.where('g'), ...(query.state ? [sql`g.state = ${query.state}`] : []), ...(query.goal_type ? [sql`g.goal_type = ${query.goal_type}`] : [])], sql` AND `);
    const { rows: page } = await sql<Parameters<typeof goalResourceOf>[0] & { total: string }>`
      SELECT ${GOAL_COLUMNS}, count(*) OVER () AS total FROM health_goals g WHERE ${where}
       ORDER BY g.start_date DESC NULLS LAST, g.id DESC LIMIT ${query.limit} OFFSET ${query.offset}`.execute(rows);
    let total = Number(page[0]?.total ?? 0);
    if (!page.length && query.offset > 0) {
      const { rows: counted } = await sql<{ n: string }>`SELECT count(*) AS n FROM health_goals g WHERE ${where}`.execute(rows);
      total = Number(counted[0]!.n);
    }
    await granted(page.length);
    return { status: 200, body: { items: page.map(goalResourceOf), total, limit: query.limit, offset: query.offset } };
  },
});

/** GET /users/{id}/health-goals/{goalId}: one goal of member {id} when the caller may read it (404 otherwise). */
export const getHealthGoal = defineRoute<UserDatabase, unknown, unknown, { id: number; goalId: number }>({
  method: 'get',
  path: '/users/:id/health-goals/:goalId',
  summary: "Read one health goal of a member (the member; operators and admins)",
  auth: 'bearer',
  params: 'rest/user/health-goal-params.json',
  responses: { 200: 'rest/user/health-goal.json' },
  async handler(ctx) {
    const { params, access } = ctx;
    const rows = await readerOfHome(ctx);
    const { grant, granted } = await auditedHealthRead({ ...ctx, access: access! }, rows, params.id, GOAL, 'by_id');
    const { rows: found } = await sql<Parameters<typeof goalResourceOf>[0]>`SELECT ${GOAL_COLUMNS} FROM health_goals g WHERE g.id = ${params.goalId} AND ${await grant.where('g')}`.execute(rows);
    await granted(found.length);
    if (!found[0]) throw problems.notFound(`goal ${params.goalId} of user ${params.id} does not exist`);
    return { status: 200, body: goalResourceOf(found[0]) };
  },
});

export const HEALTH_GOAL_ROUTES = [listHealthGoals, putHealthGoals, getHealthGoal];
