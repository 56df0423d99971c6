#!/usr/bin/env python3
"""Differential test of what a create STORES, model by model (a development oracle, never a test dependency).

For every model of the database that has a table (or those named with --model), the same minimal
`create` is sent to a real Odoo 18 and to Ficus, both serving fresh copies of the same database
(scripts/differential-odoo.py describes the two sides); then the created row is read back from each
side's PostgreSQL, every column, and compared. This is where the write side's rules show up that an
RPC answer hides: literal and environment Python defaults of every installed module, stored computes,
and mail.thread's side effects (the creation message and the creator's follower, compared on their
shape: message type, subtype, body, author; follower partner).

The minimal values: what Odoo's `default_get` does not fill among the required stored fields, from
the field's type (a name for text, the first record of a many2one's comodel, the first selection
value, 1 for numbers, a fixed date). Both sides get the same values.

Outcomes per model: same, differ (the differing columns, with both values), refused (Ficus's clear
"Ficus cannot run …"), both-error (the two refuse alike), odoo-error / ficus-error (one side only).
Ids differ between the sides only where one side made records the other did not: a many2one to a
record made in this run is compared as "made here", not by id.

--record writes, for every model both sides created, the Odoo row and chatter as JSON lines: the
fixture of test/odoo-bridge/orm/write/create-defaults-recorded.db.test.ts.

Usage:
  scripts/differential-create-rows.py --odoo http://127.0.0.1:8502 --ficus http://127.0.0.1:8602 \
      --pg postgres://odoo:odoo@127.0.0.1:55496/ --odoo-db odoo_ref=x2_odoo_odoo_ref \
      --ficus-db odoo_ref=x2_ficus_odoo_ref [--db odoo_ref] [--model res.partner ...] [--json OUT]
Run it on fresh copies (the oracle's reset script) — it creates records on both sides.
"""
import argparse
import collections
import json
import subprocess
import sys
import xmlrpc.client

SKIP_PREFIXES = ('ir.', 'base.', 'bus.', 'mail.', 'discuss.', 'digest.', 'res.users.', 'auth_', 'iap.', 'web_', 'sms.', 'snailmailx')
SKIP_MODELS = {'res.users', 'res.company', 'res.lang', 'res.currency.rate', 'res.device', 'res.device.log', 'report.layout'}
VOLATILE_COLUMNS = {'id', 'create_date', 'write_date', 'date', 'message_id', 'date_order', 'date_deadline'}


def connect(base, db):
    common = xmlrpc.client.ServerProxy(f'{base}/xmlrpc/2/common', allow_none=True)
    uid = common.login(db, 'admin', 'admin')
    obj = xmlrpc.client.ServerProxy(f'{base}/xmlrpc/2/object', allow_none=True)
    return lambda model, method, *args, **kw: obj.execute_kw(db, uid, 'admin', model, method, list(args), kw)


def psql(url, sql):
    out = subprocess.run(['psql', url, '-XAtq', '-c', sql], capture_output=True, text=True, check=True).stdout
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def minimal_values(odoo, model, fields, defaults):
    vals = {}
    for name, meta in fields.items():
        if not meta.get('required') or not meta.get('store') or name in defaults:
            continue
        t = meta['type']
        if t in ('char', 'text', 'html'):
            vals[name] = f'Diff {model} {name}'
        elif t == 'many2one':
            ids = odoo(meta['relation'], 'search', [], limit=1, order='id')
            if not ids:
                return None
            vals[name] = ids[0]
        elif t == 'selection':
            sel = meta.get('selection') or []
            if not sel:
                return None
            vals[name] = sel[0][0]
        elif t in ('integer', 'float', 'monetary'):
            vals[name] = 1
        elif t == 'date':
            vals[name] = '2024-02-29'
        elif t == 'datetime':
            vals[name] = '2024-02-29 10:00:00'
        elif t == 'boolean':
            vals[name] = False
        elif t in ('many2many', 'one2many'):
            continue
        else:
            return None
    return vals


def created_row(url, table, rid):
    rows = psql(url, f'SELECT row_to_json(t) FROM "{table}" t WHERE id = {int(rid)}')
    return rows[0] if rows else None


def chatter(url, model, rid):
    messages = psql(url, f"""SELECT json_build_object('message_type', m.message_type, 'subtype', s.name->>'en_US', 'body', m.body,
        'author_id', m.author_id, 'tracking', (SELECT count(*) FROM mail_tracking_value v WHERE v.mail_message_id = m.id))
        FROM mail_message m LEFT JOIN mail_message_subtype s ON s.id = m.subtype_id
        WHERE m.model = '{model}' AND m.res_id = {int(rid)} ORDER BY m.id""")
    followers = psql(url, f"SELECT json_build_object('partner_id', partner_id, 'subtypes', (SELECT count(*) FROM mail_followers_mail_message_subtype_rel r WHERE r.mail_followers_id = f.id)) FROM mail_followers f WHERE res_model = '{model}' AND res_id = {int(rid)} ORDER BY id")
    return {'messages': messages, 'followers': followers}


