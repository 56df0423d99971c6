#!/usr/bin/env python3
"""Record the email notifications a real Odoo 18 writes (issue 17): run fixtures/odoo-mail-notify/calls.json
in order against an Odoo (fresh copies of odoo_ref and hp_legacy) and store, per call, Odoo's answer and
every row the call added to the mail tables, read straight from PostgreSQL with row_to_json (the form
test/odoo-bridge/orm/stored-rows-oracle.ts dumps Ficus's rows in).

  /usr/bin/python3 scripts/record-mail-notify.py --odoo http://127.0.0.1:8535 \
      --pg 'host=127.0.0.1 port=55496 user=odoo password=odoo' --db odoo_ref=m5_odoo_odoo_ref --db hp_legacy=m5_odoo_hp_legacy \
      --out fixtures/odoo-mail-notify/recorded.jsonl

Volatile (JSON pointers listed per line, deleted from both sides before comparing):
- create_date, write_date, mail_message.date, mail_notification.read_date: clock values;
- mail_message.message_id and mail_mail.references (which repeats it): random Message-Ids;
- the outcome of Odoo's post-commit send (force_send): mail_mail state, failure_type, failure_reason,
  write_uid and mail_notification notification_status, failure_type, failure_reason. Odoo sends right
  after the commit; with no SMTP server the rows turn 'exception', with one they are sent (and the
  auto-deleted mails removed). What was queued before that is what Ficus writes (it sends nothing:
  Odoo's mail cron does); steps run with the context key mail_notify_force_send=False keep Odoo's
  queued rows as they are and compare every one of these columns.
"""
import argparse, json, sys, time, urllib.request
sys.path.insert(0, '/usr/lib/python3/dist-packages')
import psycopg2  # noqa: E402

PASSWORDS = {'admin': 'admin', 'demo': 'demo', 'portal': 'portal'}
# table -> the column new rows are recognised by (the id, or the parent's id for link tables)
TABLES = {
    'mail_message': 'id', 'mail_mail': 'id', 'mail_notification': 'id', 'mail_followers': 'id', 'mail_tracking_value': 'id',
    'mail_message_res_partner_rel': 'mail_message_id', 'mail_mail_res_partner_rel': 'mail_mail_id',
    'mail_followers_mail_message_subtype_rel': 'mail_followers_id',
}
CLOCK = {'create_date', 'write_date', 'date', 'read_date'}
SEND_OUTCOME = {'mail_mail': ['state', 'failure_type', 'failure_reason', 'write_uid'],
                'mail_notification': ['notification_status', 'failure_type', 'failure_reason']}


def rpc(url, db, uid, password, model, method, args, kwargs):
    body = {'jsonrpc': '2.0', 'method': 'call', 'id': 1,
            'params': {'service': 'object', 'method': 'execute_kw', 'args': [db, uid, password, model, method, args, kwargs]}}
    req = urllib.request.Request(f'{url}/jsonrpc', json.dumps(body).encode(), {'Content-Type': 'application/json'})
    answer = json.loads(urllib.request.urlopen(req).read())
    if 'error' in answer:
        data = answer['error']['data']
        return {'error': {'name': data['name'], 'message': data['message']}}
    return {'result': answer.get('result')}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--odoo', required=True)
    ap.add_argument('--pg', required=True)
    ap.add_argument('--db', action='append', required=True, help='name=postgres_database')
    ap.add_argument('--calls', default='fixtures/odoo-mail-notify/calls.json')
    ap.add_argument('--out', required=True)
    a = ap.parse_args()
    dbs = dict(x.split('=', 1) for x in a.db)
    conns = {name: psycopg2.connect(f"{a.pg} dbname={pg}") for name, pg in dbs.items()}
    for c in conns.values():
        c.autocommit = True
    calls = json.load(open(a.calls))
    with open(a.out, 'w') as out:
        for n, call in enumerate(calls):
            cur = conns[call['db']].cursor()
            cur.execute('SELECT id FROM res_users WHERE login = %s', (call['login'],))
            uid = cur.fetchone()[0]
            marks = {}
            for table, col in TABLES.items():
                cur.execute(f'SELECT COALESCE(MAX({col}), 0) FROM {table}')
                marks[table] = cur.fetchone()[0]
            response = rpc(a.odoo, call['db'], uid, PASSWORDS.get(call['login'], call['login']), call['model'], call['method'],
                           call['args'], call.get('kwargs', {}))
            time.sleep(0.5)  # the post-commit send has finished before the answer; a margin anyway
            rows, volatile = {}, []
            for table, col in TABLES.items():
                order = 'id' if col == 'id' else f'{col}, 2'
                cur.execute(f'SELECT row_to_json(q) FROM (SELECT * FROM {table} WHERE {col} > %s ORDER BY {order}) q', (marks[table],))
                found = [r[0] for r in cur.fetchall()]
                if not found:
                    continue
                rows[table] = found
                queued = (call.get('kwargs', {}).get('context') or {}).get('mail_notify_force_send') is False
                for i, row in enumerate(found):
                    for key in row:
                        if key in CLOCK or (table == 'mail_message' and key == 'message_id') or (table == 'mail_mail' and key == 'references'):
                            volatile.append(f'/rows/{table}/{i}/{key}')
                    if not queued:
                        volatile += [f'/rows/{table}/{i}/{key}' for key in SEND_OUTCOME.get(table, [])]
            line = {'id': f"mail-notify.{call['db']}.{n:02d}", 'title': call['title'], 'db': call['db'], 'login': call['login'],
                    'request': {'model': call['model'], 'method': call['method'], 'args': call['args'], 'kwargs': call.get('kwargs', {})},
                    'response': response, 'rows': rows, 'volatile': volatile}
            out.write(json.dumps(line, ensure_ascii=False) + '\n')
            print(line['id'], call['title'][:70], '->', json.dumps(response)[:100], {t: len(r) for t, r in rows.items()})


if __name__ == '__main__':
    main()
