"""The client flow with odooly, in both of its transports: JSON-RPC (a server URL ending in
/jsonrpc: common.version, common.login, res.users.context_get, then object.execute_kw) and the web
client's API (a plain server URL: /web/webclient/version_info, /web/session/authenticate, then
/web/dataset/call_kw with the session cookie). Records are odooly's RecordList/Record objects,
which read lazily and follow relations. Usage: odooly_flow.py URL DB LOGIN PASSWORD; prints one
JSON line with what each transport saw."""
import json
import sys
import time

import odooly

url, db, login, password = sys.argv[1:5]


def flow(server):
    client = odooly.Client(server, db, login, password)
    env = client.env
    uid = env.uid
    Binding = env['hp.device.binding']
    own = Binding.search([('user_id', '=', uid)])
    own_users = sorted({rec.user_id.id for rec in own})
    serial = f"FICUS-odooly-{time.time()}"
    created = Binding.create({'user_id': uid, 'device_type': 'band', 'vendor': 'Ficus', 'serial': serial})
    created.vendor = 'Ficus Labs'
    created.refresh()
    vendor = created.vendor
    found = Binding.search_count([('serial', '=', serial)])
    created.unlink()
    left = Binding.search_count([('serial', '=', serial)])
    fields = Binding.fields_get(attributes=['type', 'string'])
    me = env.user
    partner_country = me.partner_id.country_id.name if me.partner_id.country_id else False
    names = env['res.partner'].name_search('Wei Wu')
    models = sorted(env.models('hp.health'))
    try:
        env['hp.risk.rule'].search([])
        error = None
    except Exception as exc:  # odooly raises odooly.ServerError with the server's error
        error = str(exc)
    return {
        'server_version': client.server_version, 'uid': uid, 'own_user_ids': own_users,
        'vendor': vendor, 'found': found, 'left': left, 'device_type': fields['device_type']['type'],
        'login': me.login, 'partner_country': partner_country, 'names': names, 'models': models, 'error': error,
    }


print(json.dumps({'jsonrpc': flow(url.rstrip('/') + '/jsonrpc'), 'web': flow(url)}))
