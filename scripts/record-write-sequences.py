#!/usr/bin/env python3
"""Records a third held-out-like round of write sequences from a real Odoo 18 (issue 17, bar 1):
the shapes the hidden seq_category_b, seq_sale_b, seq_acl_b and seq_acl_demo_b sequences may
take and the public set and fixtures/odoo-golden-heldout-like/sequences.jsonl do not have —
tag-like models with parent hierarchies (res.partner.category, product.category, hp_legacy's
hp.comment and hp.content.tag), every x2many command and the list-of-ids forms, on create and
write, in batches, copy with and without `default`, name_create, unlink with dependants,
archive/unarchive with children, errors in the middle of a batch, recursion; sale orders on other
products and partners (line commands, discounts, taxes, fiscal positions, pricelists, confirm,
cancel, draft, lock, copy, unlink refused); writes as demo and portal (odoo_ref) and as
hp_legacy's members, coaches and merchants over JSON-RPC, XML-RPC and call_kw.

    /usr/bin/python3 scripts/record-write-sequences.py http://127.0.0.1:8534 \\
        --reset-cmd '/tmp/oracle/reset.sh m4 odoo'
    /usr/bin/python3 scripts/record-write-sequences.py --database hp_legacy http://127.0.0.1:8534 \\
        --reset-cmd '/tmp/oracle/reset.sh m4 odoo'

Each block runs from a fresh copy (the replayer resets before each sequence) and is recorded twice
(golden_recorder.main): answers that differ between the runs are volatile. Ids are those a fresh
copy hands out; ids created on the way are taken from earlier answers (save=...), and the
recorder refuses to write when the two runs sent different requests.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import golden_recorder as g  # noqa: E402
from golden_recorder import rpc, saved  # noqa: E402

A = 'admin'
HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, '..', 'fixtures', 'odoo-golden-heldout-like')

# First ids a fresh odoo_ref hands out (max(id) + 1 in the dump).
P_CATEGORY = 8
PRODUCT_CATEGORY = 12
ORDER = 21
USER = 8
LINE = 45
PARTNER = 42


def nth(name, i):
    return lambda s: s[name][i]


def one(name):
    """The id an earlier create/copy answered (a single id, or a list of one)."""
    return lambda s: s[name] if isinstance(s[name], int) else s[name][0]


def ids_of(name):
    return lambda s: s[name]


TAG_FIELDS = ['name', 'display_name', 'parent_id', 'child_ids', 'parent_path', 'active', 'color', 'partner_ids']


def partner_tags_sequence():
    """res.partner.category: batch creates with inline children, list-of-ids x2many values,
    copy, name_create, archive with children, recursion, errors in the middle of a batch."""
    return [
        rpc('batch create: a root with two inline children (command 0) and a tag under Vendor', A, 'res.partner.category', 'create',
            [[{'name': 'B Root', 'color': 1, 'child_ids': [(0, 0, {'name': 'B Kid One', 'color': 2}), (0, 0, {'name': 'B Kid Two', 'color': 3})]},
              {'name': 'B Vendor Sub', 'color': 4, 'parent_id': 1}]], save='made'),
        rpc('search the tree under the root', A, 'res.partner.category', 'search', [[('id', 'child_of', nth('made', 0))]], save='tree'),
        rpc('read the batch and its children', A, 'res.partner.category', 'read', [ids_of('tree')], {'fields': TAG_FIELDS}),
        rpc('read the tag created under Vendor', A, 'res.partner.category', 'read', [[nth('made', 1)]], {'fields': TAG_FIELDS}),
        rpc('partner_ids as a plain list of ids (Odoo 17+ form) on write', A, 'res.partner.category', 'write',
            [[nth('made', 0)], {'partner_ids': [9, 10, 11]}]),
        rpc('read partner_ids after the list form', A, 'res.partner.category', 'read', [[nth('made', 0)]], {'fields': ['partner_ids']}),
        rpc('category_id as a list of ids on a partner write', A, 'res.partner', 'write', [[12], {'category_id': [nth('made', 0), 2]}]),
        rpc('the partner tags and the root partners', A, 'res.partner', 'read', [[12]], {'fields': ['category_id']}),
        rpc('commands 3 and 4 together on partner_ids', A, 'res.partner.category', 'write',
            [[nth('made', 0)], {'partner_ids': [(3, 9), (4, 14), (3, 999999)]}]),
        rpc('partner_ids after 3/4', A, 'res.partner.category', 'read', [[nth('made', 0)]], {'fields': ['partner_ids']}),
        rpc('command 6 with an empty list on partner_ids', A, 'res.partner.category', 'write', [[nth('made', 0)], {'partner_ids': [(6, 0, [])]}]),
        rpc('an empty list clears child_ids? (one2many list form)', A, 'res.partner.category', 'write', [[nth('made', 1)], {'child_ids': []}]),
        rpc('create with child_ids as a list of ids (moves existing tags under it)', A, 'res.partner.category', 'create',
            [{'name': 'B Adopter', 'child_ids': [4, 5]}], save='adopter'),
        rpc('the adopted tags', A, 'res.partner.category', 'read', [[4, 5]], {'fields': ['parent_id', 'display_name', 'parent_path']}),
        rpc('rename the adopter over XML-RPC: children display names follow', A, 'res.partner.category', 'write',
            [[saved('adopter')], {'name': 'B Adopter Renamed'}], transport='xmlrpc'),
        rpc('name_search by the parent part of the full name', A, 'res.partner.category', 'name_search', [], {'name': 'B Adopter Renamed /', 'limit': 5}),
        rpc('recursion through child_ids: put the root under its own kid with command 4', A, 'res.partner.category', 'write',
            [[nth('tree', 1)], {'child_ids': [(4, nth('made', 0))]}]),
        rpc('batch write where one record would be its own parent', A, 'res.partner.category', 'write',
            [[nth('tree', 1), nth('tree', 2)], {'parent_id': nth('tree', 2)}]),
        rpc('nothing of the refused batch was written', A, 'res.partner.category', 'read', [[nth('tree', 1), nth('tree', 2)]], {'fields': ['parent_id']}),
        rpc('batch create, second record without a name: nothing created', A, 'res.partner.category', 'create',
            [[{'name': 'B Lost One'}, {'color': 5}]]),
        rpc('search the lost one', A, 'res.partner.category', 'search_count', [[('name', '=', 'B Lost One')]]),
        rpc('name_create a tag', A, 'res.partner.category', 'name_create', ['B Named Tag'], save='named'),
        rpc('name_create with an empty name', A, 'res.partner.category', 'name_create', ['']),
        rpc('copy the root: partners not copied, children not copied', A, 'res.partner.category', 'copy', [[nth('made', 0)]], save='copy1'),
        rpc('read the copy', A, 'res.partner.category', 'read', [[one('copy1')]], {'fields': ['name', 'parent_id', 'child_ids', 'partner_ids', 'active']}),
        rpc('copy a child with default parent False and partner_ids given', A, 'res.partner.category', 'copy', [nth('tree', 1)],
            {'default': {'parent_id': False, 'partner_ids': [(6, 0, [15])], 'name': 'B Kid Copy'}}, save='copy2'),
        rpc('read the defaulted copy', A, 'res.partner.category', 'read', [[one('copy2')]], {'fields': ['name', 'parent_id', 'partner_ids', 'parent_path', 'display_name']}),
        rpc('archive the root: children stay active', A, 'res.partner.category', 'action_archive', [[nth('made', 0)]]),
        rpc('children of the archived root', A, 'res.partner.category', 'search_read', [[('parent_id', '=', nth('made', 0))]],
            {'fields': ['name', 'active', 'display_name'], 'order': 'id'}),
        rpc('child_of an archived root', A, 'res.partner.category', 'search_count', [[('id', 'child_of', nth('made', 0))]]),
        rpc('unarchive it through write over call_kw', A, 'res.partner.category', 'write', [[nth('made', 0)], {'active': True}], transport='call_kw'),
        rpc('unlink the adopter: adopted children cascade', A, 'res.partner.category', 'unlink', [[saved('adopter')]]),
        rpc('tags 4 and 5 after the cascade', A, 'res.partner.category', 'search_read', [[('id', 'in', [4, 5])]],
            {'fields': ['name'], 'context': {'active_test': False}}),
        rpc('partners lose the unlinked tags', A, 'res.partner', 'search_count', [[('category_id', 'in', [4, 5])]]),
        rpc('unlink a tag and a missing id', A, 'res.partner.category', 'unlink', [[nth('named', 0), 999999]]),
        rpc('the named tag after the refused unlink', A, 'res.partner.category', 'search_count', [[('name', '=', 'B Named Tag')]]),
    ]


def category_errors_sequence():
    """res.partner.category through seq_partner's shapes: creates and batches with x2many
    commands on partner_ids/child_ids, every refused value, missing ids, copy/name_create,
    archive/unarchive, unlinks with missing ids, the three transports, context defaults."""
    c = P_CATEGORY
    return [
        rpc('create a tag with partners (command 6) and a colour', A, 'res.partner.category', 'create',
            [{'name': 'Cat One', 'color': 3, 'partner_ids': [(6, 0, [10, 11])]}]),
        rpc('read it with the log fields', A, 'res.partner.category', 'read', [[c]],
            {'fields': ['name', 'color', 'active', 'parent_id', 'partner_ids', 'display_name', 'create_uid', 'write_uid', 'create_date', 'write_date']}),
        rpc('batch create: one plain, one under the first with a partner created inline', A, 'res.partner.category', 'create',
            [[{'name': 'Cat Two'}, {'name': 'Cat Three', 'parent_id': c, 'partner_ids': [(0, 0, {'name': 'Cat Partner', 'email': 'cp@cat.test'})]}]]),
        rpc('read the batch', A, 'res.partner.category', 'read', [[c + 1, c + 2]], {'fields': ['name', 'parent_id', 'partner_ids', 'display_name']}),
        rpc('the partner created through the tag', A, 'res.partner', 'search_read', [[('category_id', 'in', [c + 2])]], {'fields': ['name', 'email', 'category_id']}),
        rpc('(4) link a partner, (3) unlink another', A, 'res.partner.category', 'write', [[c], {'partner_ids': [(4, 12), (3, 10)]}]),
        rpc('partner_ids after 4/3', A, 'res.partner.category', 'read', [[c]], {'fields': ['partner_ids']}),
        rpc('(1) update a linked partner through the tag', A, 'res.partner.category', 'write', [[c], {'partner_ids': [(1, 12, {'function': 'Tagged'})]}]),
        rpc('the updated partner', A, 'res.partner', 'read', [[12]], {'fields': ['function', 'category_id']}),
        rpc('(2) delete the inline partner through the tag', A, 'res.partner.category', 'write', [[c + 2], {'partner_ids': [(2, PARTNER)]}]),
        rpc('the inline partner is gone', A, 'res.partner', 'search_count', [[('id', '=', PARTNER)]], {'context': {'active_test': False}}),
        rpc('(5) clear partner_ids', A, 'res.partner.category', 'write', [[c], {'partner_ids': [(5, 0, 0)]}]),
        rpc('(0) children inline on write, (4) adopt Cat Two', A, 'res.partner.category', 'write',
            [[c], {'child_ids': [(0, 0, {'name': 'Cat Kid'}), (4, c + 1)]}]),
        rpc('children of Cat One', A, 'res.partner.category', 'search_read', [[('parent_id', '=', c)]], {'fields': ['name', 'display_name'], 'order': 'id'}),
        rpc('(6) keep only Cat Two among the children: the others are deleted (cascade)', A, 'res.partner.category', 'write', [[c], {'child_ids': [(6, 0, [c + 1])]}]),
        rpc('what is left under and beside Cat One', A, 'res.partner.category', 'search_read', [[('id', '>=', c)]],
            {'fields': ['name', 'parent_id'], 'order': 'id', 'context': {'active_test': False}}),
        rpc('write display_name (a computed field without inverse)', A, 'res.partner.category', 'write', [[c], {'display_name': 'X'}]),
        rpc('write an unknown field', A, 'res.partner.category', 'write', [[c], {'no_such_field': 1}]),
        rpc('write a string into the integer colour', A, 'res.partner.category', 'write', [[c], {'color': 'abc'}]),
        rpc('write a parent that does not exist', A, 'res.partner.category', 'write', [[c], {'parent_id': 999999}]),
        rpc('write a missing id', A, 'res.partner.category', 'write', [[999999], {'name': 'x'}]),
        rpc('write nothing', A, 'res.partner.category', 'write', [[c], {}]),
        rpc('write name False (required)', A, 'res.partner.category', 'write', [[c], {'name': False}]),
        rpc('create with name False', A, 'res.partner.category', 'create', [{'name': False, 'color': 1}]),
        rpc('create with no values over XML-RPC', A, 'res.partner.category', 'create', [{}], transport='xmlrpc'),
        rpc('create with an unknown field', A, 'res.partner.category', 'create', [{'name': 'Has bogus', 'bogus_field': 1}]),
        rpc('write parent_id on itself', A, 'res.partner.category', 'write', [[c], {'parent_id': c}]),
        rpc('partner_ids with a missing partner (command 4)', A, 'res.partner.category', 'write', [[c], {'partner_ids': [(4, 999999)]}]),
        rpc('an unknown x2many command', A, 'res.partner.category', 'write', [[c], {'partner_ids': [(9, 0, 0)]}]),
        rpc('name_create with an email-like name (no parsing on tags)', A, 'res.partner.category', 'name_create', ['Cat Named <named@cat.test>']),
        rpc('copy by a bare id', A, 'res.partner.category', 'copy', [c], save='cp1'),
        rpc('read the copy by a bare id', A, 'res.partner.category', 'read', [one('cp1')], {'fields': ['name', 'color', 'parent_id', 'child_ids', 'partner_ids']}),
        rpc('copy with default name and colour', A, 'res.partner.category', 'copy', [c + 1], {'default': {'name': 'Cat Copied', 'color': 9}}, save='cp2'),
        rpc('read the defaulted copy', A, 'res.partner.category', 'read', [one('cp2')], {'fields': ['name', 'color', 'parent_id', 'display_name']}),
        rpc('copy two tags at once', A, 'res.partner.category', 'copy', [[one('cp1'), one('cp2')]]),
        rpc('archive the defaulted copy', A, 'res.partner.category', 'write', [[one('cp2')], {'active': False}]),
        rpc('search it by name', A, 'res.partner.category', 'search', [[('name', '=', 'Cat Copied')]]),
        rpc('search it with active_test off', A, 'res.partner.category', 'search', [[('name', '=', 'Cat Copied')]], {'context': {'active_test': False}}),
        rpc('action_unarchive', A, 'res.partner.category', 'action_unarchive', [[one('cp2')]]),
        rpc('action_archive', A, 'res.partner.category', 'action_archive', [[one('cp2')]]),
        rpc('toggle_active twice-archived tag', A, 'res.partner.category', 'toggle_active', [[one('cp2')]]),
        rpc('unlink a missing id', A, 'res.partner.category', 'unlink', [[999999]]),
        rpc('unlink an existing and a missing id', A, 'res.partner.category', 'unlink', [[one('cp1'), 999998]]),
        rpc('unlink an existing tag used by partners (Vendor: relation rows go)', A, 'res.partner.category', 'unlink', [[1]]),
        rpc('the Vendor children after it went', A, 'res.partner.category', 'search_count', [[('id', 'in', [6, 7])]], {'context': {'active_test': False}}),
        rpc('write over XML-RPC', A, 'res.partner.category', 'write', [[c], {'color': 11}], transport='xmlrpc'),
        rpc('write over call_kw', A, 'res.partner.category', 'write', [[c], {'name': 'Cat One Renamed'}], transport='call_kw'),
        rpc('create over call_kw with a default_ context', A, 'res.partner.category', 'create', [{'name': 'Via call_kw'}],
            {'context': {'default_color': 7, 'default_parent_id': c}}, transport='call_kw'),
        rpc('read everything made in the sequence', A, 'res.partner.category', 'search_read', [[('id', '>=', c)]],
            {'fields': ['name', 'color', 'parent_id', 'active', 'display_name'], 'order': 'id', 'context': {'active_test': False}}),
    ]


PCAT_FIELDS = ['name', 'complete_name', 'display_name', 'parent_id', 'child_id', 'parent_path', 'product_count']


def product_category_sequence():
    """product.category: a stored recursive complete_name, restrict and cascade on unlink,
    the undeletable default category, recursion, copy and name_create."""
    return [
        rpc('create a category under All with two children inline', A, 'product.category', 'create',
            [{'name': 'M Parent', 'parent_id': 1, 'child_id': [(0, 0, {'name': 'M Child A'}), (0, 0, {'name': 'M Child B'})]}], save='parent'),
        rpc('search its subtree', A, 'product.category', 'search', [[('id', 'child_of', saved('parent'))]], {'order': 'id'}, save='sub'),
        rpc('read the subtree', A, 'product.category', 'read', [ids_of('sub')], {'fields': PCAT_FIELDS}),
        rpc('rename the parent: complete_name of the children follows', A, 'product.category', 'write', [[saved('parent')], {'name': 'M Renamed'}]),
        rpc('children complete names after the rename', A, 'product.category', 'read', [ids_of('sub')], {'fields': ['complete_name', 'display_name']}),
        rpc('move child B under Office Furniture', A, 'product.category', 'write', [[nth('sub', 2)], {'parent_id': 8}]),
        rpc('child B after the move', A, 'product.category', 'read', [[nth('sub', 2)]], {'fields': ['complete_name', 'parent_path', 'parent_id']}),
        rpc('make the parent its own grandchild -> recursion', A, 'product.category', 'write', [[saved('parent')], {'parent_id': nth('sub', 1)}]),
        rpc('make All a child of Saleable -> recursion', A, 'product.category', 'write', [[1], {'parent_id': 2}]),
        rpc('name_search on the full path', A, 'product.category', 'name_search', [], {'name': 'M Renamed / M Child', 'limit': 5}),
        rpc('create a product in child A', A, 'product.template', 'create', [{'name': 'M Goods', 'categ_id': nth('sub', 1), 'list_price': 5}], save='tmpl'),
        rpc('product_count of the parent counts the child product', A, 'product.category', 'read', [[saved('parent'), nth('sub', 1)]], {'fields': ['product_count']}),
        rpc('unlink child A while a product uses it -> restrict', A, 'product.category', 'unlink', [[nth('sub', 1)]]),
        rpc('unlink the default category All -> refused', A, 'product.category', 'unlink', [[1]]),
        rpc('copy the parent: name and parent copied, children not', A, 'product.category', 'copy', [saved('parent')], save='pcopy'),
        rpc('read the category copy', A, 'product.category', 'read', [[one('pcopy')]], {'fields': PCAT_FIELDS}),
        rpc('name_create a category', A, 'product.category', 'name_create', ['M Named'], save='pnamed'),
        rpc('read the name_created category', A, 'product.category', 'read', [[nth('pnamed', 0)]], {'fields': ['complete_name', 'parent_id']}),
        rpc('child_id commands: 1 rename child A, 4 adopt the named one, 3 remove B', A, 'product.category', 'write',
            [[saved('parent')], {'child_id': [(1, nth('sub', 1), {'name': 'M Child A2'}), (4, nth('pnamed', 0)), (3, nth('sub', 2))]}]),
        rpc('the subtree after the commands', A, 'product.category', 'search_read', [[('id', 'child_of', saved('parent'))]],
            {'fields': ['complete_name', 'parent_id'], 'order': 'id'}),
        rpc('move the product away, then unlink the parent: children cascade', A, 'product.template', 'write', [[saved('tmpl')], {'categ_id': 1}]),
        rpc('unlink the parent', A, 'product.category', 'unlink', [[saved('parent')]]),
        rpc('what remains of the subtree', A, 'product.category', 'search_count', [[('name', 'like', 'M %')]]),
        rpc('search_read by parent_path prefix (like)', A, 'product.category', 'search_read', [[('parent_path', '=like', '1/2/%')]],
            {'fields': ['complete_name'], 'order': 'complete_name'}),
    ]


ORDER_FIELDS = ['name', 'state', 'partner_id', 'partner_invoice_id', 'partner_shipping_id', 'amount_untaxed', 'amount_tax',
                'amount_total', 'order_line', 'fiscal_position_id', 'pricelist_id', 'locked', 'invoice_status', 'user_id']
LINE_FIELDS = ['product_id', 'name', 'product_uom_qty', 'price_unit', 'discount', 'price_subtotal', 'price_tax', 'price_total',
               'tax_id', 'sequence', 'display_type', 'state']


def sale_sequence():
    """sale.order on other partners and products: line commands 0-6, taxes given as a list of
    ids, fiscal positions, a pricelist, confirm/lock/cancel/draft, copy, refused unlinks."""
    return [
        rpc('create a zero sale tax', A, 'account.tax', 'create', [{'name': 'B Zero', 'amount': 0, 'type_tax_use': 'sale', 'amount_type': 'percent'}]),
        rpc('create a fiscal position mapping the 15% sale tax to the 15% purchase one', A, 'account.fiscal.position', 'create',
            [{'name': 'B Export', 'tax_ids': [(0, 0, {'tax_src_id': 1, 'tax_dest_id': 2})]}], save='fpos'),
        rpc('create an order for Deco Addict with a discounted line and taxes as a list of ids', A, 'sale.order', 'create',
            [{'partner_id': 12, 'order_line': [(0, 0, {'product_id': 17, 'product_uom_qty': 2, 'discount': 15, 'tax_id': [1]}),
                                               (0, 0, {'product_id': 25, 'product_uom_qty': 1})]}], save='so'),
        rpc('a line on a product.product id that does not exist (template 11 is variant 17)', A, 'sale.order', 'write',
            [[saved('so')], {'order_line': [(0, 0, {'product_id': 11})]}]),
        rpc('read the order', A, 'sale.order', 'read', [[saved('so')]], {'fields': ORDER_FIELDS}),
        rpc('read its lines', A, 'sale.order.line', 'search_read', [[('order_id', '=', saved('so'))]], {'fields': LINE_FIELDS, 'order': 'id'}, save='lines'),
        rpc('set the fiscal position on the order', A, 'sale.order', 'write', [[saved('so')], {'fiscal_position_id': saved('fpos')}]),
        rpc('line taxes and totals after setting the fiscal position', A, 'sale.order', 'read', [[saved('so')]],
            {'fields': ['amount_untaxed', 'amount_tax', 'amount_total', 'fiscal_position_id']}),
        rpc('add a line after the fiscal position (command 0)', A, 'sale.order', 'write',
            [[saved('so')], {'order_line': [(0, 0, {'product_id': 6, 'product_uom_qty': 3})]}]),
        rpc('lines after the new one', A, 'sale.order.line', 'search_read', [[('order_id', '=', saved('so'))]], {'fields': ['product_id', 'tax_id', 'price_total'], 'order': 'id'}),
        rpc('command 1 with a discount of 100', A, 'sale.order', 'write',
            [[saved('so')], {'order_line': [(1, lambda s: s['lines'][0]['id'], {'discount': 100})]}]),
        rpc('totals after the full discount', A, 'sale.order', 'read', [[saved('so')]], {'fields': ['amount_untaxed', 'amount_tax', 'amount_total']}),
        rpc('command 3 on order_line (a one2many whose inverse is required)', A, 'sale.order', 'write',
            [[saved('so')], {'order_line': [(3, lambda s: s['lines'][1]['id'])]}]),
        rpc('line count after command 3', A, 'sale.order.line', 'search_count', [[('order_id', '=', saved('so'))]]),
        rpc('command 4: take line 1 of draft S00001', A, 'sale.order', 'write', [[saved('so')], {'order_line': [(4, 1)]}]),
        rpc('S00001 and the order after command 4', A, 'sale.order', 'read', [[saved('so'), 1]], {'fields': ['order_line', 'amount_total']}),
        rpc('command 6 replaces the lines with the one taken', A, 'sale.order', 'write', [[saved('so')], {'order_line': [(6, 0, [1])]}]),
        rpc('lines after command 6', A, 'sale.order.line', 'search_read', [[('order_id', '=', saved('so'))]], {'fields': ['product_id'], 'order': 'id'}),
        rpc('command 5 clears the lines', A, 'sale.order', 'write', [[saved('so')], {'order_line': [(5,)]}]),
        rpc('amounts of the empty order', A, 'sale.order', 'read', [[saved('so')]], {'fields': ['order_line', 'amount_total']}),
        rpc('an order for the Jackson Group to confirm and lock', A, 'sale.order', 'create',
            [{'partner_id': 14, 'order_line': [(0, 0, {'product_id': 5, 'product_uom_qty': 2, 'discount': 10})]}], save='so2'),
        rpc('its line', A, 'sale.order.line', 'search_read', [[('order_id', '=', saved('so2'))]],
            {'fields': ['price_unit', 'discount', 'price_subtotal', 'tax_id']}, save='so2lines'),
        rpc('confirm the order', A, 'sale.order', 'action_confirm', [[saved('so2')]]),
        rpc('unlink the confirmed order -> refused', A, 'sale.order', 'unlink', [[saved('so2')]]),
        rpc('change the pricelist of the confirmed order -> refused', A, 'sale.order', 'write', [[saved('so2')], {'pricelist_id': 1}]),
        rpc('lock it', A, 'sale.order', 'action_lock', [[saved('so2')]]),
        rpc('write a line quantity on the locked order', A, 'sale.order', 'write',
            [[saved('so2')], {'order_line': [(1, lambda s: s['so2lines'][0]['id'], {'product_uom_qty': 5})]}]),
        rpc('write a protected field of a line of the locked order', A, 'sale.order.line', 'write', [[lambda s: s['so2lines'][0]['id']], {'price_unit': 1}]),
        rpc('write the note of the locked order', A, 'sale.order', 'write', [[saved('so2')], {'note': '<p>locked note</p>'}]),
        rpc('_action_cancel over RPC -> private method', A, 'sale.order', '_action_cancel', [[saved('so2')]]),
        rpc('unlock it', A, 'sale.order', 'action_unlock', [[saved('so2')]]),
        rpc('cancel the confirmed order: the cancel wizard comes back', A, 'sale.order', 'action_cancel', [[saved('so2')]]),
        rpc('cancel it with disable_cancel_warning', A, 'sale.order', 'action_cancel', [[saved('so2')]], {'context': {'disable_cancel_warning': True}}),
        rpc('state after cancel', A, 'sale.order', 'read', [[saved('so2')]], {'fields': ['state', 'locked', 'amount_total']}),
        rpc('copy the cancelled order', A, 'sale.order', 'copy', [[saved('so2')]], save='so3'),
        rpc('read the copy', A, 'sale.order', 'read', [[one('so3')]], {'fields': ORDER_FIELDS}),
        rpc('copy with a default client reference and no lines', A, 'sale.order', 'copy', [saved('so2')],
            {'default': {'client_order_ref': 'B-COPY', 'order_line': []}}, save='so4'),
        rpc('read the defaulted copy', A, 'sale.order', 'read', [[one('so4')]], {'fields': ['client_order_ref', 'order_line', 'state', 'pricelist_id']}),
        rpc('back to draft and unlink the cancelled order', A, 'sale.order', 'action_draft', [[saved('so2')]]),
        rpc('unlink the draft order', A, 'sale.order', 'unlink', [[saved('so2')]], transport='xmlrpc'),
        rpc('lines of the unlinked order', A, 'sale.order.line', 'search_count', [[('order_id', '=', saved('so2'))]]),
        rpc('confirm a sent order (S00019) and an empty one together', A, 'sale.order', 'action_confirm', [[19, saved('so')]]),
        rpc('states after the batch confirm', A, 'sale.order', 'search_read', [[('id', 'in', [19, saved('so')])]], {'fields': ['state'], 'order': 'id'}),
        rpc('create a pricelist with 10% off everything', A, 'product.pricelist', 'create',
            [{'name': 'B Ten Off', 'item_ids': [(0, 0, {'compute_price': 'percentage', 'percent_price': 10, 'applied_on': '3_global'})]}], save='pl'),
        rpc('at the end (a pricelist becomes the default of every partner): an order with that pricelist', A, 'sale.order', 'create',
            [{'partner_id': 14, 'pricelist_id': saved('pl'), 'order_line': [(0, 0, {'product_id': 5, 'product_uom_qty': 2})]}], save='so5'),
        rpc('the discounted line', A, 'sale.order.line', 'search_read', [[('order_id', '=', saved('so5'))]],
            {'fields': ['price_unit', 'discount', 'price_subtotal', 'pricelist_item_id']}),
    ]


def acl_demo_sequence():
    """Writes as demo (Sales: own documents) and portal on others' records, over the three transports."""
    return [
        rpc('demo writes an order of admin (S00002) over XML-RPC', 'demo', 'sale.order', 'write', [[2], {'note': '<p>demo</p>'}], transport='xmlrpc'),
        rpc('demo writes an order of admin over call_kw', 'demo', 'sale.order', 'write', [[2], {'note': '<p>demo</p>'}], transport='call_kw'),
        rpc('demo writes its own draft order S00001', 'demo', 'sale.order', 'write', [[1], {'client_order_ref': 'DEMO-1'}]),
        rpc('demo adds a line to its own order', 'demo', 'sale.order', 'write', [[1], {'order_line': [(0, 0, {'product_id': 16, 'product_uom_qty': 2})]}]),
        rpc('demo moves a line of admin order into its own (command 4)', 'demo', 'sale.order', 'write', [[1], {'order_line': [(4, 3)]}]),
        rpc('demo writes a line of admin order directly', 'demo', 'sale.order.line', 'write', [[3], {'product_uom_qty': 9}], transport='call_kw'),
        rpc('demo confirms an admin order', 'demo', 'sale.order', 'action_confirm', [[3]]),
        rpc('demo copies an admin order', 'demo', 'sale.order', 'copy', [[2]], transport='xmlrpc'),
        rpc('demo unlinks an admin order', 'demo', 'sale.order', 'unlink', [[3]]),
        rpc('demo creates an order for another salesperson', 'demo', 'sale.order', 'create', [{'partner_id': 10, 'user_id': 2}]),
        rpc('demo counts the orders it sees after the refused create', 'demo', 'sale.order', 'search_count', [[]]),
        rpc('demo writes a tag of the partner categories', 'demo', 'res.partner.category', 'write', [[2], {'color': 7}], transport='call_kw'),
        rpc('demo unlinks a product category', 'demo', 'product.category', 'unlink', [[11]]),
        rpc('demo writes a product category', 'demo', 'product.category', 'write', [[11], {'name': 'x'}], transport='xmlrpc'),
        rpc('demo creates a fiscal position', 'demo', 'account.fiscal.position', 'create', [{'name': 'demo fp'}]),
        rpc('portal writes its own order', 'portal', 'sale.order', 'write', [[19], {'client_order_ref': 'P'}]),
        rpc('portal writes its own order over XML-RPC', 'portal', 'sale.order', 'write', [[19], {'client_order_ref': 'P'}], transport='xmlrpc'),
        rpc('portal confirms its own sent order', 'portal', 'sale.order', 'action_confirm', [[19]], transport='call_kw'),
        rpc('portal creates a partner tag', 'portal', 'res.partner.category', 'create', [{'name': 'portal tag'}]),
        rpc('portal writes its own user name', 'portal', 'res.users', 'write', [[7], {'name': 'Joel W.'}]),
        rpc('portal reads its name back', 'portal', 'res.users', 'read', [[7]], {'fields': ['name', 'partner_id']}),
        rpc('portal writes the demo user', 'portal', 'res.users', 'write', [[6], {'name': 'x'}], transport='call_kw'),
        rpc('portal unlinks its own order', 'portal', 'sale.order', 'unlink', [[20]]),
        rpc('admin reads what demo and portal left', A, 'sale.order', 'read', [[1, 2, 3, 19]], {'fields': ['client_order_ref', 'state', 'order_line', 'note']}),
    ]


