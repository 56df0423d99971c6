import type { DeclaredRecordRule } from '../../kit/index.ts';
import { COMMUNITY_RECORD_RULES } from './community-rules.ts';
import { QA_RECORD_RULES } from './qa-rules.ts';

const MEMBER = 'hp_account.group_hp_member';
const OPERATOR = 'hp_account.group_hp_operator';

/**
 * The holes hp_knowledge leaves open (it ships ACLs and no record rule at all): any member reads
 * every purchase of every member, and every unpublished draft of every author. Content closes
 * them on every protocol and in both phases (SERVICES.md §6; MIGRATION.md lists them): a member
 * (coaches and merchants are members too, by implied group; group rules are ORed) sees their own
 * purchases and the published contents plus their own drafts; operators and admins (admin
 * implies operator) see all. The paid body of a readable content is a field-level rule, not a
 * record rule: domain/paid-body.ts.
 */
export const KNOWLEDGE_RECORD_RULES: readonly DeclaredRecordRule[] = [
  { name: 'Content purchases: buyers see their own (content)', model: 'hp.content.purchase', domain: "[('buyer_id', '=', user.id)]", groups: [MEMBER] },
  { name: 'Content purchases: operators see all (content)', model: 'hp.content.purchase', domain: "[(1, '=', 1)]", groups: [OPERATOR] },
  {
    name: 'Knowledge contents: published ones, and their own drafts for authors (content)',
    model: 'hp.knowledge.content',
    domain: "['|', ('published', '=', True), ('author_id', '=', user.id)]",
    groups: [MEMBER],
  },
  { name: 'Knowledge contents: operators see all (content)', model: 'hp.knowledge.content', domain: "[(1, '=', 1)]", groups: [OPERATOR] },
];

/**
 * Every rule content declares, one spread per part: M06's above, M11's and M12's from their
 * odoo/<part>-rules.ts.
 */
export const CONTENT_RECORD_RULES: readonly DeclaredRecordRule[] = [
  ...KNOWLEDGE_RECORD_RULES,
  ...COMMUNITY_RECORD_RULES,
  ...QA_RECORD_RULES,
];
