#!/usr/bin/env python3
"""Differential testing of Ficus against a real Odoo 18 (a development oracle, never a test dependency).

Sends the SAME well-formed requests to a real Odoo and to Ficus, both serving fresh copies of the same
databases (`odoo_ref` from fixtures/odoo_ref.sql.gz and `hp_legacy` from fixtures/hp_legacy.sql.gz),
normalises the answers as the golden replayer does (test/support/golden/replay_golden.py: volatile
paths, error texts it relaxes; PostgreSQL errors without their `LINE n:` excerpt of the server's own
SQL) and prints the differences grouped by rule (category, the generator's
rule key and the first differing path).

The requests are generated from what the oracle says about itself (ir.model, fields_get and a sample
record per model), never from Ficus's fixtures:
  meta      every model's fields_get (all attributes), default_get, name_search (operators, limits)
  domain    search with every operator on one field of every type of a set of models (=, !=, <, >,
            like, ilike, =like, =ilike, not like, not ilike, in, not in, =?, child_of, parent_of, any,
            not any, dotted paths, False/None, empty lists) and order strings
  group     read_group with every aggregate and date granularity, lazy and not
  write     sequences of creates, writes, copies and unlinks with every field type, x2many commands,
            missing records, recursion and access errors (each group after a reset of both sides)
  protocol  XML-RPC faults, JSON-RPC error shapes, session routes, malformed bodies

The two sides (development only; nothing in CI runs them):
  Odoo   odoo-bin with --addons-path <odoo>/odoo/addons,<odoo>/addons,fixtures/legacy-addons, serving
         `odoo_ref` and `hp_legacy` restored from the dumps (see ../shared/notes/real-odoo.md);
  Ficus  node --import tsx bench/differential/ficus-server.ts PORT postgres://USER:PW@HOST:PORT/ \
           odoo_ref=<copy of odoo_ref>:<its filestore> hp_legacy=<copy of hp_legacy>:<its filestore>
         (the full ORM engine behind a gateway, as the tests wire it).
--oracle-reset / --ficus-reset are shell commands that put both sides' databases back to pristine
before each write group.

Usage:
  scripts/differential-odoo.py --odoo http://127.0.0.1:8579 --ficus http://127.0.0.1:8670 \
      [--db odoo_ref --db hp_legacy] [--only meta,domain,...] [--oracle-reset CMD --ficus-reset CMD] \
      [--show N] [--json OUT] [--record FILE] [--calls CALLS.json]
--calls runs only the calls listed in a JSON file (how test fixtures are made: see
test/odoo-bridge/orm/differential-recorded.db.test.ts). --record writes the oracle's answers of the
selected cases as golden-format lines (id, title,
db_state pristine, user, transport, request, response, volatile), the fixture format the replayer and
the tests read: that is how a recorded expectation becomes a test fixture.
"""
import argparse
import collections
import copy
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'test', 'support', 'golden'))
from replay_golden import Client, normalise  # noqa: E402

ADMIN = {'login': 'admin', 'password': 'admin'}
VOLATILE_KEYS = {'create_date', 'write_date', '__last_update', 'login_date', 'date', 'debug', 'session_id',
                 'cache_hashes', 'storeData', 'server_version', 'date_order', 'write_uid', 'create_uid'}


class Case(dict):
    """A golden-format case plus the rule it exercises (`rule`: category/key for grouping)."""


def jsonrpc(db, model, method, args, kwargs=None, user=ADMIN):
    return {'path': '/jsonrpc', 'body': {'jsonrpc': '2.0', 'method': 'call', 'params': {
        'service': 'object', 'method': 'execute_kw',
        'args': [db, 2 if user is ADMIN else user['uid'], user['password'], model, method, args, kwargs or {}]}, 'id': 1}}


def kw_case(db, rule, title, model, method, args, kwargs=None, user=ADMIN):
    return Case(id=f'{rule}', rule=rule, title=title, db=db, db_state='pristine', user=user, transport='jsonrpc',
                request=jsonrpc(db, model, method, args, kwargs, user), volatile=[])


# ---------------------------------------------------------------- discovery (asked of the oracle)

class Oracle:
    def __init__(self, base, db):
        import xmlrpc.client
        self.db = db
        self.proxy = xmlrpc.client.ServerProxy(f'{base}/xmlrpc/2/object', allow_none=True)
        self.uid = xmlrpc.client.ServerProxy(f'{base}/xmlrpc/2/common').login(db, 'admin', 'admin')

    def call(self, model, method, *args, **kwargs):
        return self.proxy.execute_kw(self.db, self.uid, 'admin', model, method, list(args), kwargs)


HP_SAMPLES = 12
VALUES_PER_OPERATOR = 2
# Set by --quick: a smaller sample that runs in minutes on a loaded machine.
QUICK = False
SAMPLE_MODELS = ['res.partner', 'res.users', 'res.partner.category', 'res.company', 'res.country', 'res.currency',
                 'product.template', 'product.product', 'product.category', 'sale.order', 'sale.order.line',
                 'account.move', 'account.account', 'account.journal', 'crm.lead', 'project.task', 'hr.employee',
                 'mail.message', 'ir.attachment', 'res.groups', 'ir.model.fields', 'res.country.state']


