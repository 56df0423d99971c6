"""The client flow with Python's own xmlrpc.client, written the way Odoo's external API
documentation shows it (common.version, common.authenticate, models.execute_kw).
Usage: xmlrpc_flow.py URL DB LOGIN PASSWORD; prints one JSON line with what it saw."""
import json
import sys
import time
import xmlrpc.client

url, db, username, password = sys.argv[1:5]
common = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common")
version = common.version()
uid = common.authenticate(db, username, password, {})
models = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object")

own = models.execute_kw(db, uid, password, 'hp.device.binding', 'search_read',
                        [[['user_id', '=', uid]]], {'fields': ['serial', 'user_id'], 'limit': 5})
serial = f"FICUS-py-xmlrpc-{time.time()}"
new_id = models.execute_kw(db, uid, password, 'hp.device.binding', 'create',
                           [{'user_id': uid, 'device_type': 'scale', 'vendor': 'Ficus', 'serial': serial}])
read_back = models.execute_kw(db, uid, password, 'hp.device.binding', 'read', [[new_id]], {'fields': ['serial', 'vendor']})
written = models.execute_kw(db, uid, password, 'hp.device.binding', 'write', [[new_id], {'vendor': 'Ficus Labs'}])
vendor = models.execute_kw(db, uid, password, 'hp.device.binding', 'read', [[new_id]], {'fields': ['vendor']})[0]['vendor']
unlinked = models.execute_kw(db, uid, password, 'hp.device.binding', 'unlink', [[new_id]])
left = models.execute_kw(db, uid, password, 'hp.device.binding', 'search_count', [[['serial', '=', serial]]])
fields = models.execute_kw(db, uid, password, 'hp.device.binding', 'fields_get', [], {'attributes': ['string', 'type']})
names = models.execute_kw(db, uid, password, 'res.partner', 'name_search', ['Wei Wu'], {'limit': 5})
try:
    models.execute_kw(db, uid, password, 'hp.risk.rule', 'search_read', [[]], {'fields': ['name']})
    fault = None
except xmlrpc.client.Fault as error:
    fault = {'code': error.faultCode, 'string': error.faultString}

print(json.dumps({
    'server_version': version['server_version'], 'uid': uid, 'own_user_ids': sorted({r['user_id'][0] for r in own}),
    'created': new_id, 'read_back': read_back, 'written': written, 'vendor': vendor, 'unlinked': unlinked,
    'left': left, 'device_type': fields['device_type']['type'], 'names': names, 'fault': fault,
}))
