#!/usr/bin/env python3
"""Record golden cases of M05 (hp_growth), M17 (hp_operations) and M18 (hp_risk) from a real Odoo 18 serving hp_legacy.

Writes fixtures/hp-legacy-golden-ops.jsonl in the format of fixtures/hp-legacy-golden.jsonl
(id, title, db_state, user, transport, request, response, volatile): hp.rating,
hp.certification, hp.operation, hp.notification, hp.risk.rule, hp.risk.alert, hp.audit.log and
the stored res.users.coach_rating_avg read, searched, grouped, described (fields_get), name-searched
and written by admin, operators, members and coaches over JSON-RPC, XML-RPC and call_kw:
create / write / unlink with their ACL errors (members have no access to operations, risk rules,
alerts and the audit log; operators may not unlink; the audit log is append-only for operators),
the notification record rule (a member reads, writes and marks read only their own),
action_schedule / action_done / action_cancel in the right and the wrong state (the UserError
texts), action_mark_read, hp.certification.action_revoke, hp.risk.rule.action_scan (the count it
returns, the alerts it opens, an unknown model, an unknown field), action_investigate / resolve /
false_positive, coach_rating_avg after rating creates, writes, moves and unlinks, and the
constraints (ratings_score_range, risk_rules_code_uniq, the condition's ValidationError texts).
No public cases exist for these modules; fixtures/hp-legacy-golden*.jsonl hold none of their calls.

Every block runs twice (run A and run B), each from a restore of the database: `--reset-cmd`
must restore the served database to pristine and leave the server answering. A path whose value
differs between the runs becomes volatile, and so do, by hand, a JSON-RPC error's Python
traceback (`error.data.debug`) and an XML-RPC fault 1 (a traceback) with its raw_xml. Rows
created here give their clock fields explicitly (sent_at, scheduled_at, detected_at, at) or are
read without them (alerts that action_scan opens are stamped detected_at = now, so they are read
in id order and without it). The requests of the two runs must be identical (the ids that the
sequences create are deterministic after a restore); the recorder stops otherwise.

How it was run (2026-12-06): as scripts/golden_recorder.py says, with Odoo on port 8499 over PostgreSQL
on port 55496, and `--out fixtures/hp-legacy-golden-ops.jsonl`.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from golden_recorder import kw, main, rpc, saved, xml  # noqa: E402


# login -> uid; every demo password equals its login (../shared/legacy-odoo/README.md).
UIDS = {
    'admin': 2,                      # base.group_system + member, operator, hp admin
    'member001@hp.example': 6,       # notifications 96, 113, 311, 401 (all read); audit log rows
    'member002@hp.example': 7,       # notifications 304, 355 (unread); rated coach 276 (rating 164)
    'member003@hp.example': 8,       # rated coach 261 (rating 39)
    'coach001@hp.example': 246,      # one rating (58, score 5): coach_rating_avg 5.00
    'coach006@hp.example': 251,      # seven ratings (avg 3.71), certifications 6, 46, 86, 126
    'coach039@hp.example': 284,      # no rating (coach_rating_avg 0.00), certification 39 valid
    'operator001@hp.example': 301,   # operator + group_hp_admin
    'operator002@hp.example': 302,   # plain operator (a member too, by implied group)
}

ADMIN = 'admin'
OP1 = 'operator001@hp.example'
OP2 = 'operator002@hp.example'
M1 = 'member001@hp.example'
M2 = 'member002@hp.example'
M3 = 'member003@hp.example'
C1 = 'coach001@hp.example'
C6 = 'coach006@hp.example'
C39 = 'coach039@hp.example'

RT = 'hp.rating'
CE = 'hp.certification'
OPS = 'hp.operation'
NO = 'hp.notification'
RR = 'hp.risk.rule'
RA = 'hp.risk.alert'
AL = 'hp.audit.log'
U = 'res.users'

RATING_FIELDS = ['coach_id', 'order_id', 'rater_id', 'score', 'comment']
CERT_FIELDS = ['coach_id', 'level', 'certified_on', 'expires_on', 'state']
OP_FIELDS = ['name', 'operator_id', 'operation_type', 'target', 'state', 'scheduled_at']
NOTE_FIELDS = ['user_id', 'channel', 'title', 'body', 'sent_at', 'is_read']
RULE_FIELDS = ['name', 'code', 'model_name', 'condition', 'severity', 'active']
ALERT_FIELDS = ['rule_id', 'user_id', 'res_model', 'res_id', 'severity', 'state', 'detected_at']
LOG_FIELDS = ['user_id', 'action', 'res_model', 'res_id', 'ip', 'at', 'details']
# Rows stamped with the clock (defaults of sent_at / detected_at) are read without it.
NOTE_STATE = ['user_id', 'channel', 'title', 'body', 'is_read', 'display_name']
ALERT_STATE = ['rule_id', 'user_id', 'res_model', 'res_id', 'severity', 'state']
AVG = ['name', 'coach_rating_avg']
FIELD_ATTRS = ['string', 'type', 'required', 'readonly', 'store', 'relation', 'selection', 'sortable', 'groupable']


def first_of(name):
    """A create of a list answers a list of ids."""
    return lambda s: s[name][0]


# --------------------------------------------------------------------------------------------
# Pristine reads (category `ops`): nothing here writes, so they all run after one restore.

PRISTINE = [
    # hp.rating (no record rule: every member reads every rating) and res.users.coach_rating_avg
    rpc('ratings: search_read, default order (id desc), limit 6', ADMIN, RT, 'search_read', [[]], {'fields': RATING_FIELDS, 'limit': 6}),
    rpc('ratings: search_count all', ADMIN, RT, 'search_count', [[]]),
    rpc('ratings: read 54, 58, 39 in request order with display_name (the coach, _rec_name)', ADMIN, RT, 'read', [[54, 58, 39]], {'fields': RATING_FIELDS + ['display_name']}),
    rpc('ratings: read one, all fields', ADMIN, RT, 'read', [[164]]),
    rpc('ratings: read_group by coach_id (score avg), limit 5', ADMIN, RT, 'read_group', [[], ['score:avg'], ['coach_id']], {'limit': 5}),
    rpc('ratings: read_group by score', ADMIN, RT, 'read_group', [[], ['score:count'], ['score']]),
    rpc('ratings: read_group by coach_id, score not lazy, three coaches', ADMIN, RT, 'read_group', [[['coach_id', 'in', [246, 249, 251]]], ['score:sum'], ['coach_id', 'score']], {'lazy': False}),
    rpc('ratings: fields_get, every attribute', ADMIN, RT, 'fields_get', []),
    rpc('ratings: name_search on the coach name (many2one _rec_name)', ADMIN, RT, 'name_search', ['Marco'], {'limit': 5}),
    rpc('ratings: dotted coach_id.login, order score desc, id', ADMIN, RT, 'search_read', [[['coach_id.login', '=', 'coach006@hp.example']]], {'fields': ['order_id', 'rater_id', 'score'], 'order': 'score desc, id'}),
    rpc('ratings: ids with score <= 2, order id', ADMIN, RT, 'search', [[['score', '<=', 2]]], {'order': 'id'}),
    rpc('ratings: comment ilike, limit 5', ADMIN, RT, 'search_read', [[['comment', 'ilike', 'water']]], {'fields': ['coach_id', 'comment'], 'limit': 5, 'order': 'id'}),
    rpc('ratings as member001: search_read (no rule), limit 5, offset 5', M1, RT, 'search_read', [[]], {'fields': RATING_FIELDS, 'limit': 5, 'offset': 5}),
    rpc("ratings as member002: read its own rating 164 and member003's 39", M2, RT, 'read', [[164, 39]], {'fields': RATING_FIELDS}),
    rpc('ratings as coach006: its own ratings', C6, RT, 'search_read', [[['coach_id', '=', 251]]], {'fields': ['score', 'rater_id'], 'order': 'id'}),
    rpc('ratings as operator002: read_group by score', OP2, RT, 'read_group', [[], [], ['score']]),
    rpc('users: coach_rating_avg of 246, 249, 251, 284 (stored compute)', ADMIN, U, 'read', [[246, 249, 251, 284]], {'fields': AVG}),
    rpc('users: coaches with coach_rating_avg >= 4.8, order coach_rating_avg desc, id', ADMIN, U, 'search_read', [[['coach_rating_avg', '>=', 4.8]]], {'fields': AVG, 'order': 'coach_rating_avg desc, id', 'limit': 8}),
    rpc('users as member001: coach006 coach_rating_avg', M1, U, 'read', [[251]], {'fields': AVG}),
    rpc('users: fields_get coach_rating_avg, hp_rating_ids', ADMIN, U, 'fields_get', [['coach_rating_avg', 'hp_rating_ids']], {'attributes': FIELD_ATTRS + ['digits']}),
    rpc('users: hp_rating_ids of coach006', ADMIN, U, 'read', [[251]], {'fields': ['hp_rating_ids', 'coach_rating_avg']}),
    rpc('users: search by hp_rating_ids.score = 1 (one2many)', ADMIN, U, 'search_read', [[['hp_rating_ids.score', '=', 1]]], {'fields': AVG, 'order': 'id'}),
    xml('ratings over XML-RPC as member003: score 5 for coach006', M3, RT, 'search_read', [[['coach_id', '=', 251], ['score', '=', 5]]], {'fields': RATING_FIELDS}),
    xml('users over XML-RPC: coach_rating_avg of coach001 and coach039', ADMIN, U, 'read', [[246, 284]], {'fields': AVG}),
    kw('ratings: web_search_read with coach specification (call_kw session)', M1, RT, 'web_search_read', [[['score', '<=', 2]]], {'specification': {'score': {}, 'coach_id': {'fields': {'display_name': {}}}, 'comment': {}}, 'limit': 4, 'count_limit': 10001}),
    kw('ratings: web_read_group by score (call_kw session)', ADMIN, RT, 'web_read_group', [[], ['score:count'], ['score']]),

    # hp.certification (members read; operators read, write, create)
    rpc('certifications: search_read, default order (certified_on desc, id desc), limit 8', ADMIN, CE, 'search_read', [[]], {'fields': CERT_FIELDS, 'limit': 8}),
    rpc('certifications: search_count valid', ADMIN, CE, 'search_count', [[['state', '=', 'valid']]]),
    rpc('certifications: read 46, 86, 121 with display_name', ADMIN, CE, 'read', [[46, 86, 121]], {'fields': CERT_FIELDS + ['display_name']}),
    rpc('certifications: read one, all fields', ADMIN, CE, 'read', [[39]]),
    rpc('certifications: read_group by level, state not lazy', ADMIN, CE, 'read_group', [[], [], ['level', 'state']], {'lazy': False}),
    rpc('certifications: read_group by certified_on:year', ADMIN, CE, 'read_group', [[], [], ['certified_on:year']]),
    rpc('certifications: fields_get, every attribute', ADMIN, CE, 'fields_get', []),
    rpc('certifications: name_search on the coach name', ADMIN, CE, 'name_search', ['Marco'], {'limit': 5}),
    rpc('certifications: expiring in 2027, order expires_on', ADMIN, CE, 'search_read', [[['expires_on', '>=', '2027-01-01'], ['expires_on', '<', '2027-04-01']]], {'fields': ['coach_id', 'level', 'expires_on'], 'order': 'expires_on, id'}),
    rpc('certifications as member001: valid experts', M1, CE, 'search_read', [[['state', '=', 'valid'], ['level', '=', 'expert']]], {'fields': CERT_FIELDS, 'limit': 6}),
    rpc('certifications as coach006: its own', C6, CE, 'search_read', [[['coach_id', '=', 251]]], {'fields': CERT_FIELDS}),
    xml('certifications over XML-RPC as operator002: read_group by state', OP2, CE, 'read_group', [[], [], ['state']]),
    kw('certifications: web_search_read as coach039 (call_kw session)', C39, CE, 'web_search_read', [[['coach_id', '=', 284]]], {'specification': {'level': {}, 'state': {}, 'certified_on': {}, 'coach_id': {'fields': {'display_name': {}}}}, 'count_limit': 10001}),

    # hp.operation (operators and admins only)
    rpc('operations: search_read, default order (scheduled_at desc, id desc), limit 8', ADMIN, OPS, 'search_read', [[]], {'fields': OP_FIELDS, 'limit': 8}),
    rpc('operations: read 38, 27, 1 with display_name', ADMIN, OPS, 'read', [[38, 27, 1]], {'fields': OP_FIELDS + ['display_name']}),
    rpc('operations: read one, all fields', ADMIN, OPS, 'read', [[35]]),
    rpc('operations: read_group by state', ADMIN, OPS, 'read_group', [[], [], ['state']]),
    rpc('operations: read_group by operation_type, scheduled_at:month not lazy', ADMIN, OPS, 'read_group', [[], [], ['operation_type', 'scheduled_at:month']], {'lazy': False, 'limit': 6}),
    rpc('operations: fields_get, every attribute', ADMIN, OPS, 'fields_get', []),
    rpc('operations: name_search', ADMIN, OPS, 'name_search', ['Banner'], {'limit': 5}),
    rpc('operations as operator002: scheduled, order scheduled_at', OP2, OPS, 'search_read', [[['state', '=', 'scheduled']]], {'fields': OP_FIELDS, 'order': 'scheduled_at, id'}),
    rpc('operations as operator002: search_count', OP2, OPS, 'search_count', [[]]),
    rpc('operations as operator002: read_group by operator_id', OP2, OPS, 'read_group', [[], [], ['operator_id']]),
    rpc('operations as member001: search_read -> AccessError (no ACL)', M1, OPS, 'search_read', [[]], {'fields': ['name'], 'limit': 1}),
    rpc('operations as member001: read -> AccessError', M1, OPS, 'read', [[1]], {'fields': ['name']}),
    rpc('operations as member001: search_count -> AccessError', M1, OPS, 'search_count', [[]]),
    rpc('operations as member001: read_group -> AccessError', M1, OPS, 'read_group', [[], [], ['state']]),
    rpc('operations as member001: name_search -> AccessError', M1, OPS, 'name_search', [''], {'limit': 3}),
    rpc('operations as member001: fields_get', M1, OPS, 'fields_get', [], {'attributes': ['string', 'type']}),
    rpc('operations as coach006: search -> AccessError', C6, OPS, 'search', [[]]),
    xml('operations over XML-RPC as member001: search_read -> Fault 4', M1, OPS, 'search_read', [[]], {'fields': ['name']}),
    xml('operations over XML-RPC: draft ones', OP2, OPS, 'search_read', [[['state', '=', 'draft']]], {'fields': OP_FIELDS}),
    kw('operations as member001: web_search_read -> AccessError (call_kw session)', M1, OPS, 'web_search_read', [[]], {'specification': {'name': {}}, 'count_limit': 10001}),
    kw('operations: web_read_group by state (call_kw session)', OP2, OPS, 'web_read_group', [[], [], ['state']]),

    # hp.notification (record rule: members their own, operators all)
    rpc('notifications: search_read, default order (sent_at desc, id desc), limit 8', ADMIN, NO, 'search_read', [[]], {'fields': NOTE_FIELDS, 'limit': 8}),
    rpc('notifications: search_count all', ADMIN, NO, 'search_count', [[]]),
    rpc('notifications: read 96, 304 with display_name (the title)', ADMIN, NO, 'read', [[96, 304]], {'fields': NOTE_FIELDS + ['display_name']}),
    rpc('notifications: read one, all fields', ADMIN, NO, 'read', [[355]]),
    rpc('notifications: read_group by channel', ADMIN, NO, 'read_group', [[], [], ['channel']]),
    rpc('notifications: read_group by is_read, channel not lazy', ADMIN, NO, 'read_group', [[], [], ['is_read', 'channel']], {'lazy': False}),
    rpc('notifications: read_group by user_id, limit 5', ADMIN, NO, 'read_group', [[], [], ['user_id']], {'limit': 5}),
    rpc('notifications: read_group by sent_at:month', ADMIN, NO, 'read_group', [[], [], ['sent_at:month']]),
    rpc('notifications: fields_get, every attribute', ADMIN, NO, 'fields_get', []),
    rpc('notifications: name_search on the title', ADMIN, NO, 'name_search', ['Goal'], {'limit': 5}),
    rpc('notifications: unread sms, order sent_at', ADMIN, NO, 'search_read', [[['channel', '=', 'sms'], ['is_read', '=', False]]], {'fields': ['user_id', 'title', 'sent_at'], 'order': 'sent_at, id', 'limit': 6}),
    rpc('notifications as member001: search_read own (record rule)', M1, NO, 'search_read', [[]], {'fields': NOTE_FIELDS}),
    rpc('notifications as member001: search_count own', M1, NO, 'search_count', [[]]),
    rpc('notifications as member001: read own 96', M1, NO, 'read', [[96]], {'fields': NOTE_FIELDS}),
    rpc("notifications as member001: read member002's 304 -> AccessError (record rule)", M1, NO, 'read', [[304]], {'fields': NOTE_FIELDS}),
    rpc("notifications as member001: read own 96 and member002's 304 -> AccessError", M1, NO, 'read', [[96, 304]], {'fields': ['title']}),
    rpc("notifications as member001: search user_id = member002 -> none", M1, NO, 'search_read', [[['user_id', '=', 7]]], {'fields': ['title']}),
    rpc('notifications as member001: read_group by is_read (own only)', M1, NO, 'read_group', [[], [], ['is_read']]),
    rpc('notifications as member001: read_group by user_id (only self)', M1, NO, 'read_group', [[], [], ['user_id']]),
    rpc('notifications as member001: name_search (own only)', M1, NO, 'name_search', [''], {'limit': 10}),
    rpc("notifications as member001: name_search member002's title -> own only", M1, NO, 'name_search', ['Weekly'], {'limit': 10}),
    rpc('notifications as member002: search_read own', M2, NO, 'search_read', [[]], {'fields': NOTE_FIELDS}),
    rpc('notifications as coach039: search_read own', C39, NO, 'search_read', [[]], {'fields': ['title', 'is_read'], 'order': 'id'}),
    rpc('notifications as operator002: search_count all (operator rule)', OP2, NO, 'search_count', [[]]),
    rpc('notifications as operator002: member002 unread', OP2, NO, 'search_read', [[['user_id', '=', 7], ['is_read', '=', False]]], {'fields': ['title'], 'order': 'id'}),
    xml("notifications over XML-RPC as member001: read member002's -> Fault 4", M1, NO, 'read', [[304]], {'fields': ['title']}),
    xml('notifications over XML-RPC as member002: own', M2, NO, 'search_read', [[]], {'fields': NOTE_FIELDS}),
    kw('notifications as member001: web_search_read own (call_kw session)', M1, NO, 'web_search_read', [[]], {'specification': {'title': {}, 'is_read': {}, 'user_id': {'fields': {'display_name': {}}}}, 'count_limit': 10001}),
    kw('notifications as member001: web_read_group by channel (call_kw session)', M1, NO, 'web_read_group', [[], [], ['channel']]),
    kw("notifications as member002: read member001's 96 -> AccessError (call_kw session)", M2, NO, 'read', [[96]], {'fields': ['title']}),

    # hp.risk.rule (operators and admins only)
    rpc('risk rules: search_read, default order (code)', ADMIN, RR, 'search_read', [[]], {'fields': RULE_FIELDS}),
    rpc('risk rules: read 1, 9 with display_name', ADMIN, RR, 'read', [[1, 9]], {'fields': RULE_FIELDS + ['display_name']}),
    rpc('risk rules: read one, all fields', ADMIN, RR, 'read', [[5]]),
    rpc('risk rules: read_group by model_name', ADMIN, RR, 'read_group', [[], [], ['model_name']]),
    rpc('risk rules: read_group by severity', ADMIN, RR, 'read_group', [[], [], ['severity']]),
    rpc('risk rules: fields_get, every attribute', ADMIN, RR, 'fields_get', []),
    rpc('risk rules: name_search', ADMIN, RR, 'name_search', ['payment'], {'limit': 5}),
    rpc('risk rules: search on condition ilike', ADMIN, RR, 'search_read', [[['condition', 'ilike', 'state']]], {'fields': ['code'], 'order': 'id'}),
    rpc('risk rules as operator002: search_read high', OP2, RR, 'search_read', [[['severity', '=', 'high']]], {'fields': RULE_FIELDS}),
    rpc('risk rules as member001: search_read -> AccessError (no ACL)', M1, RR, 'search_read', [[]], {'fields': ['code']}),
    rpc('risk rules as coach006: read -> AccessError', C6, RR, 'read', [[1]], {'fields': ['code']}),
    xml('risk rules over XML-RPC as member001: search -> Fault 4', M1, RR, 'search', [[]]),
    xml('risk rules over XML-RPC: by model', OP2, RR, 'search_read', [[['model_name', '=', 'hp.health.record']]], {'fields': RULE_FIELDS}),

    # hp.risk.alert (operators and admins only)
    rpc('risk alerts: search_read, default order (detected_at desc, id desc), limit 8', ADMIN, RA, 'search_read', [[]], {'fields': ALERT_FIELDS, 'limit': 8}),
    rpc('risk alerts: search_count open', ADMIN, RA, 'search_count', [[['state', '=', 'open']]]),
    rpc('risk alerts: read 1, 2, 3 with display_name (the rule)', ADMIN, RA, 'read', [[1, 2, 3]], {'fields': ALERT_FIELDS + ['display_name']}),
    rpc('risk alerts: read one, all fields', ADMIN, RA, 'read', [[4]]),
    rpc('risk alerts: read_group by state', ADMIN, RA, 'read_group', [[], [], ['state']]),
    rpc('risk alerts: read_group by rule_id, state not lazy', ADMIN, RA, 'read_group', [[], [], ['rule_id', 'state']], {'lazy': False, 'limit': 8}),
    rpc('risk alerts: read_group by res_model, severity', ADMIN, RA, 'read_group', [[], ['res_id:count_distinct'], ['res_model', 'severity']], {'lazy': False}),
    rpc('risk alerts: fields_get, every attribute', ADMIN, RA, 'fields_get', []),
    rpc('risk alerts: name_search on the rule name', ADMIN, RA, 'name_search', ['Large'], {'limit': 5}),
    rpc('risk alerts: dotted rule_id.code, order id', ADMIN, RA, 'search_read', [[['rule_id.code', '=', 'RATING_LOW']]], {'fields': ['res_id', 'state'], 'order': 'id'}),
    rpc('risk alerts as operator002: open high', OP2, RA, 'search_read', [[['state', '=', 'open'], ['severity', '=', 'high']]], {'fields': ALERT_FIELDS, 'order': 'id'}),
    rpc('risk alerts as member001: search_count -> AccessError (no ACL)', M1, RA, 'search_count', [[]]),
    rpc('risk alerts as member001: read -> AccessError', M1, RA, 'read', [[1]], {'fields': ['state']}),
    xml('risk alerts over XML-RPC: read_group by rule_id', OP2, RA, 'read_group', [[], [], ['rule_id']]),
    kw('risk alerts: web_search_read with rule specification (call_kw session)', OP2, RA, 'web_search_read', [[['state', '=', 'investigating']]], {'specification': {'res_model': {}, 'res_id': {}, 'rule_id': {'fields': {'display_name': {}}}}, 'limit': 5, 'count_limit': 10001}),

    # hp.audit.log (operators read and create; admins all)
    rpc('audit log: search_read, default order (at desc, id desc), limit 8', ADMIN, AL, 'search_read', [[]], {'fields': LOG_FIELDS, 'limit': 8}),
    rpc('audit log: search_count all', ADMIN, AL, 'search_count', [[]]),
    rpc('audit log: read 1, 2 with display_name (the action)', ADMIN, AL, 'read', [[1, 2]], {'fields': LOG_FIELDS + ['display_name']}),
    rpc('audit log: read one, all fields', ADMIN, AL, 'read', [[3]]),
    rpc('audit log: read_group by action', ADMIN, AL, 'read_group', [[], [], ['action']]),
    rpc('audit log: read_group by at:month', ADMIN, AL, 'read_group', [[], [], ['at:month']]),
    rpc('audit log: read_group by user_id, limit 5', ADMIN, AL, 'read_group', [[], ['res_id:max'], ['user_id']], {'limit': 5}),
    rpc('audit log: fields_get, every attribute', ADMIN, AL, 'fields_get', []),
    rpc('audit log: name_search on the action', ADMIN, AL, 'name_search', ['login'], {'limit': 5}),
    rpc('audit log: health-record writes in October, order at', ADMIN, AL, 'search_read', [[['res_model', '=', 'hp.health.record'], ['at', '>=', '2026-10-01 00:00:00'], ['at', '<', '2026-11-01 00:00:00']]], {'fields': ['user_id', 'action', 'res_id', 'at'], 'order': 'at, id', 'limit': 6}),
    rpc('audit log as operator002: search_count logins', OP2, AL, 'search_count', [[['action', '=', 'login']]]),
    rpc('audit log as operator002: own entries', OP2, AL, 'search_read', [[['user_id', '=', 302]]], {'fields': LOG_FIELDS, 'order': 'id'}),
    rpc('audit log as member001: search_read own -> AccessError (no ACL)', M1, AL, 'search_read', [[['user_id', '=', 6]]], {'fields': ['action']}),
    rpc('audit log as member001: read -> AccessError', M1, AL, 'read', [[1]], {'fields': ['action']}),
    xml('audit log over XML-RPC: read with details (Json)', OP2, AL, 'read', [[4, 5]], {'fields': LOG_FIELDS}),
    xml('audit log over XML-RPC as member001: search_count -> Fault 4', M1, AL, 'search_count', [[]]),
    kw('audit log: web_search_read (call_kw session)', OP2, AL, 'web_search_read', [[['action', '=', 'export']]], {'specification': {'action': {}, 'at': {}, 'details': {}, 'user_id': {'fields': {'display_name': {}}}}, 'limit': 4, 'count_limit': 10001}),
]


# --------------------------------------------------------------------------------------------
# Sequences: each runs after its own restore, steps in order (ids created on the way are saved).

SEQ_GROWTH = [
    rpc('member001 rates coach039 (score 4)', M1, RT, 'create', [{'coach_id': 284, 'rater_id': 6, 'score': 4, 'comment': 'Great advice 很好'}], save='r1'),
    rpc('coach039 coach_rating_avg 4.0', ADMIN, U, 'read', [[284]], {'fields': AVG}),
    rpc('member002 rates coach039 (score 5)', M2, RT, 'create', [{'coach_id': 284, 'rater_id': 7, 'score': 5}], save='r2'),
    rpc('coach039 coach_rating_avg 4.5 (read by a member)', M1, U, 'read', [[284]], {'fields': AVG}),
    rpc('member001 reads its rating with display_name', M1, RT, 'read', [[saved('r1')]], {'fields': RATING_FIELDS + ['display_name']}),
    rpc('member001 writes its rating -> AccessError (members create only)', M1, RT, 'write', [[saved('r1')], {'score': 5}]),
    rpc('member001 unlinks its rating -> AccessError', M1, RT, 'unlink', [[saved('r1')]]),
    rpc('member001 rates 6 -> ratings_score_range', M1, RT, 'create', [{'coach_id': 284, 'rater_id': 6, 'score': 6}]),
    rpc('member001 rates 0 -> ratings_score_range', M1, RT, 'create', [{'coach_id': 284, 'rater_id': 6, 'score': 0}]),
    rpc('member001 rates without a score', M1, RT, 'create', [{'coach_id': 284, 'rater_id': 6}]),
    rpc('member001 rates without a coach -> required', M1, RT, 'create', [{'rater_id': 6, 'score': 3}]),
    rpc('operator002 writes the rating to 2 (operators write)', OP2, RT, 'write', [[saved('r1')], {'score': 2}]),
    rpc('coach039 coach_rating_avg 3.5', ADMIN, U, 'read', [[284]], {'fields': AVG}),
    rpc('operator002 writes score 9 -> ratings_score_range', OP2, RT, 'write', [[saved('r1')], {'score': 9}]),
    rpc('operator002 rates coach039 (3): operators are members by implied group, and members create', OP2, RT, 'create', [{'coach_id': 284, 'score': 3}]),
    rpc('operator002 unlinks a rating -> AccessError (operators do not delete)', OP2, RT, 'unlink', [[saved('r1')]]),
    rpc("operator002 moves member002's rating to coach006", OP2, RT, 'write', [[saved('r2')], {'coach_id': 251}]),
    rpc('coach_rating_avg of coach006 and coach039 after the move (3.88 and 2.5)', ADMIN, U, 'read', [[251, 284]], {'fields': AVG}),
    rpc("admin unlinks member001's rating (2)", ADMIN, RT, 'unlink', [[saved('r1')]]),
    rpc("coach039 coach_rating_avg 3.0 (operator002's rating left)", C39, U, 'read', [[284]], {'fields': AVG}),
    rpc('admin rates a coach that does not exist -> foreign key', ADMIN, RT, 'create', [{'coach_id': 999999, 'score': 3}]),
    rpc('admin rates with an order that does not exist -> foreign key', ADMIN, RT, 'create', [{'coach_id': 284, 'order_id': 999999, 'score': 3}]),
    rpc('admin writes coach_rating_avg directly', ADMIN, U, 'write', [[284], {'coach_rating_avg': 4.99}]),
    rpc('coach_rating_avg after writing it', ADMIN, U, 'read', [[284]], {'fields': AVG}),
    xml('member003 rates coach039 over XML-RPC (score 3)', M3, RT, 'create', [{'coach_id': 284, 'rater_id': 8, 'score': 3}], save='rx'),
    xml('coach039 coach_rating_avg over XML-RPC: 3.0', M3, U, 'read', [[284]], {'fields': AVG}),
    xml('member003 rates 0 over XML-RPC -> Fault', M3, RT, 'create', [{'coach_id': 284, 'rater_id': 8, 'score': 0}]),
    xml('member003 writes its rating over XML-RPC -> Fault 4', M3, RT, 'write', [[saved('rx')], {'score': 1}]),
    kw('member002 rates coach001 (score 1) through call_kw', M2, RT, 'create', [{'coach_id': 246, 'rater_id': 7, 'order_id': 405, 'score': 1}], save='rk'),
    kw('coach001 coach_rating_avg 3.0 through call_kw', M2, U, 'read', [[246]], {'fields': AVG}),
    kw('member002 reads the rating through call_kw', M2, RT, 'read', [[saved('rk')]], {'fields': RATING_FIELDS + ['display_name']}),
    rpc('admin rates coach039 twice at once (5 and 4)', ADMIN, RT, 'create', [[{'coach_id': 284, 'score': 5}, {'coach_id': 284, 'score': 4}]], save='rr'),
    rpc('coach039 coach_rating_avg 3.75', ADMIN, U, 'read', [[284]], {'fields': AVG}),
    rpc('ratings by coach of the three coaches', ADMIN, RT, 'read_group', [[['coach_id', 'in', [246, 251, 284]]], ['score:avg'], ['coach_id']]),
    rpc('coaches by coach_rating_avg >= 4.9 after the sequence', ADMIN, U, 'search_read', [[['coach_rating_avg', '>=', 4.9]]], {'fields': AVG, 'order': 'id'}),
    rpc("admin unlinks both: coach039 keeps operator002's and the XML-RPC one", ADMIN, RT, 'unlink', [saved('rr')]),
    rpc('coach039 coach_rating_avg 3.0 again', ADMIN, U, 'read', [[284]], {'fields': AVG}),
    rpc('ratings count', ADMIN, RT, 'search_count', [[]]),
    # hp.certification
    rpc('operator002 certifies coach039 (senior)', OP2, CE, 'create', [{'coach_id': 284, 'level': 'senior', 'certified_on': '2026-12-01', 'expires_on': '2028-11-30'}], save='c1'),
    rpc('read back with display_name', OP2, CE, 'read', [[saved('c1')]], {'fields': CERT_FIELDS + ['display_name']}),
    rpc('coach039 reads its certifications', C39, CE, 'search_read', [[['coach_id', '=', 284]]], {'fields': CERT_FIELDS}),
    rpc('coach039 revokes its certification -> AccessError (members read only)', C39, CE, 'action_revoke', [[saved('c1')]]),
    rpc('member001 creates a certification -> AccessError', M1, CE, 'create', [{'coach_id': 284}]),
    rpc('operator002 revokes it', OP2, CE, 'action_revoke', [[saved('c1')]]),
    rpc('revoked', C39, CE, 'read', [[saved('c1')]], {'fields': ['state', 'level']}),
    rpc('operator002 revokes it again: True (no state check)', OP2, CE, 'action_revoke', [[saved('c1')]]),
    rpc('operator002 writes an unknown level', OP2, CE, 'write', [[saved('c1')], {'level': 'master'}]),
    rpc('operator002 writes state valid directly', OP2, CE, 'write', [[saved('c1')], {'state': 'valid'}]),
    rpc('operator002 unlinks -> AccessError (operators do not delete)', OP2, CE, 'unlink', [[saved('c1')]]),
    rpc('operator002 certifies without a coach -> required', OP2, CE, 'create', [{'level': 'junior'}]),
    rpc('operator002 certifies with defaults (junior, valid)', OP2, CE, 'create', [{'coach_id': 251}], save='c2'),
    rpc('defaults read back', OP2, CE, 'read', [[saved('c2')]], {'fields': CERT_FIELDS}),
    rpc('action_revoke on a certification that does not exist: True (the write finds no row)', OP2, CE, 'action_revoke', [[999999]]),
    rpc('action_revoke on no certification: True', OP2, CE, 'action_revoke', [[]]),
    xml('operator001 revokes certification 46 and 121 over XML-RPC', OP1, CE, 'action_revoke', [[46, 121]]),
    xml('member001 revokes over XML-RPC -> Fault 4', M1, CE, 'action_revoke', [[39]]),
    kw('coach006 reads its certifications through call_kw', C6, CE, 'search_read', [[['coach_id', '=', 251]]], {'fields': CERT_FIELDS}),
    kw('operator002 revokes certification 39 through call_kw', OP2, CE, 'action_revoke', [[39]]),
    rpc('admin unlinks the first', ADMIN, CE, 'unlink', [[saved('c1')]]),
    rpc('certifications by state after the sequence', ADMIN, CE, 'read_group', [[], [], ['state']]),
]

SEQ_OPERATIONS = [
    rpc('operator002 creates a banner operation', OP2, OPS, 'create', [{'name': 'Golden banner 金色横幅', 'operator_id': 302, 'operation_type': 'banner', 'target': 'home_banner', 'scheduled_at': '2026-12-20 09:00:00'}], save='o1'),
    rpc('read back: draft', OP2, OPS, 'read', [[saved('o1')]], {'fields': OP_FIELDS + ['display_name']}),
    rpc('action_done on a draft -> UserError', OP2, OPS, 'action_done', [[saved('o1')]]),
    rpc('action_schedule', OP2, OPS, 'action_schedule', [[saved('o1')]]),
    rpc('action_schedule again -> UserError', OP2, OPS, 'action_schedule', [[saved('o1')]]),
    rpc('action_done', OP2, OPS, 'action_done', [[saved('o1')]]),
    rpc('done', OP2, OPS, 'read', [[saved('o1')]], {'fields': ['state']}),
    rpc('action_cancel on a done one -> UserError', OP2, OPS, 'action_cancel', [[saved('o1')]]),
    rpc('action_cancel on scheduled 27', OP2, OPS, 'action_cancel', [[27]]),
    rpc('action_cancel on cancelled 35: True', OP2, OPS, 'action_cancel', [[35]]),
    rpc('action_cancel on draft 38', OP2, OPS, 'action_cancel', [[38]]),
    rpc('action_schedule on draft 39 and 40', OP2, OPS, 'action_schedule', [[39, 40]]),
    rpc('action_done on 39 and done 1 -> UserError, 39 stays scheduled', OP2, OPS, 'action_done', [[39, 1]]),
    rpc('action_cancel on 28 and done 2 -> UserError', OP2, OPS, 'action_cancel', [[28, 2]]),
    rpc('states of 27, 28, 35, 38, 39, 40', OP2, OPS, 'read', [[27, 28, 35, 38, 39, 40]], {'fields': ['state']}),
    rpc('action_done on 28 and 29', OP2, OPS, 'action_done', [[28, 29]]),
    rpc('member001 schedules -> AccessError (no ACL)', M1, OPS, 'action_schedule', [[saved('o1')]]),
    rpc('coach006 cancels -> AccessError', C6, OPS, 'action_cancel', [[30]]),
    rpc('coach006 creates an operation -> AccessError', C6, OPS, 'create', [{'name': 'x', 'operation_type': 'banner'}]),
    rpc('member001 writes an operation -> AccessError', M1, OPS, 'write', [[30], {'name': 'x'}]),
    rpc('operator002 unlinks -> AccessError (operators do not delete)', OP2, OPS, 'unlink', [[saved('o1')]]),
    rpc('operator002 creates without a type -> required', OP2, OPS, 'create', [{'name': 'No type'}]),
    rpc('operator002 creates without a name -> required', OP2, OPS, 'create', [{'operation_type': 'review'}]),
    rpc('operator002 creates with an unknown type', OP2, OPS, 'create', [{'name': 'Bad', 'operation_type': 'popup'}]),
    rpc('operator002 writes state done directly on 30', OP2, OPS, 'write', [[30], {'state': 'done'}]),
    rpc('operator002 writes an unknown state', OP2, OPS, 'write', [[30], {'state': 'paused'}]),
    rpc('action_done on an operation that does not exist -> MissingError (the state check reads it)', OP2, OPS, 'action_done', [[999999]]),
    rpc('action_schedule on no operation: True', OP2, OPS, 'action_schedule', [[]]),
    rpc('admin unlinks the golden one', ADMIN, OPS, 'unlink', [[saved('o1')]]),
    xml('operator001 creates a campaign over XML-RPC', OP1, OPS, 'create', [{'name': 'XML campaign', 'operator_id': 301, 'operation_type': 'campaign', 'scheduled_at': '2026-12-24 08:00:00'}], save='ox'),
    xml('schedules it over XML-RPC', OP1, OPS, 'action_schedule', [[saved('ox')]]),
    xml('schedules it again over XML-RPC -> Fault (UserError)', OP1, OPS, 'action_schedule', [[saved('ox')]]),
    xml('member002 cancels it over XML-RPC -> Fault 4', M2, OPS, 'action_cancel', [[saved('ox')]]),
    kw('operator002 finishes it through call_kw', OP2, OPS, 'action_done', [[saved('ox')]]),
    kw('operator002 cancels it through call_kw -> UserError', OP2, OPS, 'action_cancel', [[saved('ox')]]),
    kw('read through call_kw', OP2, OPS, 'read', [[saved('ox')]], {'fields': OP_FIELDS}),
    rpc('operations by state after the sequence', ADMIN, OPS, 'read_group', [[], [], ['state']]),
    # hp.notification
    rpc('operator002 notifies member001', OP2, NO, 'create', [{'user_id': 6, 'channel': 'email', 'title': 'Golden notice 通知', 'body': 'Recorded', 'sent_at': '2026-12-01 08:00:00'}], save='n1'),
    rpc('member001 reads it (own)', M1, NO, 'read', [[saved('n1')]], {'fields': NOTE_FIELDS + ['display_name']}),
    rpc('member002 reads it -> AccessError (record rule)', M2, NO, 'read', [[saved('n1')]], {'fields': ['title']}),
    rpc("member002 marks it read -> AccessError (record rule)", M2, NO, 'action_mark_read', [[saved('n1')]]),
    rpc('still unread', M1, NO, 'read', [[saved('n1')]], {'fields': ['is_read']}),
    rpc('member001 marks it read', M1, NO, 'action_mark_read', [[saved('n1')]]),
    rpc('read', M1, NO, 'read', [[saved('n1')]], {'fields': ['is_read']}),
    rpc('member001 marks it read again: True', M1, NO, 'action_mark_read', [[saved('n1')]]),
    rpc('member002 marks its own 304 read', M2, NO, 'action_mark_read', [[304]]),
    rpc('member002 renames its own 355 (members write their own)', M2, NO, 'write', [[355], {'title': 'Renamed 改名', 'is_read': True}]),
    rpc("member002 writes member001's 96 -> AccessError", M2, NO, 'write', [[96], {'is_read': False}]),
    rpc("member001 marks its own 113 and member002's 355 read -> AccessError", M1, NO, 'action_mark_read', [[113, 355]]),
    rpc('member002 own after the changes', M2, NO, 'search_read', [[]], {'fields': NOTE_STATE}),
    rpc('member001 creates a notification -> AccessError (members do not create)', M1, NO, 'create', [{'user_id': 6, 'title': 'x'}]),
    rpc('member001 unlinks its own -> AccessError', M1, NO, 'unlink', [[saved('n1')]]),
    rpc('operator002 unlinks -> AccessError (operators do not delete)', OP2, NO, 'unlink', [[saved('n1')]]),
    rpc('operator002 notifies through an unknown channel', OP2, NO, 'create', [{'user_id': 6, 'title': 'x', 'channel': 'fax'}]),
    rpc('operator002 notifies without a title -> required', OP2, NO, 'create', [{'user_id': 6}]),
    rpc('operator002 notifies nobody -> required', OP2, NO, 'create', [{'title': 'Nobody'}]),
    rpc('operator002 notifies member002 with the defaults (app, unread, sent now)', OP2, NO, 'create', [{'user_id': 7, 'title': 'Defaults'}], save='n2'),
    rpc('defaults read back', M2, NO, 'read', [[saved('n2')]], {'fields': NOTE_STATE}),
    rpc('member002 unread', M2, NO, 'search_read', [[['is_read', '=', False]]], {'fields': ['title'], 'order': 'id'}),
    rpc('operator002 marks notification 1 (member of another) read (operator rule)', OP2, NO, 'action_mark_read', [[1]]),
    rpc('action_mark_read on no notification: True', M1, NO, 'action_mark_read', [[]]),
    rpc('action_mark_read on a notification that does not exist: True (the write finds no row)', ADMIN, NO, 'action_mark_read', [[999999]]),
    xml("member001 marks member002's 355 read over XML-RPC -> Fault 4", M1, NO, 'action_mark_read', [[355]]),
    xml('member001 marks its own 113 read over XML-RPC', M1, NO, 'action_mark_read', [[113]]),
    xml('operator001 notifies two at once over XML-RPC', OP1, NO, 'create', [[{'user_id': 6, 'title': 'Two A', 'sent_at': '2026-12-02 08:00:00'}, {'user_id': 8, 'channel': 'sms', 'title': 'Two B', 'sent_at': '2026-12-02 08:00:00'}]], save='nx'),
    kw('member002 marks the defaults one read through call_kw', M2, NO, 'action_mark_read', [[saved('n2')]]),
    kw("member002 marks member001's n1 read through call_kw -> AccessError", M2, NO, 'action_mark_read', [[saved('n1')]]),
    kw('member001 read_group by is_read through call_kw', M1, NO, 'read_group', [[], [], ['is_read']]),
    rpc('notifications by is_read after the sequence', ADMIN, NO, 'read_group', [[], [], ['is_read']]),
    # Last: the ids above do not depend on it.
    rpc('member001 hands its notification to member002 (writes user_id)', M1, NO, 'write', [[saved('n1')], {'user_id': 7}]),
    rpc('member002 reads it now', M2, NO, 'read', [[saved('n1')]], {'fields': NOTE_STATE}),
    rpc('member001 reads it now -> AccessError', M1, NO, 'read', [[saved('n1')]], {'fields': ['title']}),
]

SEQ_RISK = [
    rpc('operator002 creates a rule on top ratings', OP2, RR, 'create', [{'name': 'Top rating', 'code': 'RATING_TOP', 'model_name': 'hp.rating', 'condition': "[('score', '=', 5)]", 'severity': 'low'}], save='k1'),
    rpc('read back with display_name', OP2, RR, 'read', [[saved('k1')]], {'fields': RULE_FIELDS + ['display_name']}),
    rpc('action_scan: one alert per matching rating (the count)', OP2, RR, 'action_scan', [[saved('k1')]]),
    rpc('the alerts it opened, in id order', OP2, RA, 'search_read', [[['rule_id', '=', saved('k1')]]], {'fields': ALERT_STATE, 'order': 'id', 'limit': 6}),
    rpc('how many', OP2, RA, 'search_count', [[['rule_id', '=', saved('k1')]]]),
    rpc('action_scan again: 0 (already alerted)', OP2, RR, 'action_scan', [[saved('k1')]]),
    rpc('action_scan RATING_LOW (9): only ratings without an alert', OP2, RR, 'action_scan', [[9]]),
    rpc('RATING_LOW alerts', OP2, RA, 'search_read', [[['rule_id', '=', 9]]], {'fields': ['res_id', 'state', 'severity'], 'order': 'res_id, id'}),
    rpc('action_scan PAY_LARGE and PAY_FAILED (1, 2): the sum', OP2, RR, 'action_scan', [[1, 2]]),
    rpc('alerts by rule after the scans', OP2, RA, 'read_group', [[], [], ['rule_id']]),
    rpc('operator002 creates a rule with a taken code -> risk_rules_code_uniq', OP2, RR, 'create', [{'name': 'Dup', 'code': 'PAY_LARGE', 'model_name': 'hp.payment'}]),
    rpc('operator002 writes a taken code -> risk_rules_code_uniq', OP2, RR, 'write', [[saved('k1')], {'code': 'PAY_FAILED'}]),
    rpc('a condition that is not Python -> ValidationError', OP2, RR, 'create', [{'name': 'Bad', 'code': 'BAD_SYNTAX', 'model_name': 'hp.rating', 'condition': "[('score', '=', ]"}]),
    rpc('a condition that is a dict -> ValidationError (must be a list)', OP2, RR, 'create', [{'name': 'Bad', 'code': 'BAD_DICT', 'model_name': 'hp.rating', 'condition': "{'score': 5}"}]),
    rpc('a condition with an unknown name -> ValidationError', OP2, RR, 'create', [{'name': 'Bad', 'code': 'BAD_NAME', 'model_name': 'hp.rating', 'condition': "[('rater_id', '=', uid)]"}]),
    rpc('a condition that is a string -> ValidationError (must be a list)', OP2, RR, 'create', [{'name': 'Bad', 'code': 'BAD_STR', 'model_name': 'hp.rating', 'condition': "'score'"}]),
    rpc('writing a condition that is not a domain -> ValidationError', OP2, RR, 'write', [[saved('k1')], {'condition': 'not a domain'}]),
    rpc('a tuple condition is accepted', OP2, RR, 'create', [{'name': 'Tuple', 'code': 'TUPLE', 'model_name': 'hp.operation', 'condition': "(('state', '=', 'draft'),)"}], save='k_tuple'),
    rpc('action_scan the tuple rule', OP2, RR, 'action_scan', [[saved('k_tuple')]]),
    rpc('a rule on an unknown model (accepted)', OP2, RR, 'create', [{'name': 'Nothing', 'code': 'NOTHING', 'model_name': 'hp.nothing', 'condition': '[]'}], save='k_unknown'),
    rpc('action_scan it -> UserError (unknown model)', OP2, RR, 'action_scan', [[saved('k_unknown')]]),
    rpc('a rule on an unknown field (accepted)', OP2, RR, 'create', [{'name': 'No field', 'code': 'NO_FIELD', 'model_name': 'hp.rating', 'condition': "[('nope', '=', 1)]"}], save='k_field'),
    rpc('action_scan it -> error (invalid field)', OP2, RR, 'action_scan', [[saved('k_field')]]),
    rpc('a rule with an empty condition on operations', OP2, RR, 'create', [{'name': 'All ops', 'code': 'ALL_OPS', 'model_name': 'hp.operation', 'condition': False, 'severity': 'high'}], save='k_all'),
    rpc('its condition and severity', OP2, RR, 'read', [[saved('k_all')]], {'fields': ['condition', 'severity']}),
    rpc('action_scan it: every operation', OP2, RR, 'action_scan', [[saved('k_all')]]),
    rpc('the tuple rule and the empty one together: 0', OP2, RR, 'action_scan', [[saved('k_tuple'), saved('k_all')]]),
    rpc('member001 scans -> AccessError (no ACL)', M1, RR, 'action_scan', [[saved('k1')]]),
    rpc('member001 creates a rule -> AccessError', M1, RR, 'create', [{'name': 'x', 'code': 'X', 'model_name': 'hp.rating'}]),
    rpc('operator002 unlinks a rule -> AccessError (operators do not delete)', OP2, RR, 'unlink', [[saved('k1')]]),
    rpc('operator002 archives the top-rating rule', OP2, RR, 'write', [[saved('k1')], {'active': False}]),
    rpc('rules now (archived left out)', OP2, RR, 'search_read', [[]], {'fields': ['code', 'active']}),
    rpc('rules with archived ones', OP2, RR, 'search_read', [[['active', 'in', [True, False]]]], {'fields': ['code', 'active']}),
    rpc('action_scan the archived rule: 0', OP2, RR, 'action_scan', [[saved('k1')]]),
    rpc('admin unlinks the unknown-model rule', ADMIN, RR, 'unlink', [[saved('k_unknown')]]),
    # hp.risk.alert
    rpc('operator002 investigates alert 1', OP2, RA, 'action_investigate', [[1]]),
    rpc('investigating', OP2, RA, 'read', [[1]], {'fields': ALERT_STATE}),
    rpc('operator002 resolves it', OP2, RA, 'action_resolve', [[1]]),
    rpc('operator002 marks 2 and 3 false positives', OP2, RA, 'action_false_positive', [[2, 3]]),
    rpc('operator002 investigates resolved alert 4: True (no state check)', OP2, RA, 'action_investigate', [[4]]),
    rpc('states of 1 to 4', OP2, RA, 'read', [[1, 2, 3, 4]], {'fields': ['state']}),
    rpc('member001 resolves -> AccessError (no ACL)', M1, RA, 'action_resolve', [[5]]),
    rpc('coach006 marks a false positive -> AccessError', C6, RA, 'action_false_positive', [[5]]),
    rpc('operator002 opens an alert by hand', OP2, RA, 'create', [{'rule_id': 1, 'user_id': 302, 'res_model': 'hp.payment', 'res_id': 1, 'severity': 'high', 'detected_at': '2026-12-01 12:00:00'}], save='a1'),
    rpc('read back with display_name', OP2, RA, 'read', [[saved('a1')]], {'fields': ALERT_FIELDS + ['display_name']}),
    rpc('operator002 opens one with an unknown severity', OP2, RA, 'create', [{'rule_id': 1, 'severity': 'critical'}]),
    rpc('operator002 opens one with defaults', OP2, RA, 'create', [{'res_model': 'hp.payment', 'res_id': 2}], save='a2'),
    rpc('defaults read back', OP2, RA, 'read', [[saved('a2')]], {'fields': ALERT_STATE}),
    rpc('operator002 unlinks -> AccessError (operators do not delete)', OP2, RA, 'unlink', [[saved('a1')]]),
    rpc('action_resolve on an alert that does not exist: True (the write finds no row)', OP2, RA, 'action_resolve', [[999999]]),
    rpc('admin unlinks the hand-made one', ADMIN, RA, 'unlink', [[saved('a1')]]),
    rpc('admin unlinks rule 10: its alerts keep no rule (ondelete set null)', ADMIN, RR, 'unlink', [[10]]),
    rpc('the alerts that were rule 10', ADMIN, RA, 'search_read', [[['res_model', '=', 'hp.service.order']]], {'fields': ALERT_STATE, 'order': 'id'}),
    rpc('alerts by state after the sequence', ADMIN, RA, 'read_group', [[], [], ['state']]),
    xml('operator001 scans POINTS_REDEEM (7) over XML-RPC', OP1, RR, 'action_scan', [[7]]),
    xml('operator001 scans it again over XML-RPC: 0', OP1, RR, 'action_scan', [[7]]),
    xml('member001 investigates over XML-RPC -> Fault 4', M1, RA, 'action_investigate', [[5]]),
    xml('operator001 creates a duplicate code over XML-RPC -> Fault', OP1, RR, 'create', [{'name': 'Dup', 'code': 'POINTS_REDEEM', 'model_name': 'hp.points.transaction'}]),
    xml('operator001 scans the unknown-field rule over XML-RPC -> Fault', OP1, RR, 'action_scan', [[saved('k_field')]]),
    kw('operator002 resolves alert 5 through call_kw', OP2, RA, 'action_resolve', [[5]]),
    kw('operator002 scans the archived rule through call_kw: 0', OP2, RR, 'action_scan', [[saved('k1')]]),
    kw('operator002 writes an invalid condition through call_kw -> ValidationError', OP2, RR, 'write', [[saved('k_all')], {'condition': '[('}]),
    # hp.audit.log
    rpc('operator002 writes an audit entry', OP2, AL, 'create', [{'user_id': 302, 'action': 'golden.check', 'res_model': 'hp.risk.rule', 'res_id': 1, 'ip': '10.1.2.3', 'at': '2026-12-01 09:30:00', 'details': {'ok': True, 'note': '核对', 'n': [1, 2.5]}}], save='l1'),
    rpc('read back with display_name', OP2, AL, 'read', [[saved('l1')]], {'fields': LOG_FIELDS + ['display_name']}),
    rpc('operator002 edits it -> AccessError (append-only for operators)', OP2, AL, 'write', [[saved('l1')], {'ip': '0.0.0.0'}]),
    rpc('operator002 deletes it -> AccessError', OP2, AL, 'unlink', [[saved('l1')]]),
    rpc('member001 writes an audit entry -> AccessError (no ACL)', M1, AL, 'create', [{'user_id': 6, 'action': 'x'}]),
    rpc('operator002 writes one without an action -> required', OP2, AL, 'create', [{'user_id': 302}]),
    rpc('admin edits the details', ADMIN, AL, 'write', [[saved('l1')], {'details': [{'k': 'v'}, None, 3]}]),
    rpc('read back', ADMIN, AL, 'read', [[saved('l1')]], {'fields': ['details', 'ip']}),
    rpc('admin clears the details', ADMIN, AL, 'write', [[saved('l1')], {'details': False}]),
    rpc('cleared', ADMIN, AL, 'read', [[saved('l1')]], {'fields': ['details']}),
    xml('operator002 writes an entry over XML-RPC', OP2, AL, 'create', [{'user_id': 302, 'action': 'golden.check', 'at': '2026-12-01 10:00:00', 'details': {'via': 'xmlrpc'}}], save='lx'),
    kw('operator002 searches the golden entries through call_kw', OP2, AL, 'search_read', [[['action', '=', 'golden.check']]], {'fields': LOG_FIELDS, 'order': 'id'}),
    rpc('admin deletes the first', ADMIN, AL, 'unlink', [[saved('l1')]]),
    rpc('audit entries count', ADMIN, AL, 'search_count', [[]]),
]

BLOCKS = [
    ('pristine', 'ops', PRISTINE),
    ('seq_growth', None, SEQ_GROWTH),
    ('seq_operations', None, SEQ_OPERATIONS),
    ('seq_risk', None, SEQ_RISK),
]


if __name__ == '__main__':
    main(__doc__, BLOCKS, UIDS, 'fixtures/hp-legacy-golden-ops.jsonl')