def discover(oracle):
    models = [m['model'] for m in oracle.call('ir.model', 'search_read', [['transient', '=', False]], fields=['model'], order='model')]
    # hp_legacy's own models: the first HP_SAMPLES in name order keep a run under half an hour.
    samples = [m for m in SAMPLE_MODELS if m in models and m not in SLOW_ON_FICUS] + sorted(m for m in models if m.startswith('hp.'))[:4 if QUICK else HP_SAMPLES]
    metas = {}
    for model in samples:
        fields = oracle.call(model, 'fields_get', attributes=['type', 'relation', 'store', 'selection', 'relation_field', 'size', 'related'])
        ids = oracle.call(model, 'search', [], limit=3, order='id')
        stored = [f for f, m in fields.items() if m.get('store') and m['type'] not in ('binary',)]
        rows = oracle.call(model, 'read', ids, stored) if ids else []
        metas[model] = {'fields': fields, 'rows': rows}
    return models, metas


# ---------------------------------------------------------------- generators

def gen_meta(db, models, metas):
    cases = []
    for model in (list(metas) if QUICK else models):
        cases.append(kw_case(db, f'meta/fields_get/{model}', f'{model} fields_get', model, 'fields_get', []))
    for model in metas:
        cases.append(kw_case(db, f'meta/default_get/{model}', f'{model} default_get all fields', model, 'default_get',
                             [sorted(metas[model]['fields'])]))
        for op in ('ilike', '=', 'not ilike', '!=', '=ilike', 'like', 'not like'):
            sample = first_name(metas[model]['rows'])
            for name in ('', sample[:3] if sample else 'a'):
                cases.append(kw_case(db, f'meta/name_search/{op}/{model}/{name!r}', f'{model} name_search {op} {name!r}',
                                     model, 'name_search', [], {'name': name, 'operator': op, 'limit': 8}))
        cases.append(kw_case(db, f'meta/name_search/limit0/{model}', f'{model} name_search limit 0', model, 'name_search', [],
                             {'name': '', 'limit': 0}))
    return cases


def first_name(rows):
    for row in rows:
        name = row.get('display_name') or row.get('name')
        if isinstance(name, str) and name:
            return name
    return ''


def sample_value(rows, field):
    for row in rows:
        value = row.get(field)
        if value not in (False, None, [], ''):
            return value
    return None


OPS_BY_TYPE = {
    'char': ['=', '!=', 'like', 'ilike', '=like', '=ilike', 'not like', 'not ilike', 'in', 'not in', '=?', '<', '>'],
    'text': ['=', '!=', 'ilike', 'not ilike', '=like', 'in', 'not in'],
    'html': ['=', '!=', 'ilike', 'not ilike'],
    'integer': ['=', '!=', '<', '>', '<=', '>=', 'in', 'not in', '=?'],
    'float': ['=', '!=', '<', '>', '<=', '>=', 'in', 'not in'],
    'monetary': ['=', '!=', '<', '>', 'in'],
    'boolean': ['=', '!=', 'in', 'not in'],
    'date': ['=', '!=', '<', '>', '<=', '>=', 'in'],
    'datetime': ['=', '!=', '<', '>', '<=', '>=', 'in'],
    'selection': ['=', '!=', 'in', 'not in', 'ilike', 'like', '<', '>'],
    'many2one': ['=', '!=', 'in', 'not in', 'child_of', 'parent_of', 'ilike', 'not ilike', 'any', 'not any', '=like', 'like'],
    'one2many': ['=', '!=', 'in', 'not in', 'ilike', 'not ilike', 'any', 'not any', 'child_of'],
    'many2many': ['=', '!=', 'in', 'not in', 'ilike', 'not ilike', 'any', 'not any', 'child_of', 'parent_of'],
}


def values_for(ftype, op, value):
    """The right-hand sides a client sends for this operator: a sample value, False, None, edge values."""
    if op in ('in', 'not in'):
        if ftype in ('many2one', 'one2many', 'many2many'):
            ids = value if isinstance(value, list) else [value[0]] if isinstance(value, list) else []
            return [ids[:2] if isinstance(ids, list) else [], [], [False], [ids[0] if ids else 1, False]]
        return [[value] if value is not None else [], [], [False], [value, False] if value is not None else [False, None]]
    if op in ('any', 'not any'):
        return [[['id', '!=', False]], [], [['name', 'ilike', 'a']], [['id', '=', 0]]]
    if op in ('child_of', 'parent_of'):
        return [1, [1, 3], [], False, 'a']
    if op in ('like', 'ilike', 'not like', 'not ilike', '=like', '=ilike'):
        text = value[1] if isinstance(value, list) and len(value) == 2 and isinstance(value[1], str) else value
        text = text if isinstance(text, str) else str(text) if value is not None else 'a'
        return [text[:4], '%' + text[1:3] + '%', '', False, text[:2].upper(), '_' + text[1:3] + '%']
    if op == '=?':
        return [False, None, value if value is not None else 1]
    # = != < > <= >=
    if ftype in ('many2one',):
        rid = value[0] if isinstance(value, list) else value
        return [rid, False, None, str(first := (value[1] if isinstance(value, list) else 'a'))[:5], [rid] if rid else []]
    if ftype in ('one2many', 'many2many'):
        rid = value[0] if isinstance(value, list) and value else 1
        return [rid, False, [rid], []]
    if ftype == 'boolean':
        return [True, False, None]
    if ftype == 'date':
        return [value or '2024-01-01', '2024-01-01', '2024-01-01 10:00:00', False]
    if ftype == 'datetime':
        return [value or '2024-01-01 00:00:00', '2024-01-01', '2024-06-01 12:30:00', False]
    if ftype in ('integer', 'float', 'monetary'):
        return [value if value is not None else 0, 0, -1, False, 1.5]
    return [value, False, None, '']


