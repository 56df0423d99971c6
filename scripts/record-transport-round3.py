#!/usr/bin/env python3
"""Records the third held-out-like round of transport cases from a real Odoo 18 (issue 17): the
web client's pages as a browser or a script meets them (/, /odoo, /web, the login form, logout,
robots.txt, the 404 page of a URL nothing answers, CSRF refusals), JSON-RPC ids Python keeps and
JavaScript would round (beyond 2^53, written as floats), /web/dataset/resequence (answers, errors,
and a sequence proving its writes share one transaction) and /web/dataset/call_button returning an
action dict.

Two files in golden.jsonl's format, each replayed against a gateway serving that one database:
  fixtures/odoo-golden-heldout-like/round3-transport.jsonl            on odoo_ref
  fixtures/odoo-golden-heldout-like/round3-transport-hp-legacy.jsonl  on hp_legacy
Odoo must serve that one database alone (`-d odoo_ref`, then `-d hp_legacy`), as in the golden
recording, so that a request without a session gets the monodb's pages. Every case is recorded
twice from a reset and what differs is written as `volatile` (round 2's merge); an HTML page's
text is volatile (the golden README: its status and content type are compared).

Regenerate (Python 3 standard library only; an Odoo 18 pair from /tmp/oracle/README.md):

    /tmp/oracle/up.sh m3 8533 8633
    /usr/bin/python3 scripts/record-transport-round3.py http://127.0.0.1:8533 --db odoo_ref \\
        --reset-cmd 'scripts/oracle-reset-single-db.sh m3'
    /usr/bin/python3 scripts/record-transport-round3.py http://127.0.0.1:8533 --db hp_legacy \\
        --reset-cmd 'ODOO_SINGLE_DB=hp_legacy scripts/oracle-reset-single-db.sh m3'
    /tmp/oracle/down.sh m3
"""
import argparse
import importlib.util
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
_spec = importlib.util.spec_from_file_location('round2', os.path.join(HERE, 'record-heldout-round2.py'))
R2 = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(R2)
H = R2.H

OUT = {'odoo_ref': 'fixtures/odoo-golden-heldout-like/round3-transport.jsonl',
       'hp_legacy': 'fixtures/odoo-golden-heldout-like/round3-transport-hp-legacy.jsonl'}
FORM = 'application/x-www-form-urlencoded'


def j(params, id_):
    return {'jsonrpc': '2.0', 'method': 'call', 'params': params, 'id': id_}


def page(title, path, method='GET', body=None, raw_body=None, content_type=None, login=None):
    return {'title': title, 'path': path, 'http_method': method, 'body': body, 'raw_body': raw_body,
            'content_type': content_type if (body is None or content_type) else 'application/json', 'session_login': login}


def web_pages(admin, other):
    """Pages without a session follow Odoo's redirects to the login form (urllib follows them)."""
    return [
        page('GET / (303 /odoo, 303 /web/login, the form)', '/'),
        page('GET / with a query kept through the redirects', '/?debug=1'),
        page('GET /odoo without a session', '/odoo'),
        page('GET /web without a session', '/web'),
        page('GET /odoo/contacts without a session', '/odoo/contacts'),
        page('HEAD /odoo without a session', '/odoo', method='HEAD'),
        page('GET /web/login', '/web/login'),
        page('GET /web/login with a redirect', '/web/login?redirect=/odoo/contacts'),
        page('HEAD /web/login', '/web/login', method='HEAD'),
        page('POST /web/login form without CSRF token', '/web/login', 'POST', raw_body=f'login={admin}&password={admin}', content_type=FORM),
        page('POST /web/login JSON body', '/web/login', 'POST', body=j({'login': admin, 'password': admin}, 1)),
        page('POST /web/login form with a forged CSRF token', '/web/login', 'POST', raw_body=f'csrf_token=0123abcdo9999999999&login={admin}&password={admin}', content_type=FORM),
        page('GET /web/session/logout?redirect=/robots.txt', '/web/session/logout?redirect=/robots.txt'),
        page('GET /web/session/logout redirect to another host stays local', '/web/session/logout?redirect=https://example.com/robots.txt'),
        page('POST /web/session/logout form without token (frontend 400)', '/web/session/logout', 'POST', raw_body='a=1', content_type=FORM),
        page('PUT /web/session/logout JSON (frontend 400)', '/web/session/logout', 'PUT', body=j({}, 2)),
        page('GET /robots.txt', '/robots.txt'),
        page('POST /robots.txt form without token', '/robots.txt', 'POST', raw_body='a=1', content_type=FORM),
        page('GET /web/login_successful without a session', '/web/login_successful'),
        page('GET unknown URL', '/no-such-page-r3'),
        page('HEAD unknown URL', '/no-such-page-r3', method='HEAD'),
        page('POST JSON to an unknown /web/dataset route', '/web/dataset/nope', 'POST', body=j({}, 3)),
        page('DELETE unknown URL', '/web/nope/r3', 'DELETE'),
        page('GET /json (no route)', '/json'),
        page('GET unknown static file', '/web/static/no-such-file.png'),
        page('GET /odoo with an admin session (the web client)', '/odoo', login=admin),
        page('GET /web/login with a session and a redirect', '/web/login?redirect=/robots.txt', login=admin),
        page('GET /web/login with a session', '/web/login', login=admin),
        page('GET /odoo?redirect= with a session', '/odoo?redirect=/robots.txt', login=admin),
        page('GET /my without a session (portal home, auth=user)', '/my'),
        page('POST /my/home form without a session', '/my/home', 'POST', raw_body='a=1', content_type=FORM),
        page('GET /my with a session of a user who is not an employee', '/my', login=other),
        page('GET /odoo with a session of a user who is not an employee', '/odoo', login=other),
        page('GET / with a session of a user who is not an employee', '/', login=other),
        page('POST /my form with a session, no token', '/my', 'POST', raw_body='a=1', content_type=FORM, login=other),
    ]


