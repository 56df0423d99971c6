import type { DeclaredRecordRule } from '../../kit/index.ts';

const MEMBER = 'hp_account.group_hp_member';
const OPERATOR = 'hp_account.group_hp_operator';

/**
 * The holes hp_qa leaves open (ACLs, no record rule): any member reads closed questions, closes,
 * edits or accepts answers on another member's question, asks in another member's name, answers
 * in another's name and edits their answers. Content closes them on every protocol and in both
 * phases (SERVICES.md §6; MIGRATION.md lists them). Members read questions that are not closed
 * and their own; write (edit, action_close, and action_accept, which writes the question) and
 * create only their own; read an answer when they may read its question; create answers only as
 * themselves on questions they may read, and edit only their own. Operators and administrators
 * read and change all. action_vote needs the read rules only (odoo/qa-behaviour.ts says why).
 */
export const QA_RECORD_RULES: readonly DeclaredRecordRule[] = [
  {
    name: 'Questions: not closed, and their own (content)',
    model: 'hp.qa.question',
    domain: "['|', ('state', '!=', 'closed'), ('asker_id', '=', user.id)]",
    groups: [MEMBER],
    modes: ['read'],
  },
  {
    name: 'Questions: members change their own (content)',
    model: 'hp.qa.question',
    domain: "[('asker_id', '=', user.id)]",
    groups: [MEMBER],
    modes: ['write', 'create', 'unlink'],
  },
  { name: 'Questions: operators see and change all (content)', model: 'hp.qa.question', domain: "[(1, '=', 1)]", groups: [OPERATOR] },
  {
    name: 'Answers: of readable questions (content)',
    model: 'hp.qa.answer',
    domain: "['|', ('question_id.state', '!=', 'closed'), ('question_id.asker_id', '=', user.id)]",
    groups: [MEMBER],
    modes: ['read'],
  },
  {
    name: 'Answers: members answer as themselves on readable questions (content)',
    model: 'hp.qa.answer',
    domain: "['&', ('answerer_id', '=', user.id), '|', ('question_id.state', '!=', 'closed'), ('question_id.asker_id', '=', user.id)]",
    groups: [MEMBER],
    modes: ['create'],
  },
  {
    name: 'Answers: members change their own (content)',
    model: 'hp.qa.answer',
    domain: "[('answerer_id', '=', user.id)]",
    groups: [MEMBER],
    modes: ['write', 'unlink'],
  },
  { name: 'Answers: operators see and change all (content)', model: 'hp.qa.answer', domain: "[(1, '=', 1)]", groups: [OPERATOR] },
];
