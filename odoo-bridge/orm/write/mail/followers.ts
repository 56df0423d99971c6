import { OdooError } from '../../../errors.ts';
import type { AccessMode } from '../../access-policy.ts';
import type { CallContext } from '../../call-context.ts';
import type { ModelInfo } from '../../registry/types.ts';
import type { BehaviourRegistry } from '../behaviour-registry.ts';
import { checkExist, checkRules } from '../write-env.ts';
import { pythonSetOrder } from './python-set-order.ts';

/**
 * Followers of documents as mail.thread's public API manages them (addons/mail/models/
 * mail_thread.py 18 `message_subscribe`, `_message_subscribe`, `message_unsubscribe`;
 * mail_followers.py `_insert_followers`, `_add_default_followers`, `_add_followers`;
 * mail_message_subtype.py `default_subtypes`).
 */

/** `records.check_access(operation)`: the model's ACL, deleted ids (MissingError), then the record rules. */
export async function checkDocumentAccess(ctx: CallContext, behaviours: BehaviourRegistry, model: ModelInfo, ids: readonly number[], operation: AccessMode): Promise<void> {
  ctx.access.checkModel(model, operation);
  await checkExist({ ctx, behaviours }, model, ids);
  await checkRules({ ctx, behaviours }, model, operation, ids);
}

/** Whether `check_access` passes (an AccessError is `false`; a MissingError still raises). */
export async function hasDocumentAccess(ctx: CallContext, behaviours: BehaviourRegistry, model: ModelInfo, ids: readonly number[], operation: AccessMode): Promise<boolean> {
  try {
    await checkDocumentAccess(ctx, behaviours, model, ids, operation);
    return true;
  } catch (error) {
    if (error instanceof OdooError && error.exceptionName === 'odoo.exceptions.AccessError') return false;
    throw error;
  }
}

export async function userPartner(ctx: CallContext): Promise<{ partnerId: number | null; share: boolean; active: boolean }> {
  const r = await ctx.db.query<{ partner_id: number | null; share: boolean | null; active: boolean | null }>(`SELECT partner_id, share, active FROM res_users WHERE id = $1`, [ctx.uid]);
  return { partnerId: r.rows[0]?.partner_id ?? null, share: !!r.rows[0]?.share, active: !!r.rows[0]?.active };
}

/**
 * `_insert_followers(model, res_ids, partner_ids, subtypes, customer_ids, check_existing=True, existing_policy)`:
 * - no `subtypeIds`: the model's default subtypes (`default` ones for this model or any; only the
 *   non-internal ones for customers: `partner_share` partners unless `customerIds` says), existing
 *   followers kept as they are ('skip');
 * - `subtypeIds`: new followers get exactly those, existing ones are set to them ('replace').
 * New followers are created per document, partners in the order Python's `set` yields them.
 */
