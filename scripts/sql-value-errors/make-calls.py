#!/usr/bin/env python3
"""Writes fixtures/odoo-differential/sql-value-errors-calls.json: calls whose values PostgreSQL
refuses in the statement Odoo 18 sends (an id beyond int4 or not a number in a domain, limit/offset
as strings or negative), over models of both databases, search/search_read/search_fetch/search_count,
operators, domain shapes, orders, users with and without record rules. Record the answers with
  scripts/differential-odoo.py --calls fixtures/odoo-differential/sql-value-errors-calls.json \
    --record fixtures/odoo-differential/sql-value-errors.jsonl --odoo ... --ficus ...
"""
import json, os

ADMIN = {'login': 'admin', 'password': 'admin'}
DEMO = {'login': 'demo', 'password': 'demo', 'uid': 6}
MEMBER = {'login': 'member001@hp.example', 'password': 'member001@hp.example', 'uid': 6}
calls = []

def call(db, model, method, args, kwargs=None, user=ADMIN, note=''):
    title = f"{user['login']}: {model}.{method} {json.dumps(args)} {json.dumps(kwargs or {})}{note}"
    entry = {'db': db, 'title': title, 'model': model, 'method': method, 'args': args, 'kwargs': kwargs or {}}
    if user is not ADMIN:
        entry['user'] = user  # the recorder calls as admin (uid 2) when no user is given
    calls.append(entry)

# An id compared with a value (str in Odoo's SQL, read as integer by PostgreSQL).
for model in ['res.country', 'res.partner', 'res.currency', 'product.template', 'sale.order', 'res.users', 'uom.uom']:
    call('odoo_ref', model, 'search_count', [[['id', '=', 5000000000]]])
for op, value in [('!=', 2147483648), ('<', 9999999999), ('>=', -3000000000), ('<=', '12x'), ('>', 2.5), ('=', 'abc'), ('=', ' 42 ')]:
    call('odoo_ref', 'res.partner', 'search', [[['id', op, value]]])
call('odoo_ref', 'res.partner', 'search_read', [[['name', '=', 'x'], ['id', '=', 5000000000]]], {'fields': ['name']})
call('odoo_ref', 'res.partner', 'search_read', [['|', ['name', 'ilike', 'a'], ['id', '<', '99999999999']]], {'fields': ['name']})
call('odoo_ref', 'res.partner', 'search', [['!', ['id', '=', 5000000000]]])
call('odoo_ref', 'res.partner', 'search', [[['active', 'in', [True, False]], ['id', '=', 'x1']]])
call('odoo_ref', 'res.partner', 'search', [[['id', '=', 5000000000]]], {'context': {'active_test': False}})
call('odoo_ref', 'res.partner', 'search', [[['color', '>', 3], ['is_company', '=', True], ['id', '=', 5000000000]]])
call('odoo_ref', 'res.partner', 'search', [[['country_id', 'in', [21, False]], ['id', '>', 5000000000]]])
call('odoo_ref', 'res.partner', 'search', [[['ref', 'not ilike', "o'k"], ['id', '=', 5000000000]]])
call('odoo_ref', 'sale.order', 'search_fetch', [[['state', '=', 'sale'], ['id', '<', 'none']], ['name']])
call('odoo_ref', 'sale.order', 'search', [[['amount_total', '>', 100], ['id', '=', 5000000000]]], user=DEMO)
call('odoo_ref', 'res.partner', 'search_count', [[['id', '=', 5000000000]]], user=DEMO)
# Values Odoo's SQL takes as they are: no error.
call('odoo_ref', 'res.partner', 'search', [[['id', 'in', [5000000000]]]])
call('odoo_ref', 'res.partner', 'search', [[['id', '=', '7']]])
call('odoo_ref', 'res.partner', 'search', [[['id', 'not in', [5000000000]]]], {'limit': 2})
call('odoo_ref', 'res.partner', 'search', [[['country_id', '=', 5000000000]]])
call('odoo_ref', 'res.partner', 'search', [[['country_id', 'in', [5000000000, 21]]]])
call('odoo_ref', 'res.partner', 'search', [[['color', '<', 5000000000]]], {'limit': 2})
call('odoo_ref', 'res.partner', 'search', [[['color', 'in', [5000000000]]]])
call('odoo_ref', 'res.partner', 'read', [[3, 5000000000], ['name']])
call('odoo_ref', 'res.partner', 'read', [[5000000000], ['name']])
call('odoo_ref', 'res.partner', 'exists', [[3, 5000000000]])
call('odoo_ref', 'res.partner', 'search', [[['id', '=', True]]])
call('odoo_ref', 'res.partner', 'search', [[['id', '=', 2.5]]])
# Other statements with the same WHERE: _read_group, web_search_read (search_fetch).
call('odoo_ref', 'res.partner', 'read_group', [[['id', '=', 5000000000]], ['color'], ['color']])
call('odoo_ref', 'res.partner', 'read_group', [[['is_company', '=', True], ['id', '>', 'abc']], ['color'], ['country_id']])
call('odoo_ref', 'res.country', 'read_group', [[['id', '=', 5000000000]], ['code'], ['code']])
call('odoo_ref', 'res.partner', 'web_read_group', [[['id', '=', 5000000000]], ['color'], ['color']])
call('odoo_ref', 'res.partner', 'web_search_read', [[['id', '=', 5000000000]], {'name': {}}])
call('odoo_ref', 'res.partner', 'web_search_read', [[], {'name': {}}], {'limit': 'x'})
# limit / offset as strings, negative.
for model in ['res.country', 'res.partner', 'sale.order', 'product.template', 'res.currency', 'res.company', 'res.partner.category']:
    call('odoo_ref', model, 'search', [[]], {'limit': 'x'})
