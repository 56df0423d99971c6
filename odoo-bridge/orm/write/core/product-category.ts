import type { CallContext } from '../../call-context.ts';
import { displayNames } from '../../read/read-records.ts';
import type { MethodSpec } from '../../methods/method.ts';
import type { BehaviourRegistry, ProtectedFields } from '../behaviour-registry.ts';
import { createRecords } from '../record-writes.ts';
import { inTransaction } from '../transaction.ts';

/**
 * product.category `_compute_complete_name` (addons/product/models/product_category.py; stored,
 * `recursive=True`, depends on `name` and `parent_id.complete_name`): "Parent / Name" from the
 * parent's complete name, the name alone at the root. A change reaches the whole subtree, so the
 * records and their descendants are recomputed parents first; a complete_name the write gave a
 * record itself stays (env.protecting) and its children build on it.
 */
async function recomputeCompleteNames(ctx: CallContext, ids: number[], protect?: ProtectedFields): Promise<void> {
  const tree = await ctx.db.query<{ id: number }>(
    `WITH RECURSIVE t(id, depth) AS (
       SELECT id, 0 FROM product_category WHERE id = ANY($1::int4[])
       UNION SELECT c.id, t.depth + 1 FROM product_category c JOIN t ON c.parent_id = t.id WHERE t.depth < 100
     ) SELECT id FROM t GROUP BY id ORDER BY max(depth), id`,
    [ids],
  );
  for (const { id } of tree.rows) {
    if (protect?.get(id)?.has('complete_name')) continue;
    // Python's '%s / %s' % (parent.complete_name, name): a missing value prints as False.
    await ctx.db.query(
      `UPDATE product_category c SET complete_name = CASE WHEN c.parent_id IS NULL THEN c.name
              ELSE COALESCE((SELECT p.complete_name FROM product_category p WHERE p.id = c.parent_id), 'False') || ' / ' || COALESCE(c.name, 'False') END
        WHERE c.id = $1`,
      [id],
    );
  }
}

/**
 * product.category `name_create` (addons/product/models/product_category.py): the model's
 * `_rec_name` is the computed `complete_name`, so the override creates `{'name': name}` and
 * answers (id, display_name) — BaseModel's would set complete_name and leave name empty.
 */
function categoryNameCreate(behaviours: BehaviourRegistry): MethodSpec {
  return {
    api: 'model',
    signature: { qualname: 'ProductCategory.name_create', params: [{ name: 'name' }] },
    run: (ctx, model, a) =>
      inTransaction(ctx, async (tx) => {
        const [id] = await createRecords({ ctx: tx, behaviours }, model, [{ name: a.name }]);
        return [id, (await displayNames(tx.readEnv(), model, [id!])).get(id!) ?? false];
      }),
  };
}

export function registerProductCategory(behaviours: BehaviourRegistry): void {
  behaviours.register('product.category', {
    methods: { name_create: categoryNameCreate(behaviours) },
    compute: { complete_name: recomputeCompleteNames },
    // complete_name written directly: the records keep it, their children (parent_id.complete_name) follow.
    async afterWrite(ctx, ids, vals) {
      if (!('complete_name' in vals)) return;
      const children = await ctx.db.query<{ id: number }>(`SELECT id FROM product_category WHERE parent_id = ANY($1::int4[]) AND NOT (id = ANY($1::int4[]))`, [ids]);
      if (children.rowCount) await recomputeCompleteNames(ctx, children.rows.map((c) => c.id));
    },
  });
}
