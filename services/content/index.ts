import { defineService } from '../kit/index.ts';
import { CONTENT_MIGRATIONS } from './db/migrations.ts';
import type { ContentDatabase } from './db/tables.ts';
import { CONTENT_PUBLISHES, CONTENT_SUBSCRIPTIONS } from './events.ts';
import { registerLegacyContentBehaviours } from './legacy/legacy-behaviours.ts';
import { CONTENT_BUSINESS_METHODS, registerContentEngineBehaviours } from './odoo/behaviours.ts';
import { CONTENT_ODOO_MODELS } from './odoo/models.ts';
import { PAID_BODY_GUARD } from './odoo/paid-body-guard.ts';
import { CONTENT_RECORD_RULES } from './odoo/record-rules.ts';
import { CONTENT_ROUTES, CONTENT_SHARED_PATHS } from './routes/index.ts';
import { searchIndexingWork } from './domain/search-stream.ts';
import { contentPurchaseSaga } from './domain/purchase-saga.ts';
import { orphanPurchaseSweep } from './domain/orphan-purchase-sweep.ts';
import { contentPurchasePorts } from './routes/contents-purchase-ports.ts';

/**
 * Content: paid knowledge (M06 hp_knowledge: tags, contents, purchases), the health community
 * (M11 hp_community: posts and comments) and Q&A (M12 hp_qa: questions and answers), with the
 * platform's search in front of them. Its tables keep their legacy names in svc_content, so the
 * ORM engine serves the seven models with the addons' behaviour (odoo/behaviours.ts over
 * domain/), the same rules the REST routes run, and on the monolith's tables while a module is
 * still legacy (legacy/legacy-behaviours.ts). The three modules change owner on their own
 * (db/content-home.ts); REST and events work where each module's rows live.
 */
export default defineService<ContentDatabase>({
  name: 'content',
  modules: ['M06', 'M11', 'M12'],
  publishes: CONTENT_PUBLISHES,
  routes: CONTENT_ROUTES,
  sharedPaths: CONTENT_SHARED_PATHS,
  subscriptions: CONTENT_SUBSCRIPTIONS,
  migrations: CONTENT_MIGRATIONS,
  sagas: (owners) => [contentPurchaseSaga(contentPurchasePorts(owners))],
  // The search index follows every write of contents, posts, questions and mall products (SEARCH_INDEXING=on);
  // pending purchases left without their saga by a crash before M06's cutover are withdrawn after a grace.
  // (Odoo's foreign keys across the cut are the control plane's: migration/control/sync/delete-rule-triggers.ts.)
  background: (ports) => {
    const works = [orphanPurchaseSweep(ports), searchIndexingWork(ports)];
    return { stop: async () => void (await Promise.all(works.map((work) => work.stop()))) };
  },
  odoo: {
    models: CONTENT_ODOO_MODELS,
    behaviours: registerContentEngineBehaviours,
    businessMethods: CONTENT_BUSINESS_METHODS,
    legacyBehaviours: registerLegacyContentBehaviours,
    // The addons ship no record rule: members would read every purchase, draft, hidden post and closed question.
    recordRules: CONTENT_RECORD_RULES,
    // A paid body only for its buyers, its author and staff (hp_knowledge shows it to every member).
    fieldGuards: [PAID_BODY_GUARD],
    looseLinks: [
      {
        link: 'hp.qa.question.tag_ids',
        because: "a question only names its tags (M06's hp.content.tag, copied to both sides); hp_qa never creates, writes or deletes a tag in its own transaction",
      },
    ],
  },
});

/** `ficus search rebuild` (through services/search-index.ts): the indexer this service runs, over the tables. */
export { SearchIndexer } from './domain/search-indexer.ts';
