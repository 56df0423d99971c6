"""What the golden-case recorders of scripts/record-*-golden.py share: the steps a block is made
of, sending them to a real Odoo 18 over JSON-RPC, XML-RPC and call_kw (web session), and recording
every block twice from a restore to find the volatile paths. Only the standard library is used,
so any python3 runs a recorder.

How the recorders are run (2026-12, Odoo 18.0 community source as in ../shared/notes/real-odoo.md,
Debian python3 with the Debian packages that note lists, a private PostgreSQL 15, hp_legacy
restored from fixtures/hp_legacy.sql.gz into a template `hp_pristine`, the filestore from
fixtures/hp_legacy_filestore.tar.gz, addons from fixtures/legacy-addons):

    odoo.conf: db_host=127.0.0.1 db_port=<pg port> db_user=odoo db_password=odoo
               addons_path=<odoo>/odoo/addons,<odoo>/addons,<repo>/fixtures/legacy-addons
               http_interface=127.0.0.1 http_port=<port> gevent_port=<port + 3> workers=2
               max_cron_threads=0 list_db=False dbfilter=^hp_legacy$ db_name=hp_legacy
               data_dir=<dir with filestore/hp_legacy>
    reset (stop Odoo, copy the template again, start Odoo, so that no registry cache survives):
        kill -- -<odoo pid>; dropdb --force hp_legacy; createdb -T hp_pristine hp_legacy;
        setsid odoo-bin -c odoo.conf &
    /usr/bin/python3 scripts/record-<part>-golden.py http://127.0.0.1:<port> \\
        --reset-cmd '<the reset above>' --out fixtures/hp-legacy-golden-<part>.jsonl
"""
import argparse
import collections
import http.cookiejar
import json
import subprocess
import sys
import time
import urllib.error
import urllib.request
import xmlrpc.client

DB = 'hp_legacy'


class Step:
    """One request: an execute_kw (jsonrpc / xmlrpc) or a call_kw through a web session.
    Arguments may be callables of the earlier steps' results (sequences: ids created on the way)."""

    def __init__(self, title, login, model, method, args, kwargs=None, transport='jsonrpc', password=None, save=None, volatile=None):
        self.title, self.login, self.model, self.method = title, login, model, method
        self.args, self.kwargs, self.transport = args, kwargs, transport
        self.password = password or login
        self.save = save
        # JSON pointers volatile by hand: values that both runs share but a later day would not
        # (a sequence's %(year)s), which the two-run comparison cannot find.
        self.volatile = volatile or []


def rpc(title, login, model, method, args, kwargs=None, **more):
    return Step(title, login, model, method, args, kwargs, **more)


def xml(title, login, model, method, args, kwargs=None, **more):
    return Step(title, login, model, method, args, kwargs, transport='xmlrpc', **more)


def kw(title, login, model, method, args, kwargs=None, **more):
    return Step(title, login, model, method, args, kwargs or {}, transport='call_kw', **more)


def resolve(value, saved_values):
    if callable(value):
        return value(saved_values)
    if isinstance(value, list):
        return [resolve(v, saved_values) for v in value]
    if isinstance(value, tuple):
        return tuple(resolve(v, saved_values) for v in value)
    if isinstance(value, dict):
        return {k: resolve(v, saved_values) for k, v in value.items()}
    return value


def saved(name):
    return lambda s: s[name]


class Client:
    def __init__(self, base):
        self.base = base.rstrip('/')
        self.jars = {}

    def send(self, path, data, ctype, login=None):
        req = urllib.request.Request(self.base + path, data=data, method='POST')
        req.add_header('Content-Type', ctype)
        if login:
            jar = self.jars.setdefault(login, http.cookiejar.CookieJar())
            opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        else:
            opener = urllib.request.build_opener()
        try:
            with opener.open(req, timeout=60) as r:
                return r.status, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.read()

    def session(self, login, password):
        if login in self.jars:
            return
        body = {'jsonrpc': '2.0', 'method': 'call', 'params': {'db': DB, 'login': login, 'password': password}, 'id': 0}
        status, raw = self.send('/web/session/authenticate', json.dumps(body).encode(), 'application/json', login)
        if status != 200 or 'error' in json.loads(raw):
            raise RuntimeError(f'cannot open a session for {login}: {raw[:300]!r}')