def exact_ids():
    version = {'service': 'common', 'method': 'version', 'args': []}
    return [
        page('jsonrpc id 1.0 (a float)', '/jsonrpc', 'POST', body=j(version, 1.0)),
        page('jsonrpc id -98765432109876543210', '/jsonrpc', 'POST', body=j(version, -98765432109876543210)),
        page('jsonrpc id 2^53 + 1', '/jsonrpc', 'POST', body=j(version, 9007199254740993)),
        page('jsonrpc id 1e3 written as float', '/jsonrpc', 'POST', body=j(version, 1000.0)),
        page('jsonrpc id 2.5', '/jsonrpc', 'POST', body=j(version, 2.5)),
        page('jsonrpc error with a huge id', '/jsonrpc', 'POST', body=j({'service': 'nope', 'method': 'x', 'args': []}, 123456789012345678901234567890)),
        page('web route id 7.0', '/web/webclient/version_info', 'POST', body=j({}, 7.0)),
        page('web route huge id', '/web/database/list', 'POST', body=j({}, 18446744073709551617)),
    ]


def resequence(db, admin, other):
    model, ids = ('product.template', [5, 6]) if db == 'odoo_ref' else ('res.company', [1])
    r = '/web/dataset/resequence'
    return [
        page('resequence a model without the field', r, body=j({'model': 'res.partner', 'ids': [1], 'field': 'sequence'}, 10), login=admin),
        page('resequence an unknown model', r, body=j({'model': 'no.such.model', 'ids': [1]}, 11), login=admin),
        page('resequence without ids', r, body=j({'model': model}, 12), login=admin),
        page('resequence without model', r, body=j({'ids': [1]}, 13), login=admin),
        page('resequence no ids', r, body=j({'model': model, 'ids': []}, 14), login=admin),
        page('resequence an unknown field', r, body=j({'model': model, 'ids': ids, 'field': 'nope'}, 15), login=admin),
        page('resequence a missing record', r, body=j({'model': model, 'ids': [999999]}, 16), login=admin),
        page('resequence offset a string', r, body=j({'model': model, 'ids': ids, 'offset': 'x'}, 17), login=admin),
        page('resequence an invalid lang in context', r, body=j({'model': model, 'ids': ids, 'context': {'lang': 'xx_XX'}}, 18), login=admin),
        page('resequence by a user without the write right', r, body=j({'model': model, 'ids': ids}, 19), login=other),
        page('resequence without a session', r, body=j({'model': model, 'ids': ids}, 20)),
    ]


def resequence_sequence(db, admin):
    """Steps on one fresh database: the writes land, and a missing id undoes the writes before it."""
    model, ids = ('product.template', [5, 6, 7]) if db == 'odoo_ref' else ('res.company', [1])
    read = lambda n: page('read the sequences', '/web/dataset/call_kw', body=j({'model': model, 'method': 'read', 'args': [ids, ['sequence']], 'kwargs': {}}, n), login=admin)
    return [
        page('resequence with an offset', '/web/dataset/resequence', body=j({'model': model, 'ids': ids, 'offset': 10}, 30), login=admin),
        read(31),
        page('resequence with a missing id last: nothing written', '/web/dataset/resequence', body=j({'model': model, 'ids': ids + [999999], 'offset': 50}, 32), login=admin),
        read(33),
    ]


