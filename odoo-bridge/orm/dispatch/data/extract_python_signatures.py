#!/usr/bin/env python3
"""Extract the signature of every public method of the Odoo models clients can call.

Writes python-signatures.json beside this file. Regenerate with:

    python3 odoo-bridge/orm/dispatch/data/extract_python_signatures.py \
        --odoo /work/odoo-src --addons fixtures/legacy-addons

It reads, with `ast` (nothing is imported or run):
  - odoo/models.py, class BaseModel: the methods every model has (model name `base`);
  - the stock modules installed in the served databases (MODULES below, from
    `/web/session/modules` of odoo_ref plus what the hp_* addons depend on);
  - every hp_* addon under --addons.
For each model: its Python class names, the models it `_inherit`s (so a model gets its mixins'
methods), and per public method (a name without a leading underscore, as
odoo/service/model.py refuses the others): the parameters after `self` with their defaults,
`*args`/`**kwargs`, keyword-only parameters, and whether `@api.model`/`@api.model_create_multi`
makes it a model method (no ids, odoo/api.py `call_kw`). When several modules define the same
method the one loaded last wins, as Python's MRO does: base, then the stock modules in
MODULES order (dependencies first), then the hp_* addons.
"""
import argparse
import ast
import json
import os
import sys

# Installed in odoo_ref (a superset of what hp_legacy has), dependencies first.
MODULES = [
    'web', 'bus', 'base_setup', 'web_tour', 'html_editor', 'http_routing', 'iap', 'uom', 'resource',
    'mail', 'resource_mail', 'mail_bot', 'auth_signup', 'auth_totp', 'auth_totp_mail', 'portal', 'auth_totp_portal',
    'base_import', 'base_import_module', 'base_install_request', 'contacts', 'digest', 'google_gmail',
    'iap_mail', 'onboarding', 'partner_autocomplete', 'phone_validation', 'privacy_lookup', 'sms',
    'snailmail', 'utm', 'web_editor', 'web_unsplash', 'analytic', 'product', 'payment', 'account',
    'account_payment', 'account_edi_ubl_cii', 'snailmail_account', 'sales_team', 'sale',
    'sale_async_emails', 'sale_edi_ubl', 'sale_sms', 'l10n_us', 'l10n_us_account',
    'spreadsheet', 'spreadsheet_account', 'spreadsheet_dashboard', 'spreadsheet_dashboard_account',
    'spreadsheet_dashboard_sale',
]

MODEL_DECORATORS = {'model', 'model_create_multi'}


def literal(node):
    try:
        return True, ast.literal_eval(node)
    except Exception:
        return False, ast.unparse(node)


def decorator_names(func):
    names = []
    for d in func.decorator_list:
        target = d.func if isinstance(d, ast.Call) else d
        if isinstance(target, ast.Attribute):
            names.append(target.attr)
        elif isinstance(target, ast.Name):
            names.append(target.id)
    return names


def signature_of(class_name, func):
    decorators = decorator_names(func)
    if {'classmethod', 'staticmethod', 'property'} & set(decorators):
        return None
    a = func.args
    positional = a.posonlyargs + a.args
    if not positional:
        return None
    positional = positional[1:]  # self
    defaults = [None] * (len(positional) - len(a.defaults)) + list(a.defaults)
    params = []
    for arg, default in zip(positional, defaults):
        param = {'name': arg.arg}
        if default is not None:
            ok, value = literal(default)
            param['default'] = value if ok else None
            # What inspect.signature shows for the default (api_doc's `signature` text).
            param['defaultRepr'] = repr(value) if ok else ast.unparse(default)
            if not ok:
                param['defaultUnknown'] = True
        params.append(param)
    keyword_only = []
    for arg, default in zip(a.kwonlyargs, a.kw_defaults):
        param = {'name': arg.arg}
        if default is not None:
            ok, value = literal(default)
            param['default'] = value if ok else None
            param['defaultRepr'] = repr(value) if ok else ast.unparse(default)
            if not ok:
                param['defaultUnknown'] = True
        keyword_only.append(param)
    sig = {
        # @api.model_create_multi wraps the method in a function the `decorator` package compiles
        # afresh: Python's TypeError texts then name it bare ("create() takes 2 positional ...").
        'qualname': func.name if 'model_create_multi' in decorators else f'{class_name}.{func.name}',
        'api': 'model' if MODEL_DECORATORS & set(decorators) else 'records',
        'params': params,
    }
    if 'readonly' in decorators:
        sig['readonly'] = True
    if a.vararg:
        sig['varArgs'] = a.vararg.arg
    if a.kwarg:
        sig['varKeywords'] = a.kwarg.arg
    if keyword_only:
        sig['keywordOnly'] = keyword_only
    return sig


