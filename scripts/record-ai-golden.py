#!/usr/bin/env python3
"""Record golden cases of M16 (hp_ai) from a real Odoo 18 serving hp_legacy.

Writes fixtures/hp-legacy-golden-ai.jsonl in the format of fixtures/hp-legacy-golden.jsonl
(id, title, db_state, user, transport, request, response, volatile): hp.ai.model,
hp.ai.generation.task and hp.ai.insight read, searched, grouped, described (fields_get),
name-searched and counted by admin, operators, a merchant, members and coaches over JSON-RPC,
XML-RPC and call_kw: the record rules (a member or coach reads only its own tasks and insights,
operators all), the ACL errors (members read models only, create tasks but do not write them, only
read insights; operators write models and tasks but create neither tasks nor insights),
action_run / action_done / action_fail in the right and the wrong state (the UserError texts,
the result and error they store; the state check before the write's ACL check), the Json field
`data` written and read back (objects, lists, scalars, unicode, cleared), and models' archiving
and ondelete set null.

Every block runs twice (run A and run B), each from a restore of the database; a path whose value
differs between the runs becomes volatile (finished_at, stamped now by action_done / action_fail,
is left out of the reads), and so do by hand a JSON-RPC error's traceback and an XML-RPC fault 1.
Insights created here give generated_at explicitly, or are read without it.

How it was run (2026-12-06): as scripts/golden_recorder.py says, with Odoo on port 8499 over PostgreSQL
on port 55496, and `--out fixtures/hp-legacy-golden-ai.jsonl`.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from golden_recorder import kw, main, rpc, saved, xml  # noqa: E402


# login -> uid; every demo password equals its login (../shared/legacy-odoo/README.md).
UIDS = {
    'admin': 2,                      # base.group_system + hp admin
    'member001@hp.example': 6,       # task 29 (done); insight 135
    'member002@hp.example': 7,       # no task, no insight
    'member003@hp.example': 8,       # task 28 (done); insights 15, 115
    'member095@hp.example': 100,     # tasks 85 (running), 98 (queued); insights 49, 157, 198
    'member159@hp.example': 164,     # tasks 66 (done), 89 (queued); insights 2, 10
    'coach014@hp.example': 259,      # tasks 84 (running), 86, 88 (queued)
    'merchant001@hp.example': 286,   # a merchant (member by implied group)
    'operator001@hp.example': 301,   # operator + group_hp_admin
    'operator002@hp.example': 302,   # plain operator (a member too)
}

ADMIN = 'admin'
M1 = 'member001@hp.example'
M2 = 'member002@hp.example'
M3 = 'member003@hp.example'
M95 = 'member095@hp.example'
M159 = 'member159@hp.example'
C14 = 'coach014@hp.example'
ME1 = 'merchant001@hp.example'
OP1 = 'operator001@hp.example'
OP2 = 'operator002@hp.example'

AM = 'hp.ai.model'
TK = 'hp.ai.generation.task'
IN = 'hp.ai.insight'

MODEL_FIELDS = ['name', 'provider', 'version', 'capability', 'active']
TASK_FIELDS = ['model_id', 'requester_id', 'task_type', 'prompt', 'result', 'state', 'error', 'finished_at']
# Tasks finished here are stamped finished_at = now: their reads leave it out.
TASK_STATE = ['model_id', 'requester_id', 'task_type', 'prompt', 'result', 'state', 'error']
INSIGHT_FIELDS = ['user_id', 'insight_type', 'summary', 'severity', 'generated_at', 'data']
INSIGHT_STATE = ['user_id', 'insight_type', 'summary', 'severity', 'data']


def first_of(name):
    """A create of a list answers a list of ids."""
    return lambda s: s[name][0]


# --------------------------------------------------------------------------------------------
# Pristine reads (category `ai`): nothing here writes, so they all run after one restore.

PRISTINE = [
    # hp.ai.model: members read, operators write
    rpc('models: search_read, default order (name, version)', ADMIN, AM, 'search_read', [[]], {'fields': MODEL_FIELDS}),
    rpc('models: read one, all fields', ADMIN, AM, 'read', [[2]]),
    rpc('models: read 5, 1 with display_name', ADMIN, AM, 'read', [[5, 1]], {'fields': MODEL_FIELDS + ['display_name']}),
    rpc('models: read_group by capability', ADMIN, AM, 'read_group', [[], [], ['capability']]),
    rpc('models: fields_get, every attribute', ADMIN, AM, 'fields_get', []),
    rpc('models: name_search Doc', ADMIN, AM, 'name_search', ['Doc']),
    rpc('models: provider in-house, ids', ADMIN, AM, 'search', [[['provider', '=', 'in-house']]]),
    rpc('models: with archived ones, count', ADMIN, AM, 'search_count', [[['active', 'in', [True, False]]]]),
    rpc('models as member001: search_read', M1, AM, 'search_read', [[['capability', 'in', ['content', 'insight']]]], {'fields': MODEL_FIELDS}),
    rpc('models as coach014: name_search Radar', C14, AM, 'name_search', ['Radar']),
    xml('models over XML-RPC as member003: read 3', M3, AM, 'read', [[3]], {'fields': MODEL_FIELDS}),
    kw('models: web_search_read (call_kw session, member095)', M95, AM, 'web_search_read', [[]], {'specification': {'name': {}, 'capability': {}, 'version': {}}}),

    # hp.ai.generation.task: a member (coaches, merchants and operators are members too) reads its own, operators all
    rpc('tasks: search_read, default order (id desc), limit 6', ADMIN, TK, 'search_read', [[]], {'fields': TASK_FIELDS, 'limit': 6}),
    rpc('tasks: search_count all', ADMIN, TK, 'search_count', [[]]),
    rpc('tasks: search_count queued', ADMIN, TK, 'search_count', [[['state', '=', 'queued']]]),
    rpc('tasks: read 84, 29, 71 in request order with display_name (the task type)', ADMIN, TK, 'read', [[84, 29, 71]], {'fields': TASK_FIELDS + ['display_name']}),
    rpc('tasks: read one, all fields', ADMIN, TK, 'read', [[1]]),
    rpc('tasks: read_group by state', ADMIN, TK, 'read_group', [[], [], ['state']]),
    rpc('tasks: read_group by task_type, state not lazy', ADMIN, TK, 'read_group', [[], [], ['task_type', 'state']], {'lazy': False}),
    rpc('tasks: read_group by model_id', ADMIN, TK, 'read_group', [[], [], ['model_id']]),
    rpc('tasks: read_group by finished_at:month', ADMIN, TK, 'read_group', [[['finished_at', '!=', False]], [], ['finished_at:month']]),
    rpc('tasks: fields_get, every attribute', ADMIN, TK, 'fields_get', []),
    rpc('tasks: name_search content (the selection), limit 5', ADMIN, TK, 'name_search', ['content'], {'limit': 5}),
    rpc('tasks: failed with their errors, order id', ADMIN, TK, 'search_read', [[['state', '=', 'failed']]], {'fields': ['requester_id', 'task_type', 'error'], 'order': 'id'}),
    rpc('tasks: prompt ilike glucose, limit 5', ADMIN, TK, 'search_read', [[['prompt', 'ilike', 'glucose']]], {'fields': ['prompt', 'state'], 'limit': 5, 'order': 'id'}),
    rpc('tasks: dotted model_id.provider = in-house, count', ADMIN, TK, 'search_count', [[['model_id.provider', '=', 'in-house']]]),
    rpc('tasks as member095: search_read (own only)', M95, TK, 'search_read', [[]], {'fields': TASK_FIELDS}),
    rpc('tasks as member095: read its own 98', M95, TK, 'read', [[98]], {'fields': TASK_FIELDS}),
    rpc("tasks as member095: read coach014's 86 -> AccessError (record rule)", M95, TK, 'read', [[86]], {'fields': TASK_FIELDS}),
    rpc("tasks as member095: read its own 85 and member159's 89 -> AccessError", M95, TK, 'read', [[85, 89]], {'fields': ['state']}),
    rpc('tasks as member095: search_count', M95, TK, 'search_count', [[]]),
    rpc('tasks as member095: read_group by state', M95, TK, 'read_group', [[], [], ['state']]),
    rpc('tasks as member095: name_search content', M95, TK, 'name_search', ['content']),
    rpc('tasks as member159: search 89 and 98 by id (only its own)', M159, TK, 'search', [[['id', 'in', [89, 98]]]]),
    rpc('tasks as member002: none', M2, TK, 'search_read', [[]], {'fields': ['state']}),
    rpc('tasks as coach014: its own (coaches are members)', C14, TK, 'search_read', [[]], {'fields': TASK_STATE}),
    rpc('tasks as merchant001: none (merchants are members)', ME1, TK, 'search_count', [[]]),
    rpc('tasks as operator002: search_count all (operator rule)', OP2, TK, 'search_count', [[]]),
    rpc('tasks as operator002: running', OP2, TK, 'search_read', [[['state', '=', 'running']]], {'fields': TASK_STATE}),
    xml('tasks over XML-RPC as member159: its own', M159, TK, 'search_read', [[]], {'fields': TASK_FIELDS}),
    xml("tasks over XML-RPC as member159: member095's 98 -> Fault 4", M159, TK, 'read', [[98]], {'fields': ['state']}),
    kw('tasks: web_search_read with the model (call_kw session, coach014)', C14, TK, 'web_search_read', [[]], {'specification': {'task_type': {}, 'state': {}, 'prompt': {}, 'model_id': {'fields': {'display_name': {}}}}, 'limit': 10, 'count_limit': 10001}),
    kw('tasks: web_read_group by state (call_kw session, operator002)', OP2, TK, 'web_read_group', [[], [], ['state']]),

    # hp.ai.insight: a member reads its own (no write), operators all
    rpc('insights: search_read, default order (generated_at desc, id desc), limit 6', ADMIN, IN, 'search_read', [[]], {'fields': INSIGHT_FIELDS, 'limit': 6}),
    rpc('insights: search_count all', ADMIN, IN, 'search_count', [[]]),
    rpc('insights: read 1, 2 with display_name (the insight type)', ADMIN, IN, 'read', [[1, 2]], {'fields': INSIGHT_FIELDS + ['display_name']}),
    rpc('insights: read one, all fields', ADMIN, IN, 'read', [[135]]),
    rpc('insights: read_group by insight_type, severity not lazy', ADMIN, IN, 'read_group', [[], [], ['insight_type', 'severity']], {'lazy': False}),
    rpc('insights: read_group by user_id, limit 5', ADMIN, IN, 'read_group', [[], [], ['user_id']], {'limit': 5}),
    rpc('insights: read_group by generated_at:month', ADMIN, IN, 'read_group', [[], [], ['generated_at:month']]),
    rpc('insights: fields_get, every attribute', ADMIN, IN, 'fields_get', []),
    rpc('insights: name_search anomaly, limit 5', ADMIN, IN, 'name_search', ['anomaly'], {'limit': 5}),
    rpc('insights: critical ones, summary ilike steps', ADMIN, IN, 'search_read', [[['severity', '=', 'critical'], ['summary', 'ilike', 'steps']]], {'fields': INSIGHT_FIELDS, 'order': 'id'}),
    rpc('insights as member001: search_read (own only)', M1, IN, 'search_read', [[]], {'fields': INSIGHT_FIELDS}),
    rpc("insights as member001: read member159's 2 -> AccessError (record rule)", M1, IN, 'read', [[2]], {'fields': INSIGHT_FIELDS}),
    rpc('insights as member095: read_group by insight_type', M95, IN, 'read_group', [[], [], ['insight_type']]),
    rpc('insights as member095: search_count', M95, IN, 'search_count', [[]]),
    rpc('insights as member095: name_search recommendation', M95, IN, 'name_search', ['recommendation']),
    rpc('insights as member003: search 15, 2 and 115 by id (only its own)', M3, IN, 'search', [[['id', 'in', [15, 2, 115]]]], {'order': 'id'}),
    rpc('insights as coach014: none', C14, IN, 'search_count', [[]]),
    rpc('insights as operator002: critical, limit 4', OP2, IN, 'search_read', [[['severity', '=', 'critical']]], {'fields': INSIGHT_FIELDS, 'limit': 4}),
    xml('insights over XML-RPC as member159: its own', M159, IN, 'search_read', [[]], {'fields': INSIGHT_FIELDS}),
    xml("insights over XML-RPC as member159: member001's 135 -> Fault 4", M159, IN, 'read', [[135]], {'fields': ['summary']}),
    kw('insights: web_search_read (call_kw session, member003)', M3, IN, 'web_search_read', [[]], {'specification': {'insight_type': {}, 'severity': {}, 'summary': {}, 'data': {}}, 'limit': 10, 'count_limit': 10001}),
]

# --------------------------------------------------------------------------------------------
# Sequences: each runs after its own restore.

SEQ_TASKS = [
    rpc('member095 creates a task', M95, TK, 'create', [{'model_id': 1, 'requester_id': 100, 'task_type': 'content', 'prompt': 'Golden prompt 写一段'}], save='t1'),
    rpc('read back with display_name (queued)', M95, TK, 'read', [[saved('t1')]], {'fields': TASK_FIELDS + ['display_name']}),
    rpc('member095 creates one for member159 -> AccessError (record rule)', M95, TK, 'create', [{'requester_id': 164, 'task_type': 'content'}]),
    rpc('member095 creates one without a requester -> AccessError (record rule)', M95, TK, 'create', [{'task_type': 'risk'}]),
    rpc('member095 creates one without a task type -> error (required)', M95, TK, 'create', [{'requester_id': 100}]),
    rpc('member095 creates one with an unknown task type', M95, TK, 'create', [{'requester_id': 100, 'task_type': 'poetry'}]),
    rpc('member095 runs its own task -> AccessError (members do not write tasks)', M95, TK, 'action_run', [[saved('t1')]]),
    rpc('member095 runs its running 85 -> UserError (the state check comes first)', M95, TK, 'action_run', [[85]]),
    rpc('member095 writes its prompt -> AccessError', M95, TK, 'write', [[saved('t1')], {'prompt': 'changed'}]),
    rpc('member095 unlinks it -> AccessError', M95, TK, 'unlink', [[saved('t1')]]),
    rpc("member095 runs coach014's 86 -> AccessError (record rule)", M95, TK, 'action_run', [[86]]),
    rpc('operator002 runs it', OP2, TK, 'action_run', [[saved('t1')]]),
    rpc('running', M95, TK, 'read', [[saved('t1')]], {'fields': TASK_STATE}),
    rpc('action_run again -> UserError', OP2, TK, 'action_run', [[saved('t1')]]),
    rpc('operator002 finishes it with a result (keyword)', OP2, TK, 'action_done', [[saved('t1')]], {'result': 'Generated text 生成'}),
    rpc('done, with its result', M95, TK, 'read', [[saved('t1')]], {'fields': TASK_STATE}),
    rpc('finished_at is set', M95, TK, 'search_count', [[['id', '=', saved('t1')], ['finished_at', '!=', False]]]),
    rpc('action_done again -> UserError', OP2, TK, 'action_done', [[saved('t1')]]),
    rpc('action_fail a done task -> UserError', OP2, TK, 'action_fail', [[saved('t1')]]),
    rpc('action_run a done task -> UserError', OP2, TK, 'action_run', [[saved('t1')]]),
    rpc('action_done a queued task (98) -> UserError', OP2, TK, 'action_done', [[98]]),
    rpc('operator002 fails the queued 86 with an error (positional)', OP2, TK, 'action_fail', [[86], 'quota exceeded']),
    rpc('operator002 fails the running 84 without an error', OP2, TK, 'action_fail', [[84]]),
    rpc('operator002 finishes the running 85 without a result', OP2, TK, 'action_done', [[85]]),
    rpc('states of 84, 85, 86', OP2, TK, 'read', [[84, 85, 86]], {'fields': TASK_STATE}),
    rpc('action_fail a failed task -> UserError', OP2, TK, 'action_fail', [[86]]),
    rpc('action_run two queued tasks (87, 89)', OP2, TK, 'action_run', [[87, 89]]),
    rpc('action_run a queued and a running task (90, 81) -> UserError', OP2, TK, 'action_run', [[90, 81]]),
    rpc('90 still queued', OP2, TK, 'read', [[90]], {'fields': ['state']}),
    rpc('action_done two running tasks with one result (87, 89)', OP2, TK, 'action_done', [[87, 89], 'same result']),
    rpc('action_fail on no task: True', OP2, TK, 'action_fail', [[]]),
    rpc('action_run on a task that does not exist -> MissingError', OP2, TK, 'action_run', [[999999]]),
    rpc('operator002 writes the prompt of 90 (operators write tasks)', OP2, TK, 'write', [[90], {'prompt': 'Edited by an operator'}]),
    rpc('operator002 writes the state of 90 directly', OP2, TK, 'write', [[90], {'state': 'done'}]),
    rpc('operator002 writes an unknown state', OP2, TK, 'write', [[90], {'state': 'paused'}]),
    rpc('operator002 creates a task for itself (operators are members)', OP2, TK, 'create', [{'requester_id': 302, 'task_type': 'risk'}], save='t_op'),
    rpc('operator002 unlinks a task -> AccessError (operators do not delete)', OP2, TK, 'unlink', [[saved('t_op')]]),
    rpc('coach014 creates a task with the defaults', C14, TK, 'create', [{'requester_id': 259, 'task_type': 'matching'}], save='t_c'),
    rpc('defaults read back', C14, TK, 'read', [[saved('t_c')]], {'fields': TASK_FIELDS}),
    rpc('coach014 fails its own task -> AccessError (members do not write)', C14, TK, 'action_fail', [[saved('t_c')]], {'error': 'x'}),
    rpc('member095 tasks after the sequence', M95, TK, 'search_read', [[]], {'fields': TASK_STATE}),
    rpc('member095 cannot see the coach task', M95, TK, 'search_count', [[['id', '=', saved('t_c')]]]),
    xml('member159 creates a task over XML-RPC', M159, TK, 'create', [{'model_id': 4, 'requester_id': 164, 'task_type': 'matching', 'prompt': 'XML 任务'}], save='t_x'),
    xml('member159 runs it over XML-RPC -> Fault 4', M159, TK, 'action_run', [[saved('t_x')]]),
    xml('operator001 runs it over XML-RPC', OP1, TK, 'action_run', [[saved('t_x')]]),
    xml('operator001 runs it again over XML-RPC -> Fault (UserError)', OP1, TK, 'action_run', [[saved('t_x')]]),
    kw('operator002 fails it through call_kw', OP2, TK, 'action_fail', [[saved('t_x')]], {'error': 'timeout 超时'}),
    kw('operator002 finishes it through call_kw -> UserError', OP2, TK, 'action_done', [[saved('t_x')]], {'result': 'late'}),
    kw('member159 reads it through call_kw', M159, TK, 'read', [[saved('t_x')]], {'fields': TASK_STATE}),
    rpc('tasks by state after the sequence', ADMIN, TK, 'read_group', [[], [], ['state']]),
    rpc('admin unlinks the operator task', ADMIN, TK, 'unlink', [[saved('t_op')]]),
    # hp.ai.model: operators write, admins delete; tasks keep no model (ondelete set null)
    rpc('operator002 creates a model', OP2, AM, 'create', [{'name': 'GoldenGen', 'provider': 'local', 'version': '0.1', 'capability': 'content'}], save='am1'),
    rpc('read back (active by default)', OP2, AM, 'read', [[saved('am1')]], {'fields': MODEL_FIELDS + ['display_name']}),
    rpc('operator002 creates one without a capability -> error (required)', OP2, AM, 'create', [{'name': 'NoCap'}]),
    rpc('operator002 archives model 2', OP2, AM, 'write', [[2], {'active': False}]),
    rpc('models now (archived left out)', OP2, AM, 'search_read', [[]], {'fields': ['name', 'active']}),
    rpc('operator002 unlinks -> AccessError (operators do not delete)', OP2, AM, 'unlink', [[saved('am1')]]),
    rpc('member001 creates a model -> AccessError', M1, AM, 'create', [{'name': 'x', 'capability': 'risk'}]),
    rpc('member001 writes a model -> AccessError', M1, AM, 'write', [[1], {'version': '9'}]),
    rpc('admin unlinks model 5 (RiskRadar)', ADMIN, AM, 'unlink', [[5]]),
    rpc('its tasks keep no model (ondelete set null)', ADMIN, TK, 'search_count', [[['model_id', '=', False]]]),
    rpc('task 2 after the unlink', ADMIN, TK, 'read', [[2]], {'fields': ['model_id', 'task_type']}),
]

SEQ_INSIGHTS = [
    rpc('admin creates an insight for member001 with data', ADMIN, IN, 'create', [{'user_id': 6, 'insight_type': 'trend', 'summary': 'Golden trend 趋势', 'severity': 'warning', 'generated_at': '2026-12-01 08:00:00', 'data': {'metric': 'steps', 'change_pct': -12.5, 'window_days': 14, 'points': [1, 2.5, None], 'note': '步数'}}], save='i1'),
    rpc('member001 reads it (own) with display_name', M1, IN, 'read', [[saved('i1')]], {'fields': INSIGHT_FIELDS + ['display_name']}),
    rpc('member002 reads it -> AccessError (record rule)', M2, IN, 'read', [[saved('i1')]], {'fields': ['summary']}),
    rpc('member001 writes its own -> AccessError (members read insights only)', M1, IN, 'write', [[saved('i1')], {'summary': 'x'}]),
    rpc('member001 creates one -> AccessError', M1, IN, 'create', [{'user_id': 6, 'insight_type': 'trend'}]),
    rpc('member001 unlinks its own -> AccessError', M1, IN, 'unlink', [[saved('i1')]]),
    rpc('operator002 creates one -> AccessError (operators read insights only)', OP2, IN, 'create', [{'user_id': 6, 'insight_type': 'anomaly'}]),
    rpc('operator002 writes one -> AccessError', OP2, IN, 'write', [[saved('i1')], {'severity': 'info'}]),
    rpc('operator002 reads it (operator rule)', OP2, IN, 'read', [[saved('i1')]], {'fields': INSIGHT_STATE}),
    rpc('admin writes a list as data', ADMIN, IN, 'write', [[saved('i1')], {'data': [{'k': 'v'}, None, 3, 'text', True]}]),
    rpc('read back', M1, IN, 'read', [[saved('i1')]], {'fields': ['data']}),
    rpc('admin writes a number as data', ADMIN, IN, 'write', [[saved('i1')], {'data': 42.5}]),
    rpc('read back', M1, IN, 'read', [[saved('i1')]], {'fields': ['data']}),
    rpc('admin writes a string as data', ADMIN, IN, 'write', [[saved('i1')], {'data': '字符串'}]),
    rpc('read back', M1, IN, 'read', [[saved('i1')]], {'fields': ['data']}),
    rpc('admin writes nested data', ADMIN, IN, 'write', [[saved('i1')], {'data': {'a': {'b': {'c': [[], {}]}}, 'empty': '', 'zero': 0, 'neg': -1}}]),
    rpc('read back', M1, IN, 'read', [[saved('i1')]], {'fields': ['data']}),
    rpc('admin clears data (False)', ADMIN, IN, 'write', [[saved('i1')], {'data': False}]),
    rpc('read back cleared', M1, IN, 'read', [[saved('i1')]], {'fields': ['data']}),
    rpc('admin writes an empty object as data', ADMIN, IN, 'write', [[saved('i1')], {'data': {}}]),
    rpc('read back the empty object', M1, IN, 'read', [[saved('i1')]], {'fields': ['data']}),
    rpc('admin creates one with the defaults (info, generated now)', ADMIN, IN, 'create', [{'user_id': 7, 'insight_type': 'anomaly'}], save='i2'),
    rpc('defaults read back without generated_at', M2, IN, 'read', [[saved('i2')]], {'fields': INSIGHT_STATE}),
    rpc('generated_at is set', M2, IN, 'search_count', [[['id', '=', saved('i2')], ['generated_at', '!=', False]]]),
    rpc('admin creates one with an unknown severity', ADMIN, IN, 'create', [{'user_id': 7, 'insight_type': 'trend', 'severity': 'fatal'}]),
    rpc('admin creates one without a type -> error (required)', ADMIN, IN, 'create', [{'user_id': 7}]),
    rpc('admin creates one without a user -> error (required)', ADMIN, IN, 'create', [{'insight_type': 'trend'}]),
    rpc('admin hands the first to member002', ADMIN, IN, 'write', [[saved('i1')], {'user_id': 7}]),
    rpc('member001 reads it now -> AccessError', M1, IN, 'read', [[saved('i1')]], {'fields': ['summary']}),
    rpc('member002 reads its insights now', M2, IN, 'search_read', [[]], {'fields': INSIGHT_STATE}),
    rpc('member002 read_group by severity', M2, IN, 'read_group', [[], [], ['severity']]),
    xml('admin creates an insight with data over XML-RPC', ADMIN, IN, 'create', [{'user_id': 8, 'insight_type': 'recommendation', 'summary': 'XML', 'generated_at': '2026-12-02 08:00:00', 'data': {'via': 'xmlrpc', 'n': [1, 2]}}], save='ix'),
    xml('member003 reads it over XML-RPC', M3, IN, 'read', [[saved('ix')]], {'fields': INSIGHT_FIELDS}),
    xml('member001 reads it over XML-RPC -> Fault 4', M1, IN, 'read', [[saved('ix')]], {'fields': ['summary']}),
    kw('member003 reads its insights through call_kw', M3, IN, 'search_read', [[]], {'fields': INSIGHT_FIELDS}),
    kw('admin writes data through call_kw', ADMIN, IN, 'write', [[saved('ix')], {'data': {'via': 'call_kw'}}]),
    kw('member003 reads it through call_kw', M3, IN, 'read', [[saved('ix')]], {'fields': ['data']}),
    rpc('admin unlinks the first', ADMIN, IN, 'unlink', [[saved('i1')]]),
    rpc('insights by insight_type after the sequence', ADMIN, IN, 'read_group', [[], [], ['insight_type']]),
]

BLOCKS = [
    ('pristine', 'ai', PRISTINE),
    ('seq_tasks', None, SEQ_TASKS),
    ('seq_insights', None, SEQ_INSIGHTS),
]


if __name__ == '__main__':
    main(__doc__, BLOCKS, UIDS, 'fixtures/hp-legacy-golden-ai.jsonl')
