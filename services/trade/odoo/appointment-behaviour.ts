import { type ModelBehaviour, validationError } from '../../../odoo-bridge/orm/index.ts';
import { build, onQueryable } from '../db/sql-runner.ts';

/**
 * hp.appointment: defaults and `_check_dates`. On create the table's CHECK constraint fires
 * first (Odoo flushes the INSERT before running constraints), so a bad create reads
 * "The operation cannot be completed: …" and a bad write reads the Python message.
 */
export const appointmentBehaviour: ModelBehaviour = {
  defaults: () => ({ state: 'scheduled', online: false }),
  // Odoo validates a write's new values before flushing them, so the Python message wins over the CHECK.
  async beforeWrite(ctx, ids, vals) {
    if (!('start_at' in vals) && !('end_at' in vals)) return;
    const given = (v: unknown) => (typeof v === 'string' && v ? v : null);
    const bad = await ctx.db.query(
      `SELECT 1 FROM appointments WHERE id = ANY($1::int4[])
          AND COALESCE($3::timestamp, end_at) <= COALESCE($2::timestamp, start_at) LIMIT 1`,
      [ids, given(vals.start_at), given(vals.end_at)],
    );
    if (bad.rowCount) throw validationError('The appointment must end after it starts.');
  },
  async constraints(ctx, ids, fields) {
    if (!fields.has('start_at') && !fields.has('end_at')) return;
    const bad = await onQueryable(ctx.db).run(
      build.selectFrom('appointments').select('id').where('id', 'in', ids).whereRef('end_at', '<=', 'start_at').limit(1),
    );
    if (bad.length) throw validationError('The appointment must end after it starts.');
  },
};