# Users the seq_wusers block creates (first res.users id of a fresh odoo_ref is 8).
PLAIN, SALESMAN, PORTAL2 = 'acl.plain', 'acl.sales', 'acl.portal'


def new_users_sequence():
    """Writes by users the sequence creates (seq_acl_b's shapes): an internal user without sales
    rights, a salesman (own documents), a portal user; an archived user; a password change."""
    return [
        rpc('create an internal user without sales rights', A, 'res.users', 'create',
            [{'name': 'Acl Plain', 'login': PLAIN, 'password': PLAIN, 'groups_id': [(6, 0, [1])]}]),
        rpc('create a salesman (own documents only)', A, 'res.users', 'create',
            [{'name': 'Acl Sales', 'login': SALESMAN, 'password': SALESMAN, 'groups_id': [(6, 0, [1, 21])]}]),
        rpc('create a portal user for partner Deco Addict contact', A, 'res.users', 'create',
            [{'name': 'Acl Portal', 'login': PORTAL2, 'password': PORTAL2, 'groups_id': [(6, 0, [10])]}]),
        rpc('the plain user writes an order', PLAIN, 'sale.order', 'write', [[1], {'client_order_ref': 'PLAIN'}]),
        rpc('the plain user creates a partner', PLAIN, 'res.partner', 'create', [{'name': 'Made By Plain'}], transport='xmlrpc'),
        rpc('the plain user writes a partner tag', PLAIN, 'res.partner.category', 'write', [[2], {'name': 'Prospects!'}]),
        rpc('the plain user writes its own signature', PLAIN, 'res.users', 'write', [[USER], {'signature': '<p>plain</p>'}], transport='call_kw'),
        rpc('the plain user writes its own groups', PLAIN, 'res.users', 'write', [[USER], {'groups_id': [(4, 21)]}]),
        rpc('the salesman creates an order for itself', SALESMAN, 'sale.order', 'create',
            [{'partner_id': 10, 'order_line': [(0, 0, {'product_id': 5, 'product_uom_qty': 1})]}], save='sales_so'),
        rpc('the salesman writes its order', SALESMAN, 'sale.order', 'write', [[saved('sales_so')], {'client_order_ref': 'MINE'}]),
        rpc('the salesman writes a demo order', SALESMAN, 'sale.order', 'write', [[1], {'client_order_ref': 'NOT MINE'}], transport='xmlrpc'),
        rpc('the salesman confirms its order', SALESMAN, 'sale.order', 'action_confirm', [[saved('sales_so')]]),
        rpc('the salesman unlinks its confirmed order', SALESMAN, 'sale.order', 'unlink', [[saved('sales_so')]]),
        rpc('the salesman counts the orders it sees', SALESMAN, 'sale.order', 'search_count', [[]]),
        rpc('admin reads the portal user partner', A, 'res.users', 'read', [[USER + 2]], {'fields': ['partner_id', 'share', 'groups_id']}, save='pu'),
        rpc('the portal user writes its own partner', PORTAL2, 'res.partner', 'write', [[lambda s: s['pu'][0]['partner_id'][0]], {'city': 'x'}]),
        rpc('the portal user creates an order', PORTAL2, 'sale.order', 'create', [{'partner_id': 10}], transport='call_kw'),
        rpc('admin archives the salesman', A, 'res.users', 'write', [[USER + 1], {'active': False}]),
        rpc('the archived salesman writes its order', SALESMAN, 'sale.order', 'write', [[saved('sales_so')], {'client_order_ref': 'GONE'}]),
        rpc('the plain user changes its password', PLAIN, 'res.users', 'change_password', [PLAIN, 'acl.plain.new']),
        rpc('the plain user writes with the old password', PLAIN, 'res.partner', 'write', [[PARTNER], {'city': 'Old'}]),
        rpc('the plain user writes with the new password', PLAIN, 'res.partner', 'write', [[PARTNER], {'city': 'New'}], password='acl.plain.new'),
        rpc('what the users left', A, 'res.partner', 'read', [[PARTNER]], {'fields': ['name', 'city', 'create_uid', 'write_uid']}),
    ]


