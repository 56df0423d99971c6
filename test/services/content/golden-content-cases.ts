import type { KnownDifference, KnownDifferences, ModuleGolden } from '../../support/golden/module-golden.ts';

/** M06/M11/M12 (hp_knowledge, hp_community, hp_qa) golden cases recorded from the real Odoo 18 by scripts/record-content-golden.py. */
const CONTENT_GOLDEN_FILE = 'fixtures/hp-legacy-golden-content.jsonl';

/** The pristine categories (knowledge, community, qa, holes) and the sequences, each replayed from a fresh database. */
const CONTENT_BLOCKS = ['pristine', 'seq_knowledge', 'seq_community', 'seq_qa'] as const;

const ACCESS_ERROR = '"name": "odoo.exceptions.AccessError"';
const ACCESS_FAULT = '"faultCode": 4';
const NO_ROWS = '"result": []';
const NO_BODY = '"body": false';

/**
 * The rules content declares (services/content/odoo/*-rules.ts and the paid-body guard) where the
 * monolith has none: each listed case differs because of one of them, on purpose (SERVICES.md §6,
 * MIGRATION.md's deliberate differences).
 */
const RULES = {
  purchase: "hp.content.purchase: a member reads and creates only its own purchases (buyer_id = user; operators all). hp_knowledge has no rule: any member reads every member's purchases and buys in another's name.",
  draft: 'hp.knowledge.content: a member reads (and, with the ACL, changes) published contents and its own drafts (published or author_id = user; operators all). hp_knowledge has no rule: any member reads every unpublished draft.',
  body: "hp.knowledge.content.body (the paid text): only its buyers, its author and staff see it; anyone else reads it as empty (False), also in domains, orders and exports (the paid-body field guard). hp_knowledge shows every paid body to every member.",
  post: "hp.community.post: a member reads published posts and its own (state = 'published' or author_id = user), and writes and creates only its own (author_id = user; operators all). hp_community has no rule: any member reads hidden and deleted posts, hides or edits another's post and posts in another's name.",
  comment: "hp.comment: a member reads the comments of posts it may read and its own, creates comments only as itself on posts it may read, and changes only its own (operators all). hp_community has no rule.",
  question: "hp.qa.question: a member reads questions that are not closed and its own (state != 'closed' or asker_id = user), and writes (action_close, action_accept's write) and creates only its own (asker_id = user; operators all). hp_qa has no rule: any member reads closed questions, closes or reopens another's, accepts on another's question and asks in another's name.",
  answer: "hp.qa.answer: a member reads the answers of questions it may read, answers only as itself on questions it may read, and changes only its own (operators all). hp_qa has no rule.",
} as const;

const hole = (rule: keyof typeof RULES, answer?: string, detail?: string): KnownDifference => ({ why: detail ? `${RULES[rule]} Here: ${detail}` : RULES[rule], ...(answer ? { answer } : {}) });
const consequence = (of: string, rule: keyof typeof RULES, what: string, answer?: string): KnownDifference => ({
  why: `Consequence of ${of} (refused under ${RULES[rule].split(':')[0]}): ${what}`,
  ...(answer ? { answer } : {}),
});

/**
 * The deliberate differences, the same in both phases: the embedded engine runs content's
 * behaviours and declared rules over the legacy database too (SERVICES.md §2). The pristine
 * category `holes` holds the reads that meet them; each sequence meets its holes in its last steps
 * only, so that nothing before depends on them. Each must still differ, with the listed answer
 * (the replay tests fail otherwise, so the list stays true).
 */
