import { type ModelBehaviour, validationError } from '../../../odoo-bridge/orm/index.ts';
import { build, onQueryable } from '../db/sql-runner.ts';

/**
 * The two `ondelete` rules the legacy foreign keys enforce, kept on trade's database where the
 * tables carry no foreign keys (db/migrations.ts): `service_id` is `ondelete='restrict'`, with
 * the words Odoo gives the foreign-key error; `order_id` / `service_order_id` are `cascade`.
 */
export const healthServiceUnlinkRule: ModelBehaviour = {
  async beforeUnlink(ctx, ids) {
    const used = await onQueryable(ctx.db).run(build.selectFrom('service_orders').select('id').where('service_id', 'in', ids).limit(1));
    if (used.length) {
      throw validationError(
        'The operation cannot be completed: another model requires the record being deleted. If possible, archive it instead.\n\n' +
          'Model: Service Order (hp.service.order)\nConstraint: service_orders_service_id_fkey\n',
      );
    }
  },
};

export const serviceOrderUnlinkRule: ModelBehaviour = {
  async beforeUnlink(ctx, ids) {
    const db = onQueryable(ctx.db);
    await db.run(build.deleteFrom('appointments').where('order_id', 'in', ids));
    await db.run(build.deleteFrom('grab_orders').where('service_order_id', 'in', ids));
  },
};
