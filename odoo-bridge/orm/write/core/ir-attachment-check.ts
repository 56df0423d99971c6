import { accessError } from '../../../errors.ts';
import type { AccessMode } from '../../access-policy.ts';
import { userInGroup } from '../../access/user-in-group.ts';
import type { CallContext } from '../../call-context.ts';
import { BehaviourRegistry, type Vals } from '../behaviour-registry.ts';
import { checkRules, ident } from '../write-env.ts';

const DENIED = 'Sorry, you are not allowed to access this document.';

/**
 * ir.attachment `check(mode, values)` (base/models/ir_attachment.py, 18) as create, write and
 * unlink call it (reads do not: they meet ACL and `_search`, checked-read.ts): only the superuser
 * skips it; a user neither admin (Access Rights) nor internal is refused outright; an attachment of
 * no record only by its creator or a system user; one of a binary field only if the user may
 * access that field; then the records the attachments — and `values`' res_model/res_id — belong to
 * must pass the user's `write` check on their model (attaching or removing a file updates the
 * record): the model's right even when none of the records is left, then its write rules. Unknown
 * models and the user's own res.users record are not held against it.
 */
export async function checkAttachmentAccess(ctx: CallContext, mode: Exclude<AccessMode, 'read'>, ids: readonly number[], values?: Vals): Promise<void> {
  if (ctx.access.superuser) return;
  const admin = await userInGroup(ctx.db, ctx.access, 'base.group_erp_manager');
  if (!admin && !(await userInGroup(ctx.db, ctx.access, 'base.group_user'))) throw accessError(DENIED);
  const targets = new Map<string, Set<number>>();
  const add = (model: string, id: number) => {
    let set = targets.get(model);
    if (!set) targets.set(model, (set = new Set()));
    set.add(id);
  };
  if (ids.length) {
    const rows = await ctx.db.query<{ res_model: string | null; res_id: number | null; create_uid: number | null; public: boolean | null; res_field: string | null }>(
      'SELECT res_model, res_id, create_uid, public, res_field FROM ir_attachment WHERE id = ANY($1::int4[])',
      [[...ids]],
    );
    for (const row of rows.rows) {
      if (!ctx.access.isSystem) {
        if (!row.res_id && row.create_uid !== ctx.uid) throw accessError(DENIED);
        if (row.res_field) {
          const model = ctx.registry.model(row.res_model ?? '');
          const field = model?.fields.get(row.res_field);
          if (model && field && !ctx.fieldAccess.accessible(model, field)) throw accessError(DENIED);
        }
      }
      if (row.res_model && row.res_id) add(row.res_model, row.res_id);
    }
  }
  if (values?.res_model && values.res_id) add(String(values.res_model), Number(values.res_id));
  for (const [name, resIds] of targets) {
    const target = ctx.registry.model(name);
    if (!target) continue;
    if (name === 'res.users' && resIds.size === 1 && resIds.has(ctx.uid)) continue;
    // `browse(ids).exists().check_access('write')`: the model's right even when no record is left, then its rules.
    ctx.access.checkModel(target, 'write');
    if (!target.table) continue;
    const existing = await ctx.db.query<{ id: number }>(`SELECT id FROM ${ident(target.table)} WHERE id = ANY($1::int4[]) ORDER BY id`, [[...resIds]]);
    if (!existing.rowCount) continue;
    await checkRules({ ctx, behaviours: NO_BEHAVIOUR }, target, 'write', existing.rows.map((r) => r.id));
  }
}

/** The write rules' check reads no Python behaviour. */
const NO_BEHAVIOUR = new BehaviourRegistry();
