"""odoo-client-lib (PyPI `odoo-client-lib`), unchanged: XML-RPC login and calls, then JSON-2 with
an API key, whose positional arguments the library names from GET /doc-bearer/<model>.json.

usage: odoolib_flow.py HOST PORT DB LOGIN PASSWORD API_KEY  -> one JSON line of what it saw
"""
import json
import sys

import odoolib

host, port, db, login, password, api_key = sys.argv[1:7]
seen = {}

connection = odoolib.get_connection(hostname=host, port=int(port), database=db, login=login, password=password, protocol='xmlrpc')
connection.check_login()
seen['uid'] = connection.user_id
users = connection.get_model('res.users')
seen['own_login'] = users.read(connection.user_id, ['login'])['login']
bindings = connection.get_model('hp.device.binding')
seen['binding_users'] = sorted({row['user_id'][0] for row in bindings.search_read([('user_id', '=', connection.user_id)], ['user_id'])})

json2 = odoolib.get_connection(hostname=host, port=int(port), database=db, password=api_key, protocol='json2')
seen['json2_context_lang'] = json2.get_user_context().get('lang')
model = json2.get_model('hp.device.binding')
# Positional: the library fetches /doc-bearer/hp.device.binding.json to name them (domain, fields).
rows = model.search_read([['user_id', '=', connection.user_id]], ['user_id'])
seen['json2_binding_users'] = sorted({row['user_id'][0] for row in rows})
seen['json2_count'] = model.search_count([['user_id', '=', connection.user_id]])
ids = model.search([['user_id', '=', connection.user_id]], 0, 1)
seen['json2_search_limited'] = len(ids)
seen['search_params'] = list(model.methods['search'])
print(json.dumps(seen))
