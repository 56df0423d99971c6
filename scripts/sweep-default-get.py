"""default_get(all fields) for every model, as each user, on Odoo and Ficus; prints each difference as JSON.
usage: scripts/sweep-default-get.py ODOO FICUS DB USER[,USER...] [MODEL,...]"""
import json, sys, xmlrpc.client
ODOO, FICUS, DB, USERS = sys.argv[1:5]
ONLY = sys.argv[5].split(',') if len(sys.argv) > 5 else None
def pw_of(login): return login.split('@')[0] if DB == 'odoo_ref' else login
def proxy(base, login):
    pw = pw_of(login)
    uid = xmlrpc.client.ServerProxy(base + '/xmlrpc/2/common').authenticate(DB, login, pw, {})
    o = xmlrpc.client.ServerProxy(base + '/xmlrpc/2/object', allow_none=True)
    def call(model, method, args, kw=None):
        try: return o.execute_kw(DB, uid, pw, model, method, args, kw or {})
        except xmlrpc.client.Fault as f: return ['FAULT', f.faultString.strip().splitlines()[-1][:200]]
        except Exception as e: return ['EXC', str(e)[:200]]
    return call
users = USERS.split(',')
admin = proxy(ODOO, users[0])
models = ONLY or sorted(m['model'] for m in admin('ir.model', 'search_read', [[]], {'fields': ['model']}))
fields = {}
for m in models:
    fg = admin(m, 'fields_get', [], {'attributes': ['type']})
    if isinstance(fg, dict): fields[m] = sorted(fg)
for u in users:
    o, f = proxy(ODOO, u), proxy(FICUS, u)
    for m in models:
        if m not in fields: continue
        a = o(m, 'default_get', [fields[m]]); b = f(m, 'default_get', [fields[m]])
        if a == b: continue
        if not isinstance(a, dict) or not isinstance(b, dict):
            print(json.dumps({'user': u, 'model': m, 'odoo': str(a)[:200], 'ficus': str(b)[:200]}), flush=True); continue
        diff = {k: (str(a.get(k, '<absent>'))[:100], str(b.get(k, '<absent>'))[:100]) for k in sorted(set(a) | set(b)) if a.get(k, '<absent>') != b.get(k, '<absent>')}
        print(json.dumps({'user': u, 'model': m, 'diff': diff}, ensure_ascii=False), flush=True)
