import type { CallContext } from '../../call-context.ts';
import type { BehaviourRegistry, ProtectedFields, Vals } from '../behaviour-registry.ts';
import { uniqueNames } from './utm-unique-names.ts';

/**
 * The utm records whose names are unique (addons/utm/models, 18): utm.source and utm.medium
 * `create` give each name of the batch its ` [n]` counter (utm-unique-names.ts) before
 * `super().create`; utm.campaign first takes the title from the name when no title is given,
 * counts the given names the same way (a falsy one left as it was), and its `name` is computed
 * from the title (`_compute_name`, precompute: before the INSERT for a campaign created without
 * a name; again when the title is written, the campaign itself not counted).
 */
export function registerUtm(behaviours: BehaviourRegistry): void {
  for (const model of ['utm.source', 'utm.medium']) {
    behaviours.register(model, {
      async beforeCreate(ctx, valsList) {
        const names = await uniqueNames(ctx, model, valsList.map((vals) => vals.name));
        for (const [i, vals] of valsList.entries()) vals.name = names[i];
      },
    });
  }
  behaviours.register('utm.campaign', {
    async beforeCreate(ctx, valsList) {
      for (const vals of valsList) if (!vals.title && vals.name) vals.title = vals.name;
      const names = await uniqueNames(ctx, 'utm.campaign', valsList.map((vals) => vals.name));
      for (const [i, vals] of valsList.entries()) if (names[i]) vals.name = names[i];
      // `_add_precomputed_values`: the campaigns created without a name get it from their title.
      const unnamed = valsList.filter((vals) => !('name' in vals));
      if (!unnamed.length) return;
      const computed = await uniqueNames(ctx, 'utm.campaign', unnamed.map(titleOf));
      for (const [i, vals] of unnamed.entries()) vals.name = computed[i];
    },
    compute: { name: recomputeCampaignNames },
  });
}

/** A title given to create, as the record's cache holds it (a translated char: its text). */
function titleOf(vals: Vals): unknown {
  return vals.title;
}

/** `_compute_name` on stored campaigns: their titles (in the call's language) made unique, the campaigns themselves not counted. */
async function recomputeCampaignNames(ctx: CallContext, ids: number[], protect?: ProtectedFields): Promise<void> {
  const targets = ids.filter((id) => !protect?.get(id)?.has('name'));
  if (!targets.length) return;
  const rows = await ctx.db.query<{ id: number; title: string | null }>(
    `SELECT id, COALESCE(title->>$2, title->>'en_US') AS title FROM utm_campaign WHERE id = ANY($1::int4[]) ORDER BY array_position($1::int4[], id)`,
    [targets, ctx.lang],
  );
  const names = await uniqueNames(ctx, 'utm.campaign', rows.rows.map((row) => row.title ?? false), targets);
  for (const [i, row] of rows.rows.entries()) {
    await ctx.db.query(`UPDATE utm_campaign SET name = $2 WHERE id = $1`, [row.id, names[i] || null]);
  }
}
