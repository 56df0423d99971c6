#!/usr/bin/env python3
"""Records what logins leave in res.users / res.users.log on a real Odoo 18 serving pristine copies
of odoo_ref and hp_legacy: reads before, logins through common.login, common.authenticate and
/web/session/authenticate (and one failing, and an execute_kw with a password, which are no login),
then the same reads. The fixture (JSON lines: step, call, answer) is replayed by
test/odoo-bridge/gateway/login-log-recorded.test.ts against the gateway; `login_date` is volatile
(the clock), kept as its presence.

usage: record-login-log.py ODOO_URL OUT.jsonl    (the databases must be pristine: reset first)
"""
import json
import sys
import urllib.request

BASE, OUT = sys.argv[1], sys.argv[2]
PLANS = {
    'odoo_ref': {'admin': ('admin', 'admin'), 'users': [('demo', 'demo', 6), ('portal', 'portal', 7)]},
    'hp_legacy': {'admin': ('admin', 'admin'), 'users': [('member001@hp.example', 'member001@hp.example', 6), ('coach001@hp.example', 'coach001@hp.example', 246)]},
}


def post(path, params):
    body = json.dumps({'jsonrpc': '2.0', 'method': 'call', 'id': 1, 'params': params}).encode()
    req = urllib.request.Request(BASE + path, data=body, headers={'content-type': 'application/json'})
    answer = json.loads(urllib.request.urlopen(req).read())
    if 'error' in answer:
        return {'error': answer['error']['data']['name']}
    return {'result': answer['result']}


def main():
    steps = []
    for db, plan in PLANS.items():
        admin_login, admin_password = plan['admin']
        uids = [u for _, _, u in plan['users']]

        def execute(model, method, args, kwargs=None, uid=2, password=admin_password):
            return ('/jsonrpc', {'service': 'object', 'method': 'execute_kw', 'args': [db, uid, password, model, method, args, kwargs or {}]})

        reads = [
            ('users read', execute('res.users', 'read', [uids], {'fields': ['state', 'log_ids', 'login_date']})),
            ('log rows', execute('res.users.log', 'search_read', [[['create_uid', 'in', uids]]], {'fields': ['create_uid', 'write_uid']})),
            ('users in state new', execute('res.users', 'search', [[['id', 'in', uids], ['state', '=', 'new']]], {'order': 'id'})),
        ]
        (login_a, password_a, uid_a), (login_b, password_b, uid_b) = plan['users']
        plan_steps = reads + [
            ('failing login', ('/jsonrpc', {'service': 'common', 'method': 'authenticate', 'args': [db, login_a, 'not the password', {}]})),
            ('execute_kw with a password is no login', execute('res.users', 'search_count', [[['id', '=', uid_a]]], uid=uid_a, password=password_a)),
        ] + [(f'after no login: {t}', c) for t, c in reads] + [
            ('common.authenticate', ('/jsonrpc', {'service': 'common', 'method': 'authenticate', 'args': [db, login_a, password_a, {}]})),
            ('common.login', ('/jsonrpc', {'service': 'common', 'method': 'login', 'args': [db, login_b, password_b]})),
            ('web session login', ('/web/session/authenticate', {'db': db, 'login': login_b, 'password': password_b})),
        ] + [(f'after logins: {t}', c) for t, c in reads]
        for title, (path, params) in plan_steps:
            answer = post(path, params)
            if path == '/web/session/authenticate' and 'result' in answer:
                answer = {'result': {'uid': answer['result']['uid']}}
            steps.append({'db': db, 'title': title, 'path': path, 'params': params, 'answer': answer})
    with open(OUT, 'w') as out:
        for step in steps:
            out.write(json.dumps(step, ensure_ascii=False) + '\n')
    print(f'{len(steps)} steps -> {OUT}')


main()