def class_model(cls):
    """(model name, inherited models) of an Odoo model class, or None for other classes."""
    name = inherit = None
    for stmt in cls.body:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
            key = stmt.targets[0].id
            if key in ('_name', '_inherit'):
                ok, value = literal(stmt.value)
                if not ok:
                    continue
                if key == '_name':
                    name = value
                else:
                    inherit = [value] if isinstance(value, str) else list(value)
    if name is None and inherit:
        name = inherit[0]
    if not isinstance(name, str):
        return None
    return name, [m for m in (inherit or []) if m != name]


def collect(path, models, module, only_class=None, as_model=None):
    with open(path, encoding='utf-8') as handle:
        tree = ast.parse(handle.read(), filename=path)
    for cls in tree.body:
        if not isinstance(cls, ast.ClassDef):
            continue
        if only_class:
            if cls.name != only_class:
                continue
            found = (as_model, [])
        else:
            found = class_model(cls)
        if not found:
            continue
        model, parents = found
        entry = models.setdefault(model, {'inherits': [], 'methods': {}})
        for parent in parents:
            if parent not in entry['inherits']:
                entry['inherits'].append(parent)
        for stmt in cls.body:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and not stmt.name.startswith('_') and stmt.name != 'init':
                sig = signature_of(cls.name, stmt)
                if sig:
                    # The model and module that introduced the method (api_doc groups by them).
                    earlier = entry['methods'].get(stmt.name)
                    sig['introduced'] = earlier['introduced'] if earlier else {'model': model if module != 'core' else 'core', 'module': module}
                    entry['methods'][stmt.name] = sig


def python_files(directory):
    for root, dirs, files in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if d not in ('tests', 'static', 'migrations', 'upgrades'))
        for name in sorted(files):
            if name.endswith('.py') and not name.startswith('__'):
                yield os.path.join(root, name)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--odoo', default='/work/odoo-src')
    parser.add_argument('--addons', default=os.path.join(os.path.dirname(__file__), '../../../../fixtures/legacy-addons'))
    parser.add_argument('--out', default=os.path.join(os.path.dirname(__file__), 'python-signatures.json'))
    args = parser.parse_args()

    models = {}
    collect(os.path.join(args.odoo, 'odoo/models.py'), models, 'core', only_class='BaseModel', as_model='base')
    for path in python_files(os.path.join(args.odoo, 'odoo/addons/base/models')):
        collect(path, models, 'base')
    for module in MODULES:
        directory = os.path.join(args.odoo, 'addons', module, 'models')
        if not os.path.isdir(directory):
            continue  # a module with no models (views or data only)
        for path in python_files(directory):
            collect(path, models, module)
    for addon in sorted(os.listdir(args.addons)):
        directory = os.path.join(args.addons, addon, 'models')
        if addon.startswith('hp_') and os.path.isdir(directory):
            for path in python_files(directory):
                collect(path, models, addon)

    out = {
        '//': 'Generated by extract_python_signatures.py beside this file; do not edit by hand.',
        'models': {name: models[name] for name in sorted(models)},
    }
    with open(args.out, 'w', encoding='utf-8') as handle:
        json.dump(out, handle, indent=1, sort_keys=False, ensure_ascii=False)
        handle.write('\n')
    count = sum(len(m['methods']) for m in models.values())
    print(f'{len(models)} models, {count} public methods -> {args.out}')


if __name__ == '__main__':
    main()
