import type { DeclaredRecordRule } from '../../kit/index.ts';

const MEMBER = 'hp_account.group_hp_member';
const OPERATOR = 'hp_account.group_hp_operator';

/** A comment's post is readable: published, or the member's own. */
const POST_READABLE = "'|', ('post_id.state', '=', 'published'), ('post_id.author_id', '=', user.id)";

/**
 * The holes hp_community leaves open (ACLs, no record rule): any member reads hidden and deleted
 * posts and their comments, hides or edits another member's post, writes posts and comments in
 * another member's name and edits their comments. Content closes them on every protocol and in
 * both phases (SERVICES.md §6; MIGRATION.md lists them). Members (coaches, merchants and operators
 * too, by implied group; group rules are ORed) read published posts and their own; write (edit,
 * action_hide) and create only their own; read a comment when they may read its post, or wrote
 * it; create comments only as themselves on posts they may read, and edit only their own.
 * Operators and administrators (admin implies operator) read and change all. action_like needs
 * the read rules only (odoo/community-behaviour.ts says why).
 */
export const COMMUNITY_RECORD_RULES: readonly DeclaredRecordRule[] = [
  {
    name: 'Community posts: published ones, and their own (content)',
    model: 'hp.community.post',
    domain: "['|', ('state', '=', 'published'), ('author_id', '=', user.id)]",
    groups: [MEMBER],
    modes: ['read'],
  },
  {
    name: 'Community posts: members change their own (content)',
    model: 'hp.community.post',
    domain: "[('author_id', '=', user.id)]",
    groups: [MEMBER],
    modes: ['write', 'create', 'unlink'],
  },
  { name: 'Community posts: operators see and change all (content)', model: 'hp.community.post', domain: "[(1, '=', 1)]", groups: [OPERATOR] },
  {
    name: 'Comments: on readable posts, and their own (content)',
    model: 'hp.comment',
    domain: `['|', ('author_id', '=', user.id), ${POST_READABLE}]`,
    groups: [MEMBER],
    modes: ['read'],
  },
  {
    name: 'Comments: members write their own on readable posts (content)',
    model: 'hp.comment',
    domain: `['&', ('author_id', '=', user.id), ${POST_READABLE}]`,
    groups: [MEMBER],
    modes: ['create'],
  },
  {
    name: 'Comments: members change their own (content)',
    model: 'hp.comment',
    domain: "[('author_id', '=', user.id)]",
    groups: [MEMBER],
    modes: ['write', 'unlink'],
  },
  { name: 'Comments: operators see and change all (content)', model: 'hp.comment', domain: "[(1, '=', 1)]", groups: [OPERATOR] },
];