def call_button(db, admin, other, other_partner):
    b = '/web/dataset/call_button'
    partners = [3, 17] if db == 'odoo_ref' else [3, other_partner]
    call = lambda title, params, n, login=admin: page(title, b, body=j(params, n), login=login)
    return [
        call('call_button open_commercial_entity', {'model': 'res.partner', 'method': 'open_commercial_entity', 'args': [[partners[1]]], 'kwargs': {}}, 40),
        call('call_button open_commercial_entity on two records', {'model': 'res.partner', 'method': 'open_commercial_entity', 'args': [partners], 'kwargs': {}}, 41),
        call('call_button open_commercial_entity on none', {'model': 'res.partner', 'method': 'open_commercial_entity', 'args': [[]], 'kwargs': {}}, 42),
        call('call_button open_commercial_entity missing record', {'model': 'res.partner', 'method': 'open_commercial_entity', 'args': [[999999]], 'kwargs': {}}, 43),
        call('call_button open_commercial_entity by a user who cannot read it', {'model': 'res.partner', 'method': 'open_commercial_entity', 'args': [[partners[0]]], 'kwargs': {}}, 44, other),
        call('call_button open_commercial_entity on the user\'s own contact', {'model': 'res.partner', 'method': 'open_commercial_entity', 'args': [[other_partner]], 'kwargs': {}}, 45, other),
        call('call_button of a method returning no action', {'model': 'res.partner', 'method': 'search_count', 'args': [[]], 'kwargs': {}}, 46),
        call('call_button on an unknown model', {'model': 'no.such.model', 'method': 'open_commercial_entity', 'args': [[1]], 'kwargs': {}}, 47),
        page('call_kw open_commercial_entity (no action cleaning)', '/web/dataset/call_kw', body=j({'model': 'res.partner', 'method': 'open_commercial_entity', 'args': [[partners[1]]], 'kwargs': {}}, 48), login=admin),
    ]


USERS = {'odoo_ref': {'admin': 'admin', 'portal': 'portal', 'demo': 'demo'},
         'hp_legacy': {'admin': 'admin', 'member001@hp.example': 'member001@hp.example'}}


def perform(client, db, case):
    """A plain HTTP request in golden.jsonl's `session` shape; the session opened by authenticate."""
    request = {'path': case['path']}
    data = None
    if case['raw_body'] is not None:
        request['raw_body'] = case['raw_body']
        data = case['raw_body'].encode()
    elif case['body'] is not None:
        request['body'] = case['body']
        data = json.dumps(case['body']).encode()
    if case['content_type'] != 'application/json':
        request['content_type'] = case['content_type']
    if case['http_method'] != 'POST':
        request['http_method'] = case['http_method']
    user = None
    if case['session_login']:
        login = case['session_login']
        request['session_login'] = login
        user = {'login': login, 'password': USERS[db][login]}
        client.session(login, USERS[db][login])
    status, ctype, raw = client.send(case['path'], data, case['content_type'], case['session_login'], case['http_method'])
    parsed = H.parse_json(raw)
    if parsed is not None and not isinstance(parsed, str):
        response = {'status': status, 'body': parsed}
    else:
        response = {'status': status, 'content_type': ctype, 'text': raw.decode('utf-8', 'replace')}
    return user, request, response


def html_volatile(response):
    text = response.get('text', '')
    return ['/response/text'] if '<html' in text[:300].lower() else []


def build(db):
    admin = 'admin'
    other, other_partner = ('portal', 8) if db == 'odoo_ref' else ('member001@hp.example', 7)
    pristine = web_pages(admin, other) + exact_ids() + resequence(db, admin, other) + call_button(db, admin, other, other_partner)
    prefix = 'transport' if db == 'odoo_ref' else 'transport'
    tag = 'w' if db == 'odoo_ref' else 'h'
    cases = [(f'{prefix}.{tag}{n:03d}', 'pristine', c) for n, c in enumerate(pristine, start=1)]
    seq = f'seq_resequence_{tag}'
    cases += [(f'{seq}#{n}', f'{seq}#{n}', c) for n, c in enumerate(resequence_sequence(db, admin), start=1)]
    return cases


def run_all(base, reset_cmd, db, cases):
    records = []
    client = None
    current_block = None
    for case_id, state, case in cases:
        block = 'pristine' if state == 'pristine' else state.split('#')[0]
        if block != current_block:
            subprocess.run(reset_cmd, shell=True, check=True)
            H.wait_ready(base)
            client = R2.Client(base, db)
            current_block = block
        user, request, response = perform(client, db, case)
        records.append({'id': case_id, 'title': case['title'], 'db_state': state, 'user': user, 'transport': 'session',
                        'request': request, 'response': response,
                        'hand_volatile': H.hand_volatile(response) + html_volatile(response), '_db': db})
    return records


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('base')
    ap.add_argument('--db', required=True, choices=sorted(OUT))
    ap.add_argument('--reset-cmd', required=True)
    a = ap.parse_args()
    cases = build(a.db)
    print(f'run A ({len(cases)} cases)', file=sys.stderr)
    run_a = run_all(a.base, a.reset_cmd, a.db, cases)
    print('run B', file=sys.stderr)
    run_b = run_all(a.base, a.reset_cmd, a.db, cases)
    out = R2.merge(run_a, run_b, None)
    with open(OUT[a.db], 'w') as f:
        for r in out:
            r.pop('_db', None)
            r['volatile'] = list(dict.fromkeys(r['volatile']))
            f.write(json.dumps(r, ensure_ascii=False) + '\n')
    print(f'{OUT[a.db]}: {len(out)} cases')


if __name__ == '__main__':
    main()
