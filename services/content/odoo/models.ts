import type { ServedModel } from '../../kit/index.ts';

/** The Odoo models the content service serves once M06, M11 and M12 reach phase `service`, with their legacy tables. */
export const CONTENT_ODOO_MODELS: readonly ServedModel[] = [
  { model: 'hp.content.tag', table: 'content_tags', module: 'M06' },
  { model: 'hp.knowledge.content', table: 'knowledge_contents', module: 'M06' },
  { model: 'hp.content.purchase', table: 'content_purchases', module: 'M06' },
  { model: 'hp.community.post', table: 'community_posts', module: 'M11' },
  { model: 'hp.comment', table: 'comments', module: 'M11' },
  { model: 'hp.qa.question', table: 'qa_questions', module: 'M12' },
  { model: 'hp.qa.answer', table: 'qa_answers', module: 'M12' },
];