# hp_legacy: first ids a fresh copy hands out.
HP_TAG = 16
HP_COMMENT = 901
M1, M2, C1, MER1 = 'member001@hp.example', 'member002@hp.example', 'coach001@hp.example', 'merchant001@hp.example'
HP_UIDS = {'admin': 2, M1: 6, M2: 7, C1: 246, MER1: 286}


def hp_sequence():
    """hp_legacy: hp.content.tag (many2many on questions and contents, a unique name), hp.comment
    (a parent_id without a recursion check, cascade), and writes by members, coaches, merchants."""
    return [
        rpc('coach creates two tags in a batch', C1, 'hp.content.tag', 'create', [[{'name': 'b-yoga'}, {'name': 'b-pilates'}]], save='tags'),
        rpc('member creates a tag -> no create right', M1, 'hp.content.tag', 'create', [{'name': 'b-member'}], transport='xmlrpc'),
        rpc('coach batch with a duplicate name: nothing created', C1, 'hp.content.tag', 'create', [[{'name': 'b-new'}, {'name': 'b-yoga'}]]),
        rpc('the first of the refused batch is not there', A, 'hp.content.tag', 'search_count', [[('name', '=', 'b-new')]]),
        rpc('member asks a question with tags as a list of ids', M1, 'hp.qa.question', 'create',
            [{'asker_id': 6, 'title': 'B tagged question', 'tag_ids': [1, nth('tags', 0)]}], save='q'),
        rpc('read the question tags', M1, 'hp.qa.question', 'read', [[saved('q')]], {'fields': ['tag_ids', 'state', 'asker_id']}),
        rpc('member 2 edits member 1 question tags: 3 and 4', M2, 'hp.qa.question', 'write',
            [[saved('q')], {'tag_ids': [(3, 1), (4, nth('tags', 1))]}], transport='call_kw'),
        rpc('member 2 creates a tag inline through the question (command 0)', M2, 'hp.qa.question', 'write',
            [[saved('q')], {'tag_ids': [(0, 0, {'name': 'b-inline'})]}]),
        rpc('coach creates a tag inline through the question', C1, 'hp.qa.question', 'write',
            [[saved('q')], {'tag_ids': [(0, 0, {'name': 'b-inline'})]}]),
        rpc('tags after the inline create', A, 'hp.qa.question', 'read', [[saved('q')]], {'fields': ['tag_ids']}),
        rpc('coach deletes a tag through the question (command 2) -> no unlink right', C1, 'hp.qa.question', 'write',
            [[saved('q')], {'tag_ids': [(2, nth('tags', 0))]}]),
        rpc('coach unlinks a tag directly', C1, 'hp.content.tag', 'unlink', [[nth('tags', 1)]], transport='xmlrpc'),
        rpc('admin deletes a tag through the question (command 2)', A, 'hp.qa.question', 'write', [[saved('q')], {'tag_ids': [(2, nth('tags', 0))]}]),
        rpc('the question tags after the delete', A, 'hp.qa.question', 'read', [[saved('q')]], {'fields': ['tag_ids']}),
        rpc('merchant writes the question', MER1, 'hp.qa.question', 'write', [[saved('q')], {'title': 'merchant'}]),
        rpc('merchant tags its knowledge content (6 with a list)', MER1, 'hp.knowledge.content', 'write', [[4], {'tag_ids': [(6, 0, [2, 3])]}]),
        rpc('merchant writes another author knowledge content', MER1, 'hp.knowledge.content', 'write', [[1], {'tag_ids': [(4, 2)]}], transport='call_kw'),
        rpc('the contents tags', A, 'hp.knowledge.content', 'read', [[1, 4]], {'fields': ['tag_ids', 'author_id']}),
        rpc('copy the question (tags copied, answers not)', A, 'hp.qa.question', 'copy', [saved('q')], save='qcopy'),
        rpc('read the copied question', A, 'hp.qa.question', 'read', [[one('qcopy')]], {'fields': ['title', 'tag_ids', 'answer_ids', 'state', 'asker_id']}),
        rpc('member replies to a comment (parent_id)', M1, 'hp.comment', 'create', [{'post_id': 101, 'parent_id': 204, 'body': 'B reply'}], save='reply'),
        rpc('member replies to the reply, with a child inline', M1, 'hp.comment', 'create',
            [{'post_id': 101, 'parent_id': saved('reply'), 'body': 'B reply 2', 'child_ids': [(0, 0, {'post_id': 101, 'body': 'B reply 3'})]}], save='reply2'),
        rpc('the thread under comment 204', A, 'hp.comment', 'search_read', [[('id', 'child_of', 204)]], {'fields': ['parent_id', 'author_id', 'body', 'display_name'], 'order': 'id'}),
        rpc('a comment made its own parent (no recursion check on hp.comment)', M2, 'hp.comment', 'write', [[saved('reply2')], {'parent_id': saved('reply2')}]),
        rpc('read the self-parented comment', A, 'hp.comment', 'read', [[saved('reply2')]], {'fields': ['parent_id', 'child_ids']}),
        rpc('member unlinks a comment -> no unlink right', M1, 'hp.comment', 'unlink', [[saved('reply')]]),
        rpc('admin unlinks the first reply: the thread below cascades', A, 'hp.comment', 'unlink', [[saved('reply')]]),
        rpc('what is left of the thread', A, 'hp.comment', 'search_count', [[('body', 'like', 'B reply')]]),
        rpc('member 2 hides member 1 post through action_hide', M2, 'hp.community.post', 'action_hide', [[84]], transport='xmlrpc'),
        rpc('member 2 writes member 1 post state directly', M2, 'hp.community.post', 'write', [[131], {'state': 'deleted', 'like_count': 99}]),
        rpc('the two posts', A, 'hp.community.post', 'read', [[84, 131]], {'fields': ['state', 'like_count', 'author_id']}),
        rpc('member unlinks its own post -> no unlink right', M1, 'hp.community.post', 'unlink', [[225]], transport='call_kw'),
        rpc('admin unlinks a post: its comments cascade', A, 'hp.community.post', 'unlink', [[101]]),
        rpc('comments of the unlinked post', A, 'hp.comment', 'search_count', [[('post_id', '=', 101)]]),
    ]


ODOO_REF_BLOCKS = [
    ('seq_wtags', partner_tags_sequence),
    ('seq_wcat', category_errors_sequence),
    ('seq_wpcat', product_category_sequence),
    ('seq_wsale', sale_sequence),
    ('seq_wacl', acl_demo_sequence),
    ('seq_wusers', new_users_sequence),
]
HP_LEGACY_BLOCKS = [
    ('seq_whp', hp_sequence),
]


if __name__ == '__main__':
    database = 'odoo_ref'
    if '--database' in sys.argv:
        at = sys.argv.index('--database')
        database = sys.argv[at + 1]
        del sys.argv[at:at + 2]
    g.DB = database
    if database == 'hp_legacy':
        blocks, uids, out = HP_LEGACY_BLOCKS, HP_UIDS, 'write-sequences-hp-legacy.jsonl'
    else:
        blocks, uids, out = ODOO_REF_BLOCKS, {'admin': 2, 'demo': 6, 'portal': 7, PLAIN: USER, SALESMAN: USER + 1, PORTAL2: USER + 2}, 'write-sequences.jsonl'
    g.main(__doc__, [(name, None, build()) for name, build in blocks], uids, os.path.join(FIXTURES, out))
