#!/usr/bin/env python3
"""Records what a real Odoo 18 answers to `get_views` / `get_view` for a set of models, views and
users (an oracle for development: see ../shared/notes/real-odoo.md), into
fixtures/odoo-differential/get-views.jsonl, which test/odoo-bridge/orm/get-views.db.test.ts
replays through Ficus's engine.

Usage (Odoo serving fresh restores of fixtures/odoo_ref.sql.gz and fixtures/hp_legacy.sql.gz):
  /usr/bin/python3 scripts/record-views-golden.py http://127.0.0.1:8503 [OUT]

One JSON line per call: db, login, uid, model, method, args, kwargs, and the answer (`result`) or
the fault (`error`: Odoo's exception class from the JSON-RPC error). The cases are chosen where
Odoo's answer does not depend on Python's string hashing: a view whose expressions read several
missing fields lists them in a set's order, which changes with every Odoo process
(PYTHONHASHSEED), so those views (iap.account, ir.module.module forms) are left out.
"""
import json
import sys
import urllib.request

URL = sys.argv[1]
OUT = sys.argv[2] if len(sys.argv) > 2 else 'fixtures/odoo-differential/get-views.jsonl'
ADMIN = ('admin', 'admin')
MEMBER = ('member001@hp.example', 'member001@hp.example')
LFS = [[False, 'list'], [False, 'form'], [False, 'search']]

CASES = [
    # (db, user, model, method, args, kwargs)
    ('hp_legacy', ADMIN, 'res.users', 'get_views', [LFS], {'options': {}}),
    ('hp_legacy', ADMIN, 'res.company', 'get_views', [LFS], {}),
    ('hp_legacy', ADMIN, 'product.template', 'get_views', [LFS], {'options': {}}),
    ('hp_legacy', ADMIN, 'res.currency', 'get_views', [LFS], {'options': {}}),
    ('hp_legacy', ADMIN, 'res.users.apikeys', 'get_views', [LFS], {'options': {}}),
    ('hp_legacy', ADMIN, 'mail.activity.type', 'get_views', [[[False, 'list'], [False, 'form'], [False, 'kanban']]], {'options': {}}),
    ('hp_legacy', ADMIN, 'res.partner.bank', 'get_views', [LFS], {'options': {}}),
    ('hp_legacy', ADMIN, 'ir.ui.menu', 'get_views', [LFS], {'options': {}}),
    ('hp_legacy', ADMIN, 'res.partner', 'get_views', [[[False, 'form']]], {'options': {}, 'context': {'form_view_ref': 'base.view_partner_simple_form'}}),
    ('hp_legacy', ADMIN, 'res.partner', 'get_view', [], {'view_type': 'list'}),
    ('hp_legacy', ADMIN, 'res.partner', 'get_views', [[[False, 'list']]], {'options': {'toolbar': True}}),
    ('hp_legacy', ADMIN, 'res.partner', 'get_views', [LFS], {'options': {'toolbar': True, 'load_filters': True, 'action_id': 1}}),
    ('hp_legacy', MEMBER, 'res.partner', 'get_views', [LFS], {'options': {'toolbar': True, 'load_filters': True}}),
    ('odoo_ref', ADMIN, 'sale.order', 'get_views', [[[False, 'list'], [False, 'form'], [False, 'search']]], {'options': {'toolbar': True, 'load_filters': True}}),
    ('hp_legacy', MEMBER, 'res.users', 'get_views', [[[False, 'form']]], {'options': {}}),
    ('hp_legacy', MEMBER, 'hp.risk.rule', 'get_views', [LFS], {'options': {}}),
    ('hp_legacy', MEMBER, 'product.template', 'get_views', [LFS], {'options': {}}),
    ('odoo_ref', ADMIN, 'res.partner', 'get_views', [LFS], {'options': {}}),
    ('odoo_ref', ADMIN, 'res.company', 'get_views', [[[False, 'list']]], {'options': {}}),
    ('odoo_ref', ADMIN, 'account.move', 'get_views', [LFS], {'options': {}}),
    ('odoo_ref', ADMIN, 'account.journal', 'get_views', [LFS], {'options': {}}),
    ('odoo_ref', ADMIN, 'crm.team', 'get_views', [LFS], {'options': {}}),
    ('odoo_ref', ADMIN, 'res.currency.rate', 'get_views', [[[False, 'list']]], {'options': {}}),
    ('odoo_ref', ADMIN, 'res.partner', 'get_views', [[[False, 'activity'], [False, 'kanban'], [False, 'pivot']]], {'options': {}}),
    ('hp_legacy', ADMIN, 'hp.health.goal', 'get_views', [[[False, 'kanban'], [False, 'graph'], [False, 'pivot'], [False, 'activity']]], {'options': {}}),
    ('odoo_ref', ADMIN, 'account.move', 'get_views', [[[False, 'activity'], [False, 'graph'], [False, 'pivot']]], {'options': {}}),
]


def rpc(service, method, *args):
    body = json.dumps({'jsonrpc': '2.0', 'method': 'call', 'params': {'service': service, 'method': method, 'args': list(args)}, 'id': 1}).encode()
    request = urllib.request.Request(f'{URL}/jsonrpc', body, {'Content-Type': 'application/json'})
    with urllib.request.urlopen(request) as response:
        return json.loads(response.read())


with open(OUT, 'w') as out:
    uids = {}
    for db, (login, password), model, method, args, kwargs in CASES:
        uid = uids.get((db, login)) or rpc('common', 'login', db, login, password)['result']
        uids[(db, login)] = uid
        answer = rpc('object', 'execute_kw', db, uid, password, model, method, args, kwargs)
        line = {'db': db, 'login': login, 'uid': uid, 'model': model, 'method': method, 'args': args, 'kwargs': kwargs}
        if 'error' in answer:
            line['error'] = answer['error']['data']['name']
        else:
            line['result'] = answer['result']
        out.write(json.dumps(line, ensure_ascii=False) + '\n')
        print(db, login, model, method, 'error' if 'error' in answer else 'ok')
