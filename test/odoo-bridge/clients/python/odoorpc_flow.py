"""The client flow with OCA's odoorpc (JSON-RPC): it probes /web/webclient/version_info on
construction, logs in with common.login + res.users.context_get, and adds the user context to
every call. Usage: odoorpc_flow.py HOST PORT DB LOGIN PASSWORD; prints one JSON line."""
import json
import sys
import time

import odoorpc

host, port, db, login, password = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
odoo = odoorpc.ODOO(host, port=port)
odoo.login(db, login, password)
uid = odoo.env.uid
Binding = odoo.env['hp.device.binding']
own_ids = Binding.search([('user_id', '=', uid)])
own = Binding.read(own_ids, ['serial', 'user_id'])
serial = f"FICUS-odoorpc-{time.time()}"
new_id = Binding.create({'user_id': uid, 'device_type': 'band', 'vendor': 'Ficus', 'serial': serial})
record = Binding.browse(new_id)
record.vendor = 'Ficus Labs'
vendor = Binding.read([new_id], ['vendor'])[0]['vendor']
unlinked = Binding.unlink([new_id])
left = Binding.search_count([('serial', '=', serial)])
fields = Binding.fields_get()
names = odoo.env['res.partner'].name_search('Wei Wu')
company = odoo.env.ref('base.main_company').name  # ir.model.data.check_object_reference
try:
    odoo.env['hp.risk.rule'].search_read([], ['name'])
    error = None
except odoorpc.error.RPCError as exc:
    error = str(exc)

print(json.dumps({
    'server_version': odoo.version, 'uid': uid, 'own_user_ids': sorted({r['user_id'][0] for r in own}),
    'created': new_id, 'vendor': vendor, 'unlinked': unlinked, 'left': left,
    'device_type': fields['device_type']['type'], 'names': names, 'error': error, 'company': company,
}))
