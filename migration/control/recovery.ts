import type pg from 'pg';
import { readPhase } from './store/phase-store.ts';
import { dropOpenSwitches } from './store/sync-store.ts';
import { expireFreeze } from './store/freeze-store.ts';

/**
 * Settles cutovers whose process died: a journal still `running` whose freeze is gone or whose
 * lease ran out. The flip and the journal's `completed` commit together, so a running journal
 * means the flip did not happen unless the phase already shows the target (then it is marked
 * interrupted_after). Its switches are dropped (readers go back to the mode before it) and the
 * freeze is lifted if still set. Runs before every `ficus migrate` command and in the runtime.
 */
export async function recoverInterruptedCutovers(control: pg.Pool): Promise<string[]> {
  const { rows } = await control.query<{ id: string; module: string; to_phase: string; from_phase: string; last_step: string | null }>(
    `SELECT c.id, c.module, c.to_phase, c.from_phase,
            (SELECT s.step FROM ficus_migration.cutover_step s WHERE s.cutover_id = c.id ORDER BY s.seq DESC LIMIT 1) AS last_step
       FROM ficus_migration.cutover c
       LEFT JOIN ficus_migration.module_phase p ON p.module = c.module
      WHERE c.state = 'running'
        AND (p.freeze_epoch IS NULL OR p.freeze_until < clock_timestamp())
        AND c.started_at < clock_timestamp() - interval '1 second'`,
  );
  const notes: string[] = [];
  for (const row of rows) {
    const phase = await readPhase(control, row.module);
    if (phase.freeze) await expireFreeze(control, row.module, phase.freeze.epoch);
    const after = phase.phase === row.to_phase;
    if (!after) await dropOpenSwitches(control, Number(row.id));
    const outcome = after
      ? `interrupted after the flip (last step: ${row.last_step}); ${row.module} is ${row.to_phase}`
      : `interrupted at step "${row.last_step}" before the flip; ${row.module} stays ${row.from_phase}; writes held during the freeze were released to it, none lost`;
    await control.query(
      `UPDATE ficus_migration.cutover SET state = $2, outcome = $3, finished_at = now() WHERE id = $1 AND state = 'running'`,
      [row.id, after ? 'interrupted_after' : 'interrupted_before', outcome],
    );
    notes.push(`cutover #${row.id} of ${row.module}: ${outcome}`);
  }
  return notes;
}
