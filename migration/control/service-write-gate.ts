import type pg from 'pg';
import { WRITE_OWNER_TABLE, type WriteOwner } from '../../services/kit/index.ts';
import type { Phase } from './phases.ts';
import { readPhase } from './store/phase-store.ts';

/**
 * The service database's half of "writes are held, not refused", for the writes that do not
 * pass through a gateway: a service's own REST routes write its tables directly. The gateway's
 * freeze gate cannot see them, so the hold lives where they write, in one row per module:
 *
 * - a REST write takes the module's row FOR SHARE in its own transaction, first, and goes on
 *   only if the row says the service owns the module (services/kit/cdc/write-owner.ts);
 * - a cutover or rollback takes the row FOR UPDATE once the gateways acknowledged the freeze:
 *   that waits for the REST writes in flight to commit (their rows are then in the WAL before
 *   any marker the step takes) and holds every new one until the step ends;
 * - the flip sets the new owner and commits, releasing the held writes, which then see it; an
 *   aborted step rolls back, and a step whose process dies loses its connection, which ends
 *   its transaction: either way the held writes go on with the owner as it was.
 *
 * The two databases cannot commit as one, so the order is "take away first, grant after": a
 * rollback records `legacy` before the control database's flip, a cutover records `service`
 * after it. A process that dies between the two commits therefore leaves REST writes refused
 * although the service owns the module, never accepted while it does not; alignWriteOwner
 * (run by every gateway each second, and by `ficus migrate`) then sets the owner the phase says.
 */
export interface HeldServiceWrites {
  /** Ends the hold: with an owner, records it (the step flipped); without one, leaves it as it was. */
  release(owner?: WriteOwner): Promise<void>;
}

export async function ensureWriteOwnerTable(service: pg.Pool | pg.ClientBase): Promise<void> {
  await service.query(`CREATE SCHEMA IF NOT EXISTS ficus_cdc`);
  await service.query(
    `CREATE TABLE IF NOT EXISTS ${WRITE_OWNER_TABLE} (
       module text PRIMARY KEY,
       owner text NOT NULL CHECK (owner IN ('legacy', 'service')),
       changed_at timestamptz NOT NULL DEFAULT now(),
       cutover_id bigint
     )`,
  );
}

/**
 * Records the monolith as the module's REST-write owner, unless a step already recorded one. The
 * module's sync does it when it starts (the backfill), so that every REST write of the module holds
 * the row from then on, and the first cutover waits for the writes in flight as later ones do.
 * Without the row a write was held by nothing until that cutover created it: auth writes tokens in
 * the monolith while Odoo owns M01, and such a write could commit there after the forward drain,
 * reaching svc_auth only later as a command, after the flip had made svc_auth their home.
 */
export async function recordLegacyWriteOwner(service: pg.Pool | pg.ClientBase, module: string): Promise<void> {
  await ensureWriteOwnerTable(service).catch(async (error: { code?: string }) => {
    // Two first steps (or a step and a sync) at once: the other one created it.
    if (error.code !== '23505' && error.code !== '42P07') throw error;
  });
  await service.query(`INSERT INTO ${WRITE_OWNER_TABLE} (module, owner) VALUES ($1, 'legacy') ON CONFLICT (module) DO NOTHING`, [module]);
}

/**
 * The hold's connection, with the module's owner row in place (committed before the hold: a REST
 * write that meets no row refuses, it does not wait for ours). A step prepares it while the
 * gateways quiesce, so that taking the hold afterwards is one statement.
 */
export async function prepareServiceWriteHold(service: pg.Pool, module: string): Promise<pg.PoolClient> {
  const client = await service.connect();
  try {
    await recordLegacyWriteOwner(client, module);
    return client;
  } catch (error) {
    client.release();
    throw error;
  }
}

/**
 * Holds the module's service-side writes; resolves once the ones in flight have ended. After
 * `graceMs` the REST writes still holding the module's row (FOR SHARE: they are what our FOR
 * UPDATE waits for) are cancelled with pg_cancel_backend: PostgreSQL rolls a cancelled
 * transaction back entirely, and one already committing either commits or fails as a whole, so
 * nothing is applied twice; the service's router runs a REST write cancelled this way again
 * (services/kit/cdc/write-owner.ts), and that run waits for the step's end like a new one.
 * Refuses (and holds nothing) when writes are still in flight after `timeoutMs` (a database role
 * that may not cancel them).
 */
