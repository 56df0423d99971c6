#!/usr/bin/env python3
"""Record golden cases of M03 (hp_workbench), M07 (hp_live) and M08 (hp_community_biz) from a real Odoo 18 serving hp_legacy.

Writes fixtures/hp-legacy-golden-biz.jsonl in the format of fixtures/hp-legacy-golden.jsonl
(id, title, db_state, user, transport, request, response, volatile): hp.biz.dashboard,
hp.live.stream, hp.community.group and hp.community.member read, searched, grouped, described
(fields_get) and written by admin, operators, members, coaches (their own streams and another
coach's; their own dashboards and another owner's: the record rule) and a merchant, over
JSON-RPC, XML-RPC and call_kw: create / write / unlink with their ACL errors,
action_go_live / action_end in the right and the wrong state (the UserError text),
action_leave / action_ban, the stored member_count after member writes, and the unique
constraints (stream_key, (group_id, user_id), (owner_id, period)). No public cases exist for
these modules; fixtures/hp-legacy-golden*.jsonl hold none of their calls.

The monolith's holes are recorded as Odoo answers them (hp.live.stream and hp.community.member
have no record rules: a coach starts, ends and edits another coach's stream, a member leaves,
bans or edits another member's membership). The biz service closes them (SERVICES.md §6); the
replay tests list those cases as deliberate differences and check the service's refusal.

Every block runs twice (run A and run B), each from a restore of the database: `--reset-cmd`
must restore the served database to pristine and leave the server answering. A path whose value
differs between the runs becomes volatile (started_at, ended_at and joined_at are stamped with
the clock), and so do, by hand, a JSON-RPC error's Python traceback (`error.data.debug`) and an
XML-RPC fault 1 (a traceback) with its raw_xml. Rows created here give their dates explicitly
(scheduled_at, joined_at, period) or are read without the clock-stamped ones. The requests of
the two runs must be identical (the ids that sequences create are deterministic after a
restore); the recorder stops otherwise.

How it was run (2026-12-06): as scripts/golden_recorder.py says, with Odoo on port 8499 over PostgreSQL
on port 55496, and `--out fixtures/hp-legacy-golden-biz.jsonl`.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from golden_recorder import kw, main, rpc, saved, xml  # noqa: E402


# login -> uid; every demo password equals its login (../shared/legacy-odoo/README.md).
UIDS = {
    'admin': 2,                      # base.group_system + member, operator, hp admin
    'member001@hp.example': 6,       # membership 1 (group 1, banned), 179 (group 8), 302, 328, 346, 391, 478
    'member002@hp.example': 7,       # membership 2 (group 1, active), 20 (group 2), 392, 479
    'member003@hp.example': 8,       # membership 157 (group 7), 227 (group 10)
    'member142@hp.example': 147,     # membership 9: an admin of group 1
    'coach006@hp.example': 251,      # hosts streams 22 and 25 (scheduled)
    'coach015@hp.example': 260,      # hosts streams 15 (ended) and 21 (scheduled)
    'coach017@hp.example': 262,      # owns groups 1, 6 and 16 (membership 19: owner of group 1)
    'coach039@hp.example': 284,      # hosts stream 20 (live); dashboards 115-117
    'merchant003@hp.example': 288,   # owns groups 10 and 18
    'merchant004@hp.example': 289,   # dashboards 130-132
    'operator001@hp.example': 301,   # operator + group_hp_admin
    'operator002@hp.example': 302,   # plain operator (a member too, by implied group)
}

ADMIN = 'admin'
OP1 = 'operator001@hp.example'
OP2 = 'operator002@hp.example'
M1 = 'member001@hp.example'
M2 = 'member002@hp.example'
M3 = 'member003@hp.example'
M142 = 'member142@hp.example'
C6 = 'coach006@hp.example'
C15 = 'coach015@hp.example'
C17 = 'coach017@hp.example'
C39 = 'coach039@hp.example'
MER3 = 'merchant003@hp.example'
MER4 = 'merchant004@hp.example'

DB_ = 'hp.biz.dashboard'
S = 'hp.live.stream'
G = 'hp.community.group'
MB = 'hp.community.member'

DASH_FIELDS = ['owner_id', 'period', 'currency_id', 'revenue', 'orders_count', 'new_clients', 'rating_avg', 'data']
STREAM_FIELDS = ['title', 'host_id', 'stream_key', 'state', 'scheduled_at', 'started_at', 'ended_at', 'viewer_peak', 'currency_id', 'revenue']
GROUP_FIELDS = ['name', 'owner_id', 'description', 'privacy', 'currency_id', 'fee', 'member_count']
MEMBER_FIELDS = ['group_id', 'user_id', 'role', 'joined_at', 'state']
# Rows whose clock-stamped fields the sequences change are read without them.
STREAM_STATE = ['title', 'host_id', 'stream_key', 'state', 'viewer_peak', 'revenue']
MEMBER_STATE = ['group_id', 'user_id', 'role', 'state', 'display_name']
FIELD_ATTRS = ['string', 'type', 'required', 'readonly', 'store', 'relation', 'selection', 'sortable', 'groupable']


def first_of(name):
    """A create of a list answers a list of ids."""
    return lambda s: s[name][0]


# --------------------------------------------------------------------------------------------
# Pristine reads (category `biz`): nothing here writes, so they all run after one restore.

PRISTINE = [
    # hp.biz.dashboard (record rule: coaches and merchants their own, operators all)
    rpc('dashboards: search_read, default order (period desc, owner_id), limit 8', ADMIN, DB_, 'search_read', [[]], {'fields': DASH_FIELDS, 'limit': 8}),
    rpc('dashboards: search_count all', ADMIN, DB_, 'search_count', [[]]),
    rpc('dashboards: read 117, 130, 115 in request order with display_name (the owner, _rec_name)', ADMIN, DB_, 'read', [[117, 130, 115]], {'fields': DASH_FIELDS + ['display_name']}),
    rpc('dashboards: read one, all fields', ADMIN, DB_, 'read', [[131]]),
    rpc('dashboards: read_group by period:month (revenue sum, rating avg, orders max)', ADMIN, DB_, 'read_group', [[], ['revenue:sum', 'rating_avg:avg', 'orders_count:max', 'new_clients:sum'], ['period:month']]),
    rpc('dashboards: read_group by owner_id, merchants only, limit 5', ADMIN, DB_, 'read_group', [[['owner_id', '>=', 286]], ['revenue:sum'], ['owner_id']], {'limit': 5}),
    rpc('dashboards: read_group by owner_id, period not lazy, two owners', ADMIN, DB_, 'read_group', [[['owner_id', 'in', [284, 289]]], ['revenue:sum', 'orders_count:sum'], ['owner_id', 'period:month']], {'lazy': False}),
    rpc('dashboards: fields_get, every attribute', ADMIN, DB_, 'fields_get', []),
    rpc('dashboards: name_search on the owner name (many2one _rec_name)', ADMIN, DB_, 'name_search', ['Nina'], {'limit': 5}),
    rpc('dashboards: revenue above 25000, order revenue desc', ADMIN, DB_, 'search_read', [[['revenue', '>', 25000]]], {'fields': ['owner_id', 'period', 'revenue'], 'order': 'revenue desc, id', 'limit': 6}),
    rpc('dashboards: dotted owner_id.login, November', ADMIN, DB_, 'search_read', [[['owner_id.login', '=like', 'merchant00%'], ['period', '=', '2026-11-01']]], {'fields': ['owner_id', 'orders_count', 'rating_avg'], 'order': 'owner_id'}),
    rpc('dashboards as coach039: search_read own (record rule)', C39, DB_, 'search_read', [[]], {'fields': DASH_FIELDS}),
    rpc("dashboards as coach039: read merchant004's 130 -> AccessError (record rule)", C39, DB_, 'read', [[130]], {'fields': ['revenue']}),
    rpc("dashboards as coach039: read own 117 and merchant004's 130 -> AccessError", C39, DB_, 'read', [[117, 130]], {'fields': ['revenue']}),
    rpc("dashboards as coach039: search_count owner merchant004 -> 0", C39, DB_, 'search_count', [[['owner_id', '=', 289]]]),
    rpc('dashboards as coach039: read_group by owner_id (only self)', C39, DB_, 'read_group', [[], ['revenue:sum'], ['owner_id']]),
    rpc('dashboards as merchant004: search_read own, order period asc', MER4, DB_, 'search_read', [[]], {'fields': ['period', 'revenue', 'orders_count', 'rating_avg', 'data'], 'order': 'period asc'}),
    rpc("dashboards as merchant004: read coach039's 115 -> AccessError", MER4, DB_, 'read', [[115]], {'fields': ['revenue']}),
    rpc('dashboards as merchant004: name_search (own only)', MER4, DB_, 'name_search', [''], {'limit': 5}),
    rpc('dashboards as member001: search_read -> AccessError (no ACL)', M1, DB_, 'search_read', [[]], {'fields': ['revenue'], 'limit': 1}),
    rpc('dashboards as member001: search_count -> AccessError (no ACL)', M1, DB_, 'search_count', [[]]),
    rpc('dashboards as operator002: search_count all (operator rule)', OP2, DB_, 'search_count', [[]]),
    rpc('dashboards as operator002: read_group by period:month', OP2, DB_, 'read_group', [[], ['revenue:sum'], ['period:month']]),
    xml('dashboards as coach039 over XML-RPC: own', C39, DB_, 'search_read', [[]], {'fields': DASH_FIELDS}),
    xml("dashboards as merchant004 over XML-RPC: read coach039's -> Fault 4", MER4, DB_, 'read', [[115]], {'fields': ['revenue']}),
    xml('dashboards over XML-RPC: fields_get, some attributes', ADMIN, DB_, 'fields_get', [], {'attributes': FIELD_ATTRS}),
    kw('dashboards as merchant004: web_search_read with owner specification (call_kw session)', MER4, DB_, 'web_search_read', [[]], {'specification': {'period': {}, 'revenue': {}, 'owner_id': {'fields': {'display_name': {}}}}, 'limit': 4, 'count_limit': 10001}),
    kw('dashboards: web_read_group by period:month (call_kw session)', ADMIN, DB_, 'web_read_group', [[['owner_id', '<', 256]], ['revenue:sum'], ['period:month']]),
    kw("dashboards as coach039: web_search_read of merchant004's -> none (call_kw session)", C39, DB_, 'web_search_read', [[['owner_id', '=', 289]]], {'specification': {'revenue': {}}, 'count_limit': 10001}),

    # hp.live.stream (no record rule: every member reads every stream)
    rpc('streams: search_read, default order (scheduled_at desc, id desc), limit 8', ADMIN, S, 'search_read', [[]], {'fields': STREAM_FIELDS, 'limit': 8}),
    rpc('streams: search_count all', ADMIN, S, 'search_count', [[]]),
    rpc('streams: read 20, 1, 22 with display_name (the title)', ADMIN, S, 'read', [[20, 1, 22]], {'fields': STREAM_FIELDS + ['display_name']}),
    rpc('streams: read one, all fields', ADMIN, S, 'read', [[18]]),
    rpc('streams: read_group by state (viewer_peak sum and max, revenue sum)', ADMIN, S, 'read_group', [[], ['viewer_peak:sum', 'viewer_peak:max', 'revenue:sum'], ['state']]),
    rpc('streams: read_group by scheduled_at:month', ADMIN, S, 'read_group', [[], ['revenue:sum'], ['scheduled_at:month']]),
    rpc('streams: read_group by host_id, state not lazy, limit 6', ADMIN, S, 'read_group', [[], ['viewer_peak:avg'], ['host_id', 'state']], {'lazy': False, 'limit': 6}),
    rpc('streams: fields_get, every attribute', ADMIN, S, 'fields_get', []),
    rpc('streams: name_search on the title', ADMIN, S, 'name_search', ['Yoga'], {'limit': 5}),
    rpc('streams: scheduled in December, order scheduled_at', ADMIN, S, 'search_read', [[['state', '=', 'scheduled'], ['scheduled_at', '>=', '2026-12-01 00:00:00']]], {'fields': ['title', 'host_id', 'scheduled_at'], 'order': 'scheduled_at, id'}),
    rpc('streams: search ids with viewer_peak above 3000, order id', ADMIN, S, 'search', [[['viewer_peak', '>', 3000]]], {'order': 'id'}),
    rpc('streams: by stream_key', ADMIN, S, 'search_read', [[['stream_key', '=', 'live_020_56247356']]], {'fields': ['title', 'host_id', 'state']}),
    rpc('streams as member001: search_read every stream (no rule), limit 5', M1, S, 'search_read', [[]], {'fields': STREAM_FIELDS, 'limit': 5}),
    rpc("streams as coach039: read coach006's 22 (no rule)", C39, S, 'read', [[22]], {'fields': STREAM_FIELDS}),
    rpc('streams as coach039: search own (host_id = uid)', C39, S, 'search_read', [[['host_id', '=', 284]]], {'fields': STREAM_FIELDS}),
    rpc('streams as merchant004: search_count all', MER4, S, 'search_count', [[]]),
    rpc('streams as member001: read_group by host_id, limit 4', M1, S, 'read_group', [[], ['revenue:sum'], ['host_id']], {'limit': 4}),
    xml('streams over XML-RPC as member002: live ones', M2, S, 'search_read', [[['state', '=', 'live']]], {'fields': STREAM_FIELDS}),
    xml('streams over XML-RPC: read_group by state', ADMIN, S, 'read_group', [[], ['viewer_peak:sum'], ['state']]),
    kw('streams: web_search_read with host specification (call_kw session)', M1, S, 'web_search_read', [[['state', '=', 'scheduled']]], {'specification': {'title': {}, 'scheduled_at': {}, 'host_id': {'fields': {'display_name': {}}}}, 'limit': 4, 'count_limit': 10001}),
    kw('streams: fields_get (call_kw session)', C39, S, 'fields_get', [], {'attributes': ['string', 'type', 'selection', 'required']}),

    # hp.community.group (no record rule)
    rpc('groups: search_read, default order (name), limit 8', ADMIN, G, 'search_read', [[]], {'fields': GROUP_FIELDS, 'limit': 8}),
    rpc('groups: read 1, 2 with member_ids and display_name', ADMIN, G, 'read', [[1, 2]], {'fields': GROUP_FIELDS + ['member_ids', 'display_name']}),
    rpc('groups: read one, all fields', ADMIN, G, 'read', [[10]]),
    rpc('groups: read_group by privacy (member_count sum, fee max)', ADMIN, G, 'read_group', [[], ['member_count:sum', 'fee:max'], ['privacy']]),
    rpc('groups: read_group by owner_id, privacy not lazy', ADMIN, G, 'read_group', [[], ['member_count:sum'], ['owner_id', 'privacy']], {'lazy': False, 'limit': 8}),
    rpc('groups: fields_get, every attribute', ADMIN, G, 'fields_get', []),
    rpc('groups: name_search', ADMIN, G, 'name_search', ['Club'], {'limit': 5}),
    rpc('groups: more than 25 members, order member_count desc', ADMIN, G, 'search_read', [[['member_count', '>', 25]]], {'fields': ['name', 'member_count'], 'order': 'member_count desc, id'}),
    rpc('groups: paid private ones', ADMIN, G, 'search_read', [[['privacy', '=', 'private'], ['fee', '>', 0]]], {'fields': ['name', 'fee', 'owner_id'], 'order': 'fee desc, name'}),
    rpc("groups: whose members include member001 (one2many search)", ADMIN, G, 'search_read', [[['member_ids.user_id', '=', 6]]], {'fields': ['name'], 'order': 'id'}),
    rpc('groups as member001: search_read (no rule)', M1, G, 'search_read', [[]], {'fields': GROUP_FIELDS, 'limit': 5, 'offset': 5}),
    rpc('groups as merchant003: own groups', MER3, G, 'search_read', [[['owner_id', '=', 288]]], {'fields': GROUP_FIELDS}),
    xml('groups over XML-RPC as member003', M3, G, 'search_read', [[['privacy', '=', 'public']]], {'fields': ['name', 'member_count'], 'limit': 6}),
    kw('groups: web_search_read with owner specification (call_kw session)', M1, G, 'web_search_read', [[]], {'specification': {'name': {}, 'member_count': {}, 'owner_id': {'fields': {'display_name': {}}}}, 'limit': 5, 'count_limit': 10001}),

    # hp.community.member (no record rule)
    rpc('members: search_read, default order (group_id, joined_at, id), limit 8', ADMIN, MB, 'search_read', [[]], {'fields': MEMBER_FIELDS, 'limit': 8}),
    rpc('members: search_count all', ADMIN, MB, 'search_count', [[]]),
    rpc('members: read 2, 1, 19 with display_name (the user, _rec_name)', ADMIN, MB, 'read', [[2, 1, 19]], {'fields': MEMBER_FIELDS + ['display_name']}),
    rpc('members: read one, all fields', ADMIN, MB, 'read', [[9]]),
    rpc('members: read_group by state', ADMIN, MB, 'read_group', [[], [], ['state']]),
    rpc('members: read_group by group_id, state not lazy, limit 8', ADMIN, MB, 'read_group', [[], [], ['group_id', 'state']], {'lazy': False, 'limit': 8}),
    rpc('members: read_group by role', ADMIN, MB, 'read_group', [[], [], ['role']]),
    rpc('members: read_group by joined_at:month, group 1', ADMIN, MB, 'read_group', [[['group_id', '=', 1]], [], ['joined_at:month']]),
    rpc('members: fields_get, every attribute', ADMIN, MB, 'fields_get', []),
    rpc('members: name_search on the user name', ADMIN, MB, 'name_search', ['Wang'], {'limit': 5}),
    rpc('members: banned ones, order group_id desc', ADMIN, MB, 'search_read', [[['state', '=', 'banned']]], {'fields': ['group_id', 'user_id'], 'order': 'group_id desc, id', 'limit': 8}),
    rpc('members: dotted group_id.privacy, admins', ADMIN, MB, 'search_read', [[['group_id.privacy', '=', 'private'], ['role', '=', 'admin']]], {'fields': ['group_id', 'user_id'], 'order': 'id'}),
    rpc("members as member001: search_read every membership (no rule), group 1", M1, MB, 'search_read', [[['group_id', '=', 1]]], {'fields': MEMBER_FIELDS}),
    rpc("members as member001: read member002's 2 (no rule)", M1, MB, 'read', [[2]], {'fields': MEMBER_FIELDS}),
    rpc('members as member001: own memberships', M1, MB, 'search_read', [[['user_id', '=', 6]]], {'fields': ['group_id', 'state']}),
    rpc('members as coach017: read_group of group 1 by state', C17, MB, 'read_group', [[['group_id', '=', 1]], [], ['state']]),
    xml('members over XML-RPC as member002: own', M2, MB, 'search_read', [[['user_id', '=', 7]]], {'fields': MEMBER_FIELDS}),
    xml('members over XML-RPC: fields_get, some attributes', ADMIN, MB, 'fields_get', [], {'attributes': FIELD_ATTRS}),
    kw('members: web_search_read with group and user specification (call_kw session)', M1, MB, 'web_search_read', [[['group_id', '=', 2]]], {'specification': {'role': {}, 'state': {}, 'group_id': {'fields': {'display_name': {}}}, 'user_id': {'fields': {'display_name': {}}}}, 'limit': 5, 'count_limit': 10001}),
    kw('members: web_read_group by state (call_kw session)', ADMIN, MB, 'web_read_group', [[['group_id', 'in', [1, 2]]], [], ['state']]),
]

# --------------------------------------------------------------------------------------------
# Sequences: each runs after its own restore; ids of created rows are deterministic.

SEQ_STREAMS = [
    rpc('coach039 schedules a stream', C39, S, 'create', [{'title': 'Golden Stream 金色直播', 'host_id': 284, 'stream_key': 'golden_key_0001', 'scheduled_at': '2026-12-20 10:00:00'}], save='s1'),
    rpc('read back: scheduled, currency default, no times', C39, S, 'read', [[saved('s1')]], {'fields': STREAM_FIELDS + ['display_name']}),
    rpc('coach039 ends it while scheduled -> UserError (not live)', C39, S, 'action_end', [[saved('s1')]]),
    rpc('coach039 goes live on its new stream and its live stream 20 -> UserError names stream 20', C39, S, 'action_go_live', [[saved('s1'), 20]]),
    rpc('the new stream untouched by the refusal', C39, S, 'read', [[saved('s1')]], {'fields': STREAM_STATE + ['started_at']}),
    rpc('coach039 goes live', C39, S, 'action_go_live', [[saved('s1')]]),
    rpc('live, started_at stamped', C39, S, 'read', [[saved('s1')]], {'fields': STREAM_STATE + ['started_at', 'ended_at']}),
    rpc('coach039 goes live again -> UserError (not scheduled)', C39, S, 'action_go_live', [[saved('s1')]]),
    rpc('coach039 writes viewer_peak and revenue while live', C39, S, 'write', [[saved('s1')], {'viewer_peak': 1234, 'revenue': 88.5}]),
    rpc('coach039 ends it', C39, S, 'action_end', [[saved('s1')]]),
    rpc('ended, both times stamped', C39, S, 'read', [[saved('s1')]], {'fields': STREAM_STATE + ['started_at', 'ended_at']}),
    rpc('coach039 ends it again -> UserError (not live)', C39, S, 'action_end', [[saved('s1')]]),
    rpc('coach039 goes live on the ended stream -> UserError (not scheduled)', C39, S, 'action_go_live', [[saved('s1')]]),
    rpc('coach039 ends its live stream 20', C39, S, 'action_end', [[20]]),
    rpc('stream 20 ended', C39, S, 'read', [[20]], {'fields': STREAM_STATE}),
    rpc("coach039 goes live on coach006's stream 22 (no record rule: Odoo accepts)", C39, S, 'action_go_live', [[22]]),
    rpc('stream 22 live', C6, S, 'read', [[22]], {'fields': STREAM_STATE}),
    rpc("coach039 ends coach006's stream 22 (no record rule: Odoo accepts)", C39, S, 'action_end', [[22]]),
    rpc("coach039 renames coach006's stream 25 (no record rule: Odoo accepts)", C39, S, 'write', [[25], {'title': 'Taken over'}]),
    rpc('stream 25 renamed', C6, S, 'read', [[25]], {'fields': STREAM_STATE}),
    rpc("coach039 hands coach006's stream 25 to itself (no record rule: Odoo accepts)", C39, S, 'write', [[25], {'host_id': 284}]),
        rpc('coach006 goes live on stream 25 (hosted by coach039 since the write above)', C6, S, 'action_go_live', [[25]]),
    rpc('member001 goes live on stream 21 -> AccessError (members read only)', M1, S, 'action_go_live', [[21]]),
    rpc('member001 ends live stream 19 -> AccessError', M1, S, 'action_end', [[19]]),
    rpc('member001 writes a stream -> AccessError', M1, S, 'write', [[21], {'title': 'x'}]),
    rpc('member001 creates a stream -> AccessError', M1, S, 'create', [{'title': 'x', 'host_id': 6}]),
    rpc('merchant004 goes live on stream 21 -> AccessError (merchants read only)', MER4, S, 'action_go_live', [[21]]),
    rpc('stream 21 still scheduled', ADMIN, S, 'read', [[21]], {'fields': STREAM_STATE}),
    rpc('coach039 unlinks its stream -> AccessError (coaches may not delete)', C39, S, 'unlink', [[saved('s1')]]),
    rpc('operator002 goes live on stream 21 (operators write)', OP2, S, 'action_go_live', [[21]]),
    rpc('operator002 creates a stream -> AccessError (operators do not create)', OP2, S, 'create', [{'title': 'x', 'host_id': 302}]),
    rpc('operator002 unlinks a stream -> AccessError', OP2, S, 'unlink', [[21]]),
    rpc('coach039 creates a stream with a taken stream_key -> unique constraint', C39, S, 'create', [{'title': 'Dup key', 'host_id': 284, 'stream_key': 'live_001_49167440', 'scheduled_at': '2026-12-22 10:00:00'}]),
    rpc("coach039 writes stream 20's key onto its new stream -> unique constraint", C39, S, 'write', [[saved('s1')], {'stream_key': 'live_020_56247356'}]),
    rpc('coach039 creates a stream without title -> required', C39, S, 'create', [{'host_id': 284}]),
    rpc('coach039 creates a stream without host -> required', C39, S, 'create', [{'title': 'No host'}]),
    rpc('coach039 writes an unknown state', C39, S, 'write', [[saved('s1')], {'state': 'paused'}]),
    rpc('coach039 writes state scheduled directly', C39, S, 'write', [[saved('s1')], {'state': 'scheduled'}]),
    rpc('goes live again after the direct write', C39, S, 'action_go_live', [[saved('s1')]]),
    rpc('action_go_live on a stream that does not exist -> MissingError', C39, S, 'action_go_live', [[999999]]),
    rpc('action_go_live on no stream: True', C39, S, 'action_go_live', [[]]),
    xml('coach015 schedules a stream over XML-RPC', C15, S, 'create', [{'title': 'XML stream', 'host_id': 260, 'stream_key': 'golden_key_xml', 'scheduled_at': '2026-12-23 10:00:00'}], save='sx'),
    xml('coach015 goes live over XML-RPC', C15, S, 'action_go_live', [[saved('sx')]]),
    xml('coach015 goes live again over XML-RPC -> Fault (UserError)', C15, S, 'action_go_live', [[saved('sx')]]),
    xml("coach015 ends coach005's live stream 19 over XML-RPC (no record rule: Odoo accepts)", C15, S, 'action_end', [[19]]),
    xml('member002 writes a stream over XML-RPC -> Fault 4', M2, S, 'write', [[21], {'title': 'x'}]),
    kw('coach015 ends its stream through call_kw', C15, S, 'action_end', [[saved('sx')]]),
    kw('coach015 ends it again through call_kw -> UserError', C15, S, 'action_end', [[saved('sx')]]),
    kw('coach015 reads it through call_kw', C15, S, 'read', [[saved('sx')]], {'fields': STREAM_STATE}),
    kw('coach015 goes live on its ended stream 15 through call_kw -> UserError', C15, S, 'action_go_live', [[15]]),
        rpc('streams by state after the sequence', ADMIN, S, 'read_group', [[], ['viewer_peak:sum'], ['state']]),
    # Last, so that the ids created above do not depend on it (biz refuses it).
    rpc("coach039 schedules a stream hosted by coach015 (no record rule: Odoo accepts)", C39, S, 'create', [{'title': 'In another name', 'host_id': 260, 'scheduled_at': '2026-12-21 10:00:00'}], save='s2'),
    rpc("coach015's streams", C15, S, 'search_read', [[['host_id', '=', 260]]], {'fields': ['title', 'state'], 'order': 'id'}),
]

SEQ_DASHBOARDS = [
    rpc('admin creates a December dashboard for coach039', ADMIN, DB_, 'create', [{'owner_id': 284, 'period': '2026-12-01', 'revenue': 150.25, 'orders_count': 2, 'new_clients': 1, 'rating_avg': 4.5, 'data': {'source': 'golden', 'by_week': [1.5, 2.25]}}], save='d1'),
    rpc('coach039 reads it (own)', C39, DB_, 'read', [[saved('d1')]], {'fields': DASH_FIELDS + ['display_name']}),
    rpc('merchant004 reads it -> AccessError (record rule)', MER4, DB_, 'read', [[saved('d1')]], {'fields': ['revenue']}),
    rpc('admin creates a duplicate (owner, period) -> unique constraint', ADMIN, DB_, 'create', [{'owner_id': 284, 'period': '2026-12-01'}]),
    rpc("admin moves coach039's November dashboard onto December -> unique constraint", ADMIN, DB_, 'write', [[117], {'period': '2026-12-01'}]),
    rpc('admin creates one without period -> required', ADMIN, DB_, 'create', [{'owner_id': 284}]),
    rpc('admin creates one without owner -> required', ADMIN, DB_, 'create', [{'period': '2026-12-01'}]),
    rpc('coach039 writes its own dashboard -> AccessError (read only)', C39, DB_, 'write', [[saved('d1')], {'revenue': 1}]),
    rpc('coach039 creates a dashboard -> AccessError', C39, DB_, 'create', [{'owner_id': 284, 'period': '2027-01-01'}]),
    rpc('coach039 unlinks its own dashboard -> AccessError', C39, DB_, 'unlink', [[saved('d1')]]),
    rpc("merchant004 writes coach039's dashboard -> AccessError", MER4, DB_, 'write', [[saved('d1')], {'revenue': 1}]),
    rpc('operator002 writes a dashboard -> AccessError (read only)', OP2, DB_, 'write', [[saved('d1')], {'revenue': 1}]),
    rpc('member001 reads a dashboard -> AccessError (no ACL)', M1, DB_, 'read', [[saved('d1')]], {'fields': ['revenue']}),
    rpc('operator001 (hp admin) writes revenue and data', OP1, DB_, 'write', [[saved('d1')], {'revenue': 99.99, 'orders_count': 3, 'data': {'source': 'operator', 'note': '已核对'}}]),
    rpc('read back', C39, DB_, 'read', [[saved('d1')]], {'fields': DASH_FIELDS}),
    rpc('operator001 clears data and rating', OP1, DB_, 'write', [[saved('d1')], {'data': False, 'rating_avg': False}]),
    rpc('read back cleared', C39, DB_, 'read', [[saved('d1')]], {'fields': ['data', 'rating_avg', 'revenue']}),
    rpc("admin hands coach039's December dashboard to merchant004", ADMIN, DB_, 'write', [[saved('d1')], {'owner_id': 289}]),
    rpc('coach039 can no longer read it -> AccessError', C39, DB_, 'read', [[saved('d1')]], {'fields': ['revenue']}),
    rpc('merchant004 now sees four', MER4, DB_, 'search_read', [[]], {'fields': ['period', 'revenue'], 'order': 'period desc'}),
    rpc('admin creates two at once', ADMIN, DB_, 'create', [[{'owner_id': 251, 'period': '2026-12-01', 'revenue': 10}, {'owner_id': 260, 'period': '2026-12-01', 'revenue': 20}]], save='dd'),
    rpc('December by owner', OP2, DB_, 'read_group', [[['period', '=', '2026-12-01']], ['revenue:sum'], ['owner_id']]),
    xml('admin creates a dashboard over XML-RPC', ADMIN, DB_, 'create', [{'owner_id': 288, 'period': '2026-12-01', 'revenue': 5, 'data': {'k': [1, 2]}}], save='dx'),
    xml('merchant003 reads it over XML-RPC', MER3, DB_, 'read', [[saved('dx')]], {'fields': DASH_FIELDS}),
    xml('merchant003 writes it over XML-RPC -> Fault 4', MER3, DB_, 'write', [[saved('dx')], {'revenue': 1}]),
    xml('admin creates a duplicate over XML-RPC -> Fault', ADMIN, DB_, 'create', [{'owner_id': 288, 'period': '2026-12-01'}]),
    kw('merchant003 searches its dashboards through call_kw', MER3, DB_, 'search_read', [[]], {'fields': ['period', 'revenue'], 'order': 'period desc'}),
    kw("merchant003 reads merchant004's through call_kw -> AccessError", MER3, DB_, 'read', [[130]], {'fields': ['revenue']}),
    rpc('admin unlinks the XML-RPC one', ADMIN, DB_, 'unlink', [[saved('dx')]]),
    rpc('operator001 unlinks one of the two', OP1, DB_, 'unlink', [[first_of('dd')]]),
    rpc('December dashboards left', ADMIN, DB_, 'search_read', [[['period', '=', '2026-12-01']]], {'fields': ['owner_id', 'revenue'], 'order': 'owner_id'}),
]

SEQ_COMMUNITY = [
    rpc('coach039 creates a group', C39, G, 'create', [{'name': 'Golden Circle 金圈', 'owner_id': 284, 'description': 'Recorded', 'privacy': 'private', 'fee': 19.9}], save='g1'),
    rpc('read back: member_count 0', C39, G, 'read', [[saved('g1')]], {'fields': GROUP_FIELDS + ['member_ids', 'display_name']}),
    rpc('coach039 joins as owner', C39, MB, 'create', [{'group_id': saved('g1'), 'user_id': 284, 'role': 'owner', 'joined_at': '2026-12-01 09:00:00'}], save='m_owner'),
    rpc('member001 joins (defaults: member, active)', M1, MB, 'create', [{'group_id': saved('g1'), 'user_id': 6, 'joined_at': '2026-12-01 10:00:00'}], save='m1'),
    rpc('member002 joins', M2, MB, 'create', [{'group_id': saved('g1'), 'user_id': 7, 'joined_at': '2026-12-01 11:00:00'}], save='m2'),
    rpc('member_count 3', M1, G, 'read', [[saved('g1')]], {'fields': ['member_count', 'member_ids']}),
    rpc('member001 joins again -> unique constraint (group_id, user_id)', M1, MB, 'create', [{'group_id': saved('g1'), 'user_id': 6}]),
    rpc('member001 leaves', M1, MB, 'action_leave', [[saved('m1')]]),
    rpc('left', M1, MB, 'read', [[saved('m1')]], {'fields': MEMBER_STATE}),
    rpc('member_count 2 (active only)', M1, G, 'read', [[saved('g1')]], {'fields': ['member_count']}),
    rpc('member001 leaves again: True, stays left', M1, MB, 'action_leave', [[saved('m1')]]),
    rpc('member001 rejoins by writing state active', M1, MB, 'write', [[saved('m1')], {'state': 'active'}]),
    rpc('member_count 3 again', M2, G, 'read', [[saved('g1')]], {'fields': ['member_count']}),
    rpc('coach039 (the owner) bans member002', C39, MB, 'action_ban', [[saved('m2')]]),
    rpc('banned, member_count 2', C39, G, 'read', [[saved('g1')]], {'fields': ['member_count']}),
    rpc('member002 reads its banned membership', M2, MB, 'read', [[saved('m2')]], {'fields': MEMBER_STATE}),
    rpc('member002 unbans itself by writing state active (no record rule: Odoo accepts)', M2, MB, 'write', [[saved('m2')], {'state': 'active'}]),
    rpc("member002 bans member001 (no record rule: Odoo accepts)", M2, MB, 'action_ban', [[saved('m1')]]),
    rpc("member002 makes member001 leave (no record rule: Odoo accepts)", M2, MB, 'action_leave', [[saved('m1')]]),
    rpc("member002 writes member001's role (no record rule: Odoo accepts)", M2, MB, 'write', [[saved('m1')], {'role': 'admin'}]),
    rpc('member001 membership after member002 changed it', M1, MB, 'read', [[saved('m1')]], {'fields': MEMBER_STATE}),
    rpc("member001 bans member002's membership 2 in group 1 (no record rule: Odoo accepts)", M1, MB, 'action_ban', [[2]]),
    rpc('group 1 member_count after the ban', M1, G, 'read', [[1]], {'fields': ['member_count']}),
    rpc("member001 unbans itself in group 1 (no record rule: Odoo accepts)", M1, MB, 'write', [[1], {'state': 'active'}]),
    rpc("coach017 (owner of group 1) bans member001's membership 1", C17, MB, 'action_ban', [[1]]),
    rpc("member142 (an admin of group 1) makes member002 leave group 1", M142, MB, 'action_leave', [[2]]),
    rpc('group 1 memberships of member001 and member002', ADMIN, MB, 'read', [[1, 2]], {'fields': MEMBER_STATE}),
    rpc('group 1 member_count', ADMIN, G, 'read', [[1]], {'fields': ['member_count']}),
            rpc('member001 moves its membership to group 2 (write group_id)', M1, MB, 'write', [[saved('m1')], {'group_id': 2, 'state': 'active'}]),
    rpc('member_count of both groups after the move', ADMIN, G, 'read', [[saved('g1'), 2]], {'fields': ['member_count']}),
    rpc('member001 moves member002 into the same group -> unique constraint', M1, MB, 'write', [[20], {'user_id': 6}]),
    rpc('member001 unlinks its membership -> AccessError (members may not delete)', M1, MB, 'unlink', [[saved('m1')]]),
    rpc('member001 creates a membership without group -> required', M1, MB, 'create', [{'user_id': 6}]),
    rpc('member001 writes an unknown state', M1, MB, 'write', [[saved('m1')], {'state': 'muted'}]),
    rpc('member001 creates a group -> AccessError (members read only)', M1, G, 'create', [{'name': 'Mine'}]),
    rpc('member001 renames group 1 -> AccessError', M1, G, 'write', [[1], {'name': 'x'}]),
    rpc('admin writes member_count 99 (a stored compute written directly)', ADMIN, G, 'write', [[saved('g1')], {'member_count': 99}]),
    rpc('member_count after writing it', ADMIN, G, 'read', [[saved('g1')]], {'fields': ['member_count']}),
    rpc("coach039 renames coach017's group 1 (no record rule: Odoo accepts)", C39, G, 'write', [[1], {'description': 'edited by coach039'}]),
    rpc('coach039 unlinks its group -> AccessError (coaches may not delete)', C39, G, 'unlink', [[saved('g1')]]),
    rpc('merchant003 creates a public group', MER3, G, 'create', [{'name': 'Merchant Golden', 'owner_id': 288}], save='g2'),
    rpc('merchant group defaults', MER3, G, 'read', [[saved('g2')]], {'fields': GROUP_FIELDS}),
    rpc('merchant003 creates a group with an unknown privacy', MER3, G, 'create', [{'name': 'Bad', 'privacy': 'secret'}]),
    rpc("operator002 bans member003's membership 157 (operators write)", OP2, MB, 'action_ban', [[157]]),
    rpc('operator002 creates a membership (operators are members by implied group)', OP2, MB, 'create', [{'group_id': saved('g2'), 'user_id': 302, 'joined_at': '2026-12-02 09:00:00'}]),
    rpc('operator002 unlinks a membership -> AccessError', OP2, MB, 'unlink', [[157]]),
    rpc('operator002 creates a group -> AccessError (operators do not create)', OP2, G, 'create', [{'name': 'Ops'}]),
    xml('member003 joins the merchant group over XML-RPC', M3, MB, 'create', [{'group_id': saved('g2'), 'user_id': 8, 'joined_at': '2026-12-03 10:00:00'}], save='mx'),
    xml('member003 leaves over XML-RPC', M3, MB, 'action_leave', [[saved('mx')]]),
    xml('member003 joins again over XML-RPC -> Fault (unique constraint)', M3, MB, 'create', [{'group_id': saved('g2'), 'user_id': 8}]),
    xml('member003 unlinks over XML-RPC -> Fault 4', M3, MB, 'unlink', [[saved('mx')]]),
    kw('member003 rejoins through call_kw (write state)', M3, MB, 'write', [[saved('mx')], {'state': 'active'}]),
    kw("member003 bans member001's membership through call_kw (no record rule: Odoo accepts)", M3, MB, 'action_ban', [[179]]),
    kw('merchant group through call_kw', M3, G, 'read', [[saved('g2')]], {'fields': ['member_count', 'member_ids']}),
    rpc('admin unlinks the membership of member003: member_count recomputed', ADMIN, MB, 'unlink', [[saved('mx')]]),
    rpc('merchant group member_count after the unlink', ADMIN, G, 'read', [[saved('g2')]], {'fields': ['member_count', 'member_ids']}),
    rpc('admin unlinks the golden group: its memberships cascade', ADMIN, G, 'unlink', [[saved('g1')]]),
    rpc('the owner membership went with it', ADMIN, MB, 'search_count', [[['id', '=', saved('m_owner')]]]),
    rpc('memberships by state after the sequence', ADMIN, MB, 'read_group', [[], [], ['state']]),
    rpc('groups by privacy after the sequence', ADMIN, G, 'read_group', [[], ['member_count:sum'], ['privacy']]),
    # Last, so that the ids created above do not depend on it (biz refuses it).
    rpc("member003 creates a membership for member002 in group 3 (no record rule: Odoo accepts)", M3, MB, 'create', [{'group_id': 3, 'user_id': 7, 'joined_at': '2026-12-02 08:00:00'}], save='m_other'),
    rpc('group 3 member_count', ADMIN, G, 'read', [[3]], {'fields': ['member_count']}),
]

BLOCKS = [
    ('pristine', 'biz', PRISTINE),
    ('seq_streams', None, SEQ_STREAMS),
    ('seq_dashboards', None, SEQ_DASHBOARDS),
    ('seq_community', None, SEQ_COMMUNITY),
]


if __name__ == '__main__':
    main(__doc__, BLOCKS, UIDS, 'fixtures/hp-legacy-golden-biz.jsonl')
