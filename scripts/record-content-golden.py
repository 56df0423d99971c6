#!/usr/bin/env python3
"""Record golden cases of M06 (hp_knowledge), M11 (hp_community) and M12 (hp_qa) from a real Odoo 18 serving hp_legacy.

Writes fixtures/hp-legacy-golden-content.jsonl in the format of fixtures/hp-legacy-golden.jsonl
(id, title, db_state, user, transport, request, response, volatile): hp.content.tag,
hp.knowledge.content, hp.content.purchase, hp.community.post, hp.comment, hp.qa.question and
hp.qa.answer read, searched, grouped, described (fields_get), name-searched and counted by admin, a
coach, a merchant, operators and members over JSON-RPC, XML-RPC and call_kw; the many2many tag_ids
read and written with every command (6, 4, 3, 0, 1, 5), the one2many purchase_ids, comment_ids,
child_ids and answer_ids read and written with commands; creates, writes and unlinks with the ACL
errors (members create no tags and no contents, operators no contents, nobody but admins unlinks;
operators are members too, so they create purchases, posts, comments and questions);
purchases (amount defaults to the content's price, the (content_id, buyer_id) uniqueness text,
purchase_count after purchases and unlinks, the restrict on a purchased content); action_publish
twice (UserError), action_unpublish; action_like, action_hide; action_accept (right, on a closed
question, a second accepted answer, on several ids), action_vote (delta positional and by keyword),
action_close.

The monolith has NO record rule on these models: any member reads every purchase, every hidden post
and its comments, every closed question and its answers, every unpublished content and every paid
body. The content service closes these holes with declared record rules (see the brief in
test/services/content/golden-content-cases.ts). The cases that meet a hole are recorded anyway, so
that the closing shows as a listed difference: the pristine category `holes` holds the reads, and
each sequence meets its holes in its last steps only, so that nothing before depends on them.

Every block runs twice (run A and run B), each from a restore of the database; a path whose value
differs between the runs becomes volatile (published_at and purchased_at stamped now, a post's or
question's create_date), and so do by hand a JSON-RPC error's traceback and an XML-RPC fault 1.

How it was run (2026-12-07): as scripts/golden_recorder.py says, with Odoo on port 8499 over
PostgreSQL on port 55496 (/tmp/b4-reset.sh as the reset command), and
`--out fixtures/hp-legacy-golden-content.jsonl`.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from golden_recorder import kw, main, rpc, saved, xml  # noqa: E402


# login -> uid; every demo password equals its login (../shared/legacy-odoo/README.md).
UIDS = {
    'admin': 2,                      # base.group_system + hp admin
    'member001@hp.example': 6,       # bought content 12 (purchase 81); posts 84, 131, 225; comment 204
    'member002@hp.example': 7,       # bought 26, 27, 44; hidden post 240; closed question 15, answered 138
    'member087@hp.example': 92,      # bought 14, 29, 53 (purchases 100, 212, 348); posts 55, 98, 100, 204, 239, hidden 205
    'member132@hp.example': 137,     # bought 16 (purchase 120); post 42; question 21 (accepted answer 298)
    'member227@hp.example': 232,     # bought 8; posts 109, 248, 275; open question 73
    'coach001@hp.example': 246,      # a coach (member by implied group), author of content 36
    'coach002@hp.example': 247,      # author of the unpublished content 38
    'merchant001@hp.example': 286,   # merchant: writes contents; author of 4 and 16; post 71
    'operator001@hp.example': 301,   # operator + group_hp_admin
    'operator002@hp.example': 302,   # plain operator: reads all, writes contents, creates none
}

ADMIN = 'admin'
M1 = 'member001@hp.example'
M2 = 'member002@hp.example'
M87 = 'member087@hp.example'
M132 = 'member132@hp.example'
M227 = 'member227@hp.example'
C1 = 'coach001@hp.example'
C2 = 'coach002@hp.example'
ME1 = 'merchant001@hp.example'
OP1 = 'operator001@hp.example'
OP2 = 'operator002@hp.example'

TAG = 'hp.content.tag'
CT = 'hp.knowledge.content'
PU = 'hp.content.purchase'
PO = 'hp.community.post'
CM = 'hp.comment'
QU = 'hp.qa.question'
AN = 'hp.qa.answer'

# Without body: a member's read of a body it did not buy is a hole (the service answers false).
CONTENT_FIELDS = ['title', 'author_id', 'content_type', 'currency_id', 'price', 'tag_ids', 'published', 'published_at', 'purchase_count']
# Contents published here are stamped published_at = now: their reads leave it out.
CONTENT_STATE = ['title', 'author_id', 'price', 'tag_ids', 'published', 'purchase_count']
PURCHASE_FIELDS = ['content_id', 'buyer_id', 'currency_id', 'amount', 'purchased_at']
PURCHASE_STATE = ['content_id', 'buyer_id', 'amount']
POST_FIELDS = ['author_id', 'group_id', 'title', 'body', 'like_count', 'state', 'comment_ids']
COMMENT_FIELDS = ['post_id', 'author_id', 'body', 'parent_id', 'child_ids']
QUESTION_FIELDS = ['asker_id', 'title', 'body', 'tag_ids', 'state', 'bounty_points', 'accepted_answer_id', 'answer_ids']
ANSWER_FIELDS = ['question_id', 'answerer_id', 'body', 'votes']


# --------------------------------------------------------------------------------------------
# Pristine reads (categories `knowledge`, `community`, `qa`): nothing here writes. Members read
# only what the service's rules also let them read (published contents, their own purchases,
# published posts and their comments, questions that are not closed); the rest is in `holes`.

KNOWLEDGE = [
    # hp.content.tag
    rpc('tags: search_read, default order (name)', ADMIN, TAG, 'search_read', [[]], {'fields': ['name']}),
    rpc('tags: read 11, 1 with display_name', ADMIN, TAG, 'read', [[11, 1]], {'fields': ['name', 'display_name']}),
    rpc('tags: read one, all fields', ADMIN, TAG, 'read', [[5]]),
    rpc('tags: fields_get, every attribute', ADMIN, TAG, 'fields_get', []),
    rpc('tags: name_search dia', ADMIN, TAG, 'name_search', ['dia']),
    rpc('tags: name_search 控', M87, TAG, 'name_search', ['控']),
    rpc('tags as member087: search_count', M87, TAG, 'search_count', [[]]),
    rpc('tags as member087: name like -, order name desc', M87, TAG, 'search_read', [[['name', 'like', '-']]], {'fields': ['name'], 'order': 'name desc'}),
    xml('tags over XML-RPC as coach001: read 12, 13', C1, TAG, 'read', [[12, 13]], {'fields': ['name']}),
    # hp.knowledge.content
    rpc('contents: search_read, default order (published_at desc, id desc: unpublished first), limit 10', ADMIN, CT, 'search_read', [[]], {'fields': CONTENT_FIELDS, 'limit': 10}),
    rpc('contents: search_count all', ADMIN, CT, 'search_count', [[]]),
    rpc('contents: search_count published', ADMIN, CT, 'search_count', [[['published', '=', True]]]),
    rpc('contents: read 12, 2, 38 with body and display_name (the title)', ADMIN, CT, 'read', [[12, 2, 38]], {'fields': CONTENT_FIELDS + ['body', 'display_name']}),
    rpc('contents: read one, all fields', ADMIN, CT, 'read', [[1]]),
    rpc('contents: read_group by content_type (price sum, purchase_count sum)', ADMIN, CT, 'read_group', [[], ['price:sum', 'purchase_count:sum'], ['content_type']]),
    rpc('contents: read_group by published_at:month', ADMIN, CT, 'read_group', [[['published', '=', True]], ['purchase_count:sum'], ['published_at:month']]),
    rpc('contents: read_group by author_id, limit 4', ADMIN, CT, 'read_group', [[], ['price:sum'], ['author_id']], {'limit': 4}),
    rpc('contents: read_group by tag_ids (many2many)', ADMIN, CT, 'read_group', [[], ['purchase_count:sum'], ['tag_ids']]),
    rpc('contents: fields_get, every attribute', ADMIN, CT, 'fields_get', []),
    rpc('contents: name_search Mindful', ADMIN, CT, 'name_search', ['Mindful']),
    rpc('contents: through tag_ids.name = 控糖', ADMIN, CT, 'search_read', [[['tag_ids.name', '=', '控糖']]], {'fields': ['title', 'tag_ids'], 'order': 'id'}),
    rpc('contents: tag_ids in [5, 7], count', ADMIN, CT, 'search_count', [[['tag_ids', 'in', [5, 7]]]]),
    rpc('contents: without tags', ADMIN, CT, 'search', [[['tag_ids', '=', False]]], {'order': 'id'}),
    rpc('contents: purchase_count >= 12, order purchase_count desc, id', ADMIN, CT, 'search_read', [[['purchase_count', '>=', 12]]], {'fields': ['title', 'purchase_count'], 'order': 'purchase_count desc, id'}),
    rpc('contents: bought by member087 (purchase_ids.buyer_id)', ADMIN, CT, 'search_read', [[['purchase_ids.buyer_id', '=', 92]]], {'fields': ['title'], 'order': 'id'}),
    rpc('contents: body ilike 血糖, count', ADMIN, CT, 'search_count', [[['body', 'ilike', '血糖']]]),
    rpc('contents: purchase_ids of 36 (one2many)', ADMIN, CT, 'read', [[36]], {'fields': ['purchase_ids', 'purchase_count']}),
    rpc('contents as member087: published, price >= 199, limit 6', M87, CT, 'search_read', [[['published', '=', True], ['price', '>=', 199]]], {'fields': CONTENT_FIELDS, 'limit': 6}),
    rpc('contents as member087: read its bought 14 and 29 with body', M87, CT, 'read', [[14, 29]], {'fields': ['title', 'body', 'price']}),
    rpc('contents as member087: search_count published', M87, CT, 'search_count', [[['published', '=', True]]]),
    rpc('contents as member087: read_group published by content_type', M87, CT, 'read_group', [[['published', '=', True]], ['price:sum'], ['content_type']]),
    rpc('contents as member087: name_search Mindful', M87, CT, 'name_search', ['Mindful']),
    rpc('contents as member001: read its bought 12 with body', M1, CT, 'read', [[12]], {'fields': ['title', 'body']}),
    rpc('contents as coach001: read its own 36 with body', C1, CT, 'read', [[36]], {'fields': CONTENT_FIELDS + ['body']}),
    rpc('contents as coach002: its own unpublished 38 with body', C2, CT, 'read', [[38]], {'fields': CONTENT_FIELDS + ['body']}),
    rpc('contents as merchant001: published by author 286', ME1, CT, 'search_read', [[['author_id', '=', 286], ['published', '=', True]]], {'fields': CONTENT_STATE + ['body']}),
    rpc('contents as operator002: unpublished with body', OP2, CT, 'search_read', [[['published', '=', False]]], {'fields': ['title', 'body', 'author_id']}),
    rpc('contents as operator002: read_group by published', OP2, CT, 'read_group', [[], ['price:sum'], ['published']]),
    xml('contents over XML-RPC as member132: published audio, limit 3', M132, CT, 'search_read', [[['published', '=', True], ['content_type', '=', 'audio']]], {'fields': CONTENT_FIELDS, 'limit': 3}),
    xml('contents over XML-RPC as admin: read 2 with body', ADMIN, CT, 'read', [[2]], {'fields': ['title', 'body', 'tag_ids']}),
    kw('contents: web_search_read with tags and author (call_kw session, member087)', M87, CT, 'web_search_read', [[['published', '=', True], ['tag_ids', 'in', [11]]]], {'specification': {'title': {}, 'price': {}, 'author_id': {'fields': {'display_name': {}}}, 'tag_ids': {'fields': {'display_name': {}}}}, 'limit': 5, 'count_limit': 10001}),
    kw('contents: web_read_group by content_type (call_kw session, operator002)', OP2, CT, 'web_read_group', [[], ['price:sum'], ['content_type']]),
    # hp.content.purchase
    rpc('purchases: search_read, default order (purchased_at desc, id desc), limit 6', ADMIN, PU, 'search_read', [[]], {'fields': PURCHASE_FIELDS, 'limit': 6}),
    rpc('purchases: search_count all', ADMIN, PU, 'search_count', [[]]),
    rpc('purchases: read 81, 100 with display_name (the content)', ADMIN, PU, 'read', [[81, 100]], {'fields': PURCHASE_FIELDS + ['display_name']}),
    rpc('purchases: read one, all fields', ADMIN, PU, 'read', [[212]]),
    rpc('purchases: read_group by content_id (amount sum), limit 5', ADMIN, PU, 'read_group', [[], ['amount:sum'], ['content_id']], {'limit': 5}),
    rpc('purchases: read_group by purchased_at:month', ADMIN, PU, 'read_group', [[], ['amount:sum'], ['purchased_at:month']]),
    rpc('purchases: fields_get, every attribute', ADMIN, PU, 'fields_get', []),
    rpc('purchases: name_search Mindful (the content), limit 5', ADMIN, PU, 'name_search', ['Mindful'], {'limit': 5}),
    rpc('purchases: of content_id.content_type video, count', ADMIN, PU, 'search_count', [[['content_id.content_type', '=', 'video']]]),
    rpc('purchases as member087: its own (buyer_id = uid)', M87, PU, 'search_read', [[['buyer_id', '=', 92]]], {'fields': PURCHASE_FIELDS}),
    rpc('purchases as member087: read its own 100 and 212', M87, PU, 'read', [[100, 212]], {'fields': PURCHASE_FIELDS + ['display_name']}),
    rpc('purchases as member001: read_group its own by content_id', M1, PU, 'read_group', [[['buyer_id', '=', 6]], ['amount:sum'], ['content_id']]),
    rpc('purchases as operator002: of content 12, count', OP2, PU, 'search_count', [[['content_id', '=', 12]]]),
    rpc('purchases as operator002: read 81 (operators read all)', OP2, PU, 'read', [[81]], {'fields': PURCHASE_FIELDS}),
    xml('purchases over XML-RPC as member002: its own', M2, PU, 'search_read', [[['buyer_id', '=', 7]]], {'fields': PURCHASE_FIELDS}),
    kw('purchases: web_search_read its own (call_kw session, member132)', M132, PU, 'web_search_read', [[['buyer_id', '=', 137]]], {'specification': {'content_id': {'fields': {'display_name': {}}}, 'amount': {}}}),
]

COMMUNITY = [
    # hp.community.post (every post has the same create_date: the default order is id desc)
    rpc('posts: search_read, default order (create_date desc, id desc), limit 6', ADMIN, PO, 'search_read', [[]], {'fields': POST_FIELDS, 'limit': 6}),
    rpc('posts: search_count by state hidden', ADMIN, PO, 'search_count', [[['state', '=', 'hidden']]]),
    rpc('posts: read 42, 8, 75 with display_name (the title)', ADMIN, PO, 'read', [[42, 8, 75]], {'fields': POST_FIELDS + ['display_name']}),
    rpc('posts: read one, all fields', ADMIN, PO, 'read', [[205]]),
    rpc('posts: read_group by state (like_count sum)', ADMIN, PO, 'read_group', [[], ['like_count:sum'], ['state']]),
    rpc('posts: read_group by group_id, limit 5', ADMIN, PO, 'read_group', [[], ['like_count:sum'], ['group_id']], {'limit': 5}),
    rpc('posts: read_group by state, author_id not lazy, of member087', ADMIN, PO, 'read_group', [[['author_id', '=', 92]], [], ['state', 'author_id']], {'lazy': False}),
    rpc('posts: fields_get, every attribute', ADMIN, PO, 'fields_get', []),
    rpc('posts: name_search 5K', ADMIN, PO, 'name_search', ['5K'], {'limit': 6}),
    rpc('posts: like_count > 20, order like_count desc, id', ADMIN, PO, 'search_read', [[['like_count', '>', 20]]], {'fields': ['title', 'like_count', 'state'], 'order': 'like_count desc, id'}),
    rpc('posts: without group, count', ADMIN, PO, 'search_count', [[['group_id', '=', False]]]),
    rpc('posts: through group_id.name ilike Yoga, limit 5', ADMIN, PO, 'search_read', [[['group_id.name', 'ilike', 'Yoga']]], {'fields': ['title', 'group_id'], 'limit': 5}),
    rpc('posts: with a comment by member087 (comment_ids.author_id)', ADMIN, PO, 'search', [[['comment_ids.author_id', '=', 92]]], {'order': 'id'}),
    rpc('posts as member087: published, limit 5', M87, PO, 'search_read', [[['state', '=', 'published']]], {'fields': POST_FIELDS, 'limit': 5}),
    rpc('posts as member087: its own, every state', M87, PO, 'search_read', [[['author_id', '=', 92]]], {'fields': ['title', 'state', 'like_count']}),
    rpc('posts as member087: read its own hidden 205 with comments', M87, PO, 'read', [[205]], {'fields': POST_FIELDS}),
    rpc('posts as member087: read_group published by group_id, limit 3', M87, PO, 'read_group', [[['state', '=', 'published']], ['like_count:sum'], ['group_id']], {'limit': 3}),
    rpc('posts as member087: search_count published', M87, PO, 'search_count', [[['state', '=', 'published']]]),
    rpc('posts as coach001: published of group 4', C1, PO, 'search_read', [[['state', '=', 'published'], ['group_id', '=', 4]]], {'fields': ['title', 'author_id']}),
    rpc('posts as merchant001: read its own 71', ME1, PO, 'read', [[71]], {'fields': POST_FIELDS}),
    rpc('posts as operator002: hidden, limit 4', OP2, PO, 'search_read', [[['state', '=', 'hidden']]], {'fields': ['title', 'author_id', 'state'], 'limit': 4}),
    rpc('posts as operator002: read hidden 8 (operators read all)', OP2, PO, 'read', [[8]], {'fields': POST_FIELDS}),
    xml('posts over XML-RPC as member132: its own 42', M132, PO, 'read', [[42]], {'fields': POST_FIELDS}),
    xml('posts over XML-RPC as member227: published of its own', M227, PO, 'search_read', [[['author_id', '=', 232], ['state', '=', 'published']]], {'fields': ['title', 'like_count']}),
    kw('posts: web_search_read with comments (call_kw session, member001)', M1, PO, 'web_search_read', [[['id', 'in', [42, 55, 71]]]], {'specification': {'title': {}, 'state': {}, 'author_id': {'fields': {'display_name': {}}}, 'comment_ids': {'fields': {'body': {}, 'author_id': {'fields': {'display_name': {}}}}}}, 'limit': 10, 'count_limit': 10001}),
    # hp.comment
    rpc('comments: search_read, default order (post_id, id), limit 6', ADMIN, CM, 'search_read', [[]], {'fields': COMMENT_FIELDS, 'limit': 6}),
    rpc('comments: search_count all', ADMIN, CM, 'search_count', [[]]),
    rpc('comments: read 368, 627, 16 with display_name (the post)', ADMIN, CM, 'read', [[368, 627, 16]], {'fields': COMMENT_FIELDS + ['display_name']}),
    rpc('comments: read one, all fields', ADMIN, CM, 'read', [[545]]),
    rpc('comments: read_group by post_id, limit 5', ADMIN, CM, 'read_group', [[], [], ['post_id']], {'limit': 5}),
    rpc('comments: read_group by parent_id set or not', ADMIN, CM, 'read_group', [[['parent_id', '!=', False]], [], ['author_id']], {'limit': 3}),
    rpc('comments: fields_get, every attribute', ADMIN, CM, 'fields_get', []),
    rpc('comments: name_search Meal (the post), limit 5', ADMIN, CM, 'name_search', ['Meal'], {'limit': 5}),
    rpc('comments: replies (parent_id set), count', ADMIN, CM, 'search_count', [[['parent_id', '!=', False]]]),
    rpc('comments: of hidden posts (post_id.state), count', ADMIN, CM, 'search_count', [[['post_id.state', '=', 'hidden']]]),
    rpc('comments: child_ids of 545 and 16', ADMIN, CM, 'read', [[545, 16]], {'fields': ['child_ids', 'parent_id']}),
    rpc('comments as member087: of the published 42', M87, CM, 'search_read', [[['post_id', '=', 42]]], {'fields': COMMENT_FIELDS}),
    rpc('comments as member087: of its own hidden 205', M87, CM, 'search_read', [[['post_id', '=', 205]]], {'fields': COMMENT_FIELDS}),
    rpc('comments as member087: its own', M87, CM, 'search_read', [[['author_id', '=', 92]]], {'fields': COMMENT_FIELDS}),
    rpc('comments as member227: read its reply 849 and its parent 261', M227, CM, 'read', [[849, 261]], {'fields': COMMENT_FIELDS + ['display_name']}),
    rpc('comments as operator002: of hidden 8', OP2, CM, 'search_read', [[['post_id', '=', 8]]], {'fields': COMMENT_FIELDS}),
    xml('comments over XML-RPC as member132: of its post 42', M132, CM, 'search_read', [[['post_id', '=', 42]]], {'fields': ['body', 'author_id', 'parent_id']}),
    kw('comments: web_search_read with replies (call_kw session, admin)', ADMIN, CM, 'web_search_read', [[['post_id', '=', 71]]], {'specification': {'body': {}, 'child_ids': {'fields': {'body': {}}}}}),
]

QA = [
    # hp.qa.question (every question has the same create_date: the default order is id desc)
    rpc('questions: search_read, default order (create_date desc, id desc), limit 6', ADMIN, QU, 'search_read', [[]], {'fields': QUESTION_FIELDS, 'limit': 6}),
    rpc('questions: search_count closed', ADMIN, QU, 'search_count', [[['state', '=', 'closed']]]),
    rpc('questions: read 21, 10, 73 with display_name (the title)', ADMIN, QU, 'read', [[21, 10, 73]], {'fields': QUESTION_FIELDS + ['display_name']}),
    rpc('questions: read one, all fields', ADMIN, QU, 'read', [[138]]),
    rpc('questions: read_group by state (bounty_points sum)', ADMIN, QU, 'read_group', [[], ['bounty_points:sum'], ['state']]),
    rpc('questions: read_group by tag_ids (many2many)', ADMIN, QU, 'read_group', [[], ['bounty_points:sum'], ['tag_ids']]),
    rpc('questions: read_group by asker_id, limit 4', ADMIN, QU, 'read_group', [[], [], ['asker_id']], {'limit': 4}),
    rpc('questions: fields_get, every attribute', ADMIN, QU, 'fields_get', []),
    rpc('questions: name_search 血糖', ADMIN, QU, 'name_search', ['血糖'], {'limit': 6}),
    rpc('questions: bounty_points >= 50, order bounty_points desc, id, limit 6', ADMIN, QU, 'search_read', [[['bounty_points', '>=', 50]]], {'fields': ['title', 'bounty_points', 'state'], 'order': 'bounty_points desc, id', 'limit': 6}),
    rpc('questions: through tag_ids.name = sleep, count', ADMIN, QU, 'search_count', [[['tag_ids.name', '=', 'sleep']]]),
    rpc('questions: with an accepted answer by coach (accepted_answer_id.answerer_id.login like coach)', ADMIN, QU, 'search', [[['accepted_answer_id.answerer_id.login', 'like', 'coach']]], {'order': 'id', 'limit': 8}),
    rpc('questions: answered by coach001 (answer_ids.answerer_id)', ADMIN, QU, 'search_read', [[['answer_ids.answerer_id', '=', 246]]], {'fields': ['title', 'state'], 'order': 'id'}),
    rpc('questions as member087: not closed, limit 5', M87, QU, 'search_read', [[['state', '!=', 'closed']]], {'fields': QUESTION_FIELDS, 'limit': 5}),
    rpc('questions as member087: read 21 and 73', M87, QU, 'read', [[21, 73]], {'fields': QUESTION_FIELDS}),
    rpc('questions as member087: read_group not closed by state', M87, QU, 'read_group', [[['state', 'in', ['open', 'answered']]], ['bounty_points:sum'], ['state']]),
    rpc('questions as member002: its own, every state (closed 15)', M2, QU, 'search_read', [[['asker_id', '=', 7]]], {'fields': QUESTION_FIELDS}),
    rpc('questions as coach001: open with bounty, count', C1, QU, 'search_count', [[['state', '=', 'open'], ['bounty_points', '>', 0]]]),
    rpc('questions as operator002: closed, limit 4', OP2, QU, 'search_read', [[['state', '=', 'closed']]], {'fields': ['title', 'asker_id', 'state'], 'limit': 4}),
    xml('questions over XML-RPC as member132: its own 21', M132, QU, 'read', [[21]], {'fields': QUESTION_FIELDS}),
    kw('questions: web_search_read with answers and tags (call_kw session, member227)', M227, QU, 'web_search_read', [[['asker_id', '=', 232]]], {'specification': {'title': {}, 'state': {}, 'tag_ids': {'fields': {'display_name': {}}}, 'answer_ids': {'fields': {'body': {}, 'votes': {}}}}, 'limit': 5, 'count_limit': 10001}),
    # hp.qa.answer
    rpc('answers: search_read, default order (votes desc, id), limit 6', ADMIN, AN, 'search_read', [[]], {'fields': ANSWER_FIELDS, 'limit': 6}),
    rpc('answers: search_count all', ADMIN, AN, 'search_count', [[]]),
    rpc('answers: read 298, 21, 10 with display_name (the question)', ADMIN, AN, 'read', [[298, 21, 10]], {'fields': ANSWER_FIELDS + ['display_name']}),
    rpc('answers: read one, all fields', ADMIN, AN, 'read', [[159]]),
    rpc('answers: read_group by question_id (votes sum), limit 5', ADMIN, AN, 'read_group', [[], ['votes:sum'], ['question_id']], {'limit': 5}),
    rpc('answers: fields_get, every attribute', ADMIN, AN, 'fields_get', []),
    rpc('answers: name_search fruits (the question), limit 5', ADMIN, AN, 'name_search', ['fruits'], {'limit': 5}),
    rpc('answers: votes >= 12, count', ADMIN, AN, 'search_count', [[['votes', '>=', 12]]]),
    rpc('answers: of answered questions (question_id.state), limit 4', ADMIN, AN, 'search_read', [[['question_id.state', '=', 'answered']]], {'fields': ANSWER_FIELDS, 'limit': 4}),
    rpc('answers as member087: of 21 and 73', M87, AN, 'search_read', [[['question_id', 'in', [21, 73]]]], {'fields': ANSWER_FIELDS}),
    rpc('answers as member001: its own', M1, AN, 'search_read', [[['answerer_id', '=', 6]]], {'fields': ANSWER_FIELDS}),
    rpc('answers as member002: of its own closed 15', M2, AN, 'search_read', [[['question_id', '=', 15]]], {'fields': ANSWER_FIELDS}),
    rpc('answers as coach001: read_group its own by question_id', C1, AN, 'read_group', [[['answerer_id', '=', 246]], ['votes:sum'], ['question_id']]),
    rpc('answers as operator002: of closed 10', OP2, AN, 'search_read', [[['question_id', '=', 10]]], {'fields': ANSWER_FIELDS}),
    xml('answers over XML-RPC as member227: of its question 73', M227, AN, 'search_read', [[['question_id', '=', 73]]], {'fields': ANSWER_FIELDS}),
    kw('answers: web_read_group by question_id (call_kw session, merchant001)', ME1, AN, 'web_read_group', [[['question_id', 'in', [21, 73, 138]]], ['votes:sum'], ['question_id']]),
]

# The monolith's holes: reads a member makes of rows the service's rules hide (other members'
# purchases, unpublished contents, paid bodies not bought, hidden posts and their comments,
# closed questions and their answers). Each differs after the service's rules on purpose.
HOLES = [
    rpc("member087 searches every purchase (others' too), limit 5", M87, PU, 'search_read', [[]], {'fields': PURCHASE_FIELDS, 'limit': 5}),
    rpc("member087 reads member001's purchase 81", M87, PU, 'read', [[81]], {'fields': PURCHASE_FIELDS}),
    rpc('member087 counts every purchase', M87, PU, 'search_count', [[]]),
    rpc('member087 groups every purchase by buyer_id, limit 3', M87, PU, 'read_group', [[], ['amount:sum'], ['buyer_id']], {'limit': 3}),
    rpc("member087 name_searches purchases Mindful (others')", M87, PU, 'name_search', ['Mindful'], {'limit': 5}),
    rpc('member087 reads the paid body of 12 (not bought)', M87, CT, 'read', [[12]], {'fields': ['title', 'body', 'price']}),
    rpc("member087 reads the unpublished 2 (coach's)", M87, CT, 'read', [[2]], {'fields': CONTENT_FIELDS}),
    rpc('member087 counts every content', M87, CT, 'search_count', [[]]),
    rpc('member087 searches the unpublished', M87, CT, 'search_read', [[['published', '=', False]]], {'fields': ['title', 'author_id']}),
    rpc('member087 groups every content by published', M87, CT, 'read_group', [[], ['price:sum'], ['published']]),
    rpc('member087 name_searches 控糖饮食 (2 and 38 unpublished)', M87, CT, 'name_search', ['控糖饮食']),
    rpc('member087 reads purchase_ids of 12 (others\' purchases)', M87, CT, 'read', [[12]], {'fields': ['purchase_ids', 'purchase_count']}),
    rpc("member087 reads member104's hidden post 8", M87, PO, 'read', [[8]], {'fields': POST_FIELDS}),
    rpc('member087 searches hidden posts (others\' and its own 205)', M87, PO, 'search_read', [[['state', '=', 'hidden']]], {'fields': ['title', 'author_id', 'state'], 'limit': 6}),
    rpc('member087 counts every post', M87, PO, 'search_count', [[]]),
    rpc('member087 groups every post by state', M87, PO, 'read_group', [[], ['like_count:sum'], ['state']]),
    rpc('member087 reads the comments of hidden post 8', M87, CM, 'search_read', [[['post_id', '=', 8]]], {'fields': COMMENT_FIELDS}),
    rpc('member087 reads comment 552 (on hidden post 8)', M87, CM, 'read', [[552]], {'fields': COMMENT_FIELDS}),
    rpc('member087 counts every comment', M87, CM, 'search_count', [[]]),
    rpc("member087 reads member117's closed question 10", M87, QU, 'read', [[10]], {'fields': QUESTION_FIELDS}),
    rpc('member087 searches closed questions', M87, QU, 'search_read', [[['state', '=', 'closed']]], {'fields': ['title', 'asker_id'], 'limit': 5}),
    rpc('member087 counts every question', M87, QU, 'search_count', [[]]),
    rpc('member087 groups every question by state', M87, QU, 'read_group', [[], ['bounty_points:sum'], ['state']]),
    rpc('member087 name_searches questions steps (closed 15 and 28 among them)', M87, QU, 'name_search', ['steps']),
    rpc('member087 reads the answers of closed question 10', M87, AN, 'search_read', [[['question_id', '=', 10]]], {'fields': ANSWER_FIELDS}),
    rpc('member087 reads answer 13 (of closed question 13)', M87, AN, 'read', [[13]], {'fields': ANSWER_FIELDS}),
    xml("member132 reads member087's purchase 100 over XML-RPC", M132, PU, 'read', [[100]], {'fields': PURCHASE_FIELDS}),
    xml("member132 reads member087's hidden post 205 over XML-RPC", M132, PO, 'read', [[205]], {'fields': ['title', 'state']}),
    xml('member132 reads the paid body of 14 over XML-RPC (not bought)', M132, CT, 'read', [[14]], {'fields': ['title', 'body']}),
    kw("member001 reads member002's closed question 15 (call_kw session)", M1, QU, 'read', [[15]], {'fields': ['title', 'state', 'answer_ids']}),
    kw('member001 web_search_read every content with body (call_kw session), limit 3', M1, CT, 'web_search_read', [[['id', 'in', [2, 12, 14]]]], {'specification': {'title': {}, 'body': {}}}),
    rpc('coach001 reads the paid body of 14 (neither bought nor its own)', C1, CT, 'read', [[14]], {'fields': ['title', 'body']}),
    rpc('merchant001 searches hidden posts, limit 3', ME1, PO, 'search_read', [[['state', '=', 'hidden']]], {'fields': ['title', 'author_id'], 'limit': 3}),
    rpc('coach002 reads the unpublished 2 (another coach\'s)', C2, CT, 'read', [[2]], {'fields': ['title', 'published']}),
]


# --------------------------------------------------------------------------------------------
# Sequences: each from a restore; ids are the database's next ones (tags 16.., contents 61..,
# purchases 401.., posts 301.., comments 901.., questions 151.., answers 301..).

SEQ_KNOWLEDGE = [
    # tags
    rpc('coach001 creates a tag', C1, TAG, 'create', [{'name': 'golden-tag'}], save='t1'),
    rpc('coach001 creates the same name -> name_uniq', C1, TAG, 'create', [{'name': 'golden-tag'}]),
    rpc('member087 creates a tag -> AccessError', M87, TAG, 'create', [{'name': 'member-tag'}]),
    rpc('member087 writes a tag -> AccessError', M87, TAG, 'write', [[1], {'name': 'diabetes!'}]),
    rpc('coach001 unlinks its tag -> AccessError (admins only)', C1, TAG, 'unlink', [[saved('t1')]]),
    rpc('operator002 renames it', OP2, TAG, 'write', [[saved('t1')], {'name': 'golden-tag-2'}]),
    rpc('a tag without a name -> error (required)', C1, TAG, 'create', [{}]),
    # contents with many2many commands
    rpc('coach001 creates a content with tags (6, 0, [1, 5])', C1, CT, 'create', [{'title': 'Golden course 金', 'author_id': 246, 'content_type': 'course', 'price': 88.5, 'body': '<p>Paid <b>body</b></p>', 'tag_ids': [[6, 0, [1, 5]]]}], save='c1'),
    rpc('read back (draft, no purchase, default currency)', C1, CT, 'read', [[saved('c1')]], {'fields': CONTENT_FIELDS + ['body', 'display_name', 'purchase_ids']}),
    rpc('adds tag 3 (4, 3)', C1, CT, 'write', [[saved('c1')], {'tag_ids': [[4, 3]]}]),
    rpc('removes tag 1 (3, 1)', C1, CT, 'write', [[saved('c1')], {'tag_ids': [[3, 1]]}]),
    rpc('creates a tag through it (0, 0, {name})', C1, CT, 'write', [[saved('c1')], {'tag_ids': [[0, 0, {'name': 'golden-inline'}]]}]),
    rpc('tags after the commands', C1, CT, 'read', [[saved('c1')]], {'fields': ['tag_ids']}),
    rpc('renames its tag through it (1, id, {name})', C1, CT, 'write', [[saved('c1')], {'tag_ids': [[1, saved('t1'), {'name': 'golden-renamed'}], [4, saved('t1')]]}]),
    rpc('tags by name after the rename', C1, TAG, 'search_read', [[['name', 'like', 'golden']]], {'fields': ['name']}),
    rpc('clears the tags (5)', C1, CT, 'write', [[saved('c1')], {'tag_ids': [[5]]}]),
    rpc('sets them again with a list of ids', C1, CT, 'write', [[saved('c1')], {'tag_ids': [7, 11]}]),
    rpc('tags after the clear and set', C1, CT, 'read', [[saved('c1')]], {'fields': ['tag_ids']}),
    rpc('member087 creates a content with an inline tag -> AccessError', M87, CT, 'create', [{'title': 'Member content', 'tag_ids': [[0, 0, {'name': 'x'}]]}]),
    rpc('member087 creates a content -> AccessError', M87, CT, 'create', [{'title': 'Member content'}]),
    rpc('member087 writes a content -> AccessError', M87, CT, 'write', [[1], {'price': 1}]),
    rpc('operator002 creates a content -> AccessError (operators write, not create)', OP2, CT, 'create', [{'title': 'Operator content'}]),
    rpc('operator002 writes the price', OP2, CT, 'write', [[saved('c1')], {'price': 90}]),
    rpc('a content without a title -> error (required)', C1, CT, 'create', [{'price': 1}]),
    rpc('an unknown content_type', C1, CT, 'write', [[saved('c1')], {'content_type': 'podcast'}]),
    rpc('merchant001 creates one with defaults (article, unpublished)', ME1, CT, 'create', [{'title': 'Merchant article', 'author_id': 286}], save='c2'),
    rpc('defaults read back', ME1, CT, 'read', [[saved('c2')]], {'fields': CONTENT_FIELDS + ['body']}),
    # publishing
    rpc('coach001 publishes its content', C1, CT, 'action_publish', [[saved('c1')]]),
    rpc('published, published_at set', C1, CT, 'read', [[saved('c1')]], {'fields': ['published', 'published_at']}),
    rpc('action_publish again -> UserError', C1, CT, 'action_publish', [[saved('c1')]]),
    rpc('action_publish the published 1 and the unpublished 2 -> UserError, nothing kept', OP2, CT, 'action_publish', [[2, 1]]),
    rpc('2 still unpublished', OP2, CT, 'read', [[2]], {'fields': ['published', 'published_at']}),
    rpc('member087 publishes 2 -> AccessError', M87, CT, 'action_publish', [[2]]),
    rpc('coach001 unpublishes its content (published_at kept)', C1, CT, 'action_unpublish', [[saved('c1')]]),
    rpc('unpublished', C1, CT, 'read', [[saved('c1')]], {'fields': ['published']}),
    rpc('action_unpublish an unpublished content: True', C1, CT, 'action_unpublish', [[saved('c1'), 2]]),
    rpc('coach001 publishes it again', C1, CT, 'action_publish', [[saved('c1')]]),
    rpc('action_publish on no content: True', C1, CT, 'action_publish', [[]]),
    rpc('action_publish on a content that does not exist -> MissingError', C1, CT, 'action_publish', [[999999]]),
    # purchases
    rpc('member087 buys it (amount defaults to the price)', M87, PU, 'create', [{'content_id': saved('c1'), 'buyer_id': 92}], save='p1'),
    rpc('read back', M87, PU, 'read', [[saved('p1')]], {'fields': PURCHASE_STATE + ['currency_id', 'display_name']}),
    rpc('purchase_count after one purchase', M87, CT, 'read', [[saved('c1')]], {'fields': ['purchase_count']}),
    rpc('member087 buys it again -> content_buyer_uniq', M87, PU, 'create', [{'content_id': saved('c1'), 'buyer_id': 92}]),
    rpc('member001 buys it with an explicit amount', M1, PU, 'create', [{'content_id': saved('c1'), 'buyer_id': 6, 'amount': 10}], save='p2'),
    rpc('member132 and member227 buy it in one create', ADMIN, PU, 'create', [[{'content_id': saved('c1'), 'buyer_id': 137}, {'content_id': saved('c1'), 'buyer_id': 232, 'amount': 0}]], save='p34'),
    rpc('purchase_count and purchase_ids after four', C1, CT, 'read', [[saved('c1')]], {'fields': ['purchase_count', 'purchase_ids']}),
    rpc('its purchases, default order', ADMIN, PU, 'search_read', [[['content_id', '=', saved('c1')]]], {'fields': PURCHASE_STATE}),
    rpc('member087 unlinks its purchase -> AccessError (members do not delete)', M87, PU, 'unlink', [[saved('p1')]]),
    rpc('member087 writes its purchase -> AccessError', M87, PU, 'write', [[saved('p1')], {'amount': 1}]),
    rpc('operator002 buys content 1 for itself (operators are members: the member ACL creates)', OP2, PU, 'create', [{'content_id': 1, 'buyer_id': 302}]),
    rpc('a purchase without a content -> error (required)', M87, PU, 'create', [{'buyer_id': 92}]),
    rpc('admin unlinks one', ADMIN, PU, 'unlink', [[saved('p2')]]),
    rpc('purchase_count after the unlink', C1, CT, 'read', [[saved('c1')]], {'fields': ['purchase_count']}),
    rpc('admin moves one to content 2', ADMIN, PU, 'write', [[lambda s: s['p34'][0]], {'content_id': 2}]),
    rpc('purchase_count of both after the move', ADMIN, CT, 'read', [[saved('c1'), 2]], {'fields': ['purchase_count']}),
    rpc('admin unlinks a purchased content -> restrict', ADMIN, CT, 'unlink', [[saved('c1')]]),
    rpc('coach001 unlinks its content -> AccessError (admins only)', C1, CT, 'unlink', [[saved('c1')]]),
    rpc('admin unlinks the merchant content (no purchase)', ADMIN, CT, 'unlink', [[saved('c2')]]),
    rpc('admin unlinks a tag in use (the relation rows go)', ADMIN, TAG, 'unlink', [[7]]),
    rpc('tags of the content after the unlink', C1, CT, 'read', [[saved('c1')]], {'fields': ['tag_ids']}),
    rpc('a coach creates a content with a purchase inline (0, 0, {buyer_id})', C1, CT, 'create', [{'title': 'Inline purchase', 'author_id': 246, 'price': 5, 'purchase_ids': [[0, 0, {'buyer_id': 246}]]}], save='c3'),
    rpc('its purchase_count and purchase amount', C1, CT, 'read', [[saved('c3')]], {'fields': ['purchase_count', 'purchase_ids']}),
    xml('merchant001 creates a content over XML-RPC', ME1, CT, 'create', [{'title': 'XML content', 'author_id': 286, 'price': 12, 'tag_ids': [[6, 0, [2, 3]]]}], save='cx'),
    xml('publishes it over XML-RPC', ME1, CT, 'action_publish', [[saved('cx')]]),
    xml('publishes it again over XML-RPC -> Fault (UserError)', ME1, CT, 'action_publish', [[saved('cx')]]),
    xml('member132 buys it over XML-RPC', M132, PU, 'create', [{'content_id': saved('cx'), 'buyer_id': 137}]),
    xml('member132 buys it again over XML-RPC -> Fault', M132, PU, 'create', [{'content_id': saved('cx'), 'buyer_id': 137}]),
    xml('member132 creates a tag over XML-RPC -> Fault 4', M132, TAG, 'create', [{'name': 'xml-tag'}]),
    kw('member001 buys it through call_kw', M1, PU, 'create', [{'content_id': saved('cx'), 'buyer_id': 6}]),
    kw('merchant001 unpublishes it through call_kw', ME1, CT, 'action_unpublish', [[saved('cx')]]),
    kw('read through call_kw', ME1, CT, 'read', [[saved('cx')]], {'fields': CONTENT_STATE}),
    rpc('contents by published after the sequence', ADMIN, CT, 'read_group', [[], ['purchase_count:sum'], ['published']]),
    # Last: the monolith's holes (no record rule), so that nothing above depends on them.
    rpc("member087 buys content 1 for member002 (no rule: any buyer)", M87, PU, 'create', [{'content_id': 1, 'buyer_id': 7}]),
    rpc("member087 reads member001's purchase of the XML content", M87, PU, 'search_read', [[['content_id', '=', saved('cx')]]], {'fields': PURCHASE_STATE}),
    rpc('member087 reads the unpublished XML content with its body', M87, CT, 'read', [[saved('cx')]], {'fields': ['title', 'body', 'published']}),
    rpc('member227 reads the body of the golden course (bought for 0: readable in both)', M227, CT, 'read', [[saved('c1')]], {'fields': ['title', 'body']}),
    rpc('member002 reads the body of the golden course (not bought)', M2, CT, 'read', [[saved('c1')]], {'fields': ['title', 'body']}),
]

SEQ_COMMUNITY = [
    rpc('member087 creates a post (published by default)', M87, PO, 'create', [{'author_id': 92, 'group_id': 4, 'title': 'Golden post 金', 'body': 'Ran 5 km today.'}], save='p1'),
    rpc('read back', M87, PO, 'read', [[saved('p1')]], {'fields': POST_FIELDS + ['display_name']}),
    rpc('member087 likes it', M87, PO, 'action_like', [[saved('p1')]]),
    rpc('member132 likes it and post 42', M132, PO, 'action_like', [[saved('p1'), 42]]),
    rpc('like counts', M132, PO, 'read', [[saved('p1'), 42]], {'fields': ['like_count']}),
    rpc('action_like on no post: True', M132, PO, 'action_like', [[]]),
    rpc('action_like on a post that does not exist -> MissingError', M132, PO, 'action_like', [[999999]]),
    # comments and replies (one2many commands)
    rpc('member132 comments on it', M132, CM, 'create', [{'post_id': saved('p1'), 'author_id': 137, 'body': 'Well done!'}], save='k1'),
    rpc('member087 replies to it (parent_id)', M87, CM, 'create', [{'post_id': saved('p1'), 'author_id': 92, 'parent_id': saved('k1'), 'body': 'Thanks!'}]),
    rpc('member132 replies to its own comment through child_ids (0, 0, {..})', M132, CM, 'write', [[saved('k1')], {'child_ids': [[0, 0, {'post_id': saved('p1'), 'author_id': 137, 'body': 'You are welcome.'}]]}]),
    rpc('member087 comments on its own post through comment_ids (0, 0, {..})', M87, PO, 'write', [[saved('p1')], {'comment_ids': [[0, 0, {'author_id': 92, 'body': '加油'}]]}]),
    rpc('the post with its comments', M87, PO, 'read', [[saved('p1')]], {'fields': ['comment_ids']}),
    rpc('its comments, default order (post_id, id)', M87, CM, 'search_read', [[['post_id', '=', saved('p1')]]], {'fields': COMMENT_FIELDS + ['display_name']}),
    rpc('member132 edits its reply through the parent (1, id, {body})', M132, CM, 'write', [[saved('k1')], {'child_ids': [[1, lambda s: s['k1'] + 2, {'body': 'You are very welcome.'}]]}]),
    rpc('the replies of the comment', M87, CM, 'read', [[saved('k1')]], {'fields': ['child_ids', 'body']}),
    rpc('the replies read back', M87, CM, 'read', [[lambda s: s['k1'] + 1, lambda s: s['k1'] + 2]], {'fields': ['body', 'author_id', 'parent_id']}),
    rpc('a comment without a post -> error (required)', M87, CM, 'create', [{'author_id': 92, 'body': 'orphan'}]),
    rpc('a post without a title -> error (required)', M87, PO, 'create', [{'author_id': 92}]),
    rpc('a post with an unknown state', M87, PO, 'write', [[saved('p1')], {'state': 'pinned'}]),
    rpc('member087 unlinks its post -> AccessError (members do not delete)', M87, PO, 'unlink', [[saved('p1')]]),
    rpc('member132 unlinks its comment -> AccessError', M132, CM, 'unlink', [[saved('k1')]]),
    rpc('operator002 creates a post (operators are members: the member ACL creates)', OP2, PO, 'create', [{'author_id': 302, 'title': 'Operator post'}]),
    rpc('operator002 creates a comment without an author', OP2, CM, 'create', [{'post_id': 42, 'body': 'x'}]),
    rpc('member087 creates a post with a comment inline', M87, PO, 'create', [{'author_id': 92, 'title': 'Second golden post', 'comment_ids': [[0, 0, {'author_id': 92, 'body': 'first!'}]]}], save='p2'),
    rpc('its comments', M87, PO, 'read', [[saved('p2')]], {'fields': ['comment_ids', 'state', 'group_id']}),
    # hiding
    rpc('member087 hides its post', M87, PO, 'action_hide', [[saved('p2')]]),
    rpc('member087 reads its hidden post', M87, PO, 'read', [[saved('p2')]], {'fields': ['title', 'state']}),
    rpc('member087 hides it again: True', M87, PO, 'action_hide', [[saved('p2')]]),
    rpc('operator002 hides post 42', OP2, PO, 'action_hide', [[42]]),
    rpc('member132 reads its hidden post 42', M132, PO, 'read', [[42]], {'fields': ['title', 'state', 'like_count']}),
    rpc('member132 republishes its post', M132, PO, 'write', [[42], {'state': 'published'}]),
    rpc('admin unlinks the first golden post (its comments cascade)', ADMIN, PO, 'unlink', [[saved('p1')]]),
    rpc('comments of the unlinked post', ADMIN, CM, 'search_count', [[['post_id', '=', saved('p1')]]]),
    rpc('admin unlinks comment 16 (its reply 674 cascades)', ADMIN, CM, 'unlink', [[16]]),
    rpc('674 is gone', ADMIN, CM, 'search_count', [[['id', 'in', [16, 674]]]]),
    xml('member227 creates a post over XML-RPC', M227, PO, 'create', [{'author_id': 232, 'title': 'XML post', 'group_id': 9}], save='px'),
    xml('likes it over XML-RPC', M227, PO, 'action_like', [[saved('px')]]),
    xml('comments on it over XML-RPC', M227, CM, 'create', [{'post_id': saved('px'), 'author_id': 232, 'body': 'xml'}]),
    xml('unlinks it over XML-RPC -> Fault 4', M227, PO, 'unlink', [[saved('px')]]),
    kw('member001 likes it through call_kw', M1, PO, 'action_like', [[saved('px')]]),
    kw('member227 hides it through call_kw', M227, PO, 'action_hide', [[saved('px')]]),
    kw('read through call_kw', M227, PO, 'read', [[saved('px')]], {'fields': ['title', 'like_count', 'state', 'comment_ids']}),
    rpc('posts by state after the sequence', ADMIN, PO, 'read_group', [[], ['like_count:sum'], ['state']]),
    # Last: the monolith's holes (no record rule on posts and comments).
    rpc("member001 reads member087's hidden second post", M1, PO, 'read', [[saved('p2')]], {'fields': ['title', 'state', 'comment_ids']}),
    rpc("member001 reads the comments of member087's hidden post", M1, CM, 'search_read', [[['post_id', '=', saved('p2')]]], {'fields': ['body', 'author_id']}),
    rpc("member001 likes member227's hidden XML post", M1, PO, 'action_like', [[saved('px')]]),
    rpc("member001 comments on member087's hidden post", M1, CM, 'create', [{'post_id': saved('p2'), 'author_id': 6, 'body': 'I see it'}]),
    rpc("member001 hides member132's published post 42", M1, PO, 'action_hide', [[42]]),
    rpc("member001 writes the body of member132's post 42", M1, PO, 'write', [[42], {'body': 'changed by member001'}]),
    rpc("member001 writes member087's comment 56", M1, CM, 'write', [[56], {'body': 'changed by member001'}]),
    rpc("member001 posts as member087", M1, PO, 'create', [{'author_id': 92, 'title': 'Not mine'}]),
    rpc("member227 comments through comment_ids of member087's published post 239 (a write of the post)", M227, PO, 'write', [[239], {'comment_ids': [[0, 0, {'author_id': 232, 'body': 'via the post'}]]}]),
    rpc("member087 replies through child_ids of member132's comment 261 (a write of the comment)", M87, CM, 'write', [[261], {'child_ids': [[0, 0, {'post_id': 42, 'author_id': 92, 'body': 'via the comment'}]]}]),
    rpc("member087 comments on post 42 as member227", M87, CM, 'create', [{'post_id': 42, 'author_id': 232, 'body': 'in her name'}]),
    rpc('post 42 after the holes (admin)', ADMIN, PO, 'read', [[42]], {'fields': ['state', 'body', 'like_count']}),
]

SEQ_QA = [
    rpc('member087 asks a question with tags (6, 0, [1, 12])', M87, QU, 'create', [{'asker_id': 92, 'title': 'Golden question 金?', 'body': 'How?', 'bounty_points': 30, 'tag_ids': [[6, 0, [1, 12]]]}], save='q1'),
    rpc('read back (open by default)', M87, QU, 'read', [[saved('q1')]], {'fields': QUESTION_FIELDS + ['display_name']}),
    rpc('member087 adds tag 3 and removes 1', M87, QU, 'write', [[saved('q1')], {'tag_ids': [[4, 3], [3, 1]]}]),
    rpc('member087 creates a tag through it -> AccessError (members create no tags)', M87, QU, 'write', [[saved('q1')], {'tag_ids': [[0, 0, {'name': 'member-inline'}]]}]),
    rpc('tags after the commands', M87, QU, 'read', [[saved('q1')]], {'fields': ['tag_ids']}),
    rpc('coach001 answers it', C1, AN, 'create', [{'question_id': saved('q1'), 'answerer_id': 246, 'body': 'Walk daily.'}], save='a1'),
    rpc('member132 answers it', M132, AN, 'create', [{'question_id': saved('q1'), 'answerer_id': 137, 'body': 'Sleep well.'}], save='a2'),
    rpc('member087 answers its own question through answer_ids (0, 0, {..})', M87, QU, 'write', [[saved('q1')], {'answer_ids': [[0, 0, {'answerer_id': 92, 'body': '多喝水'}]]}]),
    rpc('answer_ids (votes desc, id)', M87, QU, 'read', [[saved('q1')]], {'fields': ['answer_ids']}),
    # votes
    rpc('member087 votes for the first answer (default delta 1)', M87, AN, 'action_vote', [[saved('a1')]]),
    rpc('member132 votes for the second, delta 3 positional', M132, AN, 'action_vote', [[saved('a2')], 3]),
    rpc('member227 votes for the second, delta -2 by keyword', M227, AN, 'action_vote', [[saved('a2')]], {'delta': -2}),
    rpc('member001 votes for both, delta "2" (a string, int() taken)', M1, AN, 'action_vote', [[saved('a1'), saved('a2')]], {'delta': '2'}),
    rpc('votes after the votes, default order', M87, AN, 'search_read', [[['question_id', '=', saved('q1')]]], {'fields': ANSWER_FIELDS}),
    rpc('a vote with delta "much" -> ValueError', M1, AN, 'action_vote', [[saved('a1')]], {'delta': 'much'}),
    rpc('action_vote on no answer: True', M1, AN, 'action_vote', [[]]),
    # accepting
    rpc('action_accept on two answers -> Expected singleton', M87, AN, 'action_accept', [[saved('a1'), saved('a2')]]),
    rpc('action_accept on no answer -> Expected singleton', M87, AN, 'action_accept', [[]]),
    rpc('member087 accepts the first answer', M87, AN, 'action_accept', [[saved('a1')]]),
    rpc('answered, accepted_answer_id set', M87, QU, 'read', [[saved('q1')]], {'fields': ['state', 'accepted_answer_id']}),
    rpc('accepts it again: True (the same answer)', M87, AN, 'action_accept', [[saved('a1')]]),
    rpc('accepts the second -> UserError (already has an accepted answer)', M87, AN, 'action_accept', [[saved('a2')]]),
    rpc("member227 accepts answer 73 on its own question 73", M227, AN, 'action_accept', [[73]]),
    rpc('73 after it', M227, QU, 'read', [[73]], {'fields': ['state', 'accepted_answer_id']}),
    rpc('unlinking the accepted answer sets accepted_answer_id null (admin)', ADMIN, AN, 'unlink', [[saved('a1')]]),
    rpc('question after the unlink (still answered)', M87, QU, 'read', [[saved('q1')]], {'fields': ['state', 'accepted_answer_id', 'answer_ids']}),
    rpc('accepts the second now', M87, AN, 'action_accept', [[saved('a2')]]),
    # closing
    rpc('member087 closes its question', M87, QU, 'action_close', [[saved('q1')]]),
    rpc('accepting on a closed question -> UserError', M87, AN, 'action_accept', [[saved('a2')]]),
    rpc('member087 reads its closed question', M87, QU, 'read', [[saved('q1')]], {'fields': ['state', 'accepted_answer_id']}),
    rpc('action_close on no question: True', M87, QU, 'action_close', [[]]),
    rpc('action_close on a question that does not exist: True (a write of no row)', M87, QU, 'action_close', [[999999]]),
    rpc('a question without a title -> error (required)', M87, QU, 'create', [{'asker_id': 92}]),
    rpc('an answer without a question -> error (required)', M87, AN, 'create', [{'answerer_id': 92, 'body': 'x'}]),
    rpc('an unknown state', M87, QU, 'write', [[saved('q1')], {'state': 'archived'}]),
    rpc('member087 unlinks its question -> AccessError (members do not delete)', M87, QU, 'unlink', [[saved('q1')]]),
    rpc('member132 unlinks its answer -> AccessError', M132, AN, 'unlink', [[saved('a2')]]),
    rpc('operator002 creates a question (operators are members)', OP2, QU, 'create', [{'asker_id': 302, 'title': 'Operator question'}]),
    rpc('operator002 closes question 73', OP2, QU, 'action_close', [[73]]),
    rpc('operator002 votes on answer 159', OP2, AN, 'action_vote', [[159]]),
    rpc('admin unlinks question 21 (its answers cascade)', ADMIN, QU, 'unlink', [[21]]),
    rpc('answers of 21 after the unlink', ADMIN, AN, 'search_count', [[['question_id', '=', 21]]]),
    xml('member132 asks over XML-RPC', M132, QU, 'create', [{'asker_id': 137, 'title': 'XML question', 'tag_ids': [[6, 0, [5]]]}], save='qx'),
    xml('member227 answers over XML-RPC', M227, AN, 'create', [{'question_id': saved('qx'), 'answerer_id': 232, 'body': 'xml answer'}], save='ax'),
    xml('votes over XML-RPC with delta 5 positional', M1, AN, 'action_vote', [[saved('ax')], 5]),
    xml('accepts over XML-RPC', M132, AN, 'action_accept', [[saved('ax')]]),
    xml('closes over XML-RPC', M132, QU, 'action_close', [[saved('qx')]]),
    xml('accepts again on the closed question over XML-RPC -> Fault', M132, AN, 'action_accept', [[saved('ax')]]),
    kw('member227 votes through call_kw with delta by keyword', M227, AN, 'action_vote', [[saved('ax')]], {'delta': -1}),
    kw('read through call_kw', M132, QU, 'read', [[saved('qx')]], {'fields': QUESTION_FIELDS}),
    rpc('questions by state after the sequence', ADMIN, QU, 'read_group', [[], ['bounty_points:sum'], ['state']]),
    # Last: the monolith's holes (no record rule on questions and answers).
    rpc("member001 reads member087's closed golden question", M1, QU, 'read', [[saved('q1')]], {'fields': ['title', 'state', 'answer_ids']}),
    rpc("member001 reads the answers of member087's closed golden question", M1, AN, 'search_read', [[['question_id', '=', saved('q1')]]], {'fields': ANSWER_FIELDS}),
    rpc("member001 votes on an answer of the closed golden question", M1, AN, 'action_vote', [[saved('a2')]]),
    rpc("member001 answers the closed XML question", M1, AN, 'create', [{'question_id': saved('qx'), 'answerer_id': 6, 'body': 'late'}]),
    rpc("member001 reopens member132's closed XML question", M1, QU, 'write', [[saved('qx')], {'state': 'open'}]),
    rpc("member001 closes member227's question 73 again (already closed by the operator)", M1, QU, 'action_close', [[73]]),
    rpc("member001 asks as member087", M1, QU, 'create', [{'asker_id': 92, 'title': 'Not mine?'}]),
    rpc("member132 accepts answer 159 on member227's question 73 (closed by the operator in #39)", M132, AN, 'action_accept', [[159]]),
    rpc("member001 answers question 150 as member087", M1, AN, 'create', [{'question_id': 150, 'answerer_id': 92, 'body': 'in his name'}]),
    rpc("member001 edits member087's own answer on the golden question", M1, AN, 'write', [[lambda s: s['a2'] + 1], {'body': 'edited by member001'}]),
    rpc("member001 adds an answer through answer_ids of member132's question 154 (a write of the question)", M1, QU, 'write', [[saved('qx')], {'answer_ids': [[0, 0, {'answerer_id': 6, 'body': 'via the question'}]]}]),
    rpc('the XML question after the holes (admin)', ADMIN, QU, 'read', [[saved('qx')]], {'fields': ['state', 'answer_ids']}),
]

BLOCKS = [
    ('knowledge', 'knowledge', KNOWLEDGE),
    ('community', 'community', COMMUNITY),
    ('qa', 'qa', QA),
    ('holes', 'holes', HOLES),
    ('seq_knowledge', None, SEQ_KNOWLEDGE),
    ('seq_community', None, SEQ_COMMUNITY),
    ('seq_qa', None, SEQ_QA),
]


if __name__ == '__main__':
    main(__doc__, BLOCKS, UIDS, 'fixtures/hp-legacy-golden-content.jsonl')
