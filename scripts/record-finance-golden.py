#!/usr/bin/env python3
"""Record golden cases of M13 (hp_payment), M14 (hp_points) and M15 (hp_gift) from a real Odoo 18 serving hp_legacy.

Writes fixtures/hp-legacy-golden-finance.jsonl in the format of fixtures/hp-legacy-golden.jsonl
(id, title, db_state, user, transport, request, response, volatile): hp.payment, hp.settlement,
hp.points.transaction, res.users.points_balance, hp.gift and hp.gift.order, read and written by
admin, operators, members, a coach and a merchant over JSON-RPC, XML-RPC and call_kw, with every
business method of the three addons and their errors (wrong state, wrong user, insufficient
points, a gift to oneself, the append-only ledger). fixtures/hp-legacy-golden.jsonl already holds
ten pristine reads of payments and the ledger (category `ledger`) and a payment paying an order
in its seq_lifecycle / seq_errors; nothing here repeats them.

Every block runs twice (run A and run B), each from a restore of the database: `--reset-cmd`
must restore the served database to pristine and leave the server answering. A path whose value
differs between the runs becomes volatile (paid_at and sent_at are stamped with the clock), and
so do, by hand, a JSON-RPC error's Python traceback (`error.data.debug`) and an XML-RPC fault 1
(a traceback) with its raw_xml. The requests of the two runs must be identical (the ids that
sequences create are deterministic after a restore); the recorder stops otherwise.

How it was run (2026-12-06): as scripts/golden_recorder.py says, with Odoo on port 8479 over PostgreSQL
on port 55493, and `--out fixtures/hp-legacy-golden-finance.jsonl`.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from golden_recorder import DB, kw, main, resolve, rpc, saved, xml  # noqa: E402


# login -> uid; every demo password equals its login (../shared/legacy-odoo/README.md).
# Points balances in the dump: member001 25, member002 1708, member005 5, member008 1394, coach039 0.
UIDS = {
    'admin': 2,                      # base.group_system + member, operator, hp admin
    'member001@hp.example': 6,       # Wei Wu: one payment
    'member002@hp.example': 7,       # Fang Wang
    'member005@hp.example': 10,      # four payments (101, 555, 774, 906), two gift orders sent
    'member008@hp.example': 13,
    'coach039@hp.example': 284,      # Nina Costa: hosts live stream 20, settlement 80 (draft)
    'merchant004@hp.example': 289,   # settlements 92 paid, 93 confirmed, 94 draft
    'operator001@hp.example': 301,   # operator + group_hp_admin
    'operator002@hp.example': 302,   # plain operator
}

ADMIN = 'admin'
OP1 = 'operator001@hp.example'
OP2 = 'operator002@hp.example'
M1 = 'member001@hp.example'
M2 = 'member002@hp.example'
M5 = 'member005@hp.example'
M8 = 'member008@hp.example'
COACH = 'coach039@hp.example'
MERCHANT = 'merchant004@hp.example'


def item_of(name, index):
    """A create of several records answers a list of ids."""
    return lambda s: s[name][index]


# --------------------------------------------------------------------------------------------
# Pristine reads (category `finance`): nothing here writes, so they all run after one restore.

P = 'hp.payment'
S = 'hp.settlement'
T = 'hp.points.transaction'
U = 'res.users'
G = 'hp.gift'
GO = 'hp.gift.order'
SO = 'hp.service.order'
MO = 'hp.mall.order'

PAY_FIELDS = ['reference', 'payer_id', 'currency_id', 'amount', 'method', 'state', 'source_model', 'source_id', 'paid_at', 'provider_txn_id']
SET_FIELDS = ['payee_id', 'period_start', 'period_end', 'currency_id', 'gross', 'fee', 'net', 'state']
TX_FIELDS = ['user_id', 'delta', 'balance_after', 'reason', 'ref_model', 'ref_id']
GO_FIELDS = ['sender_id', 'receiver_id', 'gift_id', 'quantity', 'points_spent', 'live_stream_id', 'sent_at']

PRISTINE = [
    # hp.payment as admin
    rpc('payments: search_read, default order (id desc), limit 10', ADMIN, P, 'search_read', [[]], {'fields': ['reference', 'payer_id', 'amount', 'method', 'state', 'source_model', 'source_id'], 'limit': 10}),
    rpc('payments: search_count all', ADMIN, P, 'search_count', [[]]),
    rpc("payments: failed ones, order 'amount desc, id'", ADMIN, P, 'search_read', [[['state', '=', 'failed']]], {'fields': ['reference', 'payer_id', 'amount', 'paid_at', 'provider_txn_id'], 'order': 'amount desc, id'}),
    rpc('payments: read 101, 555, 1 in request order', ADMIN, P, 'read', [[101, 555, 1]], {'fields': PAY_FIELDS + ['display_name']}),
    rpc('payments: read one payment, all fields', ADMIN, P, 'read', [[774]]),
    rpc('payments: read_group by method (amount:sum)', ADMIN, P, 'read_group', [[], ['amount:sum'], ['method']]),
    rpc('payments: read_group by source_model, then state, not lazy', ADMIN, P, 'read_group', [[], ['amount:sum'], ['source_model', 'state']], {'lazy': False}),
    rpc('payments: read_group of succeeded by paid_at:month', ADMIN, P, 'read_group', [[['state', '=', 'succeeded']], ['amount:sum'], ['paid_at:month']]),
    rpc('payments: name_search by reference (_rec_name)', ADMIN, P, 'name_search', ['PAY-KC-00055'], {'limit': 5}),
    rpc('payments: fields_get, every attribute', ADMIN, P, 'fields_get', []),
    rpc('payments: dotted payer_id.login, order id', ADMIN, P, 'search_read', [[['payer_id.login', '=like', 'member00%']]], {'fields': ['reference', 'payer_id', 'state'], 'order': 'id'}),
    rpc('payments: amount > 1000, order amount desc, limit 5', ADMIN, P, 'search_read', [[['amount', '>', 1000]]], {'fields': ['reference', 'amount', 'currency_id'], 'order': 'amount desc, id', 'limit': 5}),
    xml('payments over XML-RPC: member005 payments as admin', ADMIN, P, 'search_read', [[['payer_id', '=', 10]]], {'fields': ['reference', 'amount', 'state', 'paid_at']}),
    kw('payments: web_search_read with payer specification (call_kw session)', ADMIN, P, 'web_search_read', [[['state', '=', 'refunded']]], {'specification': {'reference': {}, 'amount': {}, 'payer_id': {'fields': {'display_name': {}, 'login': {}}}}, 'limit': 5, 'count_limit': 10001}),
    kw('payments: web_read_group by method (call_kw session)', ADMIN, P, 'web_read_group', [[], ['amount:sum'], ['method']]),

    # hp.payment as others: payers their own (member rule), operators all
    rpc('payments as member005: search_read own, every field named', M5, P, 'search_read', [[]], {'fields': PAY_FIELDS}),
    rpc("payments as member005: read own and another's -> AccessError (record rule)", M5, P, 'read', [[101, 1]], {'fields': ['reference']}),
    rpc("payments as member005: search another's payer_id -> 0", M5, P, 'search_count', [[['payer_id', '=', 7]]]),
    rpc('payments as operator002: search_count all (operator rule)', OP2, P, 'search_count', [[]]),
    rpc('payments as coach039: own payments (none)', COACH, P, 'search_read', [[]], {'fields': ['reference']}),
    xml("payments as member005 over XML-RPC: read another's -> Fault 4", M5, P, 'read', [[1]], {'fields': ['reference']}),
    kw('payments as member005: web_search_read own (call_kw session)', M5, P, 'web_search_read', [[]], {'specification': {'reference': {}, 'state': {}, 'display_name': {}}, 'count_limit': 10001}),

    # hp.settlement
    rpc('settlements: search_read, default order (period_start desc, id desc), limit 8', ADMIN, S, 'search_read', [[]], {'fields': SET_FIELDS, 'limit': 8}),
    rpc('settlements: read_group by state (gross, fee, net sums)', ADMIN, S, 'read_group', [[], ['gross:sum', 'fee:sum', 'net:sum'], ['state']]),
    rpc('settlements: read_group by payee_id, largest net first, limit 5', ADMIN, S, 'read_group', [[], ['net:sum'], ['payee_id']], {'orderby': 'net desc', 'limit': 5}),
    rpc('settlements: read 94, 80 with display_name (the payee, _rec_name)', ADMIN, S, 'read', [[94, 80]], {'fields': SET_FIELDS + ['display_name']}),
    rpc('settlements: read one settlement, all fields', ADMIN, S, 'read', [[83]]),
    rpc('settlements: fields_get with attributes', ADMIN, S, 'fields_get', [], {'attributes': ['string', 'type', 'required', 'readonly', 'store', 'relation', 'selection']}),
    rpc('settlements: name_search by payee name', ADMIN, S, 'name_search', ['Nina'], {'limit': 5}),
    rpc('settlements: net between, payee dotted path hp_user_type = merchant', ADMIN, S, 'search_read', [[['net', '>=', 20000], ['payee_id.hp_user_type', '=', 'merchant']]], {'fields': ['payee_id', 'net', 'state'], 'order': 'net desc'}),
    rpc('settlements as coach039: search_read own', COACH, S, 'search_read', [[]], {'fields': SET_FIELDS}),
    rpc("settlements as coach039: read merchant004's 94 -> AccessError (record rule)", COACH, S, 'read', [[94]], {'fields': ['net']}),
    rpc('settlements as merchant004: search_read own', MERCHANT, S, 'search_read', [[]], {'fields': SET_FIELDS}),
    rpc('settlements as member001: search_read -> AccessError (no ACL)', M1, S, 'search_read', [[]], {'fields': ['net']}),
    rpc('settlements as operator002: search_count all', OP2, S, 'search_count', [[]]),
    xml('settlements as merchant004 over XML-RPC: read own', MERCHANT, S, 'read', [[92, 93]], {'fields': ['period_start', 'gross', 'fee', 'net', 'state']}),
    xml('settlements as member001 over XML-RPC: search -> Fault 4', M1, S, 'search', [[]]),
    kw('settlements: web_search_read with payee specification (call_kw session)', ADMIN, S, 'web_search_read', [[['state', '=', 'confirmed']]], {'specification': {'payee_id': {'fields': {'display_name': {}}}, 'net': {}, 'period_start': {}}, 'limit': 4, 'count_limit': 10001}),

    # hp.points.transaction (ledger.001-006 of hp-legacy-golden.jsonl read the rest)
    rpc('points: gift debits, limit 5', ADMIN, T, 'search_read', [[['reason', '=', 'gift']]], {'fields': TX_FIELDS, 'limit': 5}),
    rpc('points: read_group by user_id of four members', ADMIN, T, 'read_group', [[['user_id', 'in', [6, 7, 10, 13]]], ['delta:sum', 'balance_after:max'], ['user_id']]),
    rpc('points: read 1 and 2, all fields', ADMIN, T, 'read', [[1, 2]]),
    rpc('points: fields_get, every attribute', ADMIN, T, 'fields_get', []),
    rpc('points: name_search on the reason (a selection as _rec_name)', ADMIN, T, 'name_search', ['Gift'], {'limit': 3}),
    rpc('points: display_name is the reason label', ADMIN, T, 'read', [[1, 2, 3]], {'fields': ['reason', 'display_name']}),
    rpc('points as member005: search_read own, order id asc', M5, T, 'search_read', [[]], {'fields': TX_FIELDS, 'order': 'id asc'}),
    rpc("points as member005: search member002's user_id -> 0", M5, T, 'search_count', [[['user_id', '=', 7]]]),
    rpc('points as member001: read_group by reason (own)', M1, T, 'read_group', [[], ['delta:sum'], ['reason']]),
    xml('points as member001 over XML-RPC: own ledger', M1, T, 'search_read', [[]], {'fields': TX_FIELDS}),
    xml("points as member001 over XML-RPC: read member002's -> Fault 4", M1, T, 'read', [[11]], {'fields': ['delta']}),
    kw('points: web_read_group by reason (call_kw session)', ADMIN, T, 'web_read_group', [[['user_id', '=', 7]], ['delta:sum'], ['reason']]),

    # res.users points_balance (computed from the ledger, not stored)
    rpc('points_balance: admin reads six users', ADMIN, U, 'read', [[6, 7, 10, 13, 284, 289]], {'fields': ['points_balance']}),
    rpc("points_balance: member001 reads member002's", M1, U, 'read', [[7]], {'fields': ['points_balance']}),
    rpc('points_balance: searching on it (not stored, no search method)', ADMIN, U, 'search', [[['points_balance', '>', 1000]]]),
    rpc('points_balance: fields_get', ADMIN, U, 'fields_get', [['points_balance']], {'attributes': ['string', 'type', 'store', 'readonly', 'sortable', 'groupable']}),
    xml('points_balance over XML-RPC', COACH, U, 'read', [[284, 13]], {'fields': ['points_balance']}),
    kw('points_balance: web_read (call_kw session)', M5, U, 'web_read', [[10]], {'specification': {'points_balance': {}, 'display_name': {}}}),

    # hp.gift
    rpc('gifts: search_read, default order (price_points, name)', ADMIN, G, 'search_read', [[]], {'fields': ['name', 'price_points', 'active']}),
    rpc('gifts: fields_get, every attribute', ADMIN, G, 'fields_get', []),
    rpc('gifts: name_search', M1, G, 'name_search', ['Yoga'], {}),
    xml('gifts as coach039 over XML-RPC', COACH, G, 'search_read', [[['price_points', '>=', 500]]], {'fields': ['name', 'price_points']}),

    # hp.gift.order: no record rule, so every member sees every gift order
    rpc('gift orders: search_read, default order (sent_at desc, id desc), limit 8', ADMIN, GO, 'search_read', [[]], {'fields': GO_FIELDS, 'limit': 8}),
    rpc('gift orders: read_group by gift_id (quantity, points_spent)', ADMIN, GO, 'read_group', [[], ['quantity:sum', 'points_spent:sum'], ['gift_id']]),
    rpc('gift orders: read_group by receiver_id, most points first, limit 5', ADMIN, GO, 'read_group', [[], ['points_spent:sum'], ['receiver_id']], {'orderby': 'points_spent desc', 'limit': 5}),
    rpc('gift orders: read 38, 61 with display_name (the gift, _rec_name)', ADMIN, GO, 'read', [[38, 61]], {'fields': GO_FIELDS + ['display_name']}),
    rpc('gift orders: read one, all fields', ADMIN, GO, 'read', [[87]]),
    rpc('gift orders: fields_get, every attribute', ADMIN, GO, 'fields_get', []),
    rpc('gift orders: name_search by gift name', ADMIN, GO, 'name_search', ['Crown'], {'limit': 4}),
    rpc('gift orders: dotted gift_id.price_points >= 500, receiver coach', ADMIN, GO, 'search_read', [[['gift_id.price_points', '>=', 500], ['receiver_id.hp_user_type', '=', 'coach']]], {'fields': ['gift_id', 'receiver_id', 'points_spent'], 'limit': 5}),
    rpc('gift orders as member005: sent by self', M5, GO, 'search_read', [[['sender_id', '=', 10]]], {'fields': GO_FIELDS}),
    rpc('gift orders as member001: search_count all (no record rule)', M1, GO, 'search_count', [[]]),
    rpc("gift orders as member001: read another member's order 38", M1, GO, 'read', [[38]], {'fields': ['sender_id', 'receiver_id', 'points_spent']}),
    rpc('gift orders as coach039: received on live stream 20', COACH, GO, 'search_read', [[['receiver_id', '=', 284], ['live_stream_id', '=', 20]]], {'fields': ['sender_id', 'gift_id', 'quantity', 'points_spent'], 'order': 'id'}),
    rpc('gift orders as operator002: read_group by live_stream_id, limit 4', OP2, GO, 'read_group', [[['live_stream_id', '!=', False]], ['points_spent:sum'], ['live_stream_id']], {'limit': 4}),
    xml('gift orders as coach039 over XML-RPC: received', COACH, GO, 'search_read', [[['receiver_id', '=', 284]]], {'fields': ['gift_id', 'points_spent', 'sent_at'], 'limit': 5}),
    kw('gift orders: web_search_read with gift and sender (call_kw session)', M2, GO, 'web_search_read', [[['receiver_id', '=', 7]]], {'specification': {'gift_id': {'fields': {'display_name': {}, 'price_points': {}}}, 'sender_id': {'fields': {'display_name': {}}}, 'quantity': {}}, 'count_limit': 10001}),
]

# --------------------------------------------------------------------------------------------
# Sequences: each after its own restore, steps in order. Ids come from earlier steps.

SEQ_PAYMENTS = [
    rpc('member001 creates a service order', M1, SO, 'create', [{'customer_id': 6, 'service_id': 8, 'note': 'Finance golden order'}], save='so'),
    rpc('member001 submits it (pending_payment)', M1, SO, 'action_submit', [[saved('so')]]),
    rpc('member001 creates a payment for it with the defaults (wechat, pending, company currency)', M1, P, 'create', [{'reference': 'FIN-GOLDEN-0001', 'payer_id': 6, 'amount': 99, 'source_model': SO, 'source_id': saved('so')}], save='p1'),
    rpc('member001 reads it back', M1, P, 'read', [[saved('p1')]], {'fields': PAY_FIELDS + ['display_name']}),
    rpc("member001 creates a payment in member002's name -> AccessError (record rule)", M1, P, 'create', [{'reference': 'FIN-GOLDEN-OTHER', 'payer_id': 7, 'amount': 1}]),
    rpc('admin creates a duplicate reference -> unique constraint', ADMIN, P, 'create', [{'reference': 'FIN-GOLDEN-0001', 'payer_id': 6, 'amount': 1}]),
    rpc('admin creates a payment without reference -> required', ADMIN, P, 'create', [{'payer_id': 6, 'amount': 1}]),
    rpc('admin creates a payment with an unknown method', ADMIN, P, 'create', [{'reference': 'FIN-GOLDEN-BTC', 'payer_id': 6, 'amount': 1, 'method': 'bitcoin'}]),
    rpc('operator002 action_succeed -> AccessError (operators read only)', OP2, P, 'action_succeed', [[saved('p1')]]),
    rpc('admin action_succeed: the pending_payment order becomes paid', ADMIN, P, 'action_succeed', [[saved('p1')]]),
    rpc('the order is paid', M1, SO, 'read', [[saved('so')]], {'fields': ['name', 'state', 'amount']}),
    rpc('the payment is succeeded with paid_at', M1, P, 'read', [[saved('p1')]], {'fields': ['state', 'paid_at', 'provider_txn_id']}),
    rpc('admin action_succeed again -> UserError', ADMIN, P, 'action_succeed', [[saved('p1')]]),
    rpc('admin action_fail a succeeded payment -> UserError', ADMIN, P, 'action_fail', [[saved('p1')]]),
    rpc('admin action_refund', ADMIN, P, 'action_refund', [[saved('p1')]]),
    rpc('admin action_refund again -> UserError', ADMIN, P, 'action_refund', [[saved('p1')]]),
    rpc('admin action_succeed a refunded payment -> UserError', ADMIN, P, 'action_succeed', [[saved('p1')]]),
    rpc('the order stays paid after the refund', M1, SO, 'read', [[saved('so')]], {'fields': ['state']}),
    rpc('admin creates a card payment without a source', ADMIN, P, 'create', [{'reference': 'FIN-GOLDEN-0002', 'payer_id': 10, 'amount': 12.5, 'method': 'card'}], save='p2'),
    rpc('admin action_fail', ADMIN, P, 'action_fail', [[saved('p2')]]),
    rpc('failed read back', M5, P, 'read', [[saved('p2')]], {'fields': ['state', 'paid_at', 'method']}),
    rpc('admin action_refund a failed payment -> UserError', ADMIN, P, 'action_refund', [[saved('p2')]]),
    rpc('admin action_succeed a failed payment -> UserError', ADMIN, P, 'action_succeed', [[saved('p2')]]),
    rpc('admin pays an order that is not pending_payment (600, assigned)', ADMIN, P, 'create', [{'reference': 'FIN-GOLDEN-0003', 'payer_id': 189, 'amount': 129, 'source_model': SO, 'source_id': 600}], save='p3'),
    rpc('action_succeed leaves the order alone', ADMIN, P, 'action_succeed', [[saved('p3')]]),
    rpc('order 600 is still assigned', ADMIN, SO, 'read', [[600]], {'fields': ['state']}),
    rpc('admin pays draft mall order 9', ADMIN, P, 'create', [{'reference': 'FIN-GOLDEN-0004', 'payer_id': 200, 'amount': 188.8, 'method': 'alipay', 'source_model': MO, 'source_id': 9}], save='p4'),
    rpc('action_succeed pays the mall order (_hp_on_payment_succeeded)', ADMIN, P, 'action_succeed', [[saved('p4')]]),
    rpc('mall order 9 is paid', ADMIN, MO, 'read', [[9]], {'fields': ['name', 'state', 'amount_total']}),
    rpc('admin creates a payment for a model that does not exist', ADMIN, P, 'create', [{'reference': 'FIN-GOLDEN-0005', 'payer_id': 6, 'amount': 3, 'source_model': 'hp.nothing', 'source_id': 1}], save='p5'),
    rpc('action_succeed of a pending one and a succeeded one -> UserError, nothing written', ADMIN, P, 'action_succeed', [[saved('p5'), saved('p3')]]),
    rpc('the pending one is still pending', ADMIN, P, 'read', [[saved('p5')]], {'fields': ['state', 'paid_at']}),
    rpc('action_succeed on a payment that does not exist', ADMIN, P, 'action_succeed', [[99999]]),
    xml('member001 action_succeed over XML-RPC -> Fault 4', M1, P, 'action_succeed', [[saved('p5')]]),
    xml('operator001 (hp admin group) action_succeed over XML-RPC (unknown source model: nothing to tell)', OP1, P, 'action_succeed', [[saved('p5')]]),
    xml('admin action_fail a succeeded one over XML-RPC -> Fault 2', ADMIN, P, 'action_fail', [[saved('p5')]]),
    kw('admin action_refund through call_kw', ADMIN, P, 'action_refund', [[saved('p5')]]),
    kw('admin action_refund again through call_kw -> UserError', ADMIN, P, 'action_refund', [[saved('p5')]]),
    rpc('admin writes the amount and provider_txn_id', ADMIN, P, 'write', [[saved('p2')], {'amount': 13, 'provider_txn_id': 'TXN-GOLDEN'}]),
    rpc('member005 writes its payment -> AccessError', M5, P, 'write', [[saved('p2')], {'amount': 1}]),
    rpc('admin copies a payment -> reference not copied (required)', ADMIN, P, 'copy', [saved('p2')]),
    rpc('member005 unlinks its payment -> AccessError', M5, P, 'unlink', [[saved('p2')]]),
    rpc('admin unlinks it', ADMIN, P, 'unlink', [[saved('p2')]]),
    rpc("member001's payments after the sequence", M1, P, 'search_read', [[]], {'fields': ['reference', 'state', 'amount', 'source_model', 'source_id']}),
]

SEQ_SETTLEMENTS = [
    rpc('operator002 creates a settlement for coach039 (net stored)', OP2, S, 'create', [{'payee_id': 284, 'period_start': '2026-12-01', 'period_end': '2026-12-31', 'gross': 500, 'fee': 25}], save='s1'),
    rpc('read back: draft, company currency, net = gross - fee', OP2, S, 'read', [[saved('s1')]], {'fields': SET_FIELDS + ['display_name']}),
    rpc('admin raises gross: net recomputed', ADMIN, S, 'write', [[saved('s1')], {'gross': 612.34}]),
    rpc('net read back', ADMIN, S, 'read', [[saved('s1')]], {'fields': ['gross', 'fee', 'net']}),
    rpc('coach039 sees it first (own, period_start desc)', COACH, S, 'search_read', [[]], {'fields': ['period_start', 'net', 'state']}),
    rpc('merchant004 does not', MERCHANT, S, 'search_count', [[['id', '=', saved('s1')]]]),
    rpc('coach039 action_confirm own -> AccessError (read only)', COACH, S, 'action_confirm', [[saved('s1')]]),
    rpc('operator002 action_pay a draft -> UserError', OP2, S, 'action_pay', [[saved('s1')]]),
    rpc('operator002 action_confirm', OP2, S, 'action_confirm', [[saved('s1')]]),
    rpc('operator002 action_confirm again -> UserError', OP2, S, 'action_confirm', [[saved('s1')]]),
    rpc('operator002 action_pay', OP2, S, 'action_pay', [[saved('s1')]]),
    rpc('paid read back', COACH, S, 'read', [[saved('s1')]], {'fields': ['state', 'net']}),
    rpc('operator002 action_pay again -> UserError', OP2, S, 'action_pay', [[saved('s1')]]),
    rpc('operator002 action_confirm a draft and a confirmed one -> UserError', OP2, S, 'action_confirm', [[94, 93]]),
    rpc('94 is still draft', MERCHANT, S, 'read', [[94, 93]], {'fields': ['state']}),
    rpc('operator002 action_confirm two drafts', OP2, S, 'action_confirm', [[94, 85]]),
    rpc('merchant004 sees 94 confirmed', MERCHANT, S, 'read_group', [[], ['net:sum'], ['state']]),
    rpc('member001 creates a settlement -> AccessError', M1, S, 'create', [{'payee_id': 6, 'period_start': '2026-12-01', 'period_end': '2026-12-31', 'gross': 1}]),
    rpc('coach039 creates one for itself -> AccessError', COACH, S, 'create', [{'payee_id': 284, 'period_start': '2026-12-01', 'period_end': '2026-12-31', 'gross': 1}]),
    rpc('operator002 creates one without payee -> required', OP2, S, 'create', [{'period_start': '2026-12-01', 'period_end': '2026-12-31'}]),
    rpc('operator002 creates one with fee above gross (negative net)', OP2, S, 'create', [{'payee_id': 289, 'period_start': '2026-12-01', 'period_end': '2026-12-31', 'gross': 10, 'fee': 12.5}], save='s2'),
    rpc('negative net read back', MERCHANT, S, 'read', [[saved('s2')]], {'fields': ['gross', 'fee', 'net', 'state']}),
    rpc('operator002 unlinks -> AccessError (no unlink)', OP2, S, 'unlink', [[saved('s2')]]),
    xml('operator001 action_pay a confirmed one over XML-RPC', OP1, S, 'action_pay', [[93]]),
    xml('merchant004 action_confirm own over XML-RPC -> Fault 4', MERCHANT, S, 'action_confirm', [[saved('s2')]]),
    xml('operator002 action_pay a draft over XML-RPC -> Fault 2', OP2, S, 'action_pay', [[saved('s2')]]),
    kw('operator002 action_confirm through call_kw', OP2, S, 'action_confirm', [[saved('s2')]]),
    rpc('admin unlinks the paid one', ADMIN, S, 'unlink', [[saved('s1')]]),
    rpc('coach039 is back to one settlement', COACH, S, 'search_read', [[]], {'fields': ['period_start', 'state']}),
    rpc('read_group by state after the sequence', ADMIN, S, 'read_group', [[], ['gross:sum', 'net:sum'], ['state']]),
]

SEQ_POINTS = [
    rpc('admin credits member001 100 points (balance_after computed)', ADMIN, T, 'create', [{'user_id': 6, 'delta': 100, 'reason': 'checkin'}], save='t1'),
    rpc('read back, all fields named', ADMIN, T, 'read', [[saved('t1')]], {'fields': TX_FIELDS + ['display_name']}),
    rpc('member001 sees it first', M1, T, 'search_read', [[]], {'fields': TX_FIELDS, 'limit': 2}),
    rpc('member001 points_balance', M1, U, 'read', [[6]], {'fields': ['points_balance']}),
    rpc('operator002 debits member005 all 5 points', OP2, T, 'create', [{'user_id': 10, 'delta': -5, 'reason': 'redeem'}], save='t2'),
    rpc('operator002 debits one more -> ValidationError (insufficient)', OP2, T, 'create', [{'user_id': 10, 'delta': -1, 'reason': 'redeem'}]),
    rpc('admin passes balance_after: overridden', ADMIN, T, 'create', [{'user_id': 10, 'delta': 7, 'balance_after': 9999}], save='t3'),
    rpc('default reason adjust, balance read back', M5, T, 'read', [[saved('t3')]], {'fields': ['delta', 'balance_after', 'reason']}),
    rpc('admin creates three at once (balances chain per user)', ADMIN, T, 'create', [[{'user_id': 6, 'delta': 10, 'reason': 'goal'}, {'user_id': 6, 'delta': -20, 'reason': 'redeem'}, {'user_id': 7, 'delta': 5}]], save='batch'),
    rpc('the batch read back', ADMIN, T, 'read', [lambda s: s['batch']], {'fields': ['user_id', 'delta', 'balance_after']}),
    rpc('admin creates two, the second overdrawing -> ValidationError, none kept', ADMIN, T, 'create', [[{'user_id': 13, 'delta': 6}, {'user_id': 13, 'delta': -1401}]]),
    rpc('member008 ledger unchanged', M8, T, 'search_count', [[]]),
    rpc('member001 credits itself -> AccessError (members read only)', M1, T, 'create', [{'user_id': 6, 'delta': 1000}]),
    rpc('member001 credits member002 -> AccessError', M1, T, 'create', [{'user_id': 7, 'delta': 1}]),
    rpc("member001 reads member002's new transaction -> AccessError (record rule)", M1, T, 'read', [[item_of('batch', 2)]], {'fields': ['delta']}),
    rpc('admin writes balance_after -> UserError (append-only)', ADMIN, T, 'write', [[saved('t1')], {'balance_after': 1}]),
    rpc('admin moves it to another user -> UserError (append-only)', ADMIN, T, 'write', [[saved('t1')], {'user_id': 7}]),
    rpc('admin writes reason and ref', ADMIN, T, 'write', [[saved('t1')], {'reason': 'goal', 'ref_model': 'hp.goal', 'ref_id': 3}]),
    rpc('written read back', M1, T, 'read', [[saved('t1')]], {'fields': TX_FIELDS}),
    rpc('operator002 writes reason -> AccessError', OP2, T, 'write', [[saved('t1')], {'reason': 'adjust'}]),
    rpc('member001 writes reason -> AccessError', M1, T, 'write', [[saved('t1')], {'reason': 'adjust'}]),
    rpc("admin unlinks member005's last transaction", ADMIN, T, 'unlink', [[saved('t3')]]),
    rpc('member005 balance is the previous balance_after again', M5, U, 'read', [[10]], {'fields': ['points_balance']}),
    rpc('admin creates a zero delta', ADMIN, T, 'create', [{'user_id': 13, 'delta': 0, 'reason': 'adjust'}], save='t4'),
    rpc('admin creates without user_id -> required', ADMIN, T, 'create', [{'delta': 5}]),
    rpc('admin creates with an unknown reason', ADMIN, T, 'create', [{'user_id': 13, 'delta': 1, 'reason': 'lottery'}]),
    rpc('admin creates for a user that does not exist', ADMIN, T, 'create', [{'user_id': 999999, 'delta': 1}]),
    xml('operator001 credits coach039 over XML-RPC', OP1, T, 'create', [{'user_id': 284, 'delta': 50, 'reason': 'goal', 'ref_model': 'hp.goal', 'ref_id': 1}], save='t5'),
    xml('operator001 overdraws coach039 over XML-RPC -> Fault 2', OP1, T, 'create', [{'user_id': 284, 'delta': -51}]),
    xml('member001 credits itself over XML-RPC -> Fault 4', M1, T, 'create', [{'user_id': 6, 'delta': 1}]),
    kw('admin debits member002 through call_kw', ADMIN, T, 'create', [{'user_id': 7, 'delta': -8, 'reason': 'redeem'}]),
    kw('coach039 reads own ledger through call_kw', COACH, T, 'search_read', [[]], {'fields': TX_FIELDS}),
    rpc('points_balance of five users after the sequence', ADMIN, U, 'read', [[6, 7, 10, 13, 284]], {'fields': ['points_balance']}),
    rpc('read_group by user_id of the sequence users', ADMIN, T, 'read_group', [[['user_id', 'in', [6, 7, 10, 13, 284]]], ['delta:sum'], ['user_id']]),
]

SEQ_GIFTS = [
    rpc('member002 sends coach039 two trophies on live stream 20', M2, GO, 'create', [{'sender_id': 7, 'receiver_id': 284, 'gift_id': 7, 'quantity': 2, 'live_stream_id': 20}], save='g1'),
    rpc('read back: points_spent 400, sent_at defaulted', M2, GO, 'read', [[saved('g1')]], {'fields': GO_FIELDS + ['display_name']}),
    rpc("member002's ledger: the gift debit (reason gift, ref to the order)", M2, T, 'search_read', [[]], {'fields': TX_FIELDS, 'limit': 2}),
    rpc('member002 points_balance', M2, U, 'read', [[7]], {'fields': ['points_balance']}),
    rpc('member002 sends a gift to itself -> ValidationError, nothing kept', M2, GO, 'create', [{'sender_id': 7, 'receiver_id': 7, 'gift_id': 1}]),
    rpc('member005 (5 points) sends a flower (10) -> ValidationError (insufficient)', M5, GO, 'create', [{'sender_id': 10, 'receiver_id': 284, 'gift_id': 1}]),
    rpc('member002 sends quantity 0 -> check constraint', M2, GO, 'create', [{'sender_id': 7, 'receiver_id': 284, 'gift_id': 1, 'quantity': 0}]),
    rpc('no gift order was kept by the refusals (124 and the new one)', M2, GO, 'search_count', [[['sender_id', '=', 7]]]),
    rpc('member002 creates without receiver -> required', M2, GO, 'create', [{'sender_id': 7, 'gift_id': 1}]),
    rpc('member002 creates for a gift that does not exist', M2, GO, 'create', [{'sender_id': 7, 'receiver_id': 284, 'gift_id': 999}]),
    rpc('member002 writes its order -> AccessError (members create only)', M2, GO, 'write', [[saved('g1')], {'quantity': 1}]),
    rpc('member002 unlinks its order -> AccessError', M2, GO, 'unlink', [[saved('g1')]]),
    rpc('operator002 (a member too, by implied group) sends a flower with no points -> ValidationError (insufficient)', OP2, GO, 'create', [{'sender_id': 302, 'receiver_id': 284, 'gift_id': 1}]),
    rpc('admin writes quantity 3: points_spent recomputed, the ledger untouched', ADMIN, GO, 'write', [[saved('g1')], {'quantity': 3}]),
    rpc('points_spent read back', ADMIN, GO, 'read', [[saved('g1')]], {'fields': ['quantity', 'points_spent']}),
    rpc('member002 points_balance unchanged by the write', M2, U, 'read', [[7]], {'fields': ['points_balance']}),
    rpc('member008 sends two gift orders at once', M8, GO, 'create', [[{'sender_id': 13, 'receiver_id': 284, 'gift_id': 10, 'quantity': 1, 'live_stream_id': 20}, {'sender_id': 13, 'receiver_id': 246, 'gift_id': 3, 'quantity': 4}]], save='gb'),
    rpc("member008's ledger chains the two debits", M8, T, 'search_read', [[['reason', '=', 'gift']]], {'fields': ['delta', 'balance_after', 'ref_model', 'ref_id'], 'limit': 2}),
    rpc('member008 sends two, the second to itself -> ValidationError, none kept', M8, GO, 'create', [[{'sender_id': 13, 'receiver_id': 284, 'gift_id': 1}, {'sender_id': 13, 'receiver_id': 13, 'gift_id': 1}]]),
    rpc('member008 points_balance', M8, U, 'read', [[13]], {'fields': ['points_balance']}),
    rpc('operator002 creates a gift', OP2, G, 'create', [{'name': 'Golden Star', 'price_points': 5}], save='gift'),
    rpc('operator002 creates a free gift -> check constraint', OP2, G, 'create', [{'name': 'Free', 'price_points': 0}]),
    rpc('member001 creates a gift -> AccessError', M1, G, 'create', [{'name': 'Mine', 'price_points': 1}]),
    rpc('member001 sends the new gift to member002 (5 points of 25)', M1, GO, 'create', [{'sender_id': 6, 'receiver_id': 7, 'gift_id': saved('gift'), 'quantity': 1}], save='g3'),
    rpc('operator002 archives the gift', OP2, G, 'write', [[saved('gift')], {'active': False}]),
    rpc('members no longer list it', M1, G, 'search_count', [[]]),
    rpc('an archived gift can still be sent', M1, GO, 'create', [{'sender_id': 6, 'receiver_id': 7, 'gift_id': saved('gift'), 'quantity': 2}], save='g4'),
    rpc('admin unlinks a gift that has orders -> restrict', ADMIN, G, 'unlink', [[saved('gift')]]),
    xml('member005 sends a flower over XML-RPC -> Fault 2 (insufficient)', M5, GO, 'create', [{'sender_id': 10, 'receiver_id': 7, 'gift_id': 1}]),
    xml('member002 sends an apple to member005 over XML-RPC', M2, GO, 'create', [{'sender_id': 7, 'receiver_id': 10, 'gift_id': 3, 'quantity': 1}], save='g5'),
    xml('member002 sends one to itself over XML-RPC -> Fault 2', M2, GO, 'create', [{'sender_id': 7, 'receiver_id': 7, 'gift_id': 3}]),
    kw('member002 sends a heart on live stream 20 through call_kw', M2, GO, 'create', [{'sender_id': 7, 'receiver_id': 284, 'gift_id': 2, 'live_stream_id': 20}]),
    rpc('coach039 gifts received on stream 20 after the sequence', COACH, GO, 'read_group', [[['receiver_id', '=', 284], ['live_stream_id', '=', 20]], ['points_spent:sum', 'quantity:sum'], ['sender_id']]),
    rpc('points_balance of the senders after the sequence', ADMIN, U, 'read', [[6, 7, 10, 13]], {'fields': ['points_balance']}),
    # Last, so that what follows cannot depend on it: Ficus refuses this one (SERVICES.md §6, MIGRATION.md).
    rpc("member001 sends a gift in member002's name (no record rule: Odoo accepts, debits member002)", M1, GO, 'create', [{'sender_id': 7, 'receiver_id': 6, 'gift_id': 2, 'quantity': 1}], save='g9'),
    rpc('member002 points_balance after the gift sent in its name', M2, U, 'read', [[7]], {'fields': ['points_balance']}),
]

BLOCKS = [
    ('pristine', 'finance', PRISTINE),
    ('seq_payments', None, SEQ_PAYMENTS),
    ('seq_settlements', None, SEQ_SETTLEMENTS),
    ('seq_points', None, SEQ_POINTS),
    ('seq_gifts', None, SEQ_GIFTS),
]


if __name__ == '__main__':
    main(__doc__, BLOCKS, UIDS, 'fixtures/hp-legacy-golden-finance.jsonl')
