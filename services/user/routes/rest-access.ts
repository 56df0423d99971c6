import { sql, type Kysely } from 'kysely';
import { type AccessPort, asProblems, busEventSink, checkRecords, problems, type RouteContext } from '../../kit/index.ts';
import { userRows, type UserHome } from '../db/user-home.ts';
import { onKysely } from '../db/sql-runner.ts';
import type { UserDatabase, UserLegacyTables } from '../db/tables.ts';
import { readGoalFacts, recomputeGoalProgress, type GoalStore, type GoalWrite } from '../domain/goals.ts';
import type { UserEventSink } from '../domain/user-events.ts';
import { decideHealthRead, refusalProblem, type HealthModel, type HealthReadGrant } from '../domain/health-read-access.ts';
import { healthReadAudit } from '../domain/health-read-audit.ts';

type HomeContext = Pick<RouteContext<UserDatabase>, 'db' | 'legacyPool'>;

/** The ACL and record rules on the rows' home (the kit's), and the domain's refusals as problems (the kit's). */
export { asProblems, checkRecords };

const utcNow = sql<string>`(now() at time zone 'UTC')`;

/**
 * The domain's GoalStore on a REST request, checking what the ORM engine checks over RPC:
 * reading `self` needs the read ACL and rules (404 outside them), a write the write ACL and rules
 * (403), after the state check as in Python. A write stamps write_uid/write_date and stores the
 * progress again when a field it depends on changed, as the engine's compute does.
 */
export function restGoalStore(rows: Kysely<any>, access: AccessPort): GoalStore {
  const run = onKysely(rows);
  return {
    async read(ids) {
      await checkRecords(access, rows, 'hp.health.goal', 'health_goals', 'read', ids, 'goal');
      return readGoalFacts(run, ids);
    },
    async write(ids, vals) {
      await checkRecords(access, rows, 'hp.health.goal', 'health_goals', 'write', ids, 'goal');
      await writeGoals(rows, access.uid, ids, vals);
    },
  };
}

/** Writes goal fields as the ORM would (write_uid, write_date, then the stored progress when its dependencies changed). */
export async function writeGoals(rows: Kysely<any>, uid: number, ids: readonly number[], vals: GoalWrite & { target_value?: number | null; end_date?: string | null; start_date?: string | null }): Promise<void> {
  const unique = [...new Set(ids)];
  if (!unique.length) return;
  await (rows as Kysely<UserLegacyTables>).updateTable('health_goals').set({ ...vals, write_uid: uid, write_date: utcNow as never }).where('id', 'in', unique).execute();
  if ('current_value' in vals || 'target_value' in vals) await recomputeGoalProgress(onKysely(rows), unique);
}

/**
 * Events of a REST request: the service's outbox in the request's transaction. After cutover
 * that is the transaction of the change itself. Before it the change is on the monolith, in a
 * transaction that commits just before the request's (inUserHome), so the event commits with the
 * request's idempotency record: the monolith publishes nothing for M02, so this is the only
 * announcement of a health action made through REST on either side (MIGRATION.md, user).
 */
export function restEventSink(ctx: Pick<RouteContext<UserDatabase>, 'db' | 'bus'>): UserEventSink {
  return busEventSink(ctx);
}

/**
 * A REST write on M02's rows: the home is decided holding M02's owner row (a cutover or rollback
 * waits for this request), then `work` runs on it — the request's own transaction of svc_user,
 * or a transaction of the monolith's database that commits just before it.
 */
export function writeInHome<T>(ctx: HomeContext, work: (rows: Kysely<UserLegacyTables>, home: UserHome) => Promise<T>): Promise<T> {
  return userRows.writeIn(ctx, work);
}

/** Where a REST read finds M02's rows now (svc_user after cutover, the monolith before). */
export function readerOfHome(ctx: HomeContext): Promise<Kysely<UserLegacyTables>> {
  return userRows.readerNow(ctx);
}


/** The subject of `/users/{id}/…` must be a user (404 otherwise), read where the request's rows are. */
export async function assertUserExists(rows: Kysely<any>, userId: number): Promise<void> {
  const { rows: found } = await sql<{ id: number }>`SELECT id FROM res_users WHERE id = ${userId}`.execute(rows);
  if (!found.length) throw problems.notFound(`user ${userId} does not exist`);
}

/**
 * A REST read of member `subject`'s rows of `model`: the grant (domain/health-read-access.ts,
 * the engine's ACLs and read rules on the rows' home), every decision in svc_user's
 * health_read_audit (who, whose, which model, what kind, REST; never a value) before the answer
 * leaves: a refusal at once, a granted read through `granted(rowCount)` once its rows are known.
 */
export async function auditedHealthRead(
  ctx: Pick<RouteContext<UserDatabase>, 'db' | 'requestId'> & { access: AccessPort },
  rows: Kysely<any>,
  subject: number,
  model: HealthModel,
  queryKind: string,
): Promise<{ grant: HealthReadGrant; granted(rowCount: number): Promise<void> }> {
  const decision = await decideHealthRead(ctx.access, rows, subject, model);
  const audit = healthReadAudit(ctx.db);
  const entry = { actorUid: ctx.access.uid, subjectUids: [subject], model, queryKind, protocol: 'rest' as const, requestId: ctx.requestId };
  if (!decision.allowed) {
    await audit.record({ ...entry, outcome: 'refused' });
    throw refusalProblem(decision);
  }
  return { grant: decision, granted: (rowCount) => audit.record({ ...entry, outcome: 'granted', rowCount }) };
}