def gen_domain(db, metas):
    cases = []
    for model, meta in metas.items():
        if model in GROUP_SKIP:
            continue
        fields, rows = meta['fields'], meta['rows']
        by_type = collections.defaultdict(list)
        for name, f in sorted(fields.items()):
            if f.get('store') or f['type'] in ('one2many', 'many2many'):
                by_type[f['type']].append(name)
        for ftype, names in by_type.items():
            for name in names[:1]:
                value = sample_value(rows, name)
                for op in OPS_BY_TYPE.get(ftype, []):
                    for i, rhs in enumerate(values_for(ftype, op, value)[:1 if QUICK else VALUES_PER_OPERATOR]):
                        rule = f'domain/{ftype}/{op}'
                        cases.append(kw_case(db, f'{rule}/{model}.{name}/{i}', f'{model} {name} {op} {rhs!r}', model,
                                             'search', [[[name, op, rhs]]], {'order': 'id'}))
        # char(size): values are cut to the size before a non-wildcard comparison (_String.convert_to_cache)
        for name, f in sorted(fields.items()):
            if f['type'] == 'char' and f.get('size') and f.get('store'):
                value = sample_value(rows, name) or 'ab'
                longer = str(value) + 'ZZ'
                for op, rhs in (('=', longer), ('!=', longer), ('in', [longer]), ('not in', [longer, False]), ('=like', '%' + str(value)[-1:] + '%'),
                                ('=ilike', longer.lower()), ('<', longer), ('>=', longer), ('in', ['']), ('not in', [''])):
                    cases.append(kw_case(db, f'domain/char-size/{op}/{model}.{name}/{rhs!r}', f'{model} {name} (size {f["size"]}) {op} {rhs!r}', model,
                                         'search', [[[name, op, rhs]]], {'order': 'id'}))
                break
        # non-stored related fields (fields.py _search_related): null and negated leaves
        for name, f in sorted(fields.items()):
            if not f.get('store') and isinstance(f.get('related'), str) and '.' in f['related'] and f['type'] in ('char', 'many2one', 'selection', 'integer', 'boolean'):
                value = sample_value(rows, name)
                value = value[0] if isinstance(value, list) else value
                for op, rhs in (('=', False), ('!=', False), ('!=', value), ('not in', [value]), ('in', [value, False]), ('not ilike', 'a'), ('ilike', 'a')):
                    if op.endswith('like') and f['type'] not in ('char', 'many2one'):
                        continue
                    cases.append(kw_case(db, f'domain/related/{op}/{model}.{name}/{rhs!r}', f'{model} {name} (related {f["related"]}) {op} {rhs!r}', model,
                                         'search', [[[name, op, rhs]]], {'order': 'id'}))
                break
        # dotted paths through a many2one and an x2many
        for name, f in sorted(fields.items()):
            if f['type'] in ('many2one', 'many2many', 'one2many') and f.get('relation') in ('res.partner', 'res.users', 'res.company', 'res.country', 'product.product'):
                for op, rhs in (('ilike', 'a'), ('=', False), ('!=', False), ('not ilike', 'a'), ('in', [1, 2])):
                    sub = 'id' if op == 'in' else 'name'
                    cases.append(kw_case(db, f'domain/dotted/{f["type"]}/{op}/{model}.{name}', f'{model} {name}.{sub} {op}', model,
                                         'search', [[[f'{name}.{sub}', op, rhs]]], {'order': 'id'}))
                break
        # order strings
        sortable = [n for n, f in sorted(fields.items()) if f.get('store') and f['type'] not in ('one2many', 'many2many', 'binary', 'html', 'text', 'json', 'properties')]
        m2o = [n for n in sortable if fields[n]['type'] == 'many2one']
        orders = ['', 'id desc', 'name, id desc', 'name desc nulls last, id', 'name asc nulls first, id']
        orders += [f'{n} desc, id' for n in m2o[:3]] + [f'{n}, id' for n in m2o[:3]]
        orders += [f'{n} desc, id' for n in sortable if fields[n]['type'] in ('date', 'datetime', 'selection', 'boolean', 'float', 'char')][:5]
        for order in orders:
            if 'name' in order and 'name' not in fields:
                continue
            cases.append(kw_case(db, f'domain/order/{model}/{order}', f'{model} order {order!r}', model, 'search', [[]], {'order': order, 'limit': 40}))
        # composite domains and edge syntax
        for i, dom in enumerate([['!', ['id', '=', 1]], ['|', ['id', '=', 1], ['id', '=', 2]], [], [(1, '=', 1)], [(0, '=', 1)],
                                 ['&', '!', ['id', 'in', []], ['id', '!=', False]], [['id', 'in', []]], [['id', 'not in', []]]]):
            cases.append(kw_case(db, f'domain/syntax/{i}/{model}', f'{model} domain {dom!r}', model, 'search_count', [dom]))
    return cases


# ir.attachment's read_group takes Ficus minutes on odoo_ref (its access CASE over every model): a
# performance finding of its own, left out so that one model does not stall the whole comparison.
# Its searches and name_search take Ficus 10-30 s each as well (same access CASE): left out of the
# samples altogether (fields_get still covers it).
GROUP_SKIP = SLOW_ON_FICUS = {'ir.attachment'}


