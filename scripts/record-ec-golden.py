#!/usr/bin/env python3
"""Record golden cases of M09 (hp_mall) and M10 (hp_ads) from a real Odoo 18 serving hp_legacy.

Writes fixtures/hp-legacy-golden-ec.jsonl in the format of fixtures/hp-legacy-golden.jsonl
(id, title, db_state, user, transport, request, response, volatile): hp.mall.order,
hp.mall.order.line, hp.inventory, hp.ad.campaign, hp.ad.impression and the hp_health_category
that hp_mall adds to product.template (and product.product through _inherits), read, searched,
grouped, described (fields_get), name-searched and counted by admin, a merchant, operators, members
and a coach over JSON-RPC, XML-RPC and call_kw:
the mall-order record rule (a member reads and changes only its own orders; merchants and
operators see all), the ACL errors (members have no access to inventories, campaigns and
impressions; operators do not write orders; merchants do not unlink), order creates with lines
(price_unit from the product's lst_price, the name from the sequence MO/%(year)s/#####),
amount_total after line creates, writes and unlinks, action_pay / action_ship / action_deliver /
action_cancel in the right and the wrong state and on an order without lines (the UserError
texts), the inventory's reserved <= quantity check and its (product, warehouse) uniqueness,
action_start / action_pause / action_done of campaigns in the right and the wrong state, and
spent after impression creates, writes, moves and unlinks. The last steps of seq_mall use the
monolith's hole (hp.mall.order.line has no record rule: a member reads and changes another
member's order lines) so that the service's closing of it shows as a listed difference.

Every block runs twice (run A and run B), each from a restore of the database; a path whose value
differs between the runs becomes volatile (paid_at, stamped now by action_pay), and so do by hand
a JSON-RPC error's traceback, an XML-RPC fault 1, and the name the sequence gives an order
(its prefix holds the year of the day it runs). Orders created here give their name explicitly
('GOLDEN/…') except the one that checks the sequence; impressions give shown_at.

How it was run (2026-12-06): as scripts/golden_recorder.py says, with Odoo on port 8499 over PostgreSQL
on port 55496, and `--out fixtures/hp-legacy-golden-ec.jsonl`.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from golden_recorder import kw, main, rpc, saved, xml  # noqa: E402


# login -> uid; every demo password equals its login (../shared/legacy-odoo/README.md).
UIDS = {
    'admin': 2,                      # base.group_system + hp admin
    'member001@hp.example': 6,       # no mall order
    'member087@hp.example': 92,      # orders 95 (delivered), 104 (draft, line 251), 188 (delivered)
    'member132@hp.example': 137,     # orders 4, 83 (shipped), 168 (draft, lines 404-407)
    'member227@hp.example': 232,     # orders 13, 135, 197 (cancelled), 175 (paid)
    'coach001@hp.example': 246,      # a coach (member by implied group), no mall order
    'merchant001@hp.example': 286,   # merchant: orders (read, write), inventories, campaigns, products
    'merchant002@hp.example': 287,
    'operator001@hp.example': 301,   # operator + group_hp_admin
    'operator002@hp.example': 302,   # plain operator
}

ADMIN = 'admin'
M1 = 'member001@hp.example'
M87 = 'member087@hp.example'
M132 = 'member132@hp.example'
M227 = 'member227@hp.example'
C1 = 'coach001@hp.example'
ME1 = 'merchant001@hp.example'
ME2 = 'merchant002@hp.example'
OP1 = 'operator001@hp.example'
OP2 = 'operator002@hp.example'

MO = 'hp.mall.order'
ML = 'hp.mall.order.line'
INV = 'hp.inventory'
CA = 'hp.ad.campaign'
IM = 'hp.ad.impression'
PT = 'product.template'
PP = 'product.product'

ORDER_FIELDS = ['name', 'buyer_id', 'currency_id', 'amount_total', 'state', 'paid_at', 'line_ids']
# Orders paid here are stamped paid_at = now: their reads leave it out.
ORDER_STATE = ['name', 'buyer_id', 'amount_total', 'state', 'line_ids']
LINE_FIELDS = ['order_id', 'product_id', 'quantity', 'currency_id', 'price_unit', 'subtotal']
INV_FIELDS = ['product_id', 'warehouse', 'quantity', 'reserved']
CAMP_FIELDS = ['name', 'advertiser_id', 'currency_id', 'budget', 'spent', 'bid_cpm', 'start_date', 'end_date', 'state', 'target_tags']
IMP_FIELDS = ['campaign_id', 'user_id', 'shown_at', 'clicked', 'currency_id', 'cost']
PRODUCT_FIELDS = ['name', 'list_price', 'hp_health_category', 'default_code']
FIELD_ATTRS = ['string', 'type', 'required', 'readonly', 'store', 'relation', 'selection', 'sortable', 'groupable']

# The sequence's name holds the year of the day it ran: volatile by hand wherever it is answered.
SEQ_NAME_READ = ['/response/body/result/0/name', '/response/body/result/0/display_name']


def first_of(name):
    """A create of a list answers a list of ids."""
    return lambda s: s[name][0]


def line_of(name, index):
    """The id of a line read by an earlier step (its search_read answer)."""
    return lambda s: s[name][index]['id']


# --------------------------------------------------------------------------------------------
# Pristine reads (category `ec`): nothing here writes, so they all run after one restore.

PRISTINE = [
    # hp.mall.order: buyers see their own (record rule), merchants and operators all
    rpc('orders: search_read, default order (id desc), limit 6', ADMIN, MO, 'search_read', [[]], {'fields': ORDER_FIELDS, 'limit': 6}),
    rpc('orders: search_count all', ADMIN, MO, 'search_count', [[]]),
    rpc('orders: search_count paid', ADMIN, MO, 'search_count', [[['state', '=', 'paid']]]),
    rpc('orders: read 104, 4, 175 in request order with display_name (the name)', ADMIN, MO, 'read', [[104, 4, 175]], {'fields': ORDER_FIELDS + ['display_name']}),
    rpc('orders: read one, all fields', ADMIN, MO, 'read', [[168]]),
    rpc('orders: read_group by state (amount_total sum)', ADMIN, MO, 'read_group', [[], ['amount_total:sum'], ['state']]),
    rpc('orders: read_group by buyer_id, limit 5', ADMIN, MO, 'read_group', [[], ['amount_total:sum'], ['buyer_id']], {'limit': 5}),
    rpc('orders: read_group by paid_at:month', ADMIN, MO, 'read_group', [[['paid_at', '!=', False]], ['amount_total:sum'], ['paid_at:month']]),
    rpc('orders: read_group by state, currency_id not lazy', ADMIN, MO, 'read_group', [[], [], ['state', 'currency_id']], {'lazy': False}),
    rpc('orders: fields_get, every attribute', ADMIN, MO, 'fields_get', []),
    rpc('orders: name_search MO/2026/0010, limit 5', ADMIN, MO, 'name_search', ['MO/2026/0010'], {'limit': 5}),
    rpc('orders: amount_total > 2000, order amount_total desc, id', ADMIN, MO, 'search_read', [[['amount_total', '>', 2000]]], {'fields': ['name', 'amount_total'], 'order': 'amount_total desc, id'}),
    rpc('orders: through line_ids.product_id.hp_health_category = device, limit 5', ADMIN, MO, 'search_read', [[['line_ids.product_id.hp_health_category', '=', 'device']]], {'fields': ['name', 'state'], 'limit': 5, 'order': 'id'}),
    rpc('orders: dotted buyer_id.login', ADMIN, MO, 'search_read', [[['buyer_id.login', '=', 'member132@hp.example']]], {'fields': ORDER_STATE, 'order': 'id'}),
    rpc('orders: paid_at in October 2026, count', ADMIN, MO, 'search_count', [[['paid_at', '>=', '2026-10-01 00:00:00'], ['paid_at', '<', '2026-11-01 00:00:00']]]),
    rpc('orders as member087: search_read (own only)', M87, MO, 'search_read', [[]], {'fields': ORDER_FIELDS}),
    rpc('orders as member087: read its own 104', M87, MO, 'read', [[104]], {'fields': ORDER_FIELDS}),
    rpc("orders as member087: read member132's 168 -> AccessError (record rule)", M87, MO, 'read', [[168]], {'fields': ORDER_FIELDS}),
    rpc("orders as member087: read its own 104 and member132's 168 -> AccessError", M87, MO, 'read', [[104, 168]], {'fields': ['name']}),
    rpc('orders as member087: search_count', M87, MO, 'search_count', [[]]),
    rpc('orders as member087: read_group by state', M87, MO, 'read_group', [[], ['amount_total:sum'], ['state']]),
    rpc('orders as member087: name_search MO/2026', M87, MO, 'name_search', ['MO/2026'], {'limit': 10}),
    rpc("orders as member132: search 104 and 168 by id (only its own)", M132, MO, 'search', [[['id', 'in', [104, 168]]]]),
    rpc('orders as member001: none', M1, MO, 'search_read', [[]], {'fields': ['name']}),
    rpc('orders as coach001: none (coaches are members)', C1, MO, 'search_count', [[]]),
    rpc('orders as merchant001: search_count all (merchant rule)', ME1, MO, 'search_count', [[]]),
    rpc('orders as merchant001: read 104 and 168', ME1, MO, 'read', [[104, 168]], {'fields': ORDER_STATE}),
    rpc('orders as operator002: drafts, limit 5', OP2, MO, 'search_read', [[['state', '=', 'draft']]], {'fields': ORDER_STATE, 'limit': 5}),
    rpc('orders as operator002: read_group by state', OP2, MO, 'read_group', [[], [], ['state']]),
    xml('orders over XML-RPC as member132: its own 168', M132, MO, 'read', [[168]], {'fields': ORDER_FIELDS}),
    xml("orders over XML-RPC as member132: member087's 104 -> Fault 4", M132, MO, 'read', [[104]], {'fields': ['name']}),
    xml('orders over XML-RPC as merchant001: paid, limit 3', ME1, MO, 'search_read', [[['state', '=', 'paid']]], {'fields': ORDER_STATE, 'limit': 3}),
    kw('orders: web_search_read with buyer and lines (call_kw session, member087)', M87, MO, 'web_search_read', [[]], {'specification': {'name': {}, 'state': {}, 'amount_total': {}, 'buyer_id': {'fields': {'display_name': {}}}, 'line_ids': {'fields': {'product_id': {'fields': {'display_name': {}}}, 'quantity': {}, 'subtotal': {}}}}, 'limit': 10, 'count_limit': 10001}),
    kw('orders: web_read_group by state (call_kw session, merchant001)', ME1, MO, 'web_read_group', [[], ['amount_total:sum'], ['state']]),

    # hp.mall.order.line: no record rule in the monolith (members read every line)
    rpc('lines: of orders 104 and 168', ADMIN, ML, 'search_read', [[['order_id', 'in', [104, 168]]]], {'fields': LINE_FIELDS}),
    rpc('lines: search_count all', ADMIN, ML, 'search_count', [[]]),
    rpc('lines: read 251, 404 with display_name (the product)', ADMIN, ML, 'read', [[251, 404]], {'fields': LINE_FIELDS + ['display_name']}),
    rpc('lines: read one, all fields', ADMIN, ML, 'read', [[428]]),
    rpc('lines: read_group by product_id (quantity, subtotal sums), limit 5', ADMIN, ML, 'read_group', [[], ['quantity:sum', 'subtotal:sum'], ['product_id']], {'limit': 5}),
    rpc('lines: fields_get, every attribute', ADMIN, ML, 'fields_get', []),
    rpc('lines: name_search Vitamin (the product), limit 5', ADMIN, ML, 'name_search', ['Vitamin'], {'limit': 5}),
    rpc('lines: subtotal >= 1000, order subtotal desc, id, limit 5', ADMIN, ML, 'search_read', [[['subtotal', '>=', 1000]]], {'fields': LINE_FIELDS, 'order': 'subtotal desc, id', 'limit': 5}),
    rpc("lines as member087: its own order's", M87, ML, 'search_read', [[['order_id', '=', 104]]], {'fields': LINE_FIELDS}),
    rpc('lines as merchant001: limit 3', ME1, ML, 'search_read', [[]], {'fields': LINE_FIELDS, 'limit': 3}),
    rpc('lines as operator002: read_group by order_id, three orders', OP2, ML, 'read_group', [[['order_id', 'in', [4, 8, 95]]], ['subtotal:sum'], ['order_id']]),
    xml('lines over XML-RPC as member132: its own order 168', M132, ML, 'search_read', [[['order_id', '=', 168]]], {'fields': LINE_FIELDS}),
    kw('lines: web_search_read (call_kw session, admin)', ADMIN, ML, 'web_search_read', [[['order_id', '=', 4]]], {'specification': {'product_id': {'fields': {'display_name': {}}}, 'quantity': {}, 'price_unit': {}, 'subtotal': {}}}),

    # hp.inventory: merchants, operators and admins only
    rpc('inventories: search_read, default order (warehouse, product_id)', ADMIN, INV, 'search_read', [[]], {'fields': INV_FIELDS}),
    rpc('inventories: read 1, 2 with display_name (the product)', ADMIN, INV, 'read', [[1, 2]], {'fields': INV_FIELDS + ['display_name']}),
    rpc('inventories: read one, all fields', ADMIN, INV, 'read', [[13]]),
    rpc('inventories: read_group by warehouse (quantity, reserved sums)', ADMIN, INV, 'read_group', [[], ['quantity:sum', 'reserved:sum'], ['warehouse']]),
    rpc('inventories: fields_get, every attribute', ADMIN, INV, 'fields_get', []),
    rpc('inventories: name_search Omega', ADMIN, INV, 'name_search', ['Omega']),
    rpc('inventories: reserved > 30, count', ADMIN, INV, 'search_count', [[['reserved', '>', 30]]]),
    rpc('inventories: of device products (product_id.hp_health_category)', ADMIN, INV, 'search_read', [[['product_id.hp_health_category', '=', 'device']]], {'fields': INV_FIELDS}),
    rpc('inventories as merchant001: SH-01', ME1, INV, 'search_read', [[['warehouse', '=', 'SH-01']]], {'fields': INV_FIELDS}),
    rpc('inventories as operator002: read 5', OP2, INV, 'read', [[5]], {'fields': INV_FIELDS}),
    rpc('inventories as member087: search_read -> AccessError (no ACL)', M87, INV, 'search_read', [[]], {'fields': INV_FIELDS}),
    rpc('inventories as member087: read 1 -> AccessError', M87, INV, 'read', [[1]], {'fields': INV_FIELDS}),
    rpc('inventories as coach001: search_count -> AccessError', C1, INV, 'search_count', [[]]),
    rpc('inventories as member001: read_group -> AccessError', M1, INV, 'read_group', [[], [], ['warehouse']]),
    xml('inventories over XML-RPC as member087 -> Fault 4', M87, INV, 'search_read', [[]], {'fields': INV_FIELDS}),
    xml('inventories over XML-RPC as merchant001: product 29', ME1, INV, 'search_read', [[['product_id', '=', 29]]], {'fields': INV_FIELDS}),
    kw('inventories: web_search_read (call_kw session, merchant001)', ME1, INV, 'web_search_read', [[['warehouse', '=', 'BJ-01']]], {'specification': {'product_id': {'fields': {'display_name': {}}}, 'quantity': {}, 'reserved': {}}}),

    # hp.ad.campaign: merchants, operators and admins only
    rpc('campaigns: search_read, default order (start_date desc, id desc), limit 6', ADMIN, CA, 'search_read', [[]], {'fields': CAMP_FIELDS, 'limit': 6}),
    rpc('campaigns: search_count running', ADMIN, CA, 'search_count', [[['state', '=', 'running']]]),
    rpc('campaigns: read 1, 17, 20 with display_name', ADMIN, CA, 'read', [[1, 17, 20]], {'fields': CAMP_FIELDS + ['display_name']}),
    rpc('campaigns: read one without impressions, all fields', ADMIN, CA, 'read', [[20]]),
    rpc('campaigns: read_group by state (budget, spent sums)', ADMIN, CA, 'read_group', [[], ['budget:sum', 'spent:sum'], ['state']]),
    rpc('campaigns: read_group by advertiser_id', ADMIN, CA, 'read_group', [[], ['spent:sum'], ['advertiser_id']]),
    rpc('campaigns: read_group by start_date:month', ADMIN, CA, 'read_group', [[], ['budget:sum'], ['start_date:month']]),
    rpc('campaigns: fields_get, every attribute', ADMIN, CA, 'fields_get', []),
    rpc('campaigns: name_search 双11', ADMIN, CA, 'name_search', ['双11']),
    rpc('campaigns: spent > 7, order spent desc', ADMIN, CA, 'search_read', [[['spent', '>', 7]]], {'fields': ['name', 'spent', 'budget'], 'order': 'spent desc, id'}),
    rpc('campaigns: target_tags ilike diabetes, ids', ADMIN, CA, 'search', [[['target_tags', 'ilike', 'diabetes']]], {'order': 'id'}),
    rpc('campaigns: running in November (dates)', ADMIN, CA, 'search_read', [[['start_date', '<=', '2026-11-15'], ['end_date', '>=', '2026-11-15']]], {'fields': ['name', 'start_date', 'end_date'], 'order': 'id'}),
    rpc('campaigns as merchant001: paused and done', ME1, CA, 'search_read', [[['state', 'in', ['paused', 'done']]]], {'fields': CAMP_FIELDS}),
    rpc('campaigns as operator002: read_group by state', OP2, CA, 'read_group', [[], [], ['state']]),
    rpc('campaigns as member087: search_read -> AccessError (no ACL)', M87, CA, 'search_read', [[]], {'fields': ['name']}),
    rpc('campaigns as coach001: read 1 -> AccessError', C1, CA, 'read', [[1]], {'fields': ['name']}),
    rpc('campaigns as member001: name_search -> AccessError', M1, CA, 'name_search', ['Food']),
    xml('campaigns over XML-RPC as member132 -> Fault 4', M132, CA, 'read', [[1]], {'fields': ['name']}),
    xml('campaigns over XML-RPC as merchant002: 1 and 2', ME2, CA, 'read', [[1, 2]], {'fields': CAMP_FIELDS}),
    kw('campaigns: web_search_read (call_kw session, merchant001)', ME1, CA, 'web_search_read', [[['state', '=', 'running']]], {'specification': {'name': {}, 'budget': {}, 'spent': {}, 'advertiser_id': {'fields': {'display_name': {}}}}, 'limit': 5, 'count_limit': 10001}),

    # hp.ad.impression: read by merchants and operators, written by admins only
    rpc('impressions: search_read, default order (shown_at desc, id desc), limit 5', ADMIN, IM, 'search_read', [[]], {'fields': IMP_FIELDS, 'limit': 5}),
    rpc('impressions: search_count clicked', ADMIN, IM, 'search_count', [[['clicked', '=', True]]]),
    rpc('impressions: read 1, 2, 3 with display_name (the campaign)', ADMIN, IM, 'read', [[1, 2, 3]], {'fields': IMP_FIELDS + ['display_name']}),
    rpc('impressions: read one, all fields', ADMIN, IM, 'read', [[4]]),
    rpc('impressions: read_group by campaign_id (cost sum), limit 5', ADMIN, IM, 'read_group', [[], ['cost:sum'], ['campaign_id']], {'limit': 5}),
    rpc('impressions: read_group by clicked', ADMIN, IM, 'read_group', [[], ['cost:sum'], ['clicked']]),
    rpc('impressions: read_group by shown_at:week, campaign 19', ADMIN, IM, 'read_group', [[['campaign_id', '=', 19]], ['cost:sum'], ['shown_at:week']]),
    rpc('impressions: fields_get, every attribute', ADMIN, IM, 'fields_get', []),
    rpc('impressions: name_search 618, limit 5', ADMIN, IM, 'name_search', ['618'], {'limit': 5}),
    rpc('impressions: of user 75, order id', ADMIN, IM, 'search_read', [[['user_id', '=', 75]]], {'fields': IMP_FIELDS, 'order': 'id', 'limit': 8}),
    rpc('impressions as merchant001: read_group by campaign 1 and 2', ME1, IM, 'read_group', [[['campaign_id', 'in', [1, 2]]], ['cost:sum'], ['campaign_id']]),
    rpc('impressions as operator002: clicked of campaign 17', OP2, IM, 'search_read', [[['campaign_id', '=', 17], ['clicked', '=', True]]], {'fields': IMP_FIELDS, 'order': 'id'}),
    rpc('impressions as member087: search_read -> AccessError (no ACL)', M87, IM, 'search_read', [[]], {'fields': IMP_FIELDS, 'limit': 3}),
    rpc('impressions as member087: its own (user_id) -> AccessError', M87, IM, 'search_count', [[['user_id', '=', 92]]]),
    xml('impressions over XML-RPC as coach001 -> Fault 4', C1, IM, 'search_count', [[]]),
    kw('impressions: web_read_group by clicked (call_kw session, merchant001)', ME1, IM, 'web_read_group', [[['campaign_id', '=', 1]], ['cost:sum'], ['clicked']]),

    # hp_health_category on product.template (and product.product through _inherits)
    rpc('templates: devices, order id', ADMIN, PT, 'search_read', [[['hp_health_category', '=', 'device']]], {'fields': PRODUCT_FIELDS, 'order': 'id'}),
    rpc('templates: read_group by hp_health_category (list_price avg)', ADMIN, PT, 'read_group', [[['hp_health_category', '!=', False]], ['list_price:avg'], ['hp_health_category']]),
    rpc('templates: fields_get hp_health_category, every attribute', ADMIN, PT, 'fields_get', [['hp_health_category']]),
    rpc('templates: hp_health_category in food, fitness: count', ADMIN, PT, 'search_count', [[['hp_health_category', 'in', ['food', 'fitness']]]]),
    rpc('templates: read 1, 11, 41', ADMIN, PT, 'read', [[1, 11, 41]], {'fields': PRODUCT_FIELDS + ['display_name']}),
    rpc('templates: without a health category: count', ADMIN, PT, 'search_count', [[['hp_health_category', '=', False]]]),
    rpc('variants: care, order id, limit 5', ADMIN, PP, 'search_read', [[['hp_health_category', '=', 'care']]], {'fields': ['name', 'lst_price', 'hp_health_category', 'product_tmpl_id'], 'order': 'id', 'limit': 5}),
    rpc('variants: read 11 with display_name', ADMIN, PP, 'read', [[11]], {'fields': ['hp_health_category', 'lst_price', 'default_code', 'display_name']}),
    rpc('variants: name_search Vitamin', ADMIN, PP, 'name_search', ['Vitamin']),
    rpc('variants: read_group by hp_health_category (through _inherits)', ADMIN, PP, 'read_group', [[], [], ['hp_health_category']]),
    rpc('variants: fields_get hp_health_category', ADMIN, PP, 'fields_get', [['hp_health_category']], {'attributes': FIELD_ATTRS}),
    rpc('templates as member087: fitness, limit 3', M87, PT, 'search_read', [[['hp_health_category', '=', 'fitness']]], {'fields': PRODUCT_FIELDS, 'limit': 3, 'order': 'id'}),
    rpc('templates as merchant001: supplements by list_price desc', ME1, PT, 'search_read', [[['hp_health_category', '=', 'supplement']]], {'fields': ['name', 'list_price'], 'order': 'list_price desc, id', 'limit': 5}),
    xml('variants over XML-RPC as member132: 1, 2', M132, PP, 'read', [[1, 2]], {'fields': ['hp_health_category', 'lst_price']}),
    kw('templates: web_search_read with the category (call_kw session, member087)', M87, PT, 'web_search_read', [[['hp_health_category', '=', 'food']]], {'specification': {'name': {}, 'hp_health_category': {}, 'list_price': {}}, 'limit': 4, 'count_limit': 10001}),
]

# --------------------------------------------------------------------------------------------
# Sequences: each runs after its own restore.

SEQ_MALL = [
    # An order with lines: price_unit from lst_price, amount_total the sum of subtotals
    rpc('member001 creates an order with two lines (name from the sequence)', M1, MO, 'create', [{'buyer_id': 6, 'line_ids': [[0, 0, {'product_id': 1, 'quantity': 2}], [0, 0, {'product_id': 11, 'quantity': 1}]]}], save='o_seq'),
    rpc('read back with display_name (the sequence name: volatile)', M1, MO, 'read', [[saved('o_seq')]], {'fields': ORDER_STATE + ['display_name']}, volatile=SEQ_NAME_READ),
    rpc('member001 creates GOLDEN/0001 with two lines', M1, MO, 'create', [{'name': 'GOLDEN/0001', 'buyer_id': 6, 'line_ids': [[0, 0, {'product_id': 3, 'quantity': 2}], [0, 0, {'product_id': 12, 'quantity': 1, 'price_unit': 25.5}]]}], save='o1'),
    rpc('its lines: price_unit from lst_price unless given', M1, ML, 'search_read', [[['order_id', '=', saved('o1')]]], {'fields': LINE_FIELDS}, save='o1_lines'),
    rpc('read it with display_name', M1, MO, 'read', [[saved('o1')]], {'fields': ORDER_FIELDS + ['display_name']}),
    rpc('member001 writes the first line quantity 3', M1, ML, 'write', [[line_of('o1_lines', 0)], {'quantity': 3}]),
    rpc('amount_total after the write', M1, MO, 'read', [[saved('o1')]], {'fields': ['amount_total']}),
    rpc('member001 adds a line through the order (command 0)', M1, MO, 'write', [[saved('o1')], {'line_ids': [[0, 0, {'product_id': 21, 'quantity': 4}]]}]),
    rpc('amount_total after the added line', M1, MO, 'read', [[saved('o1')]], {'fields': ['amount_total', 'line_ids']}),
    rpc('member001 creates a line directly (price from lst_price)', M1, ML, 'create', [{'order_id': saved('o1'), 'product_id': 5}], save='l_direct'),
    rpc('the direct line', M1, ML, 'read', [[saved('l_direct')]], {'fields': LINE_FIELDS + ['display_name']}),
    rpc('member001 writes its price_unit', M1, ML, 'write', [[saved('l_direct')], {'price_unit': 80.25, 'quantity': 2}]),
    rpc('amount_total after the price write', M1, MO, 'read', [[saved('o1')]], {'fields': ['amount_total']}),
    rpc('member001 removes the second line through the order (command 2)', M1, MO, 'write', [[saved('o1')], {'line_ids': [[2, line_of('o1_lines', 1)]]}]),
    rpc('member001 unlinks the direct line', M1, ML, 'unlink', [[saved('l_direct')]]),
    rpc('amount_total and lines after the removals', M1, MO, 'read', [[saved('o1')]], {'fields': ['amount_total', 'line_ids', 'state']}),
    rpc('lines by order after the removals', M1, ML, 'search_read', [[['order_id', '=', saved('o1')]]], {'fields': LINE_FIELDS}),
    # the state machine
    rpc('member001 creates GOLDEN/EMPTY without lines', M1, MO, 'create', [{'name': 'GOLDEN/EMPTY', 'buyer_id': 6}], save='o_empty'),
    rpc('defaults read back (draft, no lines, 0.0)', M1, MO, 'read', [[saved('o_empty')]], {'fields': ORDER_FIELDS}),
    rpc('action_pay without lines -> UserError', M1, MO, 'action_pay', [[saved('o_empty')]]),
    rpc('action_ship a draft -> UserError (state)', M1, MO, 'action_ship', [[saved('o1')]]),
    rpc('action_deliver a draft -> UserError (state)', ME1, MO, 'action_deliver', [[saved('o1')]]),
    rpc('member001 pays GOLDEN/0001', M1, MO, 'action_pay', [[saved('o1')]]),
    rpc('paid (paid_at is now)', M1, MO, 'read', [[saved('o1')]], {'fields': ORDER_STATE}),
    rpc('action_pay again -> UserError', M1, MO, 'action_pay', [[saved('o1')]]),
    rpc('action_deliver a paid order -> UserError', ME1, MO, 'action_deliver', [[saved('o1')]]),
    rpc('merchant001 ships it', ME1, MO, 'action_ship', [[saved('o1')]]),
    rpc('action_cancel a shipped order -> UserError', ME1, MO, 'action_cancel', [[saved('o1')]]),
    rpc('merchant001 delivers it', ME1, MO, 'action_deliver', [[saved('o1')]]),
    rpc('operator002 delivers it again -> UserError (operators are members: the member ACL writes orders, the operator rule sees all)', OP2, MO, 'action_deliver', [[saved('o1')]]),
    rpc('delivered', ME1, MO, 'read', [[saved('o1')]], {'fields': ORDER_STATE}),
    rpc('action_cancel a delivered order -> UserError', M1, MO, 'action_cancel', [[saved('o1')]]),
    rpc('member001 cancels the empty draft', M1, MO, 'action_cancel', [[saved('o_empty')]]),
    rpc('action_cancel it again -> UserError', M1, MO, 'action_cancel', [[saved('o_empty')]]),
    rpc('action_pay a cancelled order -> UserError (state before lines)', M1, MO, 'action_pay', [[saved('o_empty')]]),
    rpc("member227 pays its paid 175 -> UserError", M227, MO, 'action_pay', [[175]]),
    rpc('member227 cancels its paid 175', M227, MO, 'action_cancel', [[175]]),
    rpc('member087 pays its own draft 104', M87, MO, 'action_pay', [[104]]),
    rpc("member087 pays member132's draft 168 -> AccessError (record rule)", M87, MO, 'action_pay', [[168]]),
    rpc("member087 cancels member132's 168 -> AccessError", M87, MO, 'action_cancel', [[168]]),
    rpc('action_ship 104 (paid) and 168 (draft) together -> UserError naming 168', ME1, MO, 'action_ship', [[104, 168]]),
    rpc('merchant001 ships 104', ME1, MO, 'action_ship', [[104]]),
    rpc("operator002 cancels member132's 168 (the member ACL and the operator rule)", OP2, MO, 'action_cancel', [[168]]),
    rpc('admin cancels the draft 9 and the cancelled 168 -> UserError naming 168', ADMIN, MO, 'action_cancel', [[9, 168]]),
    rpc('admin cancels the draft 9', ADMIN, MO, 'action_cancel', [[9]]),
    rpc('action_pay on no order: True', ADMIN, MO, 'action_pay', [[]]),
    rpc('action_pay on an order that does not exist -> MissingError', ADMIN, MO, 'action_pay', [[999999]]),
    rpc('states after the actions', ADMIN, MO, 'read', [[104, 168, 175, 9]], {'fields': ORDER_STATE}),
    # creates, writes and unlinks with their errors
    rpc('member001 creates an order for member087 -> AccessError (record rule)', M1, MO, 'create', [{'name': 'GOLDEN/OTHER', 'buyer_id': 92}]),
    rpc('member001 creates an order without a buyer -> error (required)', M1, MO, 'create', [{'name': 'GOLDEN/NOBODY'}]),
    rpc('member001 creates a taken name -> orders_name_uniq', M1, MO, 'create', [{'name': 'GOLDEN/0001', 'buyer_id': 6}]),
    rpc('member001 writes an unknown state', M1, MO, 'write', [[saved('o_empty')], {'state': 'lost'}]),
    rpc('member001 unlinks its own order -> AccessError (members do not delete)', M1, MO, 'unlink', [[saved('o_empty')]]),
    rpc("member001 writes member087's 104 -> AccessError (record rule)", M1, MO, 'write', [[104], {'state': 'draft'}]),
    rpc('merchant001 creates an order for itself (merchants are members)', ME1, MO, 'create', [{'name': 'GOLDEN/MERCHANT', 'buyer_id': 286, 'line_ids': [[0, 0, {'product_id': 50, 'quantity': 5}]]}], save='o_me'),
    rpc('merchant001 unlinks it -> AccessError', ME1, MO, 'unlink', [[saved('o_me')]]),
    rpc('coach001 creates an order for itself', C1, MO, 'create', [{'name': 'GOLDEN/COACH', 'buyer_id': 246, 'line_ids': [[0, 0, {'product_id': 31}]]}], save='o_c'),
    rpc('coach001 reads it', C1, MO, 'search_read', [[]], {'fields': ORDER_STATE}),
    rpc('operator002 creates an order for itself (operators are members)', OP2, MO, 'create', [{'name': 'GOLDEN/OP', 'buyer_id': 302}]),
    rpc('operator002 creates an order for member087 (the operator rule lets it)', OP2, MO, 'create', [{'name': 'GOLDEN/OP2', 'buyer_id': 92}]),
    rpc('admin unlinks the coach order (its lines cascade)', ADMIN, MO, 'unlink', [[saved('o_c')]]),
    rpc('lines of the unlinked order', ADMIN, ML, 'search_count', [[['order_id', '=', saved('o_c')]]]),
    rpc('a line without a product -> error (required)', M1, ML, 'create', [{'order_id': saved('o_empty')}]),
    rpc("merchant001 writes a line of member087's order (merchants are members: the member ACL writes lines)", ME1, ML, 'write', [[251], {'quantity': 9}]),
    rpc('amount_total of 104 after the merchant write', ME1, MO, 'read', [[104]], {'fields': ['amount_total']}),
    xml('member132 creates an order over XML-RPC', M132, MO, 'create', [{'name': 'GOLDEN/XML', 'buyer_id': 137, 'line_ids': [[0, 0, {'product_id': 45, 'quantity': 2}]]}], save='o_x'),
    xml('pays it over XML-RPC', M132, MO, 'action_pay', [[saved('o_x')]]),
    xml('ships it over XML-RPC as member132 (members write their own orders)', M132, MO, 'action_ship', [[saved('o_x')]]),
    xml('delivers it over XML-RPC', M132, MO, 'action_deliver', [[saved('o_x')]]),
    xml('delivered: deliver again -> Fault', M132, MO, 'action_deliver', [[saved('o_x')]]),
    xml("member087 reads it over XML-RPC -> Fault 4", M87, MO, 'read', [[saved('o_x')]], {'fields': ['name']}),
    kw('merchant001 pays GOLDEN/MERCHANT through call_kw', ME1, MO, 'action_pay', [[saved('o_me')]]),
    kw('merchant001 pays it again through call_kw -> UserError', ME1, MO, 'action_pay', [[saved('o_me')]]),
    kw('member001 reads its orders through call_kw', M1, MO, 'search_read', [[]], {'fields': ORDER_STATE}),
    rpc('orders by state after the sequence', ADMIN, MO, 'read_group', [[], ['amount_total:sum'], ['state']]),
    # Last: the monolith's hole (order lines have no record rule), so that nothing above depends on it.
    rpc("member087 reads member132's order lines (no rule on lines)", M87, ML, 'search_read', [[['order_id', '=', 4]]], {'fields': LINE_FIELDS}),
    rpc('member087 counts every line', M87, ML, 'search_count', [[]]),
    rpc("member087 reads line 428 of member227's order", M87, ML, 'read', [[428]], {'fields': LINE_FIELDS}),
    rpc("member087 writes the quantity of line 8 (member132's order 4)", M87, ML, 'write', [[8], {'quantity': 7}]),
    rpc("member087 adds a line to member132's order 4", M87, ML, 'create', [{'order_id': 4, 'product_id': 1, 'quantity': 1}]),
    rpc("member087 unlinks line 9 of member132's order 4", M87, ML, 'unlink', [[9]]),
    rpc('order 4 after the changes (admin)', ADMIN, MO, 'read', [[4]], {'fields': ORDER_STATE}),
    xml("member087 reads member132's lines over XML-RPC", M87, ML, 'search_read', [[['order_id', '=', 83]]], {'fields': LINE_FIELDS}),
    kw("member087 writes member132's line through call_kw", M87, ML, 'write', [[10], {'price_unit': 1}]),
]

SEQ_INVENTORY = [
    rpc('merchant001 creates an inventory (product 5, GZ-01)', ME1, INV, 'create', [{'product_id': 5, 'warehouse': 'GZ-01', 'quantity': 10, 'reserved': 2}], save='i1'),
    rpc('read back with display_name', ME1, INV, 'read', [[saved('i1')]], {'fields': INV_FIELDS + ['display_name']}),
    rpc('merchant001 creates the same product and warehouse -> product_warehouse_uniq', ME1, INV, 'create', [{'product_id': 5, 'warehouse': 'GZ-01', 'quantity': 1}]),
    rpc('merchant001 writes reserved 11 > quantity 10 -> ValidationError', ME1, INV, 'write', [[saved('i1')], {'reserved': 11}]),
    rpc('merchant001 writes quantity 1 < reserved 2 -> ValidationError', ME1, INV, 'write', [[saved('i1')], {'quantity': 1}]),
    rpc('merchant001 creates reserved > quantity -> ValidationError', ME1, INV, 'create', [{'product_id': 6, 'warehouse': 'GZ-01', 'quantity': 3, 'reserved': 4}]),
    rpc('merchant001 writes reserved = quantity (allowed)', ME1, INV, 'write', [[saved('i1')], {'reserved': 10}]),
    rpc('merchant001 writes quantity and reserved together', ME1, INV, 'write', [[saved('i1')], {'quantity': 20, 'reserved': 15}]),
    rpc('read after the writes', ME1, INV, 'read', [[saved('i1')]], {'fields': INV_FIELDS}),
    rpc('merchant001 writes reserved 60 on 2 and 3 (3 holds 53) -> ValidationError', ME1, INV, 'write', [[2, 3], {'reserved': 60}]),
    rpc('2 and 3 unchanged', ME1, INV, 'read', [[2, 3]], {'fields': INV_FIELDS}),
    rpc('merchant001 moves 3 to BJ-01 where product 2 is -> product_warehouse_uniq', ME1, INV, 'write', [[3], {'warehouse': 'BJ-01'}]),
    rpc('merchant001 creates with the default warehouse (MAIN)', ME1, INV, 'create', [{'product_id': 6, 'quantity': 5}], save='i2'),
    rpc('defaults read back', ME1, INV, 'read', [[saved('i2')]], {'fields': INV_FIELDS}),
    rpc('merchant001 creates without a product -> error (required)', ME1, INV, 'create', [{'warehouse': 'GZ-01', 'quantity': 1}]),
    rpc('merchant001 unlinks -> AccessError (merchants do not delete)', ME1, INV, 'unlink', [[saved('i2')]]),
    rpc('operator002 writes -> AccessError (operators read only)', OP2, INV, 'write', [[saved('i1')], {'quantity': 50}]),
    rpc('operator002 creates -> AccessError', OP2, INV, 'create', [{'product_id': 7, 'quantity': 1}]),
    rpc('member087 creates -> AccessError', M87, INV, 'create', [{'product_id': 7, 'quantity': 1}]),
    rpc('member087 writes -> AccessError', M87, INV, 'write', [[1], {'reserved': 0}]),
    rpc('operator001 (admin) writes quantity 400 on 1', OP1, INV, 'write', [[1], {'quantity': 400}]),
    rpc('admin unlinks the MAIN one', ADMIN, INV, 'unlink', [[saved('i2')]]),
    rpc('inventories of product 5 and 6', ADMIN, INV, 'search_read', [[['product_id', 'in', [5, 6]]]], {'fields': INV_FIELDS}),
    xml('merchant002 creates a duplicate over XML-RPC -> Fault', ME2, INV, 'create', [{'product_id': 1, 'warehouse': 'GZ-01', 'quantity': 5}]),
    xml('merchant002 writes reserved > quantity over XML-RPC -> Fault', ME2, INV, 'write', [[5], {'reserved': 12}]),
    xml('merchant002 creates one over XML-RPC', ME2, INV, 'create', [{'product_id': 7, 'warehouse': 'SH-01', 'quantity': 12.5, 'reserved': 0.5}], save='ix'),
    kw('merchant002 writes it through call_kw', ME2, INV, 'write', [[saved('ix')], {'reserved': 12.5}]),
    kw('merchant002 writes reserved > quantity through call_kw -> ValidationError', ME2, INV, 'write', [[saved('ix')], {'reserved': 13}]),
    kw('read through call_kw', ME2, INV, 'read', [[saved('ix')]], {'fields': INV_FIELDS}),
    rpc('inventories by warehouse after the sequence', ADMIN, INV, 'read_group', [[], ['quantity:sum', 'reserved:sum'], ['warehouse']]),
]

SEQ_ADS = [
    rpc('merchant001 creates a campaign', ME1, CA, 'create', [{'name': 'Golden campaign 金', 'advertiser_id': 287, 'budget': 100, 'bid_cpm': 12.5, 'start_date': '2026-12-01', 'end_date': '2026-12-31', 'target_tags': 'sleep,fitness'}], save='c1'),
    rpc('read back with display_name (draft, spent 0)', ME1, CA, 'read', [[saved('c1')]], {'fields': CAMP_FIELDS + ['display_name', 'impression_ids']}),
    rpc('action_pause a draft -> UserError', ME1, CA, 'action_pause', [[saved('c1')]]),
    rpc('merchant001 starts it', ME1, CA, 'action_start', [[saved('c1')]]),
    rpc('action_start a running campaign -> UserError', ME1, CA, 'action_start', [[saved('c1')]]),
    rpc('merchant001 pauses it', ME1, CA, 'action_pause', [[saved('c1')]]),
    rpc('action_pause a paused campaign -> UserError', ME1, CA, 'action_pause', [[saved('c1')]]),
    rpc('merchant001 starts it again (from paused)', ME1, CA, 'action_start', [[saved('c1')]]),
    rpc('state', ME1, CA, 'read', [[saved('c1')]], {'fields': ['state']}),
    # impressions keep spent
    rpc('merchant001 creates an impression -> AccessError (admins only)', ME1, IM, 'create', [{'campaign_id': saved('c1'), 'cost': 0.05, 'shown_at': '2026-12-02 08:00:00'}]),
    rpc('admin creates an impression (cost 0.05)', ADMIN, IM, 'create', [{'campaign_id': saved('c1'), 'user_id': 6, 'cost': 0.05, 'shown_at': '2026-12-02 08:00:00'}], save='m1'),
    rpc('spent after one impression', ME1, CA, 'read', [[saved('c1')]], {'fields': ['spent', 'impression_ids']}),
    rpc('admin creates two more at once (one clicked)', ADMIN, IM, 'create', [[{'campaign_id': saved('c1'), 'user_id': 7, 'cost': 0.03, 'shown_at': '2026-12-02 09:00:00'}, {'campaign_id': saved('c1'), 'user_id': 8, 'cost': 0.12, 'clicked': True, 'shown_at': '2026-12-02 10:00:00'}]], save='m23'),
    rpc('spent after three', ME1, CA, 'read', [[saved('c1')]], {'fields': ['spent']}),
    rpc('the impressions, default order', ME1, IM, 'search_read', [[['campaign_id', '=', saved('c1')]]], {'fields': IMP_FIELDS + ['display_name']}),
    rpc('admin writes the first cost 0.5', ADMIN, IM, 'write', [[saved('m1')], {'cost': 0.5}]),
    rpc('spent after the write', ME1, CA, 'read', [[saved('c1')]], {'fields': ['spent']}),
    rpc('admin moves the clicked one to campaign 20', ADMIN, IM, 'write', [[lambda s: s['m23'][1]], {'campaign_id': 20}]),
    rpc('spent of both after the move', ME1, CA, 'read', [[saved('c1'), 20]], {'fields': ['spent']}),
    rpc('admin unlinks the second', ADMIN, IM, 'unlink', [[first_of('m23')]]),
    rpc('spent after the unlink', ME1, CA, 'read', [[saved('c1')]], {'fields': ['spent', 'impression_ids']}),
    rpc('an impression without a campaign -> error (required)', ADMIN, IM, 'create', [{'cost': 0.01, 'shown_at': '2026-12-02 08:00:00'}]),
    rpc('an impression with defaults (shown_at now, not clicked)', ADMIN, IM, 'create', [{'campaign_id': saved('c1')}], save='m4'),
    rpc('defaults read back without shown_at', ADMIN, IM, 'read', [[saved('m4')]], {'fields': ['campaign_id', 'user_id', 'clicked', 'cost', 'currency_id']}),
    rpc('impressions by campaign for the two', ME1, IM, 'read_group', [[['campaign_id', 'in', [saved('c1'), 20]]], ['cost:sum'], ['campaign_id']]),
    rpc('operator002 writes an impression -> AccessError (read only)', OP2, IM, 'write', [[saved('m1')], {'clicked': True}]),
    rpc('member087 creates an impression -> AccessError', M87, IM, 'create', [{'campaign_id': saved('c1'), 'cost': 0.01}]),
    # the campaign state machine by other callers
    rpc('action_pause a running and a paused campaign together -> UserError', ME1, CA, 'action_pause', [[1, 17]]),
    rpc('operator002 pauses campaign 1 (operators write campaigns)', OP2, CA, 'action_pause', [[1]]),
    rpc('operator002 starts the paused 17', OP2, CA, 'action_start', [[17]]),
    rpc('action_start the done 19 -> UserError', OP2, CA, 'action_start', [[19]]),
    rpc('merchant002 starts the draft 20', ME2, CA, 'action_start', [[20]]),
    rpc('merchant001 finishes its campaign', ME1, CA, 'action_done', [[saved('c1')]]),
    rpc('action_done on a done campaign: True (no state check)', ME1, CA, 'action_done', [[saved('c1'), 19]]),
    rpc('action_start the done campaign -> UserError', ME1, CA, 'action_start', [[saved('c1')]]),
    rpc('action_pause the done campaign -> UserError', ME1, CA, 'action_pause', [[saved('c1')]]),
    rpc('states after the actions', ADMIN, CA, 'read', [[1, 17, 19, 20, saved('c1')]], {'fields': ['state', 'spent']}),
    rpc('member087 starts a campaign -> AccessError', M87, CA, 'action_start', [[20]]),
    rpc('coach001 pauses a campaign -> AccessError', C1, CA, 'action_pause', [[1]]),
    rpc('operator002 creates a campaign -> AccessError (no create)', OP2, CA, 'create', [{'name': 'Operator campaign'}]),
    rpc('merchant001 unlinks its campaign -> AccessError (no unlink)', ME1, CA, 'unlink', [[saved('c1')]]),
    rpc('merchant001 writes an unknown state', ME1, CA, 'write', [[saved('c1')], {'state': 'archived'}]),
    rpc('merchant001 creates a campaign without a name -> error (required)', ME1, CA, 'create', [{'budget': 10}]),
    rpc('merchant001 writes budget and tags', ME1, CA, 'write', [[saved('c1')], {'budget': 250.75, 'target_tags': 'sleep'}]),
    rpc('action_start on no campaign: True', ME1, CA, 'action_start', [[]]),
    rpc('action_pause on a campaign that does not exist -> MissingError', ME1, CA, 'action_pause', [[999999]]),
    xml('merchant001 creates a campaign over XML-RPC', ME1, CA, 'create', [{'name': 'XML campaign', 'budget': 20, 'start_date': '2026-12-10'}], save='cx'),
    xml('starts it over XML-RPC', ME1, CA, 'action_start', [[saved('cx')]]),
    xml('starts it again over XML-RPC -> Fault (UserError)', ME1, CA, 'action_start', [[saved('cx')]]),
    xml('member132 pauses it over XML-RPC -> Fault 4', M132, CA, 'action_pause', [[saved('cx')]]),
    xml('admin adds an impression over XML-RPC', ADMIN, IM, 'create', [{'campaign_id': saved('cx'), 'cost': 1.25, 'shown_at': '2026-12-10 12:00:00'}]),
    kw('operator002 pauses it through call_kw', OP2, CA, 'action_pause', [[saved('cx')]]),
    kw('operator002 pauses it again through call_kw -> UserError', OP2, CA, 'action_pause', [[saved('cx')]]),
    kw('read through call_kw', OP2, CA, 'read', [[saved('cx')]], {'fields': CAMP_FIELDS}),
    rpc('admin unlinks the XML campaign (its impressions cascade)', ADMIN, CA, 'unlink', [[saved('cx')]]),
    rpc('impressions of the unlinked campaign', ADMIN, IM, 'search_count', [[['campaign_id', '=', saved('cx')]]]),
    rpc('campaigns by state after the sequence', ADMIN, CA, 'read_group', [[], ['budget:sum', 'spent:sum'], ['state']]),
]

BLOCKS = [
    ('pristine', 'ec', PRISTINE),
    ('seq_mall', None, SEQ_MALL),
    ('seq_inventory', None, SEQ_INVENTORY),
    ('seq_ads', None, SEQ_ADS),
]


if __name__ == '__main__':
    main(__doc__, BLOCKS, UIDS, 'fixtures/hp-legacy-golden-ec.jsonl')
