#!/usr/bin/env python3
"""Record golden cases of M01 (hp_account) from a real Odoo 18 serving hp_legacy.

Writes fixtures/hp-legacy-golden-m01.jsonl in the format of fixtures/hp-legacy-golden.jsonl
(id, title, db_state, user, transport, request, response, volatile): the models hp.auth.token
(auth_tokens), hp.permission (permissions, m2m permission_group_rel) and hp_account's res.users
fields hp_user_type / hp_level, read and written by admin, operators, members, a coach and a
merchant over JSON-RPC, XML-RPC and call_kw.

Every block runs twice (run A and run B), each from a restore of the database: `--reset-cmd`
must restore the served database to pristine and leave the server answering. A path whose value
differs between the runs becomes volatile, and so do, by hand, a JSON-RPC error's Python
traceback (`error.data.debug`) and an XML-RPC fault 1 (a traceback) with its raw_xml. The
requests of the two runs must be identical (the ids that sequences create are deterministic after
a restore); the recorder stops otherwise.

How it was run (2026-12): as scripts/golden_recorder.py says, with Odoo on port 8469 over PostgreSQL
on port 55491, and `--out fixtures/hp-legacy-golden-m01.jsonl`.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from golden_recorder import DB, kw, main, resolve, rpc, saved, xml  # noqa: E402


# login -> uid; every demo password equals its login (../shared/legacy-odoo/README.md).
UIDS = {
    'admin': 2,
    'member001@hp.example': 6,       # Wei Wu: no token in the dump
    'member002@hp.example': 7,
    'member005@hp.example': 10,      # tokens 6, 58, 84
    'coach039@hp.example': 284,      # tokens 9, 63
    'merchant004@hp.example': 289,   # token 16
    'operator001@hp.example': 301,   # operator + group_hp_admin
    'operator002@hp.example': 302,   # plain operator: reads only
}
MEMBER001_API_KEY = 'c0a6f4d02cc8fbc694b3968250ae4b42020f0840'  # ../shared/legacy-odoo/api_keys.txt

TOKEN_FIELDS = ['user_id', 'token_hash', 'scope', 'expires_at', 'revoked', 'last_used_at']
GROUP_MEMBER, GROUP_COACH, GROUP_MERCHANT, GROUP_OPERATOR, GROUP_ADMIN = 12, 13, 14, 15, 16


def first_of(name):
    """copy answers a list of ids over RPC in 18.0 ([26]), not an id."""
    return lambda s: s[name][0]


# --------------------------------------------------------------------------------------------
# Pristine reads (category `account`): nothing here writes, so they all run after one restore.

T = 'hp.auth.token'
P = 'hp.permission'
U = 'res.users'
ADMIN = 'admin'
OP1 = 'operator001@hp.example'
OP2 = 'operator002@hp.example'
M1 = 'member001@hp.example'
M2 = 'member002@hp.example'
M5 = 'member005@hp.example'
COACH = 'coach039@hp.example'
MERCHANT = 'merchant004@hp.example'

PRISTINE = [
    # hp.auth.token as admin
    rpc('tokens: search_read, default order (id desc), limit 10', ADMIN, T, 'search_read', [[]], {'fields': ['user_id', 'scope', 'revoked', 'expires_at'], 'limit': 10}),
    rpc('tokens: search_read revoked ones, every field named', ADMIN, T, 'search_read', [[['revoked', '=', True]]], {'fields': TOKEN_FIELDS}),
    rpc('tokens: search_count all', ADMIN, T, 'search_count', [[]]),
    rpc('tokens: search_count scope = api', ADMIN, T, 'search_count', [[['scope', '=', 'api']]]),
    rpc('tokens: search scope in (web, mobile), order expires_at asc, limit 5', ADMIN, T, 'search', [[['scope', 'in', ['web', 'mobile']]]], {'order': 'expires_at asc', 'limit': 5}),
    rpc("tokens: dotted path user_id.hp_user_type = coach, order 'user_id, id'", ADMIN, T, 'search_read', [[['user_id.hp_user_type', '=', 'coach']]], {'fields': ['user_id', 'scope'], 'order': 'user_id, id'}),
    rpc('tokens: expired before 2026-11-01 and not revoked', ADMIN, T, 'search_read', [[['expires_at', '<', '2026-11-01 00:00:00'], ['revoked', '=', False]]], {'fields': ['expires_at', 'scope']}),
    rpc('tokens: read 1, 3, 2 in request order with token_hash, create_uid and display_name', ADMIN, T, 'read', [[1, 3, 2]], {'fields': TOKEN_FIELDS + ['create_uid', 'display_name']}),
    rpc('tokens: read one token, all fields', ADMIN, T, 'read', [[5]]),
    rpc('tokens: fields_get, every attribute', ADMIN, T, 'fields_get', []),
    rpc('tokens: fields_get with attributes', ADMIN, T, 'fields_get', [], {'attributes': ['string', 'type', 'required', 'readonly', 'relation', 'store', 'sortable']}),
    rpc('tokens: name_search by scope (_rec_name)', ADMIN, T, 'name_search', ['device'], {'limit': 5}),
    rpc('tokens: name_search with operator = and a domain', ADMIN, T, 'name_search', ['web'], {'operator': '=', 'args': [['revoked', '=', True]]}),
    rpc('tokens: name_get was removed in 17.0', ADMIN, T, 'name_get', [[1]]),
    rpc('tokens: display_name is the scope', ADMIN, T, 'read', [[1, 2, 3]], {'fields': ['display_name']}),
    rpc('tokens: read_group by scope', ADMIN, T, 'read_group', [[], ['scope'], ['scope']]),
    rpc('tokens: read_group by revoked, then scope, not lazy', ADMIN, T, 'read_group', [[], ['user_id:count_distinct'], ['revoked', 'scope']], {'lazy': False}),
    rpc('tokens: read_group by expires_at:month', ADMIN, T, 'read_group', [[['revoked', '=', False]], ['scope'], ['expires_at:month']]),
    rpc("tokens: offset 10 limit 5 order 'id asc'", ADMIN, T, 'search_read', [[]], {'fields': ['scope'], 'offset': 10, 'limit': 5, 'order': 'id asc'}),
    rpc('tokens: OR domain (web or revoked)', ADMIN, T, 'search_read', [['|', ['scope', '=', 'web'], ['revoked', '=', True]]], {'fields': ['scope', 'revoked']}),
    rpc('tokens: last_used_at >= anchor', ADMIN, T, 'search_read', [[['last_used_at', '>=', '2026-11-25 00:00:00']]], {'fields': ['user_id', 'last_used_at']}),
    rpc('tokens: user_id.login ilike coach0, order scope desc', ADMIN, T, 'search_read', [[['user_id.login', 'ilike', 'coach0']]], {'fields': ['user_id', 'scope'], 'order': 'scope desc, id'}),
    rpc('tokens: token_hash =like prefix', ADMIN, T, 'search_read', [[['token_hash', '=like', 'd4%']]], {'fields': ['token_hash']}),
    rpc('tokens: user_id in (10, 14), order expires_at desc', ADMIN, T, 'search_read', [[['user_id', 'in', [10, 14]]]], {'fields': ['user_id', 'expires_at'], 'order': 'expires_at desc'}),
    rpc('tokens: unknown field in domain', ADMIN, T, 'search', [[['secret', '=', 1]]]),
    rpc('tokens: read a token that does not exist', ADMIN, T, 'read', [[99999]], {'fields': ['scope']}),
    xml('tokens: search_read revoked over XML-RPC', ADMIN, T, 'search_read', [[['revoked', '=', True]]], {'fields': ['user_id', 'scope', 'expires_at'], 'limit': 4}),
    xml('tokens: fields_get with attributes over XML-RPC', ADMIN, T, 'fields_get', [], {'attributes': ['string', 'type', 'required', 'relation']}),
    xml('tokens: search_count over XML-RPC', ADMIN, T, 'search_count', [[['scope', '=', 'device-sync']]]),
    xml('tokens: read over XML-RPC (datetimes as strings, booleans)', ADMIN, T, 'read', [[3, 4]], {'fields': ['scope', 'revoked', 'expires_at', 'last_used_at']}),
    kw('tokens: web_search_read with user specification (call_kw session)', ADMIN, T, 'web_search_read', [[['scope', '=', 'mobile']]], {'specification': {'scope': {}, 'revoked': {}, 'user_id': {'fields': {'display_name': {}, 'login': {}}}}, 'limit': 4, 'count_limit': 10001}),
    kw('tokens: web_read_group by scope (call_kw session)', ADMIN, T, 'web_read_group', [[], ['scope'], ['scope']]),

    # hp.auth.token as others: operators read all, the rest only their own (record rule)
    rpc('tokens as operator002: search_count all', OP2, T, 'search_count', [[]]),
    rpc('tokens as operator002: search_read limit 3', OP2, T, 'search_read', [[]], {'fields': ['user_id', 'scope'], 'limit': 3}),
    rpc('tokens as operator001 (operator + admin): search_count revoked', OP1, T, 'search_count', [[['revoked', '=', True]]]),
    rpc('tokens as member001 (none of their own): search_read', M1, T, 'search_read', [[]], {'fields': ['scope']}),
    rpc('tokens as member001: search_count', M1, T, 'search_count', [[]]),
    rpc('tokens as member001 with the API key: search_count', M1, T, 'search_count', [[]], password=MEMBER001_API_KEY),
    rpc('tokens as member001: read token 1 of member009 (record rule)', M1, T, 'read', [[1]], {'fields': ['scope']}),
    rpc('tokens as member005: search_read own tokens (id desc)', M5, T, 'search_read', [[]], {'fields': TOKEN_FIELDS}),
    rpc('tokens as member005: read own and another (record rule)', M5, T, 'read', [[6, 1]], {'fields': ['scope']}),
    rpc("tokens as member005: search another's user_id -> nothing", M5, T, 'search_count', [[['user_id', '=', 14]]]),
    rpc('tokens as member005: name_search all', M5, T, 'name_search', [''], {}),
    rpc('tokens as member005: read_group by scope (own only)', M5, T, 'read_group', [[], ['scope'], ['scope']]),
    rpc('tokens as member005: fields_get of two fields', M5, T, 'fields_get', [['scope', 'user_id']], {'attributes': ['string', 'type', 'relation']}),
    xml('tokens as member005 over XML-RPC: own tokens', M5, T, 'search_read', [[['revoked', '=', False]]], {'fields': ['scope', 'expires_at']}),
    xml("tokens as member005 over XML-RPC: read another's token -> Fault 4", M5, T, 'read', [[1]], {'fields': ['scope']}),
    rpc('tokens as coach039: search_read own (id desc)', COACH, T, 'search_read', [[]], {'fields': ['user_id', 'scope', 'revoked']}),
    rpc("tokens as coach039: read coach004's token 8 (record rule)", COACH, T, 'read', [[8]], {'fields': ['scope']}),
    rpc('tokens as coach039: search_count with user_id.hp_user_type = coach', COACH, T, 'search_count', [[['user_id.hp_user_type', '=', 'coach']]]),
    kw('tokens as coach039: web_search_read (call_kw session)', COACH, T, 'web_search_read', [[]], {'specification': {'scope': {}, 'display_name': {}}, 'count_limit': 10001}),
    rpc('tokens as merchant004: search_read own', MERCHANT, T, 'search_read', [[]], {'fields': ['user_id', 'scope']}),

    # hp.permission
    rpc('permissions: search_read, default order (code)', ADMIN, P, 'search_read', [[]], {'fields': ['name', 'code', 'group_ids']}),
    rpc("permissions: order 'name desc' limit 5", ADMIN, P, 'search_read', [[]], {'fields': ['name'], 'order': 'name desc', 'limit': 5}),
    rpc('permissions: group_ids in (operator)', ADMIN, P, 'search_read', [[['group_ids', 'in', [GROUP_OPERATOR]]]], {'fields': ['code']}),
    rpc('permissions: dotted group_ids.name = Coach', ADMIN, P, 'search_read', [[['group_ids.name', '=', 'Coach']]], {'fields': ['code', 'group_ids']}),
    rpc('permissions: group_ids not in (member, coach)', ADMIN, P, 'search', [[['group_ids', 'not in', [GROUP_MEMBER, GROUP_COACH]]]]),
    rpc('permissions: read 7, 1 with description, group_ids, display_name', ADMIN, P, 'read', [[7, 1]], {'fields': ['name', 'code', 'description', 'group_ids', 'display_name']}),
    rpc('permissions: read all fields', ADMIN, P, 'read', [[13]]),
    rpc('permissions: fields_get, every attribute', ADMIN, P, 'fields_get', []),
    rpc('permissions: fields_get with attributes', ADMIN, P, 'fields_get', [], {'attributes': ['string', 'type', 'required', 'relation', 'relation_table', 'column1', 'column2']}),
    rpc('permissions: search_count code =like mall.%', ADMIN, P, 'search_count', [[['code', '=like', 'mall.%']]]),
    rpc('permissions: name_search Manage', ADMIN, P, 'name_search', ['Manage'], {'limit': 4}),
    rpc('permissions: without groups', ADMIN, P, 'search', [[['group_ids', '=', False]]]),
    rpc('permissions: description ilike health', ADMIN, P, 'search_read', [[['description', 'ilike', 'health']]], {'fields': ['code', 'description']}),
    rpc('permissions: read_group by group_ids (many2many)', ADMIN, P, 'read_group', [[], ['code:count'], ['group_ids']]),
    rpc('permissions: group_ids.users in (operator002)', ADMIN, P, 'search_count', [[['group_ids.users', 'in', [302]]]]),
    rpc('permissions as member001: search_read limit 5', M1, P, 'search_read', [[]], {'fields': ['code', 'group_ids'], 'limit': 5}),
    rpc('permissions as member001: read group_ids of 7', M1, P, 'read', [[7]], {'fields': ['group_ids', 'display_name']}),
    rpc('permissions as coach039: search_count', COACH, P, 'search_count', [[]]),
    rpc("permissions as operator002: code like 'order'", OP2, P, 'search_read', [[['code', 'like', 'order']]], {'fields': ['code', 'name']}),
    xml('permissions over XML-RPC: group_ids in (admin)', ADMIN, P, 'search_read', [[['group_ids', 'in', [GROUP_ADMIN]]]], {'fields': ['code', 'group_ids']}),
    xml('permissions as member001 over XML-RPC: read', M1, P, 'read', [[1]], {'fields': ['name', 'group_ids']}),
    xml('permissions over XML-RPC: fields_get', ADMIN, P, 'fields_get', [], {'attributes': ['string', 'type', 'relation']}),
    kw('permissions: web_read with group display names (call_kw session)', ADMIN, P, 'web_read', [[7, 12]], {'specification': {'code': {}, 'group_ids': {'fields': {'display_name': {}}}}}),
    kw('permissions as member001: search_read (call_kw session)', M1, P, 'search_read', [[['code', 'ilike', 'record']]], {'fields': ['code', 'name']}),

    # res.users: hp_user_type / hp_level
    rpc('users: read hp_user_type and hp_level of six users', ADMIN, U, 'read', [[2, 6, 246, 286, 301, 302]], {'fields': ['login', 'hp_user_type', 'hp_level']}),
    rpc('users: search_read hp_user_type = operator', ADMIN, U, 'search_read', [[['hp_user_type', '=', 'operator']]], {'fields': ['login', 'hp_level']}),
    rpc('users: search_count coaches', ADMIN, U, 'search_count', [[['hp_user_type', '=', 'coach']]]),
    rpc('users: search_count coaches with hp_level >= 9', ADMIN, U, 'search_count', [[['hp_user_type', '=', 'coach'], ['hp_level', '>=', 9]]]),
    rpc("users: hp_user_type in (merchant, operator), order 'hp_level desc, id', limit 8", ADMIN, U, 'search', [[['hp_user_type', 'in', ['merchant', 'operator']]]], {'order': 'hp_level desc, id', 'limit': 8}),
    rpc('users: fields_get hp_user_type and hp_level, every attribute', ADMIN, U, 'fields_get', [['hp_user_type', 'hp_level']]),
    rpc('users: fields_get hp_user_type and hp_level with attributes', ADMIN, U, 'fields_get', [['hp_user_type', 'hp_level']], {'attributes': ['string', 'type', 'required', 'selection', 'store', 'groupable']}),
    rpc('users: read_group by hp_user_type', ADMIN, U, 'read_group', [[], ['hp_level:max'], ['hp_user_type']]),
    rpc('users: inactive members (active_test off)', ADMIN, U, 'search_read', [[['hp_user_type', '=', 'member'], ['active', '=', False]]], {'fields': ['login', 'hp_level'], 'context': {'active_test': False}}),
    rpc('users: hp_level = 10 members, order login desc limit 3', ADMIN, U, 'search_read', [[['hp_user_type', '=', 'member'], ['hp_level', '=', 10]]], {'fields': ['login'], 'order': 'login desc', 'limit': 3}),
    rpc('users as member001: read own hp fields', M1, U, 'read', [[6]], {'fields': ['hp_user_type', 'hp_level']}),
    rpc("users as member001: read a coach's hp fields", M1, U, 'read', [[246]], {'fields': ['name', 'hp_user_type', 'hp_level']}),
    rpc('users as member001: search_count operators', M1, U, 'search_count', [[['hp_user_type', '=', 'operator']]]),
    rpc('users as coach039: top coaches', COACH, U, 'search_read', [[['hp_level', '=', 10], ['hp_user_type', '=', 'coach']]], {'fields': ['name', 'hp_level'], 'order': 'id'}),
    xml('users over XML-RPC: operators with hp_level', ADMIN, U, 'search_read', [[['hp_user_type', '=', 'operator']]], {'fields': ['hp_user_type', 'hp_level'], 'order': 'id'}),
    xml('users over XML-RPC: fields_get of the two fields', ADMIN, U, 'fields_get', [['hp_user_type', 'hp_level']], {'attributes': ['string', 'type', 'selection', 'required']}),
    kw('users: web_search_read merchants (call_kw session)', ADMIN, U, 'web_search_read', [[['hp_user_type', '=', 'merchant']]], {'specification': {'login': {}, 'hp_user_type': {}, 'hp_level': {}}, 'limit': 3, 'order': 'id', 'count_limit': 10001}),
]

# --------------------------------------------------------------------------------------------
# Sequences: each after its own restore, steps in order. Ids come from earlier steps.

H1 = 'm01-golden-hash-0001'
SEQ_TOKENS = [
    rpc('admin creates a token for member001', ADMIN, T, 'create', [{'user_id': 6, 'token_hash': H1, 'scope': 'mobile', 'expires_at': '2026-12-31 00:00:00'}], save='t1'),
    rpc('admin reads it back', ADMIN, T, 'read', [[saved('t1')]], {'fields': TOKEN_FIELDS + ['display_name']}),
    rpc('member001 now sees exactly that token', M1, T, 'search_read', [[]], {'fields': ['scope', 'revoked', 'expires_at']}),
    rpc('member001 creates a token -> AccessError (members read only)', M1, T, 'create', [{'user_id': 6, 'token_hash': 'm01-golden-member'}]),
    rpc('member001 writes own token -> AccessError', M1, T, 'write', [[saved('t1')], {'revoked': True}]),
    rpc('member001 action_revoke on own token -> AccessError', M1, T, 'action_revoke', [[saved('t1')]]),
    rpc("member001 action_revoke on member009's token 1 -> AccessError (ACL before record rule)", M1, T, 'action_revoke', [[1]]),
    rpc('member001 unlink own token -> AccessError', M1, T, 'unlink', [[saved('t1')]]),
    xml('member005 action_revoke own token over XML-RPC -> Fault 4', M5, T, 'action_revoke', [[6]]),
    rpc('operator002 action_revoke -> AccessError (operators read only)', OP2, T, 'action_revoke', [[saved('t1')]]),
    rpc('coach039 action_revoke own token -> AccessError', COACH, T, 'action_revoke', [[63]]),
    rpc('admin creates a duplicate token_hash -> unique constraint', ADMIN, T, 'create', [{'user_id': 7, 'token_hash': H1}]),
    rpc('admin creates a token without token_hash -> required', ADMIN, T, 'create', [{'user_id': 7}]),
    rpc('admin creates a token without user_id -> required', ADMIN, T, 'create', [{'token_hash': 'm01-golden-no-user'}]),
    rpc('admin creates a token for a user that does not exist', ADMIN, T, 'create', [{'user_id': 999999, 'token_hash': 'm01-golden-ghost'}]),
    rpc('admin creates a token with defaults (scope api, not revoked)', ADMIN, T, 'create', [{'user_id': 7, 'token_hash': 'm01-golden-hash-0002'}], save='t2'),
    rpc('defaults read back', ADMIN, T, 'read', [[saved('t2')]], {'fields': ['scope', 'revoked', 'expires_at', 'last_used_at', 'display_name']}),
    rpc("admin writes token 2's hash onto the new token -> unique constraint", ADMIN, T, 'write', [[saved('t2')], {'token_hash': '42d5356813ae21bd8055397b42e3cb1a64b7552ac137a162863b1d801325a434'}]),
    rpc('admin action_revoke', ADMIN, T, 'action_revoke', [[saved('t1')]]),
    rpc('revoked read back', ADMIN, T, 'read', [[saved('t1')]], {'fields': ['revoked']}),
    rpc('admin action_revoke again (already revoked)', ADMIN, T, 'action_revoke', [[saved('t1')]]),
    rpc('admin action_revoke two tokens at once', ADMIN, T, 'action_revoke', [[2, 4]]),
    rpc('both revoked', ADMIN, T, 'search_read', [[['id', 'in', [2, 4]]]], {'fields': ['revoked']}),
    xml('operator001 (admin group) action_revoke over XML-RPC', OP1, T, 'action_revoke', [[5]]),
    rpc('admin action_revoke on a token that does not exist', ADMIN, T, 'action_revoke', [[99999]]),
    rpc('admin action_revoke on no token', ADMIN, T, 'action_revoke', [[]]),
    rpc('member005 sees its revoked count unchanged', M5, T, 'search_count', [[['revoked', '=', True]]]),
    rpc('admin moves the new token to member005', ADMIN, T, 'write', [[saved('t1')], {'user_id': 10, 'scope': 'web'}]),
    rpc('member001 no longer sees it', M1, T, 'search_count', [[]]),
    rpc('member005 sees it first (id desc)', M5, T, 'search_read', [[]], {'fields': ['scope', 'revoked'], 'limit': 2}),
    rpc('admin creates two tokens at once', ADMIN, T, 'create', [[{'user_id': 6, 'token_hash': 'm01-golden-batch-1', 'scope': 'device-sync'}, {'user_id': 6, 'token_hash': 'm01-golden-batch-2', 'revoked': True}]], save='batch'),
    rpc('member001 reads the batch', M1, T, 'search_read', [[]], {'fields': ['scope', 'revoked']}),
    xml('admin creates a token over XML-RPC', ADMIN, T, 'create', [{'user_id': 284, 'token_hash': 'm01-golden-xml', 'scope': 'api', 'expires_at': '2027-01-01 08:30:00'}], save='t3'),
    xml('admin creates a duplicate over XML-RPC -> Fault 2', ADMIN, T, 'create', [{'user_id': 284, 'token_hash': 'm01-golden-xml'}]),
    rpc('coach039 sees the new token first', COACH, T, 'search_read', [[]], {'fields': ['scope', 'expires_at']}),
    rpc('admin unlinks the moved token', ADMIN, T, 'unlink', [[saved('t1')]]),
    rpc('reading it now -> [] (read drops missing ids)', ADMIN, T, 'read', [[saved('t1')]], {'fields': ['scope']}),
    rpc('operator002 unlink -> AccessError', OP2, T, 'unlink', [[saved('t2')]]),
    rpc('operator001 unlinks the batch', OP1, T, 'unlink', [lambda s: s['batch']]),
    rpc('admin unlinks a token that no longer exists', ADMIN, T, 'unlink', [[saved('t1')]]),
    rpc('count after the sequence', ADMIN, T, 'search_count', [[]]),
    rpc('admin write on a token that does not exist', ADMIN, T, 'write', [[99999], {'scope': 'x'}]),
]

SEQ_PERMISSIONS = [
    rpc('admin creates a permission with two groups', ADMIN, P, 'create', [{'name': 'Golden permission', 'code': 'golden.m01', 'description': 'Recorded for M01.', 'group_ids': [[6, 0, [GROUP_MEMBER, GROUP_OPERATOR]]]}], save='p1'),
    rpc('read back with group_ids', ADMIN, P, 'read', [[saved('p1')]], {'fields': ['name', 'code', 'description', 'group_ids', 'display_name']}),
    rpc('admin creates a duplicate code -> unique constraint', ADMIN, P, 'create', [{'name': 'Dup', 'code': 'golden.m01'}]),
    rpc('admin creates a permission without code -> required', ADMIN, P, 'create', [{'name': 'No code'}]),
    rpc('admin creates a permission without name -> required', ADMIN, P, 'create', [{'code': 'golden.noname'}]),
    rpc('admin writes an existing code -> unique constraint', ADMIN, P, 'write', [[saved('p1')], {'code': 'order.grab'}]),
    rpc('admin links admin, unlinks member (commands 4 and 3)', ADMIN, P, 'write', [[saved('p1')], {'group_ids': [[4, GROUP_ADMIN], [3, GROUP_MEMBER]]}]),
    rpc('group_ids read back', ADMIN, P, 'read', [[saved('p1')]], {'fields': ['group_ids']}),
    rpc('permissions of the admin group now', ADMIN, P, 'search_read', [[['group_ids', 'in', [GROUP_ADMIN]]]], {'fields': ['code']}),
    rpc('member001 writes -> AccessError', M1, P, 'write', [[saved('p1')], {'name': 'mine'}]),
    rpc('member001 creates -> AccessError', M1, P, 'create', [{'name': 'Member perm', 'code': 'golden.member'}]),
    rpc('member001 unlinks -> AccessError', M1, P, 'unlink', [[saved('p1')]]),
    rpc('coach039 creates -> AccessError', COACH, P, 'create', [{'name': 'Coach perm', 'code': 'golden.coach'}]),
    rpc('operator002 writes -> AccessError (operators read only)', OP2, P, 'write', [[1], {'description': 'changed'}]),
    xml('member001 writes over XML-RPC -> Fault 4', M1, P, 'write', [[1], {'name': 'x'}]),
    rpc('operator001 (admin group) renames it', OP1, P, 'write', [[saved('p1')], {'name': 'Golden permission (renamed)'}]),
    rpc('admin clears the groups (command 5)', ADMIN, P, 'write', [[saved('p1')], {'group_ids': [[5, 0, 0]]}]),
    rpc('it has no group now', ADMIN, P, 'search_read', [[['group_ids', '=', False]]], {'fields': ['code', 'name', 'group_ids']}),
    rpc('admin copies permission 1 -> unique constraint on code', ADMIN, P, 'copy', [1]),
    rpc('admin copies permission 1 with a new code (answers a list of ids)', ADMIN, P, 'copy', [1], {'default': {'code': 'health.record.read.copy'}}, save='p2'),
    rpc('the copy keeps name, description and groups', ADMIN, P, 'read', [[first_of('p2')]], {'fields': ['name', 'code', 'description', 'group_ids']}),
    xml('admin writes the code of the copy over XML-RPC', ADMIN, P, 'write', [[first_of('p2')], {'code': 'health.record.read.2'}]),
    xml('admin writes a duplicate code over XML-RPC -> Fault 2', ADMIN, P, 'write', [[first_of('p2')], {'code': 'health.record.read'}]),
    rpc('admin unlinks both', ADMIN, P, 'unlink', [lambda s: [s['p1'], s['p2'][0]]]),
    rpc('member001 reading a deleted one -> []', M1, P, 'read', [[saved('p1')]], {'fields': ['code']}),
    rpc('count and codes are back to the dump', ADMIN, P, 'search_count', [[]]),
    rpc('the coach group lost nothing', ADMIN, P, 'search', [[['group_ids', 'in', [GROUP_COACH]]]]),
    rpc('admin creates with commands 0 on group_ids -> a new group', ADMIN, P, 'create', [{'name': 'With group', 'code': 'golden.newgroup', 'group_ids': [[0, 0, {'name': 'Golden group'}]]}], save='p3'),
    rpc('the new group by name', ADMIN, P, 'read', [[saved('p3')]], {'fields': ['group_ids']}),
]

SEQ_USERS = [
    rpc('admin raises member001 to hp_level 7', ADMIN, U, 'write', [[6], {'hp_level': 7}]),
    rpc('read back', ADMIN, U, 'read', [[6]], {'fields': ['hp_user_type', 'hp_level']}),
    rpc('admin turns member002 into a coach', ADMIN, U, 'write', [[7], {'hp_user_type': 'coach'}]),
    rpc('coaches now', ADMIN, U, 'search_count', [[['hp_user_type', '=', 'coach']]]),
    rpc('admin writes an unknown hp_user_type -> ValueError', ADMIN, U, 'write', [[7], {'hp_user_type': 'doctor'}]),
    rpc('admin writes hp_user_type False (required)', ADMIN, U, 'write', [[7], {'hp_user_type': False}]),
    rpc('admin writes a string hp_level', ADMIN, U, 'write', [[7], {'hp_level': 'high'}]),
    rpc('member001 writes own hp_level -> AccessError', M1, U, 'write', [[6], {'hp_level': 10}]),
    rpc("member001 writes member002's hp_user_type -> AccessError", M1, U, 'write', [[7], {'hp_user_type': 'operator'}]),
    xml('member001 writes own hp_user_type over XML-RPC -> Fault 4', M1, U, 'write', [[6], {'hp_user_type': 'operator'}]),
    rpc('nothing changed for member001', M1, U, 'read', [[6]], {'fields': ['hp_user_type', 'hp_level']}),
    rpc('operator002 writes hp_level -> AccessError', OP2, U, 'write', [[8], {'hp_level': 3}]),
    rpc('operator001 (hp admin group) sets a merchant level -> AccessError (res.users needs Access Rights)', OP1, U, 'write', [[286], {'hp_level': 5}]),
    xml('read over XML-RPC', ADMIN, U, 'read', [[7, 286]], {'fields': ['hp_user_type', 'hp_level']}),
    rpc('admin creates a user: defaults member / 1', ADMIN, U, 'create', [{'name': 'Golden User', 'login': 'golden.m01@hp.example'}], save='u1'),
    rpc('defaults read back', ADMIN, U, 'read', [[saved('u1')]], {'fields': ['login', 'hp_user_type', 'hp_level']}),
    rpc('admin creates an operator user with level 3', ADMIN, U, 'create', [{'name': 'Golden Operator', 'login': 'golden.op@hp.example', 'hp_user_type': 'operator', 'hp_level': 3}], save='u2'),
    rpc('operators now', ADMIN, U, 'search_read', [[['hp_user_type', '=', 'operator']]], {'fields': ['login', 'hp_level'], 'order': 'id'}),
    rpc('a token for the new user: admin creates it', ADMIN, T, 'create', [{'user_id': saved('u2'), 'token_hash': 'm01-golden-newuser'}], save='t9'),
    rpc('the token through the user dotted path', ADMIN, T, 'search_read', [[['user_id.login', '=', 'golden.op@hp.example']]], {'fields': ['user_id', 'scope']}),
    rpc('read_group by hp_user_type after the changes', ADMIN, U, 'read_group', [[], ['hp_level:sum'], ['hp_user_type']]),
]

BLOCKS = [('pristine', 'account', PRISTINE), ('seq_tokens', None, SEQ_TOKENS), ('seq_permissions', None, SEQ_PERMISSIONS), ('seq_users', None, SEQ_USERS)]


if __name__ == '__main__':
    main(__doc__, BLOCKS, UIDS, 'fixtures/hp-legacy-golden-m01.jsonl')