def gen_group(db, metas):
    cases = []
    for model, meta in metas.items():
        if model in GROUP_SKIP:
            continue
        fields = meta['fields']
        stored = {n: f for n, f in fields.items() if f.get('store')}
        numeric = [n for n, f in sorted(stored.items()) if f['type'] in ('integer', 'float', 'monetary') and n != 'id'][:3]
        aggs = ['__count'] + [f'{n}:{a}' for n in numeric[:2] for a in ('sum', 'avg', 'min', 'max', 'count', 'count_distinct', 'array_agg')]
        if 'id' in fields:
            aggs += ['id:count', 'id:array_agg']
        groupbys = []
        for n, f in sorted(stored.items()):
            if f['type'] in ('date', 'datetime'):
                groupbys += [f'{n}:{g}' for g in ('day', 'week', 'month', 'quarter', 'year')] + [n]
            elif f['type'] in ('many2one', 'selection', 'boolean', 'char', 'integer') and n not in ('id',):
                groupbys.append(n)
        groupbys = groupbys[:4 if QUICK else 10]
        # Odoo 18 groups by a stored many2many (one group per related record, plus False): kept
        # past the cut above, which the model's many scalar fields would otherwise always fill.
        for n, f in sorted(fields.items()):
            if f['type'] == 'many2many' and f.get('store'):
                groupbys.append(n)
                break
        for gb in groupbys:
            for lazy in (True, False):
                cases.append(kw_case(db, f'group/{gb.split(":")[-1] if ":" in gb else fields[gb]["type"]}/{model}.{gb}/lazy={lazy}',
                                     f'{model} read_group {gb} lazy={lazy}', model, 'read_group', [[], aggs[:6], [gb]],
                                     {'lazy': lazy, 'orderby': ''}))
        for agg in aggs:
            cases.append(kw_case(db, f'group/aggregate/{agg.split(":")[-1]}/{model}.{agg}', f'{model} read_group {agg}',
                                 model, 'read_group', [[], [agg], []], {}))
        dates = [n for n, f in sorted(stored.items()) if f['type'] in ('date', 'datetime')]
        if dates:
            for tz in ('Europe/Brussels', 'America/New_York'):
                gb = f'{dates[0]}:week'
                cases.append(kw_case(db, f'group/tz/{model}.{gb}/{tz}', f'{model} read_group {gb} tz {tz}', model, 'read_group',
                                     [[], ['__count'], [gb]], {'lazy': False, 'context': {'tz': tz}}))
    return cases