export async function holdServiceWrites(service: pg.Pool, module: string, cutoverId: number, timeoutMs: number, graceMs = timeoutMs, prepared?: pg.PoolClient): Promise<HeldServiceWrites> {
  const client = prepared ?? (await prepareServiceWriteHold(service, module));
  let interrupting: NodeJS.Timeout | undefined;
  let holding = false;
  try {
    await client.query('BEGIN');
    await client.query(`SELECT set_config('lock_timeout', $1, true)`, [`${Math.max(1, Math.round(timeoutMs))}ms`]);
    const pid = (client as unknown as { processID: number }).processID;
    const locked = client.query(`SELECT owner FROM ${WRITE_OWNER_TABLE} WHERE module = $1 FOR UPDATE`, [module]);
    if (graceMs < timeoutMs) {
      const interrupt = async () => {
        if (holding) return;
        // Recomputed inside the one statement: a pid whose transaction ended meanwhile is no longer listed.
        await service.query(`SELECT pg_cancel_backend(b) FROM unnest(pg_blocking_pids($1::int)) AS b`, [pid]).catch(() => undefined);
        if (!holding) interrupting = setTimeout(() => void interrupt(), 20);
      };
      interrupting = setTimeout(() => void interrupt(), Math.max(0, graceMs));
    }
    await locked;
    holding = true;
    clearTimeout(interrupting);
    await client.query(`SELECT set_config('lock_timeout', '0', true)`);
  } catch (error) {
    holding = true;
    clearTimeout(interrupting);
    await client.query('ROLLBACK').catch(() => undefined);
    client.release();
    if ((error as { code?: string }).code === '55P03') throw new Error(`REST writes of ${module} in flight did not finish within ${timeoutMs} ms`);
    throw error;
  }
  let done = false;
  return {
    async release(owner) {
      if (done) return;
      done = true;
      try {
        if (!owner) {
          await client.query('ROLLBACK');
          return;
        }
        await client.query(`UPDATE ${WRITE_OWNER_TABLE} SET owner = $2, changed_at = now(), cutover_id = $3 WHERE module = $1`, [module, owner, cutoverId]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        // The hold is over either way; the owner must still follow the flip that committed.
        if (owner) await setWriteOwner(service, module, owner, cutoverId);
        else throw error;
      } finally {
        client.release();
      }
    },
  };
}

/** Records the owner without a hold (after a flip whose held transaction was lost). */
export async function setWriteOwner(service: pg.Pool, module: string, owner: WriteOwner, cutoverId: number | null): Promise<void> {
  await ensureWriteOwnerTable(service);
  await service.query(
    `INSERT INTO ${WRITE_OWNER_TABLE} (module, owner, cutover_id) VALUES ($1, $2, $3)
     ON CONFLICT (module) DO UPDATE SET owner = EXCLUDED.owner, changed_at = now(), cutover_id = EXCLUDED.cutover_id`,
    [module, owner, cutoverId],
  );
}

const ownerOfPhase = (phase: Phase): WriteOwner => (phase === 'service' || phase === 'retired' ? 'service' : 'legacy');

/**
 * Sets the module's REST-write owner to what its phase says, when a step died between its two
 * commits (see above). A row a running step holds is skipped, and the phase is read again under
 * the row's lock: a step that flipped meanwhile has also written the owner by then. Returns what
 * it repaired, or null.
 */
export async function alignWriteOwner(control: pg.Pool, service: pg.Pool, module: string): Promise<string | null> {
  const seen = await service.query<{ owner: string | null }>(
    `SELECT CASE WHEN to_regclass('${WRITE_OWNER_TABLE}') IS NULL THEN NULL
            ELSE (SELECT owner FROM ${WRITE_OWNER_TABLE} WHERE module = $1) END AS owner`,
    [module],
  );
  const recorded = seen.rows[0]?.owner ?? null;
  if (recorded === null) return null;
  const phase = await readPhase(control, module);
  if (phase.freeze || recorded === ownerOfPhase(phase.phase)) return null;
  const client = await service.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query<{ owner: string }>(`SELECT owner FROM ${WRITE_OWNER_TABLE} WHERE module = $1 FOR UPDATE SKIP LOCKED`, [module]);
    const now = await readPhase(control, module);
    const wanted = ownerOfPhase(now.phase);
    if (!rows[0] || now.freeze || rows[0].owner === wanted) {
      await client.query('COMMIT');
      return null;
    }
    await client.query(`UPDATE ${WRITE_OWNER_TABLE} SET owner = $2, changed_at = now() WHERE module = $1`, [module, wanted]);
    await client.query('COMMIT');
    return `REST writes of ${module} were recorded as ${rows[0].owner}'s although ${module} is ${now.phase} (a step stopped between its two commits): set to ${wanted}`;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
