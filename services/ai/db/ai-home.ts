import { moduleHome, type ModuleHome, type RowHome } from '../../kit/index.ts';
import type { AiLegacyTables } from './tables.ts';

/**
 * Where M16's rows live right now (the kit's moduleHome): the monolith's tables until the control
 * plane records ai as M16's owner, svc_ai from its cutover on. REST routes, event handlers and the
 * task worker ask this home.
 */
export type AiHome = RowHome;
export type AiModuleHome = ModuleHome<AiLegacyTables>;

/** M16 (hp_ai): hp.ai.model → ai_models, hp.ai.generation.task → generation_tasks, hp.ai.insight → insights. */
export const aiHome: AiModuleHome = moduleHome<AiLegacyTables>(['M16']);
