"""The everyday flow of issue 17 (bar 2), the same steps through each client, unchanged:
log in, search_read partners, browse an order to its customer (a res.users: the client reads
every field it knows of) and on to the customer's partner, its one2many children and the user's
many2many groups, create a partner with a phone and an email, write both, read the stored and
computed phone/email fields back, fields_get, read_group, unlink.

usage: everyday_flow.py CLIENT URL DB LOGIN PASSWORD   (CLIENT: xmlrpc | odoorpc | odoolib | odooly)
prints one JSON line of what the client saw (ids left out where they would differ between runs).
"""
import json
import sys
import time
from urllib.parse import urlparse

client_name, url, db, login, password = sys.argv[1:6]
parsed = urlparse(url)
PHONE, PHONE2 = '+86 10 1234 5678', '+86 10 8765 4321'
EMAIL, EMAIL2 = 'Flow.Tester@Example.COM', '"Flow Tester" <flow.tester2@example.com>'
READ_BACK = ['name', 'phone', 'email', 'phone_sanitized', 'email_normalized', 'commercial_partner_id', 'contact_address']


class Xmlrpc:
    def __init__(self):
        import xmlrpc.client
        self.common = xmlrpc.client.ServerProxy(f'{url}/xmlrpc/2/common')
        self.uid = self.common.authenticate(db, login, password, {})
        self.models = xmlrpc.client.ServerProxy(f'{url}/xmlrpc/2/object', allow_none=True)

    def call(self, model, method, *args, **kwargs):
        return self.models.execute_kw(db, self.uid, password, model, method, list(args), kwargs)

    def browse_order(self):
        order = self.call('hp.service.order', 'search_read', [], ['customer_id'], limit=1, order='id')[0]
        # a client browsing reads every field of the customer, then follows its relations
        customer = self.call('res.users', 'read', [order['customer_id'][0]])[0]
        partner = self.call('res.partner', 'read', [customer['partner_id'][0]], ['name', 'child_ids'])[0]
        children = self.call('res.partner', 'read', partner['child_ids'], ['name']) if partner['child_ids'] else []
        groups = self.call('res.groups', 'read', customer['groups_id'][:3], ['full_name'])
        return customer, partner['name'], [c['name'] for c in children], [g['full_name'] for g in groups]


class Odoorpc(Xmlrpc):
    def __init__(self):
        import odoorpc
        self.odoo = odoorpc.ODOO(parsed.hostname, port=parsed.port)
        self.odoo.login(db, login, password)
        self.uid = self.odoo.env.uid

    def call(self, model, method, *args, **kwargs):
        return self.odoo.execute_kw(model, method, list(args), kwargs)

    def browse_order(self):
        Order = self.odoo.env['hp.service.order']
        order = Order.browse(Order.search([], limit=1, order='id')[0])
        customer = order.customer_id  # odoorpc reads every non-relational field of res.users
        row = {'id': customer.id, 'login': customer.login, 'login_date': customer.login_date and str(customer.login_date),
               'totp_enabled': customer.totp_enabled, 'name': customer.name}
        return row, customer.partner_id.name, [c.name for c in customer.partner_id.child_ids], [g.full_name for g in customer.groups_id[:3]]


class Odoolib(Xmlrpc):
    def __init__(self):
        import odoolib
        self.connection = odoolib.get_connection(hostname=parsed.hostname, port=parsed.port, database=db, login=login, password=password, protocol='xmlrpc')
        self.connection.check_login()
        self.uid = self.connection.user_id

    def call(self, model, method, *args, **kwargs):
        return getattr(self.connection.get_model(model), method)(*args, **kwargs)


class Odooly(Xmlrpc):
    def __init__(self):
        import odooly
        self.client = odooly.Client(url.rstrip('/') + '/jsonrpc', db, login, password)
        self.env = self.client.env
        self.uid = self.env.uid

    def call(self, model, method, *args, **kwargs):
        return self.env[model]._execute(method, *args, **kwargs)

    def browse_order(self):
        Order = self.env['hp.service.order']
        order = Order.search([], limit=1, order='id')[0]
        customer = order.customer_id
        row = customer.read()  # every field odooly knows of the user
        return row, customer.partner_id.name, [c.name for c in customer.partner_id.child_ids], [g.full_name for g in customer.groups_id[:3]]


client = {'xmlrpc': Xmlrpc, 'odoorpc': Odoorpc, 'odoolib': Odoolib, 'odooly': Odooly}[client_name]()
seen = {'uid': client.uid}
seen['people'] = [r['name'] for r in client.call('res.partner', 'search_read', [('is_company', '=', False), ('email', '!=', False)], ['name', 'email'], limit=3, order='id')]
customer, partner_name, children, groups = client.browse_order()
seen['customer'] = {k: customer.get(k) for k in ('login', 'name', 'totp_enabled')}
seen['customer_has_login_date'] = bool(customer.get('login_date'))
seen['customer_partner'] = partner_name
seen['customer_children'] = children
seen['customer_groups'] = groups
# a one2many followed from a partner to its users (res.users, all fields read)
member = client.call('res.partner', 'search_read', [('user_ids.login', '=like', 'member00%')], ['name', 'user_ids'], limit=1, order='id')[0]
seen['member_partner'] = member['name']
seen['member_users'] = [{k: u[k] for k in ('login', 'name', 'share', 'active')} for u in client.call('res.users', 'read', member['user_ids'])]

name = f'Flow Tester {client_name} {time.time()}'
partner_id = client.call('res.partner', 'create', {'name': name, 'phone': PHONE, 'email': EMAIL})
if isinstance(partner_id, list):
    partner_id = partner_id[0]
created = client.call('res.partner', 'read', [partner_id], READ_BACK)[0]
seen['created'] = {k: created[k] for k in ('phone', 'email', 'phone_sanitized', 'email_normalized')}
seen['created_commercial_is_self'] = created['commercial_partner_id'][0] == partner_id
seen['written'] = client.call('res.partner', 'write', [partner_id], {'phone': PHONE2, 'email': EMAIL2})
written = client.call('res.partner', 'read', [partner_id], READ_BACK)[0]
seen['after_write'] = {k: written[k] for k in ('phone', 'email', 'phone_sanitized', 'email_normalized')}
fields = client.call('res.partner', 'fields_get', attributes=['type', 'string'])
seen['fields'] = {k: fields[k] for k in ('phone', 'email', 'phone_sanitized', 'child_ids')}
groups = client.call('res.partner', 'read_group', [('id', '=', partner_id)], ['id:count'], ['is_company'])
seen['read_group'] = [{k: g[k] for k in ('is_company', 'is_company_count', 'id')} for g in groups]
seen['unlinked'] = client.call('res.partner', 'unlink', [partner_id])
seen['left'] = client.call('res.partner', 'search_count', [('id', '=', partner_id)])
print(json.dumps(seen, default=str))
