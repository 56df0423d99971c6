#!/usr/bin/env python3
"""Records what a real Odoo 18 stores for the stored computes declared `readonly=False` that Ficus ports
(a development oracle, never a test dependency): each sequence of calls in
fixtures/odoo-writable-computes/calls.json runs as admin; a call's `as` names its result, and
{"$ref": name} in a later call stands for it. After each call the listed columns of the named records
are read from Odoo's PostgreSQL. Output: fixtures/odoo-writable-computes/recorded.json, replayed by
test/odoo-bridge/orm/write/writable-computes-recorded.db.test.ts.

Usage: scripts/record-writable-computes.py --odoo http://127.0.0.1:8505 --pg postgres://odoo:odoo@127.0.0.1:55496/x5_odoo_odoo_ref --db odoo_ref
Run it on a fresh copy (the oracle's reset script): it creates records.
"""
import argparse
import json
import pathlib
import subprocess
import xmlrpc.client

ROOT = pathlib.Path(__file__).resolve().parent.parent
FIXTURES = ROOT / 'fixtures/odoo-writable-computes'


def resolve(value, names):
    if isinstance(value, dict) and set(value) == {'$ref'}:
        return names[value['$ref']]
    if isinstance(value, list):
        return [resolve(v, names) for v in value]
    if isinstance(value, dict):
        return {k: resolve(v, names) for k, v in value.items()}
    return value


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--odoo', required=True)
    ap.add_argument('--pg', required=True)
    ap.add_argument('--db', required=True)
    args = ap.parse_args()
    common = xmlrpc.client.ServerProxy(f'{args.odoo}/xmlrpc/2/common', allow_none=True)
    uid = common.login(args.db, 'admin', 'admin')
    obj = xmlrpc.client.ServerProxy(f'{args.odoo}/xmlrpc/2/object', allow_none=True)
    spec = json.loads((FIXTURES / 'calls.json').read_text())
    out = []
    for case in spec:
        names = {}
        steps = []
        for call in case['calls']:
            result = obj.execute_kw(args.db, uid, 'admin', call['model'], call['method'], resolve(call['args'], names), {})
            if 'as' in call:
                names[call['as']] = result
            rows = {}
            for name, rid in names.items():
                cols = ', '.join(case['columns'])
                sql = f"SELECT row_to_json(r) FROM (SELECT {cols} FROM {case['table']} WHERE id = {int(rid)}) r"
                line = subprocess.run(['psql', args.pg, '-XAtq', '-c', sql], capture_output=True, text=True, check=True).stdout.strip()
                rows[name] = json.loads(line) if line else None
            steps.append({'call': call, 'rows': rows})
        out.append({'title': case['title'], 'db': args.db, 'table': case['table'], 'columns': case['columns'], 'source': case['source'], 'steps': steps})
    (FIXTURES / 'recorded.json').write_text(json.dumps(out, indent=1) + '\n')


if __name__ == '__main__':
    main()
