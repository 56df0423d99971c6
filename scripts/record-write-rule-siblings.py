#!/usr/bin/env python3
"""Record the write-rule sibling fixture from a real Odoo 18 (development only; the test needs no oracle).

Usage: record-write-rule-siblings.py PAIR ODOO_PORT FICUS_PORT CALLS.json [OUT.jsonl]
  e.g. scripts/record-write-rule-siblings.py s2 8512 8612 \
         fixtures/odoo-differential-write/write-rule-siblings-calls.json \
         fixtures/odoo-differential-write/write-rule-siblings-recorded.jsonl

Resets both sides of the oracle pair (/tmp/oracle/reset.sh PAIR both), runs each call
[title, login, model, method, args, kwargs?] in order on odoo_ref against both, writes Odoo's
answers as golden-format lines (OUT) and prints where Ficus answers otherwise.
"""
import json, subprocess, sys, urllib.request

USERS = {'admin': 'admin', 'demo': 'demo', 'portal': 'portal'}


def rpc(port, service, method, args):
    body = json.dumps({'jsonrpc': '2.0', 'method': 'call', 'params': {'service': service, 'method': method, 'args': args}, 'id': 1}).encode()
    req = urllib.request.Request(f'http://127.0.0.1:{port}/jsonrpc', data=body, headers={'Content-Type': 'application/json'})
    answer = json.loads(urllib.request.urlopen(req, timeout=120).read())
    if 'error' in answer:
        data = answer['error'].get('data', {})
        return {'error': data.get('name'), 'message': data.get('message'), 'arguments': data.get('arguments')}
    return {'result': answer.get('result')}


def main():
    pair, odoo_port, ficus_port, calls_file = sys.argv[1:5]
    out = open(sys.argv[5], 'w') if len(sys.argv) > 5 else None
    calls = json.load(open(calls_file))
    subprocess.run(['/tmp/oracle/reset.sh', pair, 'both'], check=True, capture_output=True)
    uids = {}
    same = 0
    for n, call in enumerate(calls):
        title, login, model, method, args = call[:5]
        kwargs = call[5] if len(call) > 5 else {}
        password = USERS[login]
        answers = {}
        for side, port in (('odoo', odoo_port), ('ficus', ficus_port)):
            if (side, login) not in uids:
                uids[side, login] = rpc(port, 'common', 'login', ['odoo_ref', login, password])['result']
            answers[side] = rpc(port, 'object', 'execute_kw', ['odoo_ref', uids[side, login], password, model, method, args, kwargs])
        equal = answers['odoo'] == answers['ficus']
        same += equal
        print(('SAME ' if equal else 'DIFF ') + f'{n:03d} {title}')
        if not equal:
            print('   odoo ', json.dumps(answers['odoo'])[:700])
            print('   ficus', json.dumps(answers['ficus'])[:700])
        if out:
            o = answers['odoo']
            body = {'jsonrpc': '2.0', 'id': 1}
            if 'error' in o:
                body['error'] = {'code': 200, 'message': 'Odoo Server Error', 'data': {'name': o['error'], 'message': o['message'], 'arguments': o['arguments']}}
            else:
                body['result'] = o['result']
            request_args = ['odoo_ref', uids['odoo', login], password, model, method, args, kwargs]
            out.write(json.dumps({'id': f'odoo_ref:siblings/{n:03d}', 'title': title, 'user': {'login': login, 'password': password},
                                  'request': {'path': '/jsonrpc', 'body': {'jsonrpc': '2.0', 'method': 'call', 'params': {'service': 'object', 'method': 'execute_kw', 'args': request_args}, 'id': 1}},
                                  'response': {'status': 200, 'body': body}}) + '\n')
    print(f'{same}/{len(calls)} equal')


if __name__ == '__main__':
    main()
