import { defineService } from '../kit/index.ts';
import { AI_MIGRATIONS } from './db/migrations.ts';
import type { AiDatabase } from './db/tables.ts';
import { taskWorker } from './domain/worker.ts';
import { AI_PUBLISHES, AI_SUBSCRIPTIONS } from './events.ts';
import { registerLegacyAiBehaviours } from './legacy/legacy-behaviours.ts';
import { AI_BUSINESS_METHODS, registerAiEngineBehaviours } from './odoo/behaviours.ts';
import { AI_ODOO_MODELS } from './odoo/models.ts';
import { AI_ROUTES } from './routes/index.ts';

/**
 * Ai: M16 (hp_ai) — AI models, generation tasks and health insights. Its tables keep their legacy
 * names in svc_ai, so the ORM engine serves hp.ai.model, hp.ai.generation.task and hp.ai.insight
 * with the addon's behaviour (odoo/behaviours.ts over domain/), the same rules REST and the task
 * worker run, and on the monolith's tables while M16 is still legacy (legacy/legacy-behaviours.ts).
 * Generation runs through a provider (domain/provider*.ts): templates and statistics locally, or
 * an OpenAI-compatible endpoint, and every answer says which. The task worker (domain/worker.ts)
 * is its background work: it runs queued tasks off svc_ai's own queue wherever M16's rows live.
 */
export default defineService<AiDatabase>({
  name: 'ai',
  modules: ['M16'],
  publishes: AI_PUBLISHES,
  routes: AI_ROUTES,
  subscriptions: AI_SUBSCRIPTIONS,
  migrations: AI_MIGRATIONS,
  background: (ports) => taskWorker(ports),
  odoo: {
    models: AI_ODOO_MODELS,
    behaviours: registerAiEngineBehaviours,
    businessMethods: AI_BUSINESS_METHODS,
    legacyBehaviours: registerLegacyAiBehaviours,
  },
});
