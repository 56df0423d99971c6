"""odoorpc browsing across many2one fields, as a script would: `order.customer_id.id` makes odoorpc
read every non-relational field of res.users (from fields_get), so every one of them must be read
or left out, never fail the read. Usage: odoorpc_browse_flow.py HOST PORT DB LOGIN PASSWORD;
prints one JSON line."""
import json
import sys

import odoorpc

host, port, db, login, password = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
odoo = odoorpc.ODOO(host, port=port)
odoo.login(db, login, password)
Order = odoo.env['hp.service.order']
order = Order.browse(Order.search([], limit=1, order='id')[0])
customer = order.customer_id
me = odoo.env['res.users'].browse(odoo.env.uid)
partner = me.partner_id
print(json.dumps({
    'order_id': order.id,
    'customer_id': customer.id,
    'customer_name': customer.name,
    'customer_login': customer.login,
    'customer_totp': customer.totp_enabled,
    'my_login_date': me.login_date.strftime('%Y-%m-%d %H:%M:%S') if me.login_date else False,
    'my_partner_address': partner.contact_address,
    'worker': order.health_worker_id.id if order.health_worker_id else False,
}))
