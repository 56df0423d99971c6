#!/usr/bin/env python3
"""Record golden cases of M02 (hp_personal) from a real Odoo 18 serving hp_legacy.

Writes fixtures/hp-legacy-golden-user.jsonl in the format of fixtures/hp-legacy-golden.jsonl
(id, title, db_state, user, transport, request, response, volatile): hp.health.record,
hp.device.binding, hp.health.goal and hp.assessment read and written by admin, operators,
members (their own rows and another member's: the record rules), a coach (every health record
readable, none writable but its own; the assessments it coaches) and a merchant, over JSON-RPC,
XML-RPC and call_kw: search / read / read_group / name_search / fields_get of each model,
create / write / unlink with their ACL and rule errors, action_record_progress (reached, not
reached, lower is better, a goal that is not active, values of the wrong type),
action_abandon, and the stored computes `progress` and `risk_level` after writes.
fixtures/hp-legacy-golden.jsonl already holds 20 pristine M02 reads (category `personal`) and the
goal sequence `seq_goal`; nothing here repeats them.

Every block runs twice (run A and run B), each from a restore of the database: `--reset-cmd`
must restore the served database to pristine and leave the server answering. A path whose value
differs between the runs becomes volatile (bound_at and assessed_at default to the clock), and
so do, by hand, a JSON-RPC error's Python traceback (`error.data.debug`) and an XML-RPC fault 1
(a traceback) with its raw_xml. Rows created here give their dates explicitly (start_date
defaults to today, which a replay on another day would not see) or are read without them. The
requests of the two runs must be identical (the ids that sequences create are deterministic
after a restore); the recorder stops otherwise.

How it was run (2026-12-06): as scripts/golden_recorder.py says, with Odoo on port 8489 over PostgreSQL
on port 55496, and `--out fixtures/hp-legacy-golden-user.jsonl`.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from golden_recorder import kw, main, rpc, saved, xml  # noqa: E402


# login -> uid; every demo password equals its login (../shared/legacy-odoo/README.md).
UIDS = {
    'admin': 2,                      # base.group_system + member, operator, hp admin
    'member001@hp.example': 6,       # 27 records, glucometer 79, assessment 185 (coach 282)
    'member002@hp.example': 7,       # 25 records (7, 726, …), goal 185
    'member003@hp.example': 8,       # band 38, weight goal 40, assessments 4, 19, 59
    'member004@hp.example': 9,       # band 34 archived
    'member006@hp.example': 11,      # assessment 126 coached by coach039
    'member008@hp.example': 13,      # band 53, goals 78 (steps) and 206 (sleep), both active
    'coach039@hp.example': 284,      # coaches assessments 50, 54, 55, 105, 112, 126, 128
    'merchant004@hp.example': 289,
    'operator001@hp.example': 301,   # operator + group_hp_admin
    'operator002@hp.example': 302,   # plain operator (a member too, by implied group)
}

ADMIN = 'admin'
OP1 = 'operator001@hp.example'
OP2 = 'operator002@hp.example'
M1 = 'member001@hp.example'
M2 = 'member002@hp.example'
M3 = 'member003@hp.example'
M4 = 'member004@hp.example'
M6 = 'member006@hp.example'
M8 = 'member008@hp.example'
COACH = 'coach039@hp.example'
MERCHANT = 'merchant004@hp.example'

R = 'hp.health.record'
D = 'hp.device.binding'
G = 'hp.health.goal'
A = 'hp.assessment'

REC_FIELDS = ['user_id', 'record_type', 'value', 'value2', 'unit', 'measured_at', 'source', 'device_binding_id', 'note']
DEV_FIELDS = ['user_id', 'device_type', 'vendor', 'serial', 'bound_at', 'last_sync_at', 'active']
GOAL_FIELDS = ['user_id', 'goal_type', 'target_value', 'current_value', 'progress', 'start_date', 'end_date', 'state']
ASS_FIELDS = ['user_id', 'coach_id', 'assessment_type', 'score', 'risk_level', 'answers', 'summary', 'assessed_at']
# Created rows are read without their clock-stamped defaults.
NEW_DEV_FIELDS = ['user_id', 'device_type', 'vendor', 'serial', 'last_sync_at', 'active', 'display_name']
NEW_ASS_FIELDS = ['user_id', 'coach_id', 'assessment_type', 'score', 'risk_level', 'answers', 'summary', 'display_name']
GOAL_STATE = ['goal_type', 'target_value', 'current_value', 'progress', 'state']
FIELD_ATTRS = ['string', 'type', 'required', 'readonly', 'store', 'relation', 'selection', 'sortable', 'groupable']


def first_of(name):
    """A create of a list answers a list of ids."""
    return lambda s: s[name][0]


# --------------------------------------------------------------------------------------------
# Pristine reads (category `user`): nothing here writes, so they all run after one restore.

PRISTINE = [
    # hp.health.record as admin
    rpc('records: search_read, default order (measured_at desc, id desc), limit 8', ADMIN, R, 'search_read', [[]], {'fields': REC_FIELDS, 'limit': 8}),
    rpc('records: search_count all', ADMIN, R, 'search_count', [[]]),
    rpc('records: read 3331, 7, 5454 in request order with display_name', ADMIN, R, 'read', [[3331, 7, 5454]], {'fields': REC_FIELDS + ['display_name']}),
    rpc('records: read one record, all fields', ADMIN, R, 'read', [[2263]]),
    rpc('records: read_group by record_type (value avg, min, max, sum)', ADMIN, R, 'read_group', [[], ['value:avg', 'value2:max', 'value:min', 'value:sum'], ['record_type']]),
    rpc("records: read_group member001's by measured_at:month", ADMIN, R, 'read_group', [[['user_id', '=', 6]], ['value:sum'], ['measured_at:month']]),
    rpc('records: read_group by user_id, record_type, not lazy, two members', ADMIN, R, 'read_group', [[['user_id', 'in', [6, 7]]], ['value:avg'], ['user_id', 'record_type']], {'lazy': False}),
    rpc('records: read_group by measured_at:week of blood pressure, limit 3', ADMIN, R, 'read_group', [[['record_type', '=', 'blood_pressure'], ['user_id', '=', 6]], ['value:max', 'value2:max'], ['measured_at:week']], {'limit': 3}),
    rpc('records: name_search on the record type label (a selection as _rec_name)', ADMIN, R, 'name_search', ['Heart'], {'limit': 5}),
    rpc('records: fields_get, every attribute', ADMIN, R, 'fields_get', []),
    rpc('records: a week of member002, order value desc', ADMIN, R, 'search_read', [[['user_id', '=', 7], ['measured_at', '>=', '2026-10-01 00:00:00'], ['measured_at', '<', '2026-10-15 00:00:00']]], {'fields': ['record_type', 'value', 'measured_at'], 'order': 'value desc, id'}),
    rpc('records: dotted user_id.login, device records, limit 5', ADMIN, R, 'search_read', [[['user_id.login', '=like', 'member01%'], ['device_binding_id', '!=', False]]], {'fields': ['user_id', 'record_type', 'device_binding_id'], 'limit': 5, 'order': 'id'}),
    rpc('records: search ids of steps above 15900, order id', ADMIN, R, 'search', [[['record_type', '=', 'steps'], ['value', '>', 15900]]], {'order': 'id', 'limit': 10}),
    xml('records over XML-RPC: member001 own, limit 5', M1, R, 'search_read', [[]], {'fields': REC_FIELDS, 'limit': 5}),
    kw('records: web_search_read with device specification (call_kw session)', ADMIN, R, 'web_search_read', [[['source', '=', 'device']]], {'specification': {'record_type': {}, 'value': {}, 'device_binding_id': {'fields': {'display_name': {}, 'device_type': {}}}}, 'limit': 4, 'count_limit': 10001}),
    kw('records: web_read_group by record_type (call_kw session)', ADMIN, R, 'web_read_group', [[['user_id', '=', 6]], ['value:avg'], ['record_type']]),
    rpc('records as member001: search_read own, order measured_at asc, limit 5', M1, R, 'search_read', [[]], {'fields': ['record_type', 'value', 'measured_at'], 'order': 'measured_at asc', 'limit': 5}),
    rpc('records as member001: read_group own by record_type (value avg, count)', M1, R, 'read_group', [[], ['value:avg', 'value:max'], ['record_type']]),
    rpc("records as member001: read member002's 7 -> AccessError (record rule)", M1, R, 'read', [[7]], {'fields': ['value']}),
    rpc("records as member001: read own 3331 and member002's 7 -> AccessError", M1, R, 'read', [[3331, 7]], {'fields': ['value']}),
    rpc("records as member001: search_count user_id = member002 -> 0", M1, R, 'search_count', [[['user_id', '=', 7]]]),
    rpc("records as member001: read_group of member002's -> no group", M1, R, 'read_group', [[['user_id', '=', 7]], ['value:sum'], ['record_type']]),
    rpc('records as member001: read_group by user_id (only self)', M1, R, 'read_group', [[], ['value:sum'], ['user_id']]),
    rpc('records as member001: name_search (own only)', M1, R, 'name_search', ['Steps'], {'limit': 4}),
    rpc('records as coach039: search_count all (coach rule reads all)', COACH, R, 'search_count', [[]]),
    rpc('records as coach039: read_group by user_id, limit 4', COACH, R, 'read_group', [[], ['value:sum'], ['user_id']], {'limit': 4}),
    rpc('records as merchant004: search_count (member rule, none own)', MERCHANT, R, 'search_count', [[]]),
    rpc("records as merchant004: read member002's -> AccessError", MERCHANT, R, 'read', [[7]], {'fields': ['value']}),
    rpc('records as operator002: search_count all (operator rule)', OP2, R, 'search_count', [[]]),
    xml("records as member001 over XML-RPC: read member002's -> Fault 4", M1, R, 'read', [[7]], {'fields': ['value']}),
    xml('records as coach039 over XML-RPC: read_group of member002 by record_type', COACH, R, 'read_group', [[['user_id', '=', 7]], ['value:avg'], ['record_type']]),
    xml('records: fields_get over XML-RPC, some attributes', ADMIN, R, 'fields_get', [], {'attributes': FIELD_ATTRS}),
    kw("records as coach039: web_search_read member002's (call_kw session)", COACH, R, 'web_search_read', [[['user_id', '=', 7]]], {'specification': {'record_type': {}, 'value': {}, 'unit': {}}, 'limit': 3, 'count_limit': 10001}),
    kw("records as member001: web_search_read of member002's -> none (call_kw session)", M1, R, 'web_search_read', [[['user_id', '=', 7]]], {'specification': {'value': {}}, 'count_limit': 10001}),

    # hp.device.binding
    rpc('devices: search_read, default order (bound_at desc, id desc), limit 8', ADMIN, D, 'search_read', [[]], {'fields': DEV_FIELDS, 'limit': 8}),
    rpc('devices: search_count (active only)', ADMIN, D, 'search_count', [[]]),
    rpc('devices: search_count with active_test off', ADMIN, D, 'search_count', [[]], {'context': {'active_test': False}}),
    rpc('devices: archived ones (active = False)', ADMIN, D, 'search_read', [[['active', '=', False]]], {'fields': ['user_id', 'serial', 'active'], 'order': 'id', 'limit': 5}),
    rpc('devices: read_group by device_type', ADMIN, D, 'read_group', [[], ['id:count'], ['device_type']]),
    rpc('devices: read_group by vendor, device_type not lazy, limit 6', ADMIN, D, 'read_group', [[], [], ['vendor', 'device_type']], {'lazy': False, 'limit': 6}),
    rpc('devices: read 79, 38 with display_name (the serial, _rec_name)', ADMIN, D, 'read', [[79, 38]], {'fields': DEV_FIELDS + ['display_name']}),
    rpc('devices: read one, all fields', ADMIN, D, 'read', [[80]]),
    rpc('devices: fields_get, every attribute', ADMIN, D, 'fields_get', []),
    rpc('devices: name_search by serial prefix', ADMIN, D, 'name_search', ['GL-1'], {'limit': 5}),
    rpc('devices as member001: search_read own', M1, D, 'search_read', [[]], {'fields': DEV_FIELDS}),
    rpc("devices as member001: read member003's 38 -> AccessError", M1, D, 'read', [[38]], {'fields': ['serial']}),
    rpc('devices as member001: read_group by device_type (own only)', M1, D, 'read_group', [[], [], ['device_type']]),
    rpc('devices as member004: own archived band hidden by default', M4, D, 'search_count', [[]]),
    rpc('devices as member004: own archived band with active_test off', M4, D, 'search_read', [[]], {'fields': ['serial', 'active'], 'context': {'active_test': False}}),
    rpc('devices as coach039: search_count (member rule only, none own)', COACH, D, 'search_count', [[]]),
    rpc('devices as operator002: search_count all', OP2, D, 'search_count', [[]]),
    rpc("devices as member001: name_search another's serial -> []", M1, D, 'name_search', ['BA-93'], {}),
    xml('devices as member003 over XML-RPC: own', M3, D, 'search_read', [[]], {'fields': DEV_FIELDS}),
    xml("devices as member003 over XML-RPC: read member001's -> Fault 4", M3, D, 'read', [[79]], {'fields': ['serial']}),
    kw('devices: web_search_read with user specification (call_kw session)', ADMIN, D, 'web_search_read', [[['device_type', '=', 'glucometer']]], {'specification': {'serial': {}, 'vendor': {}, 'user_id': {'fields': {'display_name': {}}}}, 'limit': 4, 'count_limit': 10001}),
    kw('devices: fields_get (call_kw session)', M1, D, 'fields_get', [], {'attributes': ['string', 'type', 'selection']}),

    # hp.health.goal
    rpc('goals: search_read, default order (start_date desc, id desc), limit 8', ADMIN, G, 'search_read', [[]], {'fields': GOAL_FIELDS, 'limit': 8}),
    rpc('goals: read_group by goal_type (progress avg, target sum)', ADMIN, G, 'read_group', [[], ['progress:avg', 'target_value:sum', 'current_value:max'], ['goal_type']]),
    rpc('goals: read_group by state, goal_type, not lazy', ADMIN, G, 'read_group', [[], ['progress:avg'], ['state', 'goal_type']], {'lazy': False}),
    rpc('goals: read_group by start_date:month', ADMIN, G, 'read_group', [[], ['progress:max'], ['start_date:month']]),
    rpc('goals: read 40, 78, 55 with display_name (the goal type, _rec_name)', ADMIN, G, 'read', [[40, 78, 55]], {'fields': GOAL_FIELDS + ['display_name']}),
    rpc('goals: read one goal, all fields', ADMIN, G, 'read', [[206]]),
    rpc('goals: fields_get, every attribute', ADMIN, G, 'fields_get', []),
    rpc('goals: name_search matches the key, not the label (Blood -> [])', ADMIN, G, 'name_search', ['Blood'], {'limit': 5}),
    rpc('goals: active with progress >= 90, order progress desc', ADMIN, G, 'search_read', [[['state', '=', 'active'], ['progress', '>=', 90]]], {'fields': ['user_id', 'goal_type', 'progress'], 'order': 'progress desc, id', 'limit': 6}),
    rpc('goals: search_count achieved', ADMIN, G, 'search_count', [[['state', '=', 'achieved']]]),
    rpc('goals as member008: search_read own', M8, G, 'search_read', [[]], {'fields': GOAL_FIELDS}),
    rpc("goals as member008: read member003's 40 -> AccessError", M8, G, 'read', [[40]], {'fields': ['progress']}),
    rpc("goals as member008: search by user_id = member003 -> []", M8, G, 'search', [[['user_id', '=', 8]]]),
    rpc('goals as member008: read_group by goal_type (own only)', M8, G, 'read_group', [[], ['progress:avg'], ['goal_type']]),
    rpc('goals as coach039: search_count (member rule only)', COACH, G, 'search_count', [[]]),
    rpc('goals as operator002: read_group by state', OP2, G, 'read_group', [[], ['progress:avg'], ['state']]),
    xml('goals as member008 over XML-RPC: own', M8, G, 'search_read', [[]], {'fields': GOAL_STATE}),
    xml("goals as member008 over XML-RPC: read member003's -> Fault 4", M8, G, 'read', [[40]], {'fields': ['state']}),
    kw('goals: web_search_read active weight goals (call_kw session)', ADMIN, G, 'web_search_read', [[['goal_type', '=', 'weight'], ['state', '=', 'active']]], {'specification': {'user_id': {'fields': {'display_name': {}}}, 'target_value': {}, 'progress': {}}, 'limit': 4, 'count_limit': 10001}),
    kw('goals: web_read_group by state (call_kw session)', M8, G, 'web_read_group', [[], ['progress:avg'], ['state']]),

    # hp.assessment
    rpc('assessments: search_read, default order (assessed_at desc, id desc), limit 8', ADMIN, A, 'search_read', [[]], {'fields': ASS_FIELDS, 'limit': 8}),
    rpc('assessments: read_group by risk_level (score avg, min, max)', ADMIN, A, 'read_group', [[], ['score:avg', 'score:min', 'score:max'], ['risk_level']]),
    rpc('assessments: read_group by coach_id, highest score sum first, limit 5', ADMIN, A, 'read_group', [[], ['score:sum'], ['coach_id']], {'orderby': 'score desc', 'limit': 5}),
    rpc('assessments: read_group by assessment_type, risk_level, not lazy', ADMIN, A, 'read_group', [[], ['score:avg'], ['assessment_type', 'risk_level']], {'lazy': False}),
    rpc('assessments: read 126, 185 with display_name (the type, _rec_name)', ADMIN, A, 'read', [[126, 185]], {'fields': ASS_FIELDS + ['display_name']}),
    rpc('assessments: read one, all fields', ADMIN, A, 'read', [[4]]),
    rpc('assessments: fields_get, every attribute', ADMIN, A, 'fields_get', []),
    rpc('assessments: name_search on the type label', ADMIN, A, 'name_search', ['Cardio'], {'limit': 5}),
    rpc('assessments: score >= 70 but not high (none: stored compute)', ADMIN, A, 'search_count', [[['score', '>=', 70], ['risk_level', '!=', 'high']]]),
    rpc('assessments as coach039: search_read the ones it coaches', COACH, A, 'search_read', [[]], {'fields': ASS_FIELDS}),
    rpc('assessments as coach039: read 126 (coached)', COACH, A, 'read', [[126]], {'fields': ['user_id', 'score', 'risk_level']}),
    rpc("assessments as coach039: read 185 (another coach's) -> AccessError", COACH, A, 'read', [[185]], {'fields': ['score']}),
    rpc('assessments as coach039: read_group by risk_level (coached only)', COACH, A, 'read_group', [[], ['score:avg'], ['risk_level']]),
    rpc('assessments as member006: own 126', M6, A, 'search_read', [[]], {'fields': ['coach_id', 'score', 'risk_level']}),
    rpc("assessments as member001: read member006's 126 -> AccessError", M1, A, 'read', [[126]], {'fields': ['score']}),
    rpc('assessments as member003: read_group by coach_id (own three)', M3, A, 'read_group', [[], ['score:sum'], ['coach_id']]),
    rpc('assessments as merchant004: search_count (none own)', MERCHANT, A, 'search_count', [[]]),
    rpc('assessments as operator002: search_count all', OP2, A, 'search_count', [[]]),
    xml('assessments as coach039 over XML-RPC: coached, high risk', COACH, A, 'search_read', [[['risk_level', '=', 'high']]], {'fields': ['user_id', 'score']}),
    xml("assessments as member001 over XML-RPC: search another member's -> []", M1, A, 'search', [[['user_id', '=', 11]]]),
    kw('assessments as coach039: web_search_read with member specification (call_kw session)', COACH, A, 'web_search_read', [[]], {'specification': {'user_id': {'fields': {'display_name': {}}}, 'score': {}, 'risk_level': {}}, 'count_limit': 10001}),
]

# --------------------------------------------------------------------------------------------
# Sequences: each after its own restore, steps in order. Ids come from earlier steps.

SEQ_RECORDS = [
    rpc('member001 creates a steps record', M1, R, 'create', [{'user_id': 6, 'record_type': 'steps', 'value': 8000, 'unit': 'steps', 'measured_at': '2026-12-01 08:00:00'}], save='r1'),
    rpc('read back: source defaults to manual', M1, R, 'read', [[saved('r1')]], {'fields': REC_FIELDS + ['display_name']}),
    rpc("member001 creates one in member002's name -> AccessError (record rule)", M1, R, 'create', [{'user_id': 7, 'record_type': 'steps', 'value': 1, 'measured_at': '2026-12-01 08:00:00'}]),
    rpc('member001 creates one without measured_at -> required', M1, R, 'create', [{'user_id': 6, 'record_type': 'steps', 'value': 1}]),
    rpc('member001 creates one with an unknown record_type', M1, R, 'create', [{'user_id': 6, 'record_type': 'mood', 'value': 1, 'measured_at': '2026-12-01 08:00:00'}]),
    rpc('member001 creates one with a value that is not a number', M1, R, 'create', [{'user_id': 6, 'record_type': 'weight', 'value': 'heavy', 'measured_at': '2026-12-01 08:00:00'}]),
    rpc('member001 writes own value and note', M1, R, 'write', [[saved('r1')], {'value': 8123.5, 'note': 'evening walk'}]),
    rpc('written read back', M1, R, 'read', [[saved('r1')]], {'fields': ['value', 'note']}),
    rpc("member001 writes member002's record 7 -> AccessError", M1, R, 'write', [[7], {'value': 1}]),
    rpc("coach039 writes member001's record -> AccessError (coach rule reads only)", COACH, R, 'write', [[saved('r1')], {'value': 1}]),
    rpc('coach039 reads it', COACH, R, 'read', [[saved('r1')]], {'fields': ['user_id', 'value']}),
    rpc('coach039 creates a record of its own (a member too)', COACH, R, 'create', [{'user_id': 284, 'record_type': 'heart_rate', 'value': 61, 'unit': 'bpm', 'measured_at': '2026-12-01 09:00:00'}], save='rc'),
    rpc('coach039 creates one for member001 -> AccessError', COACH, R, 'create', [{'user_id': 6, 'record_type': 'heart_rate', 'value': 61, 'measured_at': '2026-12-01 09:00:00'}]),
    rpc("merchant004 reads member001's record -> AccessError", MERCHANT, R, 'read', [[saved('r1')]], {'fields': ['value']}),
    rpc("operator002 writes member001's record (operator rule, member ACL)", OP2, R, 'write', [[saved('r1')], {'source': 'coach'}]),
    rpc('member001 creates three at once', M1, R, 'create', [[
        {'user_id': 6, 'record_type': 'weight', 'value': 70.2, 'unit': 'kg', 'measured_at': '2026-12-02 07:00:00'},
        {'user_id': 6, 'record_type': 'blood_pressure', 'value': 121, 'value2': 79, 'unit': 'mmHg', 'measured_at': '2026-12-02 07:05:00', 'source': 'device', 'device_binding_id': 79},
        {'user_id': 6, 'record_type': 'sleep_hours', 'value': 6.5, 'unit': 'h', 'measured_at': '2026-12-02 06:30:00'},
    ]], save='batch'),
    rpc('member001 newest first (default order)', M1, R, 'search_read', [[]], {'fields': ['record_type', 'value', 'value2', 'source', 'device_binding_id', 'measured_at'], 'limit': 5}),
    rpc('member001 read_group by record_type after the writes', M1, R, 'read_group', [[['measured_at', '>=', '2026-12-01 00:00:00']], ['value:sum', 'value:avg'], ['record_type']]),
    rpc('member001 read_group by measured_at:day', M1, R, 'read_group', [[['measured_at', '>=', '2026-11-30 00:00:00']], ['value:max'], ['measured_at:day']]),
    rpc("admin creates one for member002 with member001's device", ADMIN, R, 'create', [{'user_id': 7, 'record_type': 'blood_glucose', 'value': 5.4, 'unit': 'mmol/L', 'measured_at': '2026-12-03 07:00:00', 'source': 'device', 'device_binding_id': 79}], save='r2'),
    rpc("member002 reads it: the device's name comes along", M2, R, 'read', [[saved('r2')]], {'fields': ['record_type', 'value', 'device_binding_id']}),
    rpc("member001 unlinks member002's record -> AccessError", M1, R, 'unlink', [[saved('r2')]]),
    rpc('member001 copies its record', M1, R, 'copy', [saved('r1')], save='r1c'),
    rpc('the copy read back', M1, R, 'read', [[first_of('r1c')]], {'fields': ['user_id', 'record_type', 'value', 'note', 'source']}),
    rpc('member001 unlinks own record', M1, R, 'unlink', [[saved('r1')]]),
    rpc('reading the unlinked record answers [] (read drops missing ids)', M1, R, 'read', [[saved('r1')]], {'fields': ['value']}),
    rpc('member001 unlinks one that does not exist', M1, R, 'unlink', [[999999]]),
    xml('member001 creates one over XML-RPC', M1, R, 'create', [{'user_id': 6, 'record_type': 'heart_rate', 'value': 72, 'unit': 'bpm', 'measured_at': '2026-12-03 10:00:00'}], save='rx'),
    xml("member001 writes member002's over XML-RPC -> Fault 4", M1, R, 'write', [[7], {'value': 2}]),
    xml("member001 creates in member002's name over XML-RPC -> Fault 4", M1, R, 'create', [{'user_id': 7, 'record_type': 'steps', 'value': 1, 'measured_at': '2026-12-01 08:00:00'}]),
    kw('member001 writes own through call_kw', M1, R, 'write', [[saved('rx')], {'value': 74}]),
    kw("member001 unlinks member002's through call_kw -> AccessError", M1, R, 'unlink', [[7]]),
    kw('member001 unlinks own through call_kw', M1, R, 'unlink', [[saved('rx')]]),
    rpc('admin unlinks the coach record', ADMIN, R, 'unlink', [[saved('rc')]]),
    rpc('member001 search_count after the sequence', M1, R, 'search_count', [[]]),
    rpc('coach039 search_count after the sequence', COACH, R, 'search_count', [[]]),
    # Last: Odoo checks the record rule before a write only, so a member may hand its row to another member.
    rpc('member001 moves its copy to member002 (rule checked before the write only: Odoo accepts)', M1, R, 'write', [[first_of('r1c')], {'user_id': 7}]),
    rpc('member001 can no longer read it -> AccessError', M1, R, 'read', [[first_of('r1c')]], {'fields': ['user_id', 'value']}),
    rpc("member002 reads it as its own", M2, R, 'read', [[first_of('r1c')]], {'fields': ['user_id', 'record_type', 'value']}),
]

SEQ_DEVICES = [
    rpc('member001 binds a watch', M1, D, 'create', [{'user_id': 6, 'device_type': 'watch', 'vendor': 'Huawei', 'serial': 'WA-GOLDEN-0001'}], save='d1'),
    rpc('read back: active', M1, D, 'read', [[saved('d1')]], {'fields': NEW_DEV_FIELDS}),
    rpc("member001 binds one in member002's name -> AccessError", M1, D, 'create', [{'user_id': 7, 'device_type': 'watch', 'serial': 'WA-GOLDEN-0002'}]),
    rpc('member001 binds one without device_type -> required', M1, D, 'create', [{'user_id': 6, 'serial': 'WA-GOLDEN-0003'}]),
    rpc('member001 binds an unknown device_type', M1, D, 'create', [{'user_id': 6, 'device_type': 'ring', 'serial': 'RI-GOLDEN-0004'}]),
    rpc('member001 records the sync time', M1, D, 'write', [[saved('d1')], {'last_sync_at': '2026-12-05 21:00:00'}]),
    rpc('member001 archives it', M1, D, 'write', [[saved('d1')], {'active': False}]),
    rpc('member001 search_read own: the archived one is hidden', M1, D, 'search_read', [[]], {'fields': ['serial', 'active']}),
    rpc('member001 search_read own archived', M1, D, 'search_read', [[['active', '=', False]]], {'fields': ['serial', 'active', 'last_sync_at']}),
    rpc('member001 action_unarchive (answers None)', M1, D, 'action_unarchive', [[saved('d1')]]),
    rpc('member001 own after unarchive', M1, D, 'search_read', [[]], {'fields': ['serial', 'active'], 'order': 'id'}),
    rpc("member001 action_archive member003's band -> AccessError", M1, D, 'action_archive', [[38]]),
    rpc("member001 writes member003's band -> AccessError", M1, D, 'write', [[38], {'vendor': 'x'}]),
    rpc("member001 unlinks member003's band -> AccessError", M1, D, 'unlink', [[38]]),
    rpc("coach039 reads member001's watch -> AccessError (no coach rule on devices)", COACH, D, 'read', [[saved('d1')]], {'fields': ['serial']}),
    rpc("operator002 writes member001's watch (operator rule, member ACL)", OP2, D, 'write', [[saved('d1')], {'vendor': 'Huawei Health'}]),
    rpc('vendor read back', M1, D, 'read', [[saved('d1')]], {'fields': ['vendor', 'serial']}),
    rpc('admin records a reading of glucometer 79', ADMIN, R, 'create', [{'user_id': 6, 'record_type': 'blood_glucose', 'value': 6.1, 'unit': 'mmol/L', 'measured_at': '2026-12-04 07:00:00', 'source': 'device', 'device_binding_id': 79}], save='rd'),
    rpc('member001 unlinks glucometer 79', M1, D, 'unlink', [[79]]),
    rpc('the reading stays, its device_binding_id emptied (ondelete set null)', M1, R, 'read', [[saved('rd')]], {'fields': ['source', 'device_binding_id']}),
    rpc('member001 devices by type', M1, D, 'read_group', [[], [], ['device_type']], {'context': {'active_test': False}}),
    xml('member003 binds a scale over XML-RPC', M3, D, 'create', [{'user_id': 8, 'device_type': 'scale', 'vendor': 'Xiaomi', 'serial': 'SC-GOLDEN-0005'}], save='dx'),
    xml("member003 reads member001's watch over XML-RPC -> Fault 4", M3, D, 'read', [[saved('d1')]], {'fields': ['serial']}),
    kw('member003 archives its band through call_kw', M3, D, 'action_archive', [[38]]),
    kw('member003 devices through call_kw (active_test off)', M3, D, 'search_read', [[]], {'fields': ['serial', 'device_type', 'active'], 'order': 'id', 'context': {'active_test': False}}),
    rpc('admin unlinks the scale', ADMIN, D, 'unlink', [[saved('dx')]]),
    rpc('operator002 counts every binding after the sequence (active_test off)', OP2, D, 'search_count', [[]], {'context': {'active_test': False}}),
    rpc('member001 moves its watch to member002 (rule checked before the write only: Odoo accepts)', M1, D, 'write', [[saved('d1')], {'user_id': 7}]),
    rpc("member002 sees member001's watch as its own", M2, D, 'search_read', [[]], {'fields': ['user_id', 'serial']}),
]

SEQ_PROGRESS = [
    rpc('member008 creates a steps goal of 10000', M8, G, 'create', [{'user_id': 13, 'goal_type': 'steps', 'target_value': 10000, 'start_date': '2026-12-01', 'end_date': '2026-12-31'}], save='g1'),
    rpc('read back: progress 0, active', M8, G, 'read', [[saved('g1')]], {'fields': GOAL_FIELDS + ['display_name']}),
    rpc('member008 records 5000 (not reached)', M8, G, 'action_record_progress', [[saved('g1')], 5000]),
    rpc('progress 50, still active', M8, G, 'read', [[saved('g1')]], {'fields': GOAL_STATE}),
    rpc('member008 records 9999.99 (not reached, progress rounded to 2 places)', M8, G, 'action_record_progress', [[saved('g1')], 9999.99]),
    rpc('progress 100.0 by rounding, still active', M8, G, 'read', [[saved('g1')]], {'fields': GOAL_STATE}),
    rpc('member008 records 12500 (reached, progress capped at 100)', M8, G, 'action_record_progress', [[saved('g1')]], {'value': 12500}),
    rpc('achieved', M8, G, 'read', [[saved('g1')]], {'fields': GOAL_STATE}),
    rpc('record progress on the achieved goal -> UserError', M8, G, 'action_record_progress', [[saved('g1')], 1]),
    rpc('action_abandon on the achieved goal: True, no change', M8, G, 'action_abandon', [[saved('g1')]]),
    rpc('still achieved', M8, G, 'read', [[saved('g1')]], {'fields': ['state']}),
    rpc('member008 creates a weight goal 70 from 80 (lower is better)', M8, G, 'create', [{'user_id': 13, 'goal_type': 'weight', 'target_value': 70, 'current_value': 80, 'start_date': '2026-12-01'}], save='g2'),
    rpc('progress 87.5', M8, G, 'read', [[saved('g2')]], {'fields': GOAL_STATE}),
    rpc('member008 records 75 kg (not reached)', M8, G, 'action_record_progress', [[saved('g2')], 75]),
    rpc('progress 93.33', M8, G, 'read', [[saved('g2')]], {'fields': GOAL_STATE}),
    rpc('member008 records 69.9 kg (reached going down)', M8, G, 'action_record_progress', [[saved('g2')], 69.9]),
    rpc('achieved, progress capped at 100', M8, G, 'read', [[saved('g2')]], {'fields': GOAL_STATE}),
    rpc('member008 creates a glucose goal of 6.0 from 7.2', M8, G, 'create', [{'user_id': 13, 'goal_type': 'glucose', 'target_value': 6.0, 'current_value': 7.2, 'start_date': '2026-12-01'}], save='g3'),
    rpc("member008 records '6.0' given as a string (exactly the target: reached)", M8, G, 'action_record_progress', [[saved('g3')], '6.0']),
    rpc('glucose goal achieved', M8, G, 'read', [[saved('g3')]], {'fields': GOAL_STATE}),
    rpc('member008 creates a sleep goal of 8 hours', M8, G, 'create', [{'user_id': 13, 'goal_type': 'sleep', 'target_value': 8, 'start_date': '2026-12-01'}], save='g4'),
    rpc("record progress 'abc' -> ValueError", M8, G, 'action_record_progress', [[saved('g4')], 'abc']),
    rpc('record progress null -> TypeError', M8, G, 'action_record_progress', [[saved('g4')], None]),
    rpc('record progress [7] -> TypeError', M8, G, 'action_record_progress', [[saved('g4')], [7]]),
    rpc('record progress {} -> TypeError', M8, G, 'action_record_progress', [[saved('g4')], {}]),
    rpc("record progress '' -> ValueError", M8, G, 'action_record_progress', [[saved('g4')], '']),
    rpc('record progress without a value -> TypeError (missing argument)', M8, G, 'action_record_progress', [[saved('g4')]]),
    rpc('record progress with an unknown keyword -> TypeError', M8, G, 'action_record_progress', [[saved('g4')]], {'hours': 7}),
    rpc('the sleep goal is untouched by the refusals', M8, G, 'read', [[saved('g4')]], {'fields': GOAL_STATE}),
    rpc('record progress true (float(True) = 1.0)', M8, G, 'action_record_progress', [[saved('g4')], True]),
    rpc("record progress ' 7.5 ' (float strips blanks)", M8, G, 'action_record_progress', [[saved('g4')], ' 7.5 ']),
    rpc('sleep goal at 7.5 of 8', M8, G, 'read', [[saved('g4')]], {'fields': GOAL_STATE}),
    rpc('record progress 8 on steps goal 78 and sleep goal 206 at once', M8, G, 'action_record_progress', [[78, 206], 8]),
    rpc('78 not reached, 206 achieved', M8, G, 'read', [[78, 206]], {'fields': GOAL_STATE}),
    rpc('record progress on an active and an achieved goal -> UserError, nothing kept', M8, G, 'action_record_progress', [[saved('g4'), 206], 9]),
    rpc('the active one was not written either', M8, G, 'read', [[saved('g4')]], {'fields': GOAL_STATE}),
    rpc('member008 creates a goal without target', M8, G, 'create', [{'user_id': 13, 'goal_type': 'steps', 'start_date': '2026-12-01'}], save='g5'),
    rpc('record progress 500 with no target: never reached', M8, G, 'action_record_progress', [[saved('g5')], 500]),
    rpc('no target: progress 0, active', M8, G, 'read', [[saved('g5')]], {'fields': GOAL_STATE}),
    rpc('record progress 0 on the sleep goal', M8, G, 'action_record_progress', [[saved('g4')], 0]),
    rpc('current 0: progress 0', M8, G, 'read', [[saved('g4')]], {'fields': GOAL_STATE}),
    rpc("member008 records progress on member003's goal 40 -> AccessError", M8, G, 'action_record_progress', [[40], 50]),
    rpc("member008 abandons member003's goal 40 -> AccessError", M8, G, 'action_abandon', [[40]]),
    rpc('goal 40 untouched', ADMIN, G, 'read', [[40]], {'fields': GOAL_STATE}),
    rpc('record progress on a goal that does not exist -> MissingError', M8, G, 'action_record_progress', [[999999], 1]),
    rpc('member008 abandons the goal without target', M8, G, 'action_abandon', [[saved('g5')]]),
    rpc('abandoned', M8, G, 'read', [[saved('g5')]], {'fields': GOAL_STATE}),
    rpc('record progress on an abandoned goal -> UserError', M8, G, 'action_record_progress', [[saved('g5')], 1]),
    rpc('member008 rewrites the sleep target: progress recomputed', M8, G, 'write', [[saved('g4')], {'target_value': 6, 'current_value': 5.5}]),
    rpc('progress 91.67', M8, G, 'read', [[saved('g4')]], {'fields': GOAL_STATE}),
    rpc('member008 turns it into a weight goal: progress recomputed the other way', M8, G, 'write', [[saved('g4')], {'goal_type': 'weight'}]),
    rpc('progress 100 (5.5 <= 6), state unchanged: only action_record_progress achieves', M8, G, 'read', [[saved('g4')]], {'fields': GOAL_STATE}),
    rpc('member008 writes state achieved directly', M8, G, 'write', [[saved('g4')], {'state': 'achieved'}]),
    rpc('member008 writes an unknown state', M8, G, 'write', [[saved('g4')], {'state': 'paused'}]),
    rpc("member008 creates a goal for member003 -> AccessError", M8, G, 'create', [{'user_id': 8, 'goal_type': 'steps', 'target_value': 1, 'start_date': '2026-12-01'}]),
    rpc('member008 creates a goal without goal_type -> required', M8, G, 'create', [{'user_id': 13, 'target_value': 1, 'start_date': '2026-12-01'}]),
    rpc('member008 creates a goal of an unknown type', M8, G, 'create', [{'user_id': 13, 'goal_type': 'water', 'target_value': 1, 'start_date': '2026-12-01'}]),
    rpc("operator002 records progress on member003's goal 40 (operator rule)", OP2, G, 'action_record_progress', [[40], 60]),
    rpc('goal 40 at 60 kg', ADMIN, G, 'read', [[40]], {'fields': GOAL_STATE}),
    rpc("coach039 records progress on member003's goal 40 -> AccessError", COACH, G, 'action_record_progress', [[40], 50]),
    xml('member008 records progress on the goal without target over XML-RPC -> Fault 2 (abandoned)', M8, G, 'action_record_progress', [[saved('g5')], 1]),
    xml('member008 creates a steps goal over XML-RPC', M8, G, 'create', [{'user_id': 13, 'goal_type': 'steps', 'target_value': 8000, 'start_date': '2026-12-02'}], save='gx'),
    xml('member008 records 8000 over XML-RPC (reached)', M8, G, 'action_record_progress', [[saved('gx')], 8000]),
    xml("member008 abandons member003's goal over XML-RPC -> Fault 4", M8, G, 'action_abandon', [[40]]),
    kw('member008 records progress through call_kw', M8, G, 'action_record_progress', [[78], 11000]),
    kw('member008 abandons an achieved goal through call_kw (no-op)', M8, G, 'action_abandon', [[78]]),
    kw('member008 goals through call_kw', M8, G, 'search_read', [[]], {'fields': GOAL_STATE, 'order': 'id'}),
    rpc("member008 unlinks member003's goal -> AccessError", M8, G, 'unlink', [[40]]),
    rpc('member008 unlinks own goal', M8, G, 'unlink', [[saved('g5')]]),
    rpc('member008 read_group by state after the sequence', M8, G, 'read_group', [[], ['progress:avg', 'current_value:sum'], ['state']]),
]

SEQ_ASSESSMENTS = [
    rpc('coach039 assesses member001 (score 75)', COACH, A, 'create', [{'user_id': 6, 'coach_id': 284, 'assessment_type': 'cardio', 'score': 75}], save='a1'),
    rpc('risk_level high', COACH, A, 'read', [[saved('a1')]], {'fields': NEW_ASS_FIELDS}),
    rpc('coach039 lowers the score to 45', COACH, A, 'write', [[saved('a1')], {'score': 45}]),
    rpc('risk_level medium', COACH, A, 'read', [[saved('a1')]], {'fields': ['score', 'risk_level']}),
    rpc('coach039 writes score 70 (the high boundary)', COACH, A, 'write', [[saved('a1')], {'score': 70}]),
    rpc('risk_level high at 70', COACH, A, 'read', [[saved('a1')]], {'fields': ['score', 'risk_level']}),
    rpc('coach039 writes score 40 (the medium boundary)', COACH, A, 'write', [[saved('a1')], {'score': 40}]),
    rpc('risk_level medium at 40', COACH, A, 'read', [[saved('a1')]], {'fields': ['score', 'risk_level']}),
    rpc('coach039 writes score 39', COACH, A, 'write', [[saved('a1')], {'score': 39}]),
    rpc('risk_level low at 39', COACH, A, 'read', [[saved('a1')]], {'fields': ['score', 'risk_level']}),
    rpc('coach039 clears the score', COACH, A, 'write', [[saved('a1')], {'score': False}]),
    rpc('no score: low', COACH, A, 'read', [[saved('a1')]], {'fields': ['score', 'risk_level']}),
    rpc('coach039 writes answers (json) and a summary (html, sanitised)', COACH, A, 'write', [[saved('a1')], {'answers': {'smoker': False, 'bp': [128, 84], 'note': 'ok'}, 'summary': '<p>Keep <b>walking</b></p><script>alert(1)</script>'}]),
    rpc('answers and summary read back', COACH, A, 'read', [[saved('a1')]], {'fields': ['answers', 'summary']}),
    rpc('member001 reads its assessment', M1, A, 'read', [[saved('a1')]], {'fields': NEW_ASS_FIELDS}),
    rpc('member001 writes it -> AccessError (members read only)', M1, A, 'write', [[saved('a1')], {'score': 1}]),
    rpc('member001 creates one -> AccessError', M1, A, 'create', [{'user_id': 6, 'score': 1}]),
    rpc('coach039 unlinks it -> AccessError (coaches may not delete)', COACH, A, 'unlink', [[saved('a1')]]),
    rpc('coach039 creates one for member001 coached by coach002 -> AccessError', COACH, A, 'create', [{'user_id': 6, 'coach_id': 247, 'score': 10}]),
    rpc("coach039 writes coach002's assessment 34 -> AccessError", COACH, A, 'write', [[34], {'score': 1}]),
    rpc('coach039 creates an assessment of itself without coach (own rule)', COACH, A, 'create', [{'user_id': 284, 'assessment_type': 'sleep', 'score': 55}], save='a2'),
    rpc('read back, defaults', COACH, A, 'read', [[saved('a2')]], {'fields': NEW_ASS_FIELDS}),
    rpc('coach039 creates one with an unknown type', COACH, A, 'create', [{'user_id': 6, 'coach_id': 284, 'assessment_type': 'mental', 'score': 1}]),
    rpc('coach039 creates one without user_id -> required', COACH, A, 'create', [{'coach_id': 284, 'score': 1}]),
    rpc('operator002 writes a score -> AccessError (read only)', OP2, A, 'write', [[saved('a1')], {'score': 99}]),
    rpc('operator001 (hp admin) writes score 99', OP1, A, 'write', [[saved('a1')], {'score': 99}]),
    rpc('high again', M1, A, 'read', [[saved('a1')]], {'fields': ['score', 'risk_level']}),
    rpc('admin creates two at once (one per level)', ADMIN, A, 'create', [[{'user_id': 7, 'coach_id': 284, 'score': 10}, {'user_id': 7, 'coach_id': 284, 'score': 69, 'assessment_type': 'diabetes'}]], save='ab'),
    rpc("member002's assessments", M2, A, 'search_read', [[]], {'fields': ['coach_id', 'assessment_type', 'score', 'risk_level'], 'order': 'id'}),
    xml('coach039 assesses member006 over XML-RPC', COACH, A, 'create', [{'user_id': 11, 'coach_id': 284, 'assessment_type': 'diabetes', 'score': 88}], save='ax'),
    xml('member001 writes its assessment over XML-RPC -> Fault 4', M1, A, 'write', [[saved('a1')], {'score': 1}]),
    kw('coach039 writes a score through call_kw', COACH, A, 'write', [[saved('ax')], {'score': 12}]),
    kw('coach039 reads it through call_kw (risk_level recomputed)', COACH, A, 'read', [[saved('ax')]], {'fields': ['score', 'risk_level']}),
    rpc('admin unlinks the first', ADMIN, A, 'unlink', [[saved('a1')]]),
    rpc('coach039 read_group by risk_level after the sequence', COACH, A, 'read_group', [[], ['score:avg'], ['risk_level']]),
    rpc('coach039 hands its assessment of member006 to coach002 (rule checked before the write only: Odoo accepts)', COACH, A, 'write', [[saved('ax')], {'coach_id': 247}]),
    rpc('coach039 can no longer read it -> AccessError', COACH, A, 'read', [[saved('ax')]], {'fields': ['score']}),
]

BLOCKS = [
    ('pristine', 'user', PRISTINE),
    ('seq_records', None, SEQ_RECORDS),
    ('seq_devices', None, SEQ_DEVICES),
    ('seq_progress', None, SEQ_PROGRESS),
    ('seq_assessments', None, SEQ_ASSESSMENTS),
]


if __name__ == '__main__':
    main(__doc__, BLOCKS, UIDS, 'fixtures/hp-legacy-golden-user.jsonl')