def compare_rows(want, got, made_here):
    diffs = []
    for col in sorted(set(want) | set(got)):
        if col in VOLATILE_COLUMNS:
            continue
        a, b = want.get(col, '<absent>'), got.get(col, '<absent>')
        if a == b:
            continue
        if col in made_here and a is not None and b is not None:
            continue
        if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool) and abs(a - b) < 1e-9:
            continue
        diffs.append((col, a, b))
    return diffs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--odoo', required=True)
    ap.add_argument('--ficus', required=True)
    ap.add_argument('--pg', required=True, help='URL prefix ending where the database name goes')
    ap.add_argument('--odoo-db', action='append', required=True, help='served=database of the Odoo side')
    ap.add_argument('--ficus-db', action='append', required=True, help='served=database of the Ficus side')
    ap.add_argument('--db', action='append')
    ap.add_argument('--model', action='append')
    ap.add_argument('--json')
    ap.add_argument('--record', help="JSON lines of the oracle's stored row and chatter for each create both sides made (test fixtures)")
    args = ap.parse_args()
    odoo_dbs = dict(s.split('=') for s in args.odoo_db)
    ficus_dbs = dict(s.split('=') for s in args.ficus_db)
    outcomes = []
    made_models = {'mail.message', 'mail.followers'}
    recorded = []
    for db in args.db or list(odoo_dbs):
        odoo, ficus = connect(args.odoo, db), connect(args.ficus, db)
        ou, fu = args.pg + odoo_dbs[db], args.pg + ficus_dbs[db]
        models = args.model or [m['model'] for m in odoo('ir.model', 'search_read', [['transient', '=', False]], fields=['model'], order='model')
                                if not m['model'].startswith(SKIP_PREFIXES) and m['model'] not in SKIP_MODELS]
        for model in models:
            try:
                fields = odoo(model, 'fields_get', attributes=['type', 'relation', 'store', 'selection', 'required', 'readonly'])
                defaults = odoo(model, 'default_get', sorted(fields))
            except Exception as error:  # abstract, no access…
                continue
            table = psql(ou, f"SELECT to_json(replace('{model}', '.', '_'))")[0]
            if not psql(ou, f"SELECT to_json(count(*)) FROM information_schema.tables WHERE table_name = '{table}'")[0]:
                continue
            try:
                vals = minimal_values(odoo, model, fields, defaults)
            except xmlrpc.client.Fault:  # a comodel the admin cannot search
                vals = None
            if vals is None:
                continue
            results = []
            for side in (odoo, ficus):
                try:
                    results.append(('ok', side(model, 'create', vals)))
                except xmlrpc.client.Fault as fault:
                    results.append(('error', fault.faultString.strip().splitlines()[-1][:300]))
                except Exception as error:
                    results.append(('error', repr(error)[:300]))
            (ok_o, val_o), (ok_f, val_f) = results
            # many2one columns to records this run made: their ids may differ between the sides
            made_here = {n for n, m in fields.items() if m['type'] == 'many2one' and m.get('relation') in made_models}
            if ok_o == 'error' and ok_f == 'error':
                outcome, detail = 'both-error', f'odoo: {val_o} | ficus: {val_f}'
            elif ok_f == 'error':
                outcome, detail = ('refused' if 'Ficus cannot run' in val_f else 'ficus-error'), val_f
            elif ok_o == 'error':
                outcome, detail = 'odoo-error', val_o
            else:
                rid_o = val_o[0] if isinstance(val_o, list) else val_o
                rid_f = val_f[0] if isinstance(val_f, list) else val_f
                made_models.add(model)
                want, got = created_row(ou, table, rid_o) or {}, created_row(fu, table, rid_f) or {}
                diffs = compare_rows(want, got, made_here)
                co, cf = chatter(ou, model, rid_o), chatter(fu, model, rid_f)
                if co != cf:
                    diffs.append(('<chatter>', co, cf))
                outcome, detail = ('differ', diffs) if diffs else ('same', None)
                recorded.append({'db': db, 'model': model, 'table': table, 'vals': vals, 'row': want, 'chatter': co,
                                 'made_here': sorted(made_here)})
            outcomes.append({'db': db, 'model': model, 'vals': vals, 'outcome': outcome, 'detail': detail})
            print(json.dumps(outcomes[-1], default=str)[:600], file=sys.stderr, flush=True)
    counts = collections.Counter(o['outcome'] for o in outcomes)
    print(json.dumps(dict(counts)))
    by_column = collections.defaultdict(list)
    for o in outcomes:
        if o['outcome'] == 'differ':
            for col, a, b in o['detail']:
                by_column[col].append((o['db'], o['model'], a, b))
    for col, items in sorted(by_column.items(), key=lambda kv: -len(kv[1])):
        print(f'\n## {col}: {len(items)} model(s)')
        for db, model, a, b in items[:6]:
            print(f'  [{db}] {model}: odoo {json.dumps(a, default=str)[:200]}  ficus {json.dumps(b, default=str)[:200]}')
    for kind in ('ficus-error', 'refused', 'odoo-error'):
        items = [o for o in outcomes if o['outcome'] == kind]
        if items:
            print(f'\n## {kind}: {len(items)}')
            for o in items:
                print(f"  [{o['db']}] {o['model']}: {str(o['detail'])[:240]}")
    if args.json:
        with open(args.json, 'w') as f:
            json.dump(outcomes, f, default=str, indent=0)
    if args.record:
        with open(args.record, 'w') as f:
            for line in recorded:
                f.write(json.dumps(line, default=str, sort_keys=True) + '\n')


if __name__ == '__main__':
    main()
