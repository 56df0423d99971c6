import { sql, type Kysely } from 'kysely';
import type { ModuleId } from '../define-service.ts';
import { HttpProblem } from '../http/problem.ts';

/**
 * Who may write a module's tables in a service database while a migration is under way: one row
 * per module, held by the control plane during a cutover or rollback
 * (migration/control/service-write-gate.ts) and read by every REST write of the service (below).
 */
export const WRITE_OWNER_TABLE = 'ficus_cdc.write_owner';

export type WriteOwner = 'legacy' | 'service';

/**
 * Longer than a cutover's freeze lease (5 s): a REST write waits out a freeze, and is refused
 * only when the step holding it is stuck (its process alive but not moving).
 */
const HOLD_LIMIT_MS = 10_000;

const problem = (detail: string, retryAfterSeconds: number) =>
  new HttpProblem(503, 'Service Unavailable', detail, { type: 'https://ficus.dev/problems/module-not-owned', headers: { 'retry-after': String(retryAfterSeconds) } });

/**
 * First statement of every REST write of a service, in its transaction: the service's REST API
 * writes its database directly, so it may do so only while it owns the modules, and not in the
 * middle of a cutover or rollback. While a migration is under way in this database (the sync
 * keeps `ficus_cdc` here), the control plane records each module's owner in the table above and
 * holds that row during a step: the FOR SHARE below waits for the step to end (held, not
 * refused, like the gateway's RPC writes) and then reads the owner it left. A module still
 * owned by the monolith is refused: its writes go through Odoo RPC until its cutover. A database
 * with no migration at all is the service's own.
 */
export async function assertServiceOwns(db: Kysely<any>, service: string, modules: readonly ModuleId[]): Promise<void> {
  const owners = await currentWriteOwners(db, modules, { hold: true });
  if (owners === 'unmigrated') return;
  if (owners === 'not-gated') throw problem(`${modules.join(' and ')} are still served by Odoo (no cutover to ${service} yet): write through Odoo RPC`, 60);
  const notOwned = modules.filter((m) => owners.get(m) !== 'service');
  if (notOwned.length) throw problem(`${notOwned.join(' and ')} ${notOwned.length > 1 ? 'are' : 'is'} served by Odoo, not ${service}: write through Odoo RPC`, 60);
}

/**
 * The owner of each module as the control plane last recorded it in this service database:
 * 'unmigrated' when no migration touches this database at all, 'not-gated' while a migration
 * copies into it but no cutover has ever run (the monolith owns everything). With `hold`, inside
 * a write transaction, the rows are read FOR SHARE: a cutover or rollback step in progress is
 * waited out (up to HOLD_LIMIT_MS, then a 503), and none can start until the transaction ends,
 * so what the caller writes lands on the side that owns it.
 */
export async function currentWriteOwners(db: Kysely<any>, modules: readonly ModuleId[], options: { hold: boolean }): Promise<Map<string, WriteOwner> | 'unmigrated' | 'not-gated'> {
  const { rows } = await sql<{ migrating: boolean; gated: boolean }>`
    SELECT to_regnamespace('ficus_cdc') IS NOT NULL AS migrating, to_regclass(${WRITE_OWNER_TABLE}) IS NOT NULL AS gated`.execute(db);
  if (!rows[0]?.migrating) return 'unmigrated';
  if (!rows[0].gated) return 'not-gated';
  if (!options.hold) {
    const owners = await sql<{ module: string; owner: WriteOwner }>`
      SELECT module, owner FROM ${sql.raw(WRITE_OWNER_TABLE)} WHERE module = ANY(${[...modules]}::text[])`.execute(db);
    return new Map(owners.rows.map((o) => [o.module, o.owner]));
  }
  await sql`SELECT set_config('lock_timeout', ${`${HOLD_LIMIT_MS}ms`}, true)`.execute(db);
  let owners: { module: string; owner: WriteOwner }[];
  try {
    owners = (await sql<{ module: string; owner: WriteOwner }>`
      SELECT module, owner FROM ${sql.raw(WRITE_OWNER_TABLE)} WHERE module = ANY(${[...modules]}::text[]) ORDER BY module FOR SHARE`.execute(db)).rows;
  } catch (error) {
    if ((error as { code?: string }).code === '55P03') throw problem(`a cutover or rollback of ${modules.join(' and ')} is in progress: retry shortly`, 1);
    throw error;
  }
  await sql`SELECT set_config('lock_timeout', '0', true)`.execute(db);
  heldTransactions.add(db);
  return new Map(owners.map((o) => [o.module, o.owner]));
}

/** Transactions that hold their modules' owner rows (FOR SHARE): the ones a cutover or rollback may cancel. */
const heldTransactions = new WeakSet<Kysely<any>>();

/**
 * True when `error` ended a REST write transaction that held its modules' owner rows because
 * a cutover or rollback cancelled it after its grace (migration/control/service-write-gate.ts
 * cancels the backends its hold waits for). PostgreSQL rolled it back as a whole — a cancel
 * landing on COMMIT either lets it commit or fails it entirely — so the service's router runs the
 * request again, and that run waits for the step to end and reads the owner it left, like a
 * write that arrived a moment later. Routes that gate their writes keep every effect outside
 * their transaction for after the commit (afterCommit, the outbox), so running again is safe.
 */
export function cancelledByOwnershipChange(tx: Kysely<any>, error: unknown): boolean {
  if (!heldTransactions.has(tx)) return false;
  for (let e = error as { code?: unknown; message?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 4; e = e.cause as typeof e, depth++) {
    if (e.code === '57014' && typeof e.message === 'string' && e.message.includes('user request')) return true;
  }
  return false;
}