def gen_protocol(db):
    cases = []
    def session(rule, title, path, body=None, raw=None, method='POST', ctype='application/json', login=None, unordered=()):
        req = {'path': path, 'http_method': method, 'content_type': ctype}
        if body is not None:
            req['body'] = body
        if raw is not None:
            req['raw_body'] = raw
        if login:
            req['session_login'] = login
        cases.append(Case(id=rule, rule=rule, title=title, db=db, db_state='pristine', user=ADMIN if login else None,
                          transport='session', request=req, volatile=[], unordered=list(unordered)))
    def xml(rule, title, path, method, params):
        import xmlrpc.client
        raw = xmlrpc.client.dumps(tuple(params), method, allow_none=True)
        cases.append(Case(id=rule, rule=rule, title=title, db=db, db_state='pristine', user=None, transport='xmlrpc',
                          request={'path': path, 'method': method, 'params': params, 'raw_xml': raw}, volatile=[]))
    def rpc(rule, title, service, method, args):
        cases.append(Case(id=rule, rule=rule, title=title, db=db, db_state='pristine', user=None, transport='jsonrpc',
                          request={'path': '/jsonrpc', 'body': {'jsonrpc': '2.0', 'method': 'call', 'params': {'service': service, 'method': method, 'args': args}, 'id': 7}}, volatile=[]))
    xml('protocol/xmlrpc/unknown-service', 'XML-RPC to an unknown service', '/xmlrpc/2/nothing', 'version', [])
    xml('protocol/xmlrpc/unknown-method', 'XML-RPC unknown common method', '/xmlrpc/2/common', 'nothing', [])
    xml('protocol/xmlrpc/login-empty-password', 'common.login empty password', '/xmlrpc/2/common', 'login', [db, 'admin', ''])
    xml('protocol/xmlrpc/login-bad-db', 'common.login unknown db', '/xmlrpc/2/common', 'login', ['nope', 'admin', 'admin'])
    xml('protocol/xmlrpc/authenticate', 'common.authenticate', '/xmlrpc/2/common', 'authenticate', [db, 'admin', 'admin', {}])
    xml('protocol/xmlrpc/object-unknown-model', 'execute_kw unknown model', '/xmlrpc/2/object', 'execute_kw', [db, 2, 'admin', 'no.such.model', 'search', [[]]])
    xml('protocol/xmlrpc/object-unknown-method', 'execute_kw unknown method', '/xmlrpc/2/object', 'execute_kw', [db, 2, 'admin', 'res.partner', 'no_such_method', [[]]])
    xml('protocol/xmlrpc/object-private-method', 'execute_kw private method', '/xmlrpc/2/object', 'execute_kw', [db, 2, 'admin', 'res.partner', '_read', [[1]]])
    xml('protocol/xmlrpc/object-bad-password', 'execute_kw wrong password', '/xmlrpc/2/object', 'execute_kw', [db, 2, 'wrong', 'res.partner', 'search', [[]]])
    xml('protocol/xmlrpc/object-missing-read', 'read a missing id', '/xmlrpc/2/object', 'execute_kw', [db, 2, 'admin', 'res.partner', 'read', [[999999]], {'fields': ['name']}])
    xml('protocol/xmlrpc/object-execute', 'object.execute', '/xmlrpc/2/object', 'execute', [db, 2, 'admin', 'res.partner', 'search_count', []])
    xml('protocol/xmlrpc/db-list-lang', 'db.list_lang', '/xmlrpc/2/db', 'list_lang', [])
    xml('protocol/xmlrpc/db-server-version', 'db.server_version', '/xmlrpc/2/db', 'server_version', [])
    xml('protocol/xmlrpc/db-exist', 'db.db_exist', '/xmlrpc/2/db', 'db_exist', [db])
    xml('protocol/xmlrpc/db-list', 'db.list', '/xmlrpc/2/db', 'list', [])
    xml('protocol/xmlrpc/legacy-common', 'legacy /xmlrpc/common version', '/xmlrpc/common', 'version', [])
    xml('protocol/xmlrpc/legacy-object-fault', 'legacy /xmlrpc/object fault', '/xmlrpc/object', 'execute_kw', [db, 2, 'admin', 'res.partner', 'read', [[999999]]])
    xml('protocol/xmlrpc/bad-args-type', 'execute_kw args not a list', '/xmlrpc/2/object', 'execute_kw', [db, 2, 'admin', 'res.partner', 'search', 'x'])
    xml('protocol/xmlrpc/create-validation', 'create without required name', '/xmlrpc/2/object', 'execute_kw', [db, 2, 'admin', 'res.partner.category', 'create', [{}]])
    session('protocol/http/get-xmlrpc', 'GET on an XML-RPC path', '/xmlrpc/2/common', method='GET', ctype='')
    session('protocol/http/get-jsonrpc', 'GET on /jsonrpc', '/jsonrpc', method='GET', ctype='')
    session('protocol/http/callkw-malformed', 'malformed JSON on call_kw', '/web/dataset/call_kw', raw='{"jsonrpc": "2.0", "params": {', login='admin')
    session('protocol/http/callkw-not-object', 'JSON array body on call_kw', '/web/dataset/call_kw', raw='[1,2]', login='admin')
    session('protocol/http/callkw-unknown-model', 'call_kw unknown model', '/web/dataset/call_kw/x.y/search',
            body={'jsonrpc': '2.0', 'method': 'call', 'params': {'model': 'x.y', 'method': 'search', 'args': [[]], 'kwargs': {}}, 'id': 3}, login='admin')
    session('protocol/http/callkw-no-session', 'call_kw without session', '/web/dataset/call_kw',
            body={'jsonrpc': '2.0', 'method': 'call', 'params': {'model': 'res.partner', 'method': 'search', 'args': [[]], 'kwargs': {}}, 'id': 3})
    session('protocol/http/check-field-access', 'check_field_access_rights', '/web/dataset/call_kw',
            body={'jsonrpc': '2.0', 'method': 'call', 'params': {'model': 'res.partner', 'method': 'check_field_access_rights', 'args': ['read', ['name', 'email']], 'kwargs': {}}, 'id': 3}, login='admin')
    session('protocol/http/check-access-rights', 'check_access_rights', '/web/dataset/call_kw',
            body={'jsonrpc': '2.0', 'method': 'call', 'params': {'model': 'res.partner', 'method': 'check_access_rights', 'args': ['write'], 'kwargs': {'raise_exception': False}}, 'id': 3}, login='admin')
    session('protocol/http/version-info', 'version_info', '/web/webclient/version_info', body={'jsonrpc': '2.0', 'method': 'call', 'params': {}, 'id': 1})
    # registry._init_modules is a Python set: its order changes with each process's hash seed.
    session('protocol/http/session-modules', 'session modules', '/web/session/modules', body={'jsonrpc': '2.0', 'method': 'call', 'params': {}, 'id': 1}, login='admin',
            unordered=['/response/body/result'])
    # No session and more than one database: Odoo matches only auth='none' routes (nodb routing map).
    session('protocol/http/session-info-no-session', 'get_session_info without session', '/web/session/get_session_info', body={'jsonrpc': '2.0', 'method': 'call', 'params': {}, 'id': 1})
    session('protocol/http/web-database-list', '/web/database/list', '/web/database/list', body={'jsonrpc': '2.0', 'method': 'call', 'params': {}, 'id': 1})
    session('protocol/http/json2-no-auth', 'json/2 without bearer', '/json/2/res.partner/search', body={'domain': []})
    rpc('protocol/jsonrpc/unknown-service', 'JSON-RPC unknown service', 'nothing', 'version', [])
    rpc('protocol/jsonrpc/unknown-method', 'JSON-RPC unknown common method', 'common', 'nothing', [])
    rpc('protocol/jsonrpc/login-empty', 'JSON-RPC login empty password', 'common', 'login', [db, 'admin', ''])
    rpc('protocol/jsonrpc/list-lang', 'JSON-RPC db.list_lang', 'db', 'list_lang', [])
    rpc('protocol/jsonrpc/list-countries', 'JSON-RPC db.list_countries', 'db', 'list_countries', [])
    # Every master-password method of service/db.py: params[0] is read before the password is checked.
    for method in ('drop', 'dump', 'rename', 'change_admin_password', 'create_database', 'duplicate_database', 'restore', 'migrate_databases'):
        rpc(f'protocol/jsonrpc/db-{method}-no-params', f'JSON-RPC db.{method} without parameters', 'db', method, [])
        rpc(f'protocol/jsonrpc/db-{method}-bad-password', f'JSON-RPC db.{method} wrong master password', 'db', method, ['not-the-master-password', 'x'])
    rpc('protocol/jsonrpc/about', 'JSON-RPC common.about', 'common', 'about', [])
    rpc('protocol/jsonrpc/bad-arity', 'JSON-RPC execute_kw too few args', 'object', 'execute_kw', [db, 2, 'admin'])
    rpc('protocol/jsonrpc/kwargs-unknown', 'execute_kw unexpected kwarg', 'object', 'execute_kw', [db, 2, 'admin', 'res.partner', 'search', [[]], {'bogus': 1}])
    rpc('protocol/jsonrpc/search-bad-domain', 'execute_kw bad domain', 'object', 'execute_kw', [db, 2, 'admin', 'res.partner', 'search', [[['nope', '=', 1]]]])
    rpc('protocol/jsonrpc/search-bad-operator', 'execute_kw bad operator', 'object', 'execute_kw', [db, 2, 'admin', 'res.partner', 'search', [[['name', 'nope', 1]]]])
    rpc('protocol/jsonrpc/order-bad', 'execute_kw bad order', 'object', 'execute_kw', [db, 2, 'admin', 'res.partner', 'search', [[]], {'order': 'nope desc'}])
    rpc('protocol/jsonrpc/order-injection', 'execute_kw order injection', 'object', 'execute_kw', [db, 2, 'admin', 'res.partner', 'search', [[]], {'order': 'id; select 1'}])
    rpc('protocol/jsonrpc/read-missing-field', 'read unknown field', 'object', 'execute_kw', [db, 2, 'admin', 'res.partner', 'read', [[1]], {'fields': ['nope']}])
    return cases


