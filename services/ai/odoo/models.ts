import type { ServedModel } from '../../kit/index.ts';

/** The Odoo models the ai service serves once M16 reaches phase `service`, with their legacy tables. */
export const AI_ODOO_MODELS: readonly ServedModel[] = [
  { model: 'hp.ai.model', table: 'ai_models', module: 'M16' },
  { model: 'hp.ai.generation.task', table: 'generation_tasks', module: 'M16' },
  { model: 'hp.ai.insight', table: 'insights', module: 'M16' },
];
