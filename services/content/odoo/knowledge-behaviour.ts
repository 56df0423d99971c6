import { odooNow, updateRecords, type BehaviourRegistry, type CallContext, type ModelInfo, type Vals } from '../../../odoo-bridge/orm/index.ts';
import { readSelf, recordsMethod } from '../../kit/index.ts';
import { onQueryable } from '../db/sql-runner.ts';
import { publishContents, unpublishContents, type ContentStore, type PublishFacts } from '../domain/content-publishing.ts';
import { defaultPurchaseAmounts } from '../domain/purchase-defaults.ts';
import { contentsOfPurchases, lockContents, recountPurchases } from '../domain/purchase-count.ts';
import type { ContentBehaviourOptions } from './behaviour-options.ts';

const CONTENT = 'hp.knowledge.content';
const PURCHASE = 'hp.content.purchase';

/** hp.knowledge.content's business methods (the control plane's "methods provided" gate). */
export const KNOWLEDGE_BUSINESS_METHODS: Readonly<Record<string, readonly string[]>> = {
  [CONTENT]: ['action_publish', 'action_unpublish'],
};

/** `self` of an hp.knowledge.content method inside an ORM call: Python's first read through the engine (ACL, MissingError, rules), and `write` through it. */
function rpcContentStore(ctx: CallContext, behaviours: BehaviourRegistry, model: ModelInfo): ContentStore {
  return {
    read: (ids) => readSelf<PublishFacts>(ctx, behaviours, model, 'knowledge_contents', ids, ['title', 'published']),
    write: async (ids, vals) => void (await updateRecords({ ctx, behaviours }, model, [...ids], vals)),
  };
}

/** Contents whose purchases a write moves elsewhere, between beforeWrite and afterWrite of one call. */
const contentsBeforeMove = new WeakMap<CallContext, number[]>();

/**
 * hp_knowledge's Python (M06, hp_knowledge/models/*.py) on the ORM engine, the same rules on both
 * sides of the cut (domain/): action_publish (the addon's UserError text) and action_unpublish;
 * `purchase_count` stored as the number of purchases, kept whenever a purchase is created,
 * moved to another content or deleted; hp.content.purchase's create defaulting `amount` to the
 * content's price (currency and purchased_at are field defaults the engine applies). The service
 * side publishes content_published; the legacy side, as the monolith, nothing.
 */
export function registerKnowledgeBehaviours(behaviours: BehaviourRegistry, options: ContentBehaviourOptions): BehaviourRegistry {
  const recount = (ctx: CallContext, contentIds: readonly number[], without?: readonly number[]) =>
    recountPurchases(onQueryable(ctx.db), contentIds, without ? { without } : {});

  behaviours.register(CONTENT, {
    compute: { purchase_count: (ctx, ids) => recount(ctx, ids) },
    methods: {
      action_publish: recordsMethod('HpKnowledgeContent.action_publish', [], (ctx, model, ids) =>
        publishContents(rpcContentStore(ctx, behaviours, model), onQueryable(ctx.db), options.events(ctx), ids, odooNow())),
      action_unpublish: recordsMethod('HpKnowledgeContent.action_unpublish', [], (ctx, model, ids) => unpublishContents(rpcContentStore(ctx, behaviours, model), ids)),
    },
  });

  behaviours.register(PURCHASE, {
    async beforeCreate(ctx, valsList: Vals[]) {
      const content = ctx.registry.model(CONTENT)!;
      await lockContents(onQueryable(ctx.db), valsList.map((vals) => Number(vals.content_id)).filter((id) => id > 0));
      await defaultPurchaseAmounts(valsList, async (ids) => {
        // `Content.browse(id).price`: read as the caller, as Python's field access does.
        const rows = await readSelf<{ id: number; price: string | null }>(ctx, behaviours, content, 'knowledge_contents', ids, ['price']);
        return new Map([...rows].map(([id, row]) => [id, row.price]));
      });
    },
    // purchase_count follows the purchases however they change (@api.depends('purchase_ids')).
    afterCreate: async (ctx, ids) => recount(ctx, await contentsOfPurchases(onQueryable(ctx.db), ids)),
    async beforeWrite(ctx, ids, vals) {
      if ('content_id' in vals) contentsBeforeMove.set(ctx, await contentsOfPurchases(onQueryable(ctx.db), ids));
    },
    async afterWrite(ctx, ids, vals) {
      if (!('content_id' in vals)) return;
      const before = contentsBeforeMove.get(ctx) ?? [];
      contentsBeforeMove.delete(ctx);
      await recount(ctx, [...before, ...(await contentsOfPurchases(onQueryable(ctx.db), ids))]);
    },
    beforeUnlink: async (ctx, ids) => recount(ctx, await contentsOfPurchases(onQueryable(ctx.db), ids), ids),
  });
  return behaviours;
}