# ---------------------------------------------------------------- write sequences

def gen_writes(db, metas):
    """Groups of steps; each group runs after a reset of both sides, its steps in order."""
    groups = []
    def group(name, steps):
        cases = []
        for i, (title, model, method, args, kwargs) in enumerate(steps):
            c = kw_case(db, f'write/{name}/{i:02d}', title, model, method, args, kwargs)
            c['db_state'] = f'{name}#{i}'
            cases.append(c)
        groups.append((name, cases))
    partner_read = ['name', 'email', 'phone', 'is_company', 'type', 'parent_id', 'category_id', 'child_ids', 'active',
                    'customer_rank', 'supplier_rank', 'lang', 'tz', 'comment', 'date', 'color', 'company_id', 'country_id',
                    'commercial_partner_id', 'display_name', 'email_normalized', 'phone_sanitized', 'contact_address',
                    'complete_name', 'employee', 'function', 'website', 'ref', 'barcode']
    group('partner', [
        ('create partner all types', 'res.partner', 'create', [{'name': 'Diff Co', 'is_company': True, 'email': ' Diff@Example.COM ', 'phone': '+32 475 12 34 56',
                                                              'comment': '<p>hi</p>', 'date': '2024-02-29', 'color': 3, 'category_id': [(6, 0, [1, 2])] if db == 'odoo_ref' else [],
                                                              'website': 'example.com', 'ref': 'R1'}], {}),
        ('read created', 'res.partner', 'search_read', [[['name', '=', 'Diff Co']]], {'fields': partner_read}),
        ('create child', 'res.partner', 'create', [{'name': 'Diff Child', 'parent_id': False, 'type': 'invoice'}], {}),
        ('write parent via search', 'res.partner', 'search', [[['name', 'like', 'Diff%']]], {'order': 'id'}),
        ('write email', 'res.partner', 'write', [[3], {'email': 'X@Y.org'}], {}),
        ('write missing id', 'res.partner', 'write', [[999999], {'name': 'x'}], {}),
        ('unlink missing id', 'res.partner', 'unlink', [[999999]], {}),
        ('read missing id', 'res.partner', 'read', [[999999]], {'fields': ['name']}),
        ('copy partner', 'res.partner', 'copy', [3], {}),
        ('copy with default', 'res.partner', 'copy', [3, {'name': 'Copied'}], {}),
        ('read after copy', 'res.partner', 'search_read', [[['name', 'in', ['Copied', 'Administrator (copy)', 'YourCompany (copy)']]]], {'fields': partner_read}),
        ('x2many commands', 'res.partner', 'write', [[3], {'category_id': [(4, 1), (4, 2), (3, 1), (0, 0, {'name': 'NewTag'})]}], {}),
        ('x2many clear + link', 'res.partner', 'write', [[3], {'category_id': [(5,), (4, 2)]}], {}),
        ('read tags', 'res.partner', 'read', [[3], ['category_id']], {}),
        ('bad selection', 'res.partner', 'write', [[3], {'type': 'nope'}], {}),
        ('bad date', 'res.partner', 'write', [[3], {'date': 'not a date'}], {}),
        ('unknown field', 'res.partner', 'write', [[3], {'nope': 1}], {}),
        ('create many', 'res.partner', 'create', [[{'name': 'A1'}, {'name': 'A2', 'email': 'a2@x.com'}]], {}),
        ('unlink created', 'res.partner', 'unlink', [[]], {}),
        ('read created rows', 'res.partner', 'search_read', [[['name', 'in', ['A1', 'A2']]]], {'fields': partner_read}),
    ])
    group('category', [
        ('create category', 'res.partner.category', 'create', [{'name': 'Root'}], {}),
        ('create child category', 'res.partner.category', 'create', [{'name': 'Leaf', 'parent_id': 1}], {}),
        ('recursion by parent', 'res.partner.category', 'write', [[1], {'parent_id': 1}], {}),
        ('recursion via child_ids', 'res.partner.category', 'write', [[1], {'child_ids': [(4, 1)]}], {}),
        ('read hierarchy', 'res.partner.category', 'search_read', [[]], {'fields': ['name', 'parent_id', 'child_ids', 'complete_name', 'parent_path'], 'order': 'id'}),
        ('unlink category', 'res.partner.category', 'unlink', [[1]], {}),
        ('unlink missing category', 'res.partner.category', 'unlink', [[99999]], {}),
        ('write missing category', 'res.partner.category', 'write', [[99999], {'name': 'x'}], {}),
    ])
    # every sample model: write and unlink of a missing record, copy of a missing record
    missing = []
    for model in metas:
        missing.append((f'{model} write missing', model, 'write', [[9999999], {}], {}))
        missing.append((f'{model} unlink missing', model, 'unlink', [[9999999]], {}))
        missing.append((f'{model} read missing', model, 'read', [[9999999]], {'fields': ['id']}))
    group('missing', missing)
    return groups