const CONTENT_KNOWN_DIFFERENCES: KnownDifferences = {
  // Pristine reads that meet a hole: the member sees only what the rules let it.
  'holes.001': hole('purchase', '"result": [{"amount": 29.9, "buyer_id": [92, '),
  'holes.002': hole('purchase', ACCESS_ERROR),
  'holes.003': hole('purchase', '"result": 3}'),
  'holes.004': hole('purchase', '"result": [{"__domain": [["buyer_id", "=", 92]]'),
  'holes.005': hole('purchase', NO_ROWS),
  'holes.006': hole('body', NO_BODY),
  'holes.007': hole('draft', ACCESS_ERROR),
  'holes.008': hole('draft', '"result": 53}'),
  'holes.009': hole('draft', NO_ROWS),
  'holes.010': hole('draft', '"published": true, "published_count": 53}]'),
  'holes.011': hole('draft', '"result": [[50, '),
  'holes.012': hole('purchase', '"purchase_ids": []'),
  'holes.013': hole('post', ACCESS_ERROR),
  'holes.014': hole('post', '"result": [{"author_id": [92, '),
  'holes.015': hole('post', '"result": 274}'),
  'holes.016': hole('post', '"state": "hidden", "state_count": 1}'),
  'holes.017': hole('comment', NO_ROWS),
  'holes.018': hole('comment', ACCESS_ERROR),
  'holes.019': hole('comment', '"result": 829}'),
  'holes.020': hole('question', ACCESS_ERROR),
  'holes.021': hole('question', NO_ROWS),
  'holes.022': hole('question', '"result": 135}'),
  'holes.023': hole('question', '"state": "open", "state_count": 55}]'),
  'holes.024': hole('question', '[17, "How many steps a day are enough?"]]'),
  'holes.025': hole('answer', NO_ROWS),
  'holes.026': hole('answer', ACCESS_ERROR),
  'holes.027': hole('purchase', ACCESS_FAULT),
  'holes.028': hole('post', ACCESS_FAULT),
  'holes.029': hole('body', NO_BODY),
  'holes.030': hole('question', ACCESS_ERROR),
  'holes.031': hole('draft', '"result": {"length": 2, "records": [{"body": false, "id": 14'),
  'holes.032': hole('body', NO_BODY),
  'holes.033': hole('post', NO_ROWS),
  'holes.034': hole('draft', ACCESS_ERROR),
  // seq_knowledge: two steps in the middle meet a rule without changing what follows, the last ones are the holes.
  'seq_knowledge#36': hole('draft', ACCESS_ERROR, "coach001 unpublishes its content and content 2, another coach's draft, which the rule hides from it: the write is refused as a whole (its own content was already unpublished, so nothing after depends on it)."),
  'seq_knowledge#46': hole('purchase', '"purchase_count": 4, "purchase_ids": []', "the author reads purchase_ids of its own content: a one2many answers the lines the comodel's rules let it read (Odoo searches them as the user), and it bought none; purchase_count still counts all four."),
  'seq_knowledge#73': hole('purchase', ACCESS_ERROR),
  'seq_knowledge#74': hole('purchase', NO_ROWS),
  'seq_knowledge#75': hole('draft', ACCESS_ERROR),
  'seq_knowledge#77': hole('body', NO_BODY),
  // seq_community: the holes, last.
  'seq_community#44': hole('post', ACCESS_ERROR),
  'seq_community#45': hole('comment', NO_ROWS),
  'seq_community#46': hole('post', ACCESS_ERROR),
  'seq_community#47': hole('comment', ACCESS_ERROR),
  'seq_community#48': hole('post', ACCESS_ERROR),
  'seq_community#49': hole('post', ACCESS_ERROR),
  'seq_community#50': hole('comment', ACCESS_ERROR),
  'seq_community#51': hole('post', ACCESS_ERROR),
  'seq_community#52': hole('post', ACCESS_ERROR),
  'seq_community#53': hole('comment', ACCESS_ERROR),
  'seq_community#54': hole('comment', ACCESS_ERROR),
  'seq_community#55': consequence('seq_community#48-#49', 'post', "member132's post 42 keeps its state and its body.", '"like_count": 19, "state": "published"'),
  // seq_qa: two steps in the middle meet a rule, the last ones are the holes.
  'seq_qa#32': hole('question', '"name": "odoo.exceptions.MissingError"', "action_close writes a question id that does not exist: with no rule Odoo's access check never reads the row and the UPDATE of no row answers True; with the write rule the check reads it (filtered_domain) and meets the missing record."),
  'seq_qa#49': hole('answer', ACCESS_ERROR, "member227 votes on its own answer to member132's question, which member132 closed in #47: the answer follows its question's read rule even for its answerer."),
  'seq_qa#52': hole('question', ACCESS_ERROR),
  'seq_qa#53': hole('answer', NO_ROWS),
  'seq_qa#54': hole('answer', ACCESS_ERROR),
  'seq_qa#55': hole('answer', ACCESS_ERROR),
  'seq_qa#56': hole('question', ACCESS_ERROR),
  'seq_qa#57': hole('question', ACCESS_ERROR),
  'seq_qa#58': hole('question', ACCESS_ERROR),
  'seq_qa#59': hole('question', ACCESS_ERROR),
  'seq_qa#60': hole('answer', ACCESS_ERROR),
  'seq_qa#61': hole('answer', ACCESS_ERROR),
  'seq_qa#62': hole('question', ACCESS_ERROR),
  'seq_qa#63': consequence('seq_qa#55, #56 and #62', 'question', "member132's XML question stays closed with its one answer.", '"answer_ids": [305], "id": 154, "state": "closed"'),
};

/**
 * M06, M11 and M12 as the monolith answered them; the holes are closed in both phases.
 * Replayed pristine reads: knowledge 58, community 43, qa 37 (all equal), holes 34 (all listed);
 * seq_knowledge 77 (tags, contents with every tag_ids command, publishing, purchases and
 * purchase_count, then the holes), seq_community 55 (posts, comments and replies, likes, hiding,
 * then the holes), seq_qa 63 (questions, answers, votes, accepting, closing, then the holes).
 * 301 of 367 equal in each phase; the 66 others are the listed differences.
 */
export const CONTENT_GOLDEN: ModuleGolden = {
  label: 'M06/M11/M12',
  service: 'content',
  modules: ['M06', 'M11', 'M12'],
  blocks: CONTENT_BLOCKS.map((block) => ({ file: CONTENT_GOLDEN_FILE, block })),
  counts: { knowledge: 58, community: 43, qa: 37, holes: 34, seq_knowledge: 77, seq_community: 55, seq_qa: 63 },
  knownInLegacy: CONTENT_KNOWN_DIFFERENCES,
  knownAfterCutover: CONTENT_KNOWN_DIFFERENCES,
  show: 400,
};