call('odoo_ref', 'res.partner', 'search', [[]], {'offset': 'y'})
call('odoo_ref', 'res.partner', 'search', [[]], {'limit': 'x', 'offset': 'y'})
call('odoo_ref', 'res.partner', 'search', [[]], {'limit': '3', 'offset': 'two'})
call('odoo_ref', 'res.partner', 'search', [[]], {'limit': '2', 'offset': '1'})
call('odoo_ref', 'res.partner', 'search', [[]], {'limit': -1})
call('odoo_ref', 'res.partner', 'search', [[]], {'offset': -2})
call('odoo_ref', 'res.partner', 'search', [[]], {'limit': '-5'})
call('odoo_ref', 'res.partner', 'search', [[]], {'limit': -1, 'offset': -1})
call('odoo_ref', 'res.partner', 'search_read', [[]], {'limit': 'x', 'fields': ['name']})
call('odoo_ref', 'res.partner', 'search_read', [[['is_company', '=', True]]], {'limit': 'many', 'order': 'name desc'})
call('odoo_ref', 'res.partner', 'search', [[]], {'limit': 'x', 'order': 'country_id'})
call('odoo_ref', 'res.partner', 'search', [[]], {'limit': 'x', 'order': 'id'})
call('odoo_ref', 'res.country', 'search', [[['code', '=', 'BE']]], {'limit': 'x', 'order': 'id'})
call('odoo_ref', 'res.country', 'search', [[]], {'limit': 'x', 'order': 'code desc'})
call('odoo_ref', 'res.country', 'search', [[]], {'limit': 'x', 'order': 'name desc nulls last, id'})
call('odoo_ref', 'res.country', 'search', [[]], {'limit': 'x'}, user=DEMO)
call('odoo_ref', 'res.country', 'search', [[]], {'limit': 'x', 'context': {'lang': 'fr_FR'}})
call('odoo_ref', 'product.template', 'search', [[]], {'limit': 'x', 'order': 'sale_ok desc'})
call('odoo_ref', 'res.partner', 'search_count', [[]], {'limit': 'x'})
call('odoo_ref', 'res.country', 'search_count', [[]], {'limit': 'x'})
call('odoo_ref', 'res.country', 'search_count', [[]], {'limit': -3})
call('odoo_ref', 'res.country', 'search_fetch', [[], ['name']], {'limit': 'x'})
# read_group / web_read_group paging: ORDER BY its groupby (a many2one through its comodel's order).
call('odoo_ref', 'res.partner', 'read_group', [[], ['name'], ['country_id']], {'limit': 'x'})
call('odoo_ref', 'res.partner', 'read_group', [[], ['color'], ['color']], {'offset': 'y'})
call('odoo_ref', 'res.partner', 'read_group', [[], ['name'], ['country_id']], {'limit': -1})
call('odoo_ref', 'res.partner', 'read_group', [[], ['name'], ['country_id']], {'limit': 'x', 'orderby': 'country_id desc'})
call('odoo_ref', 'res.partner', 'read_group', [[], ['name'], ['country_id', 'is_company']], {'limit': 'x', 'lazy': False})
call('odoo_ref', 'res.partner', 'read_group', [[['is_company', '=', True]], ['name'], ['is_company']], {'limit': 'x'})
call('odoo_ref', 'res.partner', 'web_read_group', [[], ['name'], ['country_id']], {'limit': 'x'})
call('odoo_ref', 'res.country', 'read_group', [[], ['code'], ['code']], {'limit': 'x'})
call('odoo_ref', 'sale.order', 'read_group', [[], ['amount_total'], ['partner_id']], {'limit': '2', 'offset': 'z'})
call('odoo_ref', 'sale.order', 'read_group', [[], ['amount_total'], ['state']], {'limit': 'x'}, user=DEMO)
# hp_legacy: its own models, a member under record rules.
for model in ['hp.service.order', 'hp.health.record', 'hp.points.transaction']:
    call('hp_legacy', model, 'search', [[['id', '=', 5000000000]]])
    call('hp_legacy', model, 'search', [[]], {'limit': 'x'})
call('hp_legacy', 'hp.service.order', 'search', [[['id', '>=', 'abc']]], user=MEMBER)
call('hp_legacy', 'res.partner', 'search_read', [[['id', '=', 5000000000]]], {'fields': ['name']}, user=MEMBER)
call('hp_legacy', 'res.partner', 'search', [[]], {'offset': 'y'}, user=MEMBER)
call('hp_legacy', 'hp.service.order', 'read_group', [[], ['state'], ['state']], {'limit': 'x'})

out = os.path.join(os.path.dirname(__file__), '..', '..', 'fixtures', 'odoo-differential', 'sql-value-errors-calls.json')
with open(out, 'w') as f:
    json.dump(calls, f, indent=1)
    f.write('\n')
print(len(calls), 'calls')
