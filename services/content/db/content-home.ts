import { moduleHome, type ModuleHome, type RowHome } from '../../kit/index.ts';
import type { ContentLegacyTables } from './tables.ts';

/**
 * Where the rows of each of content's modules live right now (the kit's moduleHome): the
 * monolith's tables until the control plane records content as that module's owner, svc_content
 * from its cutover on. M06, M11 and M12 change owner on their own, so each has its own home: a
 * REST route or event handler asks the home of the module it touches.
 */
export type ContentHome = RowHome;
export type ContentModuleHome = ModuleHome<ContentLegacyTables>;

/** M06 (hp_knowledge): hp.content.tag → content_tags, hp.knowledge.content → knowledge_contents, hp.content.purchase → content_purchases. */
export const knowledgeHome: ContentModuleHome = moduleHome<ContentLegacyTables>(['M06']);
/** M11 (hp_community): hp.community.post → community_posts, hp.comment → comments. */
export const communityHome: ContentModuleHome = moduleHome<ContentLegacyTables>(['M11']);
/** M12 (hp_qa): hp.qa.question → qa_questions, hp.qa.answer → qa_answers. */
export const qaHome: ContentModuleHome = moduleHome<ContentLegacyTables>(['M12']);