export async function insertFollowers(
  ctx: CallContext,
  modelName: string,
  resIds: readonly number[],
  partnerIds: readonly number[],
  options: { subtypeIds?: readonly number[]; customerIds?: readonly number[] } = {},
): Promise<void> {
  if (!resIds.length || !partnerIds.length) return;
  let subtypesOf: (partnerId: number) => number[];
  if (options.subtypeIds?.length) {
    const given = [...options.subtypeIds];
    subtypesOf = () => given;
  } else {
    const subtypes = await ctx.db.query<{ id: number; internal: boolean }>(
      `SELECT id, COALESCE(internal, false) AS internal FROM mail_message_subtype
        WHERE COALESCE("default", false) AND (res_model = $1 OR res_model IS NULL) ORDER BY sequence, id`,
      [modelName],
    );
    const customers = new Set(
      options.customerIds ??
        (await ctx.db.query<{ id: number }>(`SELECT id FROM res_partner WHERE id = ANY($1::int4[]) AND partner_share`, [[...partnerIds]])).rows.map((r) => r.id),
    );
    const all = subtypes.rows.map((s) => s.id);
    const external = subtypes.rows.filter((s) => !s.internal).map((s) => s.id);
    subtypesOf = (partnerId) => (customers.has(partnerId) ? external : all);
  }
  const existing = await ctx.db.query<{ id: number; res_id: number; partner_id: number; subtype_ids: number[] }>(
    `SELECT f.id, f.res_id, f.partner_id, COALESCE(array_agg(r.mail_message_subtype_id) FILTER (WHERE r.mail_message_subtype_id IS NOT NULL), '{}') AS subtype_ids
       FROM mail_followers f LEFT JOIN mail_followers_mail_message_subtype_rel r ON r.mail_followers_id = f.id
      WHERE f.res_model = $1 AND f.res_id = ANY($2::int4[]) AND f.partner_id = ANY($3::int4[])
      GROUP BY f.id ORDER BY f.id`,
    [modelName, [...resIds], [...partnerIds]],
  );
  const order = pythonSetOrder(partnerIds);
  const created: Array<{ resId: number; partnerId: number }> = [];
  for (const resId of resIds) {
    for (const partnerId of order) {
      const follower = existing.rows.find((f) => f.res_id === resId && f.partner_id === partnerId);
      if (!follower) {
        created.push({ resId, partnerId });
        continue;
      }
      if (!options.subtypeIds?.length) continue; // 'skip'
      const wanted = new Set(options.subtypeIds);
      const added = [...wanted].filter((s) => !follower.subtype_ids.includes(s));
      const removed = follower.subtype_ids.filter((s) => !wanted.has(s));
      if (added.length) {
        await ctx.db.query(
          `INSERT INTO mail_followers_mail_message_subtype_rel (mail_followers_id, mail_message_subtype_id) SELECT $1, unnest($2::int4[]) ON CONFLICT DO NOTHING`,
          [follower.id, added],
        );
      }
      if (removed.length) {
        await ctx.db.query(`DELETE FROM mail_followers_mail_message_subtype_rel WHERE mail_followers_id = $1 AND mail_message_subtype_id = ANY($2::int4[])`, [follower.id, removed]);
      }
    }
  }
  // One batch create in Odoo: ids in the order the values were listed.
  for (const { resId, partnerId } of created) {
    const follower = await ctx.db.query<{ id: number }>(`INSERT INTO mail_followers (res_model, res_id, partner_id) VALUES ($1, $2, $3) RETURNING id`, [modelName, resId, partnerId]);
    const subtypes = subtypesOf(partnerId);
    if (subtypes.length) {
      await ctx.db.query(
        `INSERT INTO mail_followers_mail_message_subtype_rel (mail_followers_id, mail_message_subtype_id) SELECT $1, unnest($2::int4[]) ON CONFLICT DO NOTHING`,
        [follower.rows[0]!.id, subtypes],
      );
    }
  }
}

/**
 * `message_subscribe(partner_ids, subtype_ids)`: subscribing only oneself needs read access
 * (without it: False), anyone else write access; others are kept only when they are active
 * partners (sudo search); oneself gets the default subtypes of an employee (`customer_ids=[]`).
 */
export async function messageSubscribe(ctx: CallContext, behaviours: BehaviourRegistry, model: ModelInfo, ids: readonly number[], partnerIds: readonly number[], subtypeIds: readonly number[]): Promise<boolean> {
  if (!ids.length || !partnerIds.length) return true;
  const me = await userPartner(ctx);
  const addingCurrent = new Set(partnerIds).size === 1 && partnerIds[0] === me.partnerId;
  let partners = [...partnerIds];
  if (addingCurrent) {
    if (!(await hasDocumentAccess(ctx, behaviours, model, ids, 'read'))) return false;
  } else {
    await checkDocumentAccess(ctx, behaviours, model, ids, 'write');
    // `search([('id', 'in', partner_ids), ('active', '=', True)]).ids`: res.partner's order (complete_name, id desc).
    partners = (
      await ctx.db.query<{ id: number }>(`SELECT id FROM res_partner WHERE id = ANY($1::int4[]) AND active ORDER BY complete_name, id DESC`, [partners])
    ).rows.map((r) => r.id);
  }
  await insertFollowers(ctx, model.name, ids, partners, { subtypeIds, ...(addingCurrent ? { customerIds: [] } : {}) });
  return true;
}

/**
 * `message_unsubscribe(partner_ids)`: removing others needs write access; an internal user removes
 * themself without any check (to unfollow from the inbox whatever the company), others need read
 * access. Returns None (True when no partner is given).
 */
export async function messageUnsubscribe(ctx: CallContext, behaviours: BehaviourRegistry, model: ModelInfo, ids: readonly number[], partnerIds: readonly number[]): Promise<true | undefined> {
  if (!partnerIds.length) return true;
  const me = await userPartner(ctx);
  const onlyMe = new Set(partnerIds).size === 1 && partnerIds[0] === me.partnerId;
  if (!onlyMe) await checkDocumentAccess(ctx, behaviours, model, ids, 'write');
  else if (me.share) await checkDocumentAccess(ctx, behaviours, model, ids, 'read');
  await ctx.db.query(`DELETE FROM mail_followers WHERE res_model = $1 AND res_id = ANY($2::int4[]) AND partner_id = ANY($3::int4[])`, [model.name, [...ids], [...partnerIds]]);
  return undefined;
}
