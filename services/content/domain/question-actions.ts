import type { StateWrite } from './post-moderation.ts';

/**
 * hp.qa.question.action_close: `self.write({'state': 'closed'})`, True, from any state (the
 * addon checks nothing). Who may: whoever the write record rules let write the question: its
 * asker and operators (content's rules; the monolith let any member close anyone's question).
 * A closed question is then readable only by its asker and operators.
 */
export async function closeQuestions(write: StateWrite<'closed'>, ids: readonly number[]): Promise<true> {
  await write(ids, { state: 'closed' });
  return true;
}
