#!/usr/bin/env python3
"""Records res.users.change_password from a real Odoo 18 (issue 17): as admin, demo and portal on
odoo_ref and as admin and a member on hp_legacy — the refusals (empty or wrong old password:
AccessDenied; empty or blank new password: UserError; a new password that is not a string), the
change (the new one stripped of surrounding blanks), then what each transport sees: the old
password refused over JSON-RPC and XML-RPC, the new one accepted, the web session opened before
the change expired, and the change back.

    /usr/bin/python3 scripts/record-password-changes.py http://127.0.0.1:18321 \\
        --reset-cmd '/tmp/oracle/reset.sh p2 odoo'
    /usr/bin/python3 scripts/record-password-changes.py --database hp_legacy http://127.0.0.1:18321 \\
        --reset-cmd '/tmp/oracle/reset.sh p2 odoo'

    /usr/bin/python3 scripts/record-password-changes.py --wizard http://127.0.0.1:18321 \\
        --reset-cmd '/tmp/oracle/reset.sh p2 odoo'

(--wizard: the users list's Change Password wizard on odoo_ref, change.password.wizard and its
change.password.user lines, into password-wizard.jsonl.) Each block runs from a fresh copy and is
recorded twice (golden_recorder.main).
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import golden_recorder as g  # noqa: E402
from golden_recorder import kw, rpc, saved, xml  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, '..', 'fixtures', 'odoo-golden-heldout-like')


def password_change_sequence(login, uid):
    """`login`'s password is its login in both databases."""
    new = login + '.new'

    def own(title, transport_step, password):
        return transport_step(title, login, 'res.users', 'read', [[uid]], {'fields': ['login']}, password=password)

    return lambda: [
        own('a web session opened before the change', kw, login),
        rpc('empty old password', login, 'res.users', 'change_password', ['', 'x']),
        rpc('wrong old password', login, 'res.users', 'change_password', ['wrong', 'x']),
        xml('wrong old password over XML-RPC', login, 'res.users', 'change_password', ['wrong', 'x']),
        rpc('blank new password', login, 'res.users', 'change_password', [login, '  ']),
        xml('empty new password over XML-RPC', login, 'res.users', 'change_password', [login, '']),
        rpc('a new password that is not a string', login, 'res.users', 'change_password', [login, 5]),
        rpc('the change (blanks around the new password)', login, 'res.users', 'change_password', [login, f'  {new} ']),
        own('the old password over JSON-RPC', rpc, login),
        own('the old password over XML-RPC', xml, login),
        own('the new password over JSON-RPC', rpc, new),
        own('the new password over XML-RPC', xml, new),
        own('the web session opened before the change', kw, login),
        rpc('the old password as the old one now', login, 'res.users', 'change_password', [login, 'other'], password=new),
        xml('back to the first password', login, 'res.users', 'change_password', [new, login], password=new),
        own('the first password again', rpc, login),
        own('the intermediate password', rpc, new),
    ]


def wizard_sequence():
    """Admin changes other users' passwords and its own through the wizard; blank and several wizards refused; demo may not."""
    def line(uid, login, password):
        return (0, 0, {'user_id': uid, 'user_login': login, 'new_passwd': password})

    def own(title, login, uid, password):
        return rpc(title, login, 'res.users', 'read', [[uid]], {'fields': ['login']}, password=password)

    return [
        rpc('a wizard for demo (new password) and portal (none)', 'admin', 'change.password.wizard', 'create',
            [{'user_ids': [line(6, 'demo', ' demo.w '), line(7, 'portal', '')]}], save='w1'),
        rpc('its lines', 'admin', 'change.password.user', 'search_read', [[('wizard_id', '=', saved('w1'))]], {'fields': ['user_id', 'user_login', 'new_passwd']}),
        rpc('the button', 'admin', 'change.password.wizard', 'change_password_button', [[saved('w1')]]),
        rpc('the lines forget the passwords', 'admin', 'change.password.user', 'search_read', [[('wizard_id', '=', saved('w1'))]], {'fields': ['user_id', 'new_passwd']}),
        own('demo with the new password', 'demo', 6, 'demo.w'),
        own('demo with the old password', 'demo', 6, 'demo'),
        own('portal unchanged', 'portal', 7, 'portal'),
        rpc('a wizard with a blank password', 'admin', 'change.password.wizard', 'create', [{'user_ids': [line(7, 'portal', '   ')]}], save='w2'),
        rpc('its button: blank refused', 'admin', 'change.password.wizard', 'change_password_button', [[saved('w2')]]),
        rpc('the button of two wizards', 'admin', 'change.password.wizard', 'change_password_button', [lambda s: [s['w1'], s['w2']]]),
        rpc('a line button alone', 'admin', 'change.password.user', 'change_password_button', [lambda s: [s['w2']]]),
        rpc('demo may not open the wizard', 'demo', 'change.password.wizard', 'create', [{'user_ids': []}], password='demo.w'),
        rpc('admin changes its own password through the wizard', 'admin', 'change.password.wizard', 'create', [{'user_ids': [line(2, 'admin', 'admin.w')]}], save='w3'),
        rpc('the button: reload', 'admin', 'change.password.wizard', 'change_password_button', [[saved('w3')]]),
        own('admin with the new password', 'admin', 2, 'admin.w'),
        own('admin with the old password', 'admin', 2, 'admin'),
    ]


ODOO_REF = {'admin': 2, 'demo': 6, 'portal': 7}
HP_LEGACY = {'admin': 2, 'member001@hp.example': 6}

if __name__ == '__main__':
    if '--wizard' in sys.argv:
        sys.argv.remove('--wizard')
        g.DB = 'odoo_ref'
        g.main(__doc__, [('seq_pwwiz', None, wizard_sequence())], ODOO_REF, os.path.join(FIXTURES, 'password-wizard.jsonl'))
        sys.exit(0)
    database = 'odoo_ref'
    if '--database' in sys.argv:
        at = sys.argv.index('--database')
        database = sys.argv[at + 1]
        del sys.argv[at:at + 2]
    g.DB = database
    uids = HP_LEGACY if database == 'hp_legacy' else ODOO_REF
    prefix = 'seq_pwh' if database == 'hp_legacy' else 'seq_pw'
    blocks = [(f'{prefix}{n}', None, password_change_sequence(login, uid)()) for n, (login, uid) in enumerate(uids.items(), start=1)]
    out = 'password-changes-hp-legacy.jsonl' if database == 'hp_legacy' else 'password-changes.jsonl'
    g.main(__doc__, blocks, uids, os.path.join(FIXTURES, out))
