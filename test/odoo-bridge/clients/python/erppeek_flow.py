"""The client flow with ERPpeek (XML-RPC, the old `object.execute` with positional arguments:
`execute(db, uid, password, model, method, *args)`, plus db.list and common.version on
connection; ir.model is read to find models, which Odoo 18 allows administrators only).
Usage: erppeek_flow.py URL DB LOGIN PASSWORD; prints one JSON line."""
import json
import sys
import time

import erppeek

url, db, login, password = sys.argv[1:5]
client = erppeek.Client(url, db, login, password)
Binding = client.model('hp.device.binding')
me = client.read('res.users', [('login', '=', login)], 'id login')
uid = me[0]['id']
own = client.read('hp.device.binding', [('user_id', '=', uid)], 'user_id')
serial = f"FICUS-erppeek-{time.time()}"
record = Binding.create({'user_id': uid, 'device_type': 'band', 'vendor': 'Ficus', 'serial': serial})
record.write({'vendor': 'Ficus Labs'})
vendor = Binding.read(record.id, 'vendor')
found = client.count('hp.device.binding', [('serial', '=', serial)])
record.unlink()
left = client.count('hp.device.binding', [('serial', '=', serial)])
fields = Binding.fields()
names = client.execute('res.partner', 'name_search', 'Wei Wu')
try:
    client.execute('hp.device.binding', 'create', {'user_id': uid})
    error = None
except Exception as exc:  # xmlrpc.client.Fault: Odoo's message first, its class in faultCode
    error = {'code': exc.faultCode, 'string': exc.faultString}
print(json.dumps({
    'server_version': client.db.server_version(),
    'uid': uid, 'own_user_ids': sorted({r['user_id'][0] for r in own}), 'vendor': vendor, 'found': found,
    'left': left, 'device_type': fields['device_type']['type'], 'names': names, 'error': error,
}))
