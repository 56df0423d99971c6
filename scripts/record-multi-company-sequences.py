#!/usr/bin/env python3
"""Records multi-company write sequences from a real Odoo 18 (issue 17, bar 1; the hidden
seq_acl_b may take this shape): creating a company (its partner, default logo, calendar,
pricelist, the currency it activates, the creator's company_ids and multi-company group), a user
of both companies, records of the second company (partner, product, sale order) seen or not
through `allowed_company_ids` and the multi-company record rules, switching a user's company,
branches and their delegated fields, the hierarchy that cannot change, archiving a company (refused
while it is a user's default company) — on odoo_ref and on hp_legacy.

    /usr/bin/python3 scripts/record-multi-company-sequences.py http://127.0.0.1:8531 \\
        --reset-cmd '/tmp/oracle/reset.sh m1 odoo'
    /usr/bin/python3 scripts/record-multi-company-sequences.py --database hp_legacy http://127.0.0.1:8531 \\
        --reset-cmd '/tmp/oracle/reset.sh m1 odoo'

Each block runs from a fresh copy and is recorded twice (golden_recorder.main): answers that
differ between the runs are volatile. Ids are those a fresh copy hands out or taken from earlier
answers (save=...).
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import golden_recorder as g  # noqa: E402
from golden_recorder import rpc, saved  # noqa: E402

A = 'admin'
HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, '..', 'fixtures', 'odoo-golden-heldout-like')

EUR = 125
USD = 1
COMPANY_FIELDS = ['name', 'currency_id', 'partner_id', 'parent_id', 'child_ids', 'sequence', 'active', 'email', 'phone',
                  'street', 'city', 'website', 'vat', 'uses_default_logo', 'email_primary_color', 'email_secondary_color',
                  'display_name', 'user_ids']
MC_USER = 'mc_user'
MC_PASS = 'mc-pass-1'


def odoo_ref_sequence():
    """odoo_ref: company B in EUR (inactive there), a user of both companies, company-B records."""
    co = saved('co')
    return [
        rpc('create company B in an inactive currency', A, 'res.company', 'create', [{'name': 'MC Beta', 'currency_id': EUR, 'email': 'beta@mc.test'}], save='co'),
        rpc('read company B', A, 'res.company', 'read', [[co]], {'fields': COMPANY_FIELDS}),
        rpc('its partner: a company contact without company', A, 'res.partner', 'search_read', [[('name', '=', 'MC Beta')]],
            {'fields': ['name', 'is_company', 'company_id', 'email', 'partner_share', 'commercial_partner_id', 'type']}),
        rpc('the creator and the superuser are given company B', A, 'res.users', 'read', [[2]], {'fields': ['company_ids', 'company_id']}),
        rpc('the company currency is activated', A, 'res.currency', 'search_read', [[('id', 'in', [USD, EUR])]], {'fields': ['name', 'active'], 'context': {'active_test': False}}),
        rpc('admin is now in the multi-company group', A, 'res.users', 'has_group', [[2], 'base.group_multi_company']),
        rpc('and internal users get multi-currency', A, 'res.users', 'has_group', [[2], 'base.group_multi_currency']),
        rpc('default pricelists of the companies', A, 'product.pricelist', 'search_read', [[]], {'fields': ['name', 'currency_id', 'company_id', 'active'], 'order': 'id'}),
        rpc('working hours of company B', A, 'resource.calendar', 'search_read', [[('company_id', '=', co)]], {'fields': ['name', 'tz', 'hours_per_day', 'company_id']}),
        rpc('companies as admin sees them', A, 'res.company', 'search_read', [[]], {'fields': ['name', 'currency_id'], 'order': 'id'}),
        rpc('create a user of both companies (company 1 by default)', A, 'res.users', 'create',
            [{'name': 'MC User', 'login': MC_USER, 'password': MC_PASS, 'company_id': 1, 'company_ids': [(6, 0, [1, co])]}], save='uid'),
        rpc('the new user: companies and multi-company group', A, 'res.users', 'read', [[saved('uid')]], {'fields': ['company_ids', 'company_id', 'share']}),
        rpc('new user in the multi-company group', A, 'res.users', 'has_group', [[saved('uid')], 'base.group_multi_company']),
        rpc('a partner of company B', A, 'res.partner', 'create', [{'name': 'MC B Partner', 'company_id': co}], save='pb'),
        rpc('a product of company B', A, 'product.template', 'create', [{'name': 'MC B Product', 'company_id': co, 'list_price': 10.0}], save='tb'),
        rpc('a partner of company 1', A, 'res.partner', 'create', [{'name': 'MC A Partner', 'company_id': 1}], save='pa'),
        rpc('the user sees both companies\' partners by default', MC_USER, 'res.partner', 'search', [[('name', 'like', 'MC ')]], password=MC_PASS),
        rpc('with allowed_company_ids [1] only company 1\'s', MC_USER, 'res.partner', 'search', [[('name', 'like', 'MC ')]],
            {'context': {'allowed_company_ids': [1]}}, password=MC_PASS),
        rpc('with allowed_company_ids [B] only B\'s', MC_USER, 'res.partner', 'search', [[('name', 'like', 'MC ')]],
            {'context': {'allowed_company_ids': [co]}}, password=MC_PASS),
        rpc('products with allowed_company_ids [1]', MC_USER, 'product.template', 'search_read', [[('name', '=', 'MC B Product')]],
            {'fields': ['name', 'company_id'], 'context': {'allowed_company_ids': [1]}}, password=MC_PASS),
        rpc('products with allowed_company_ids [B, 1]', MC_USER, 'product.template', 'search_read', [[('name', '=', 'MC B Product')]],
            {'fields': ['name', 'company_id'], 'context': {'allowed_company_ids': [co, 1]}}, password=MC_PASS),
        rpc('read a B partner with allowed_company_ids [1] -> AccessError', MC_USER, 'res.partner', 'read', [[saved('pb')]],
            {'fields': ['name'], 'context': {'allowed_company_ids': [1]}}, password=MC_PASS),
        rpc('demo (company 1 only) searches B partners', 'demo', 'res.partner', 'search', [[('name', 'like', 'MC ')]]),
        rpc('demo asks for company B -> AccessError', 'demo', 'res.partner', 'search', [[]], {'context': {'allowed_company_ids': [co]}}),
        rpc('demo reads company B -> AccessError', 'demo', 'res.company', 'read', [[co]], {'fields': ['name']}),
        rpc('the user reads company B', MC_USER, 'res.company', 'read', [[co]], {'fields': ['name', 'currency_id']}, password=MC_PASS),
        rpc('a sale order of company B', A, 'sale.order', 'create',
            [{'partner_id': saved('pb'), 'company_id': co, 'order_line': [(0, 0, {'product_id': 1, 'product_uom_qty': 2})]}],
            {'context': {'allowed_company_ids': [co, 1]}}, save='so'),
        rpc('the order: its company, currency, pricelist', A, 'sale.order', 'read', [[saved('so')]],
            {'fields': ['company_id', 'currency_id', 'pricelist_id', 'partner_id', 'state'], 'context': {'allowed_company_ids': [co, 1]}}),
        rpc('demo does not see the B order', 'demo', 'sale.order', 'search', [[('id', '=', saved('so'))]]),
        rpc('switch the user to company B', A, 'res.users', 'write', [[saved('uid')], {'company_id': co}]),
        rpc('the user after the switch', A, 'res.users', 'read', [[saved('uid')]], {'fields': ['company_id', 'company_ids']}),
        rpc('archive company B while it is a user\'s company -> ValidationError', A, 'res.company', 'write', [[co], {'active': False}]),
        rpc('switch the user back', A, 'res.users', 'write', [[saved('uid')], {'company_id': 1}]),
        rpc('create a branch of company B', A, 'res.company', 'create', [{'name': 'MC Beta Branch', 'parent_id': co}], save='br'),
        rpc('the branch: parent, currency from its root', A, 'res.company', 'read', [[saved('br')]], {'fields': ['parent_id', 'currency_id', 'partner_id', 'display_name']}),
        rpc('move the branch -> the hierarchy cannot be changed', A, 'res.company', 'write', [[saved('br')], {'parent_id': 1}]),
        rpc('change the root currency: the branch follows', A, 'res.company', 'write', [[co], {'currency_id': USD}]),
        rpc('branch currency after the root changed', A, 'res.company', 'read', [[saved('br'), co]], {'fields': ['currency_id']}),
        rpc('rename company B and give it an address', A, 'res.company', 'write', [[co], {'name': 'MC Beta Renamed', 'street': '1 Beta Road', 'city': 'Betaville', 'phone': '+32 2 555 01 01'}]),
        rpc('company B and its partner after the write', A, 'res.partner', 'read', [[saved('pb')]], {'fields': ['company_id']}),
        rpc('company B renamed', A, 'res.company', 'read', [[co]], {'fields': ['name', 'street', 'city', 'phone', 'partner_id', 'display_name']}),
        rpc('archive company B: its branch is archived too', A, 'res.company', 'write', [[co], {'active': False}]),
        rpc('companies after archiving', A, 'res.company', 'search_read', [[]], {'fields': ['name', 'active'], 'order': 'id', 'context': {'active_test': False}}),
        rpc('the user\'s companies after archiving', A, 'res.users', 'read', [[saved('uid')]], {'fields': ['company_ids']}),
        rpc('the user asks for the archived company', MC_USER, 'res.partner', 'search', [[('name', 'like', 'MC ')]],
            {'context': {'allowed_company_ids': [co]}}, password=MC_PASS),
        rpc('the user\'s default view after archiving', MC_USER, 'res.partner', 'search', [[('name', 'like', 'MC ')]], password=MC_PASS),
    ]


def hp_legacy_sequence():
    """hp_legacy: company B in EUR (already active there), members and the admin."""
    co = saved('co')
    m1 = 'member001@hp.example'
    return [
        rpc('create company B', A, 'res.company', 'create', [{'name': 'HP Beta', 'currency_id': EUR}], save='co'),
        rpc('read company B', A, 'res.company', 'read', [[co]], {'fields': COMPANY_FIELDS}),
        rpc('the creator is given company B', A, 'res.users', 'read', [[2]], {'fields': ['company_ids', 'company_id']}),
        rpc('admin in the multi-company group', A, 'res.users', 'has_group', [[2], 'base.group_multi_company']),
        rpc('pricelists', A, 'product.pricelist', 'search_read', [[]], {'fields': ['name', 'currency_id', 'company_id'], 'order': 'id'}),
        rpc('a partner of company B', A, 'res.partner', 'create', [{'name': 'HP B Partner', 'company_id': co}], save='pb'),
        rpc('admin sees it by default', A, 'res.partner', 'search', [[('name', '=', 'HP B Partner')]]),
        rpc('not with allowed_company_ids of the main company', A, 'res.partner', 'search', [[('name', '=', 'HP B Partner')]], {'context': {'allowed_company_ids': [1]}}),
        rpc('a member does not see it', m1, 'res.partner', 'search', [[('name', '=', 'HP B Partner')]]),
        rpc('a member asking for company B -> AccessError', m1, 'res.partner', 'search', [[]], {'context': {'allowed_company_ids': [co]}}),
        rpc('a member reads company B -> AccessError', m1, 'res.company', 'read', [[co]], {'fields': ['name']}),
        rpc('give member001 company B too', A, 'res.users', 'write', [[6], {'company_ids': [(4, co)]}]),
        rpc('member001 companies and group', A, 'res.users', 'read', [[6]], {'fields': ['company_ids', 'company_id']}),
        rpc('member001 in the multi-company group now', A, 'res.users', 'has_group', [[6], 'base.group_multi_company']),
        rpc('member001 reads company B now', m1, 'res.company', 'read', [[co]], {'fields': ['name']}),
        rpc('take it away again', A, 'res.users', 'write', [[6], {'company_ids': [(3, co)]}]),
        rpc('member001 out of the multi-company group', A, 'res.users', 'has_group', [[6], 'base.group_multi_company']),
        rpc('write company B email and website', A, 'res.company', 'write', [[co], {'email': 'hp-beta@hp.example', 'website': 'https://beta.hp.example'}]),
        rpc('company B after the write', A, 'res.company', 'read', [[co]], {'fields': ['email', 'website', 'partner_id']}),
        rpc('archive company B', A, 'res.company', 'write', [[co], {'active': False}]),
        rpc('admin companies after archiving', A, 'res.users', 'read', [[2]], {'fields': ['company_ids']}),
        rpc('admin sees the B partner by default after archiving?', A, 'res.partner', 'search', [[('name', '=', 'HP B Partner')]]),
    ]


ODOO_REF_BLOCKS = [('seq_mco', None, odoo_ref_sequence)]
HP_LEGACY_BLOCKS = [('seq_mhp', None, hp_legacy_sequence)]

if __name__ == '__main__':
    database = 'odoo_ref'
    if '--database' in sys.argv:
        at = sys.argv.index('--database')
        database = sys.argv[at + 1]
        del sys.argv[at:at + 2]
    g.DB = database
    if database == 'hp_legacy':
        blocks, uids, out = HP_LEGACY_BLOCKS, {'admin': 2, 'member001@hp.example': 6}, 'multi-company-sequences-hp-legacy.jsonl'
    else:
        blocks, uids, out = ODOO_REF_BLOCKS, {'admin': 2, 'demo': 6, 'portal': 7, MC_USER: 8}, 'multi-company-sequences.jsonl'
    g.main(__doc__, [(name, category, build()) for name, category, build in blocks], uids, os.path.join(FIXTURES, out))
