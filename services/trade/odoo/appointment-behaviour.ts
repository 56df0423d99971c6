import { type ModelBehaviour, validationError } from '../../../odoo-bridge/orm/index.ts';

/**
 * hp.appointment: defaults and `_check_dates`. On create the table's CHECK constraint fires
 * first (Odoo flushes the INSERT before running constraints), so a bad create reads
 * "The operation cannot be completed: …" and a bad write reads the Python message.
 */
export const appointmentBehaviour: ModelBehaviour = {
  defaults: () => ({ state: 'scheduled', online: false }),
  // `_check_dates` on the records' own values: the engine runs it before a write is flushed and after a create's INSERT.
  checks: {
    _check_dates: {
      reads: ['start_at', 'end_at'],
      values(_ctx, rows) {
        const time = (v: unknown) => (v instanceof Date ? v.getTime() : v == null ? null : new Date(String(v)).getTime());
        if (rows.some((r) => r.start_at != null && r.end_at != null && time(r.end_at)! <= time(r.start_at)!)) throw validationError('The appointment must end after it starts.');
      },
    },
  },
};