def to_json(v):
    if isinstance(v, xmlrpc.client.Binary):
        return {'__base64__': v.data.decode('latin1')}
    if isinstance(v, xmlrpc.client.DateTime):
        return {'__datetime__': v.value}
    if isinstance(v, dict):
        return {k: to_json(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [to_json(x) for x in v]
    return v


def perform(client, step, number, saved_values, uids):
    uid = uids[step.login]
    args = resolve(step.args, saved_values)
    kwargs = resolve(step.kwargs, saved_values)
    if step.transport in ('jsonrpc', 'xmlrpc'):
        params = [DB, uid, step.password, step.model, step.method, args] + ([kwargs] if kwargs is not None else [])
    if step.transport == 'jsonrpc':
        body = {'jsonrpc': '2.0', 'method': 'call', 'params': {'service': 'object', 'method': 'execute_kw', 'args': params}, 'id': number}
        request = {'path': '/jsonrpc', 'body': body}
        status, raw = client.send('/jsonrpc', json.dumps(body).encode(), 'application/json')
        response = {'status': status, 'body': json.loads(raw)}
        result = response['body'].get('result')
    elif step.transport == 'xmlrpc':
        raw_xml = xmlrpc.client.dumps(tuple(params), 'execute_kw')
        request = {'path': '/xmlrpc/2/object', 'method': 'execute_kw', 'params': params, 'raw_xml': raw_xml}
        status, raw = client.send('/xmlrpc/2/object', raw_xml.encode(), 'text/xml')
        response = {'status': status}
        result = None
        try:
            result = to_json(xmlrpc.client.loads(raw, use_datetime=False)[0][0])
            response['result'] = result
        except xmlrpc.client.Fault as f:
            response['fault'] = {'faultCode': f.faultCode, 'faultString': f.faultString}
        response['raw_xml'] = raw.decode('utf-8')
    else:
        client.session(step.login, step.password)
        body = {'jsonrpc': '2.0', 'method': 'call', 'params': {'model': step.model, 'method': step.method, 'args': args, 'kwargs': kwargs}, 'id': number}
        path = f'/web/dataset/call_kw/{step.model}/{step.method}'
        request = {'path': path, 'body': body, 'session_login': step.login}
        status, raw = client.send(path, json.dumps(body).encode(), 'application/json', step.login)
        response = {'status': status, 'body': json.loads(raw)}
        result = response['body'].get('result')
    if step.save:
        if result is None or result is False:
            raise RuntimeError(f'step {step.title!r} was to save a result but answered {json.dumps(response)[:400]}')
        saved_values[step.save] = result
    return request, response


def hand_volatile(record):
    paths = list(record.pop('hand_volatile', []))
    response = record['response']
    if isinstance(response.get('body'), dict) and 'error' in response['body']:
        paths.append('/response/body/error/data/debug')
    if response.get('fault', {}).get('faultCode') == 1:
        paths += ['/response/fault/faultString', '/response/raw_xml']
    return paths


def run_all(base, reset_cmd, blocks, uids):
    records = []
    for name, category, steps in blocks:
        subprocess.run(reset_cmd, shell=True, check=True)
        wait_ready(base)
        client = Client(base)
        values = {}
        for n, step in enumerate(steps, start=1):
            request, response = perform(client, step, n, values, uids)
            if category:
                case_id, state = f'{category}.{n:03d}', 'pristine'
            else:
                case_id, state = f'{name}#{n:02d}', f'{name}#{n}'
            records.append({
                'id': case_id, 'title': step.title, 'db_state': state,
                'user': {'login': step.login, 'password': step.password},
                'transport': step.transport, 'request': request, 'response': response,
                'hand_volatile': step.volatile,
            })
        print(f'  {name}: {len(steps)} cases', file=sys.stderr)
    return records


def wait_ready(base):
    body = json.dumps({'jsonrpc': '2.0', 'method': 'call', 'params': {'service': 'common', 'method': 'version', 'args': []}, 'id': 0}).encode()
    deadline = time.time() + 60
    while True:
        try:
            status, _ = Client(base).send('/jsonrpc', body, 'application/json')
            if status == 200:
                return
        except OSError:
            pass
        if time.time() > deadline:
            raise RuntimeError('the server did not answer after the reset')
        time.sleep(0.5)


def escape(part):
    return str(part).replace('~', '~0').replace('/', '~1')


def differing_paths(a, b, prefix):
    """JSON pointers under which run A and run B differ (a whole subtree when shapes differ)."""
    if type(a) is not type(b):
        return [prefix]
    if isinstance(a, dict):
        if set(a) != set(b):
            return [prefix]
        return [p for k in a for p in differing_paths(a[k], b[k], f'{prefix}/{escape(k)}')]
    if isinstance(a, list):
        if len(a) != len(b):
            return [prefix]
        return [p for i, (x, y) in enumerate(zip(a, b)) for p in differing_paths(x, y, f'{prefix}/{i}')]
    return [] if a == b else [prefix]


def covered(path, paths):
    return any(path == p or path.startswith(p + '/') for p in paths)


def main(doc, blocks, uids, default_out):
    """Records every block twice from a restore and writes the cases with their volatile paths."""
    ap = argparse.ArgumentParser(description=doc.split('\n\n')[0])
    ap.add_argument('base', help='URL of the Odoo 18 serving hp_legacy, e.g. http://127.0.0.1:8469')
    ap.add_argument('--reset-cmd', required=True, help='shell command restoring hp_legacy to pristine (server answering again or soon)')
    ap.add_argument('--out', default=default_out)
    a = ap.parse_args()

    print('run A', file=sys.stderr)
    run_a = run_all(a.base, a.reset_cmd, blocks, uids)
    print('run B', file=sys.stderr)
    run_b = run_all(a.base, a.reset_cmd, blocks, uids)
    out = []
    for ra, rb in zip(run_a, run_b):
        if ra['request'] != rb['request']:
            raise SystemExit(f"{ra['id']}: the two runs sent different requests (ids not deterministic?)")
        volatile = hand_volatile(ra)
        for path in differing_paths(ra['response'], rb['response'], '/response'):
            if not covered(path, volatile):
                volatile.append(path)
        if any(p.startswith('/response/result') or p.startswith('/response/fault') for p in volatile) and '/response/raw_xml' not in volatile:
            volatile.append('/response/raw_xml')
        out.append(dict(ra, volatile=volatile))
    with open(a.out, 'w') as f:
        for record in out:
            f.write(json.dumps(record, ensure_ascii=False) + '\n')
    counts = collections.Counter((r['id'].split('#')[0].split('.')[0], model_of(r), r['transport']) for r in out)
    for (block, model, transport), n in sorted(counts.items()):
        print(f'{block:<18}{model:<24}{transport:<8}{n:>4}')
    print(f'{len(out)} cases written to {a.out}; {sum(1 for r in out if r["volatile"])} with volatile paths')


def model_of(record):
    if record['transport'] == 'jsonrpc':
        return record['request']['body']['params']['args'][3]
    if record['transport'] == 'xmlrpc':
        return record['request']['params'][3]
    return record['request']['body']['params']['model']
