import type { CallContext } from '../../call-context.ts';
import type { BehaviourRegistry } from '../behaviour-registry.ts';
import { xmlidToResId } from '../core/xmlid.ts';

/**
 * base's UsersView.create/write (base/models/res_users.py): after a user is created, or after a
 * write of `company_ids`, a user allowed in more than one company is put in
 * base.group_multi_company and a user of one company (or none) taken out of it.
 */
export async function syncMultiCompanyGroup(ctx: CallContext, userIds: readonly number[]): Promise<void> {
  const group = await xmlidToResId(ctx.db, 'base.group_multi_company', 'res.groups');
  if (group == null || !userIds.length) return;
  await ctx.db.query(
    `DELETE FROM res_groups_users_rel r WHERE r.gid = $1 AND r.uid = ANY($2::int4[])
        AND (SELECT count(*) FROM res_company_users_rel c JOIN res_company k ON k.id = c.cid AND k.active WHERE c.user_id = r.uid) <= 1`,
    [group, [...userIds]],
  );
  await ctx.db.query(
    `INSERT INTO res_groups_users_rel (gid, uid)
     SELECT $1, u.id FROM res_users u WHERE u.id = ANY($2::int4[])
        AND (SELECT count(*) FROM res_company_users_rel c JOIN res_company k ON k.id = c.cid AND k.active WHERE c.user_id = u.id) > 1
     ON CONFLICT DO NOTHING`,
    [group, [...userIds]],
  );
}

export function registerUsersMultiCompanyGroup(behaviours: BehaviourRegistry): void {
  behaviours.register('res.users', {
    async afterCreate(ctx, ids) {
      await syncMultiCompanyGroup(ctx, ids);
    },
    async afterWrite(ctx, ids, vals) {
      if ('company_ids' in vals) await syncMultiCompanyGroup(ctx, ids);
    },
  });
}
