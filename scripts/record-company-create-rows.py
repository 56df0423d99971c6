#!/usr/bin/env python3
"""Records what a real Odoo 18 stores when a company is created, for
test/odoo-bridge/orm/write/company-create-recorded.db.test.ts: on a fresh odoo_ref and hp_legacy
(the reset command restores both), each database's calls are sent as the admin, then every query
below is run on the oracle's database and its rows kept. The test sends the same calls to the
engine on fresh copies and runs the same queries (timestamps are left out of them).

    /usr/bin/python3 scripts/record-company-create-rows.py http://127.0.0.1:8531 \\
        --reset-cmd '/tmp/oracle/reset.sh m1 odoo' --dsn 'postgresql://odoo:odoo@127.0.0.1:55496/m1_odoo_{db}'
"""
import argparse
import json
import os
import subprocess
import time
import urllib.request

CALLS = {
    'odoo_ref': [
        ['res.company', 'create', [{'name': 'Rows Co B', 'currency_id': 125, 'email': 'rows@rowsco.test'}]],
        ['res.company', 'write', [[2], {'name': 'Rows Co B2', 'street': '1 Rows Road', 'phone': '+1 555 0199', 'primary_color': '#123456'}]],
        ['res.company', 'create', [{'name': 'Rows Co Branch', 'parent_id': 2}]],
    ],
    'hp_legacy': [
        ['res.company', 'create', [{'name': 'Rows HP B', 'currency_id': 125}]],
    ],
}

QUERIES = {
    'res_company': "SELECT md5(logo_web::text) AS logo_web, to_jsonb(c) - ARRAY['create_date', 'write_date', 'logo_web'] AS row FROM res_company c WHERE id > 1 ORDER BY id",
    'res_partner': "SELECT to_jsonb(p) - ARRAY['create_date', 'write_date'] AS row FROM res_partner p WHERE id IN (SELECT partner_id FROM res_company WHERE id > 1) ORDER BY id",
    'ir_attachment': "SELECT name, res_model, res_field, res_id, company_id, type, checksum, file_size, mimetype, index_content, create_uid FROM ir_attachment WHERE res_model = 'res.partner' AND res_id IN (SELECT partner_id FROM res_company WHERE id > 1) ORDER BY id",
    'ir_sequence': "SELECT name, code, implementation, prefix, padding, number_next, number_increment, use_date_range, company_id, active FROM ir_sequence WHERE id IN (SELECT batch_payment_sequence_id FROM res_company) ORDER BY id",
    'product_pricelist': "SELECT id, name->>'en_US' AS name, currency_id, company_id, sequence, active FROM product_pricelist ORDER BY id",
    'resource_calendar': "SELECT id, name, company_id, tz, hours_per_day::text, active, two_weeks_calendar, flexible_hours FROM resource_calendar WHERE company_id > 1 ORDER BY id",
    'resource_calendar_attendance': "SELECT calendar_id, name, dayofweek, day_period, hour_from, hour_to, duration_days, sequence, week_type, display_type FROM resource_calendar_attendance WHERE calendar_id IN (SELECT id FROM resource_calendar WHERE company_id > 1) ORDER BY id",
    'company_users': "SELECT cid, user_id FROM res_company_users_rel ORDER BY cid, user_id",
    'groups': "SELECT d.module || '.' || d.name AS xmlid, array_agg(r.uid ORDER BY r.uid) AS users FROM res_groups_users_rel r JOIN ir_model_data d ON d.model = 'res.groups' AND d.res_id = r.gid WHERE d.module || '.' || d.name IN ('base.group_multi_company', 'base.group_multi_currency', 'product.group_product_pricelist') GROUP BY 1 ORDER BY 1",
    'implied': "SELECT g.module || '.' || g.name AS gid, h.module || '.' || h.name AS hid FROM res_groups_implied_rel r JOIN ir_model_data g ON g.model = 'res.groups' AND g.res_id = r.gid JOIN ir_model_data h ON h.model = 'res.groups' AND h.res_id = r.hid WHERE g.module || '.' || g.name = 'base.group_user' ORDER BY 1, 2",
    'currencies': "SELECT id, active FROM res_currency WHERE id IN (1, 6, 125) ORDER BY id",
    'iap_account': "SELECT name, service_id, balance, state, length(account_token) AS token_length FROM iap_account ORDER BY id",
    'messages': "SELECT model, res_id, message_type, subtype_id, author_id, body, record_name FROM mail_message WHERE id > (SELECT max(id) FROM mail_message WHERE create_date < (SELECT min(create_date) FROM res_company WHERE id > 1)) ORDER BY id",
    'tracking': "SELECT m.model, m.res_id, f.name, t.old_value_char, t.new_value_char FROM mail_tracking_value t JOIN mail_message m ON m.id = t.mail_message_id JOIN ir_model_fields f ON f.id = t.field_id WHERE m.model IN ('res.company', 'res.partner') AND m.res_id IN (SELECT id FROM res_company WHERE id > 1 UNION SELECT partner_id FROM res_company WHERE id > 1) ORDER BY t.id",
}


def call(base, db, model, method, args):
    body = {'jsonrpc': '2.0', 'method': 'call', 'params': {'service': 'object', 'method': 'execute_kw', 'args': [db, 2, 'admin', model, method, args, {}]}, 'id': 1}
    req = urllib.request.Request(base + '/jsonrpc', json.dumps(body).encode(), {'Content-Type': 'application/json'})
    return json.loads(urllib.request.urlopen(req, timeout=300).read())


def query(dsn, sql):
    """The rows as JSON, or None when the database has not the tables or columns (another module set)."""
    run = subprocess.run(['psql', '-qAt', dsn, '-c', f'SELECT coalesce(json_agg(q), \'[]\') FROM ({sql}) q'], capture_output=True, text=True)
    return json.loads(run.stdout) if run.returncode == 0 else None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('base')
    ap.add_argument('--reset-cmd', required=True)
    ap.add_argument('--dsn', required=True, help='libpq URL of the oracle database, {db} replaced by odoo_ref / hp_legacy')
    a = ap.parse_args()
    subprocess.run(a.reset_cmd, shell=True, check=True)
    for _ in range(120):
        try:
            urllib.request.urlopen(a.base + '/web/webclient/version_info', data=b'{}', timeout=5)
            break
        except Exception:
            time.sleep(1)
    fixture = {'queries': QUERIES, 'databases': {}}
    for db, calls in CALLS.items():
        answers = [call(a.base, db, *c) for c in calls]
        for c, r in zip(calls, answers):
            if 'error' in r:
                raise SystemExit(f'{db} {c}: {r["error"]["data"]["message"]}')
        fixture['databases'][db] = {
            'calls': [{'model': m, 'method': meth, 'args': args, 'result': r['result']} for (m, meth, args), r in zip(calls, answers)],
            'rows': {name: rows for name, sql in QUERIES.items() if (rows := query(a.dsn.format(db=db), sql)) is not None},
        }
    target = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'fixtures', 'odoo-company-create', 'recorded-rows.json')
    with open(target, 'w') as f:
        json.dump(fixture, f, indent=1, ensure_ascii=False)
        f.write('\n')
    print(target, {db: {k: len(v) for k, v in d['rows'].items()} for db, d in fixture['databases'].items()})


if __name__ == '__main__':
    main()