# ---------------------------------------------------------------- comparison

def without_sql_excerpt(text):
    """A PostgreSQL error's text without its `LINE n: …` excerpt, which quotes the server's own SQL."""
    return text.split('\nLINE ')[0].rstrip('\n') if isinstance(text, str) else text


# --exact-sql-errors: compare psycopg2 texts with their excerpt (Ficus rebuilds Odoo's statement text, odoo-bridge/orm/sql-text/).
EXACT_SQL_ERRORS = False


def strip_volatile(value):
    if isinstance(value, dict) and str(value.get('name', '')).startswith('psycopg2.') and not EXACT_SQL_ERRORS:
        value = dict(value, message=without_sql_excerpt(value.get('message')),
                     arguments=[without_sql_excerpt(a) for a in value.get('arguments') or []])
    if isinstance(value, dict):
        return {k: strip_volatile(v) for k, v in value.items() if k not in VOLATILE_KEYS}
    if isinstance(value, list):
        return [strip_volatile(v) for v in value]
    return value


def first_difference(a, b, path=''):
    if type(a) is not type(b):
        return path or '/', a, b
    if isinstance(a, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                return f'{path}/{k}', a.get(k, '<absent>'), b.get(k, '<absent>')
            d = first_difference(a[k], b[k], f'{path}/{k}')
            if d:
                return d
        return None
    if isinstance(a, list):
        if len(a) != len(b):
            return f'{path}[len]', len(a), len(b)
        for i, (x, y) in enumerate(zip(a, b)):
            d = first_difference(x, y, f'{path}/{i}')
            if d:
                return d
        return None
    return None if a == b else (path or '/', a, b)


def generalise(path):
    """A difference path with record-specific parts folded, so that differences group by rule."""
    parts = []
    for p in path.split('/'):
        parts.append('N' if p.isdigit() else p)
    return '/'.join(parts)


def compare(case, oracle_client, ficus_client):
    try:
        raw = oracle_client.run(case)
        want = strip_volatile(normalise(case, raw, False))
    except Exception as error:
        return 'oracle-error', repr(error)[:200], None
    try:
        got = strip_volatile(normalise(case, ficus_client.run(case), False))
    except Exception as error:
        return 'ficus-error', repr(error)[:200], raw
    diff = first_difference(want, got)
    return ('same', None, raw) if diff is None else ('different', diff, raw)


def compare_runs(before_file, after_file):
    """Differences per category and per rule group before and after, on the cases both runs hold."""
    def load(path):
        with open(path) as f:
            return {(o['db'], o['rule']): o for o in map(json.loads, f) if o['outcome'] != 'oracle-error'}
    before, after = load(before_file), load(after_file)
    common = sorted(set(before) & set(after))
    per_category = collections.defaultdict(lambda: collections.Counter())
    groups = collections.defaultdict(lambda: collections.Counter())
    for key in common:
        category = key[1].split('/')[0]
        per_category[category]['cases'] += 1
        for label, run_ in (('before', before), ('after', after)):
            o = run_[key]
            if o['outcome'] != 'same':
                per_category[category][label] += 1
                where = generalise(o['diff'][0]) if o['outcome'] == 'different' else o['outcome']
                rule = '/'.join(key[1].split('/')[:3])
                groups[(rule, where)][label] += 1
    print(f"{'category':<12}{'cases':>7}{'diff before':>13}{'diff after':>12}")
    for category, c in sorted(per_category.items()):
        print(f"{category:<12}{c['cases']:>7}{c['before']:>13}{c['after']:>12}")
    print(f"rule groups with differences: before {sum(1 for g in groups.values() if g['before'])}, after {sum(1 for g in groups.values() if g['after'])}")
    for (rule, where), c in sorted(groups.items(), key=lambda kv: -max(kv[1]['before'], kv[1]['after'])):
        print(f"  {c['before']:>5} -> {c['after']:<5} {rule} at {where}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--odoo', default='http://127.0.0.1:8579')
    ap.add_argument('--ficus', default='http://127.0.0.1:8670')
    ap.add_argument('--db', action='append')
    ap.add_argument('--only', default='meta,domain,group,protocol,write')
    ap.add_argument('--rule', default='', help='only cases whose rule starts with one of these (comma-separated)')
    ap.add_argument('--oracle-reset', default='/tmp/diff-reset.sh')
    ap.add_argument('--ficus-reset', default='/tmp/diff-ficus-reset.sh')
    ap.add_argument('--show', type=int, default=3, help='examples printed per group')
    ap.add_argument('--json')
    ap.add_argument('--record')
    ap.add_argument('--exact-sql-errors', action='store_true', help="compare psycopg2 errors' `LINE n:` excerpts too (by default they are cut off)")
    ap.add_argument('--calls', help='JSON list of {db, title, model, method, args, kwargs[, user {login, password, uid}]}: only these, as cases of rule recorded/<n>')
    ap.add_argument('--quick', action='store_true', help='sampled models only for fields_get, one value per operator, four groupbys, four hp models')
    ap.add_argument('--progress', help='append each outcome to this JSON-lines file as it comes (a run can be cut short)')
    ap.add_argument('--compare', nargs=2, metavar=('BEFORE', 'AFTER'),
                    help='two --progress files: differences per category and per rule group, on the cases both hold')
    ap.add_argument('--recheck', help="a --json output of an earlier run: only its cases that were not the same, again")
    args = ap.parse_args()
    global EXACT_SQL_ERRORS
    EXACT_SQL_ERRORS = args.exact_sql_errors
    if args.compare:
        return compare_runs(*args.compare)
    global QUICK
    QUICK = args.quick
    progress = open(args.progress, 'a') if args.progress else None
    dbs = args.db or ['odoo_ref', 'hp_legacy']
    only = set(args.only.split(','))
    rules = tuple(r for r in args.rule.split(',') if r)
    outcomes = []
    recorded = []

    recheck = None
    if args.recheck:
        with open(args.recheck) as f:
            recheck = {(o['db'], o['rule']) for o in json.load(f) if o['outcome'] != 'same'}

    def run(cases, db):
        oracle_client, ficus_client = Client(args.odoo, db), Client(args.ficus, db)
        for case in cases:
            if rules and not case['rule'].startswith(rules):
                continue
            if recheck is not None and (db, case['rule']) not in recheck:
                continue
            outcome, diff, want = compare(case, oracle_client, ficus_client)
            outcomes.append((db, case, outcome, diff))
            if progress:
                progress.write(json.dumps({'db': db, 'rule': case['rule'], 'title': case['title'], 'outcome': outcome,
                                           'diff': list(diff) if isinstance(diff, tuple) else diff}, default=str) + '\n')
                progress.flush()
            if args.record and want is not None and outcome != 'oracle-error':
                line = {k: v for k, v in case.items() if k not in ('rule', 'db')}
                line['id'] = f"{db}:{case['rule']}"
                line['response'] = want
                line['volatile'] = ['/response/body/error/data/debug']
                recorded.append(line)

    if args.calls:
        with open(args.calls) as f:
            calls = json.load(f)
        for db in dbs:
            run([kw_case(db, f'recorded/{i:03d}', c['title'], c['model'], c['method'], c.get('args', []), c.get('kwargs', {}), c.get('user', ADMIN))
                 for i, c in enumerate(calls) if c.get('db', 'odoo_ref') == db], db)
        dbs = []
    for db in dbs:
        oracle = Oracle(args.odoo, db)
        models, metas = discover(oracle)
        print(f'{db}: {len(models)} models, {len(metas)} sampled', file=sys.stderr)
        if 'protocol' in only:
            run(gen_protocol(db), db)
        if 'meta' in only:
            run(gen_meta(db, models, metas), db)
        if 'group' in only:
            run(gen_group(db, metas), db)
        if 'domain' in only:
            run(gen_domain(db, metas), db)
        if 'write' in only:
            for name, cases in gen_writes(db, metas):
                if rules and not any(c['rule'].startswith(rules) for c in cases):
                    continue
                subprocess.run(args.oracle_reset, shell=True, check=True, stdout=subprocess.DEVNULL)
                subprocess.run(args.ficus_reset, shell=True, check=True, stdout=subprocess.DEVNULL)
                run(cases, db)

    groups = collections.defaultdict(list)
    per_category = collections.defaultdict(collections.Counter)
    for db, case, outcome, diff in outcomes:
        category = case['rule'].split('/')[0]
        per_category[category][outcome] += 1
        if outcome == 'same':
            continue
        rule = '/'.join(case['rule'].split('/')[:3 if category in ('domain', 'group', 'meta', 'protocol') else 2])
        where = generalise(diff[0]) if outcome == 'different' else outcome
        groups[(category, rule, where)].append((db, case, diff))
    for (category, rule, where), items in sorted(groups.items(), key=lambda kv: (kv[0][0], -len(kv[1]))):
        print(f'\n## {category} {rule} at {where}: {len(items)} case(s)')
        for db, case, diff in items[:args.show]:
            print(f'  [{db}] {case["title"]}')
            if isinstance(diff, tuple):
                print(f'     odoo:  {json.dumps(diff[1], sort_keys=True, default=str)[:300]}')
                print(f'     ficus: {json.dumps(diff[2], sort_keys=True, default=str)[:300]}')
            else:
                print(f'     {diff}')
    print('\ncategory            same  different  ficus-error  oracle-error')
    for category, counter in sorted(per_category.items()):
        print(f'{category:<18}{counter["same"]:>6}{counter["different"]:>11}{counter["ficus-error"]:>13}{counter["oracle-error"]:>14}')
    print(f'difference groups (rules): {len(groups)}')
    if args.json:
        with open(args.json, 'w') as f:
            json.dump([{'db': db, 'rule': c['rule'], 'title': c['title'], 'outcome': o,
                        'diff': [diff[0], diff[1], diff[2]] if isinstance(diff, tuple) else diff} for db, c, o, diff in outcomes], f, default=str)
    if args.record:
        with open(args.record, 'w') as f:
            for line in recorded:
                f.write(json.dumps(line) + '\n')


if __name__ == '__main__':
    main()
