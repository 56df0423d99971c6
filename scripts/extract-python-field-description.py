#!/usr/bin/env python3
"""Extract, from the Python sources of the Odoo modules installed in the fixture databases, the
field parameters that fields_get describes but `ir_model_fields` does not keep (odoo/fields.py
`get_description` and its `_description_*` properties, Odoo 18): `change_default`, `attachment`,
`translate`, `trim`, `digits`, `aggregator` (or the deprecated `group_operator`), `context`, `domain`,
`check_company`, `model_field`, `default_export_compatible`, `exportable`, `definition` (fields.Properties:
`definition_record` / `definition_record_field`), `selection` when it is a method or a callable
(dynamic selections), `store`, `compute` and `related` (they decide `attachment` and which
attributes a related field copies from its target).

Writes odoo-bridge/orm/registry/python-field-description.generated.ts. Regenerate with

    python3 scripts/extract-python-field-description.py

(same defaults as scripts/extract-python-field-facts.py, whose module discovery and load order it
reuses). Only the standard library is used; sources are parsed with `ast`, never imported.

What it records: per model and field, each definition (`name = fields.X(...)`) in module load
order with its class (`X`) and the parameters above as written. The engine merges them as
fields.py `_get_attrs` does (a definition whose class is not the previous one's or a subclass of it
drops what was collected) along the model's `_inherit` chain
(odoo-bridge/orm/registry/python-field-description.ts). Values:
- a literal (`ast.literal_eval`) as JSON; for `domain` also Python's `repr` of it (`{"list", "repr"}`),
  which fields_get embeds in the string domain of a `check_company` field;
- a string domain as `{"str": ...}` (a client-side expression, described as is);
- `lambda self: <literal domain>` as `{"lambda": [...]}` (`self._name` as {"$model": true}, the current
  company / allowed companies / user as {"$env": "company" | "companies" | "uid"});
- `lambda self: "...{}...".format(self.env.ref('x.y').id)` as `{"format": ..., "refs": [...]}`;
- `translate=<callable>` (html_translate, xml_translate) as true (`_description_translate` is bool());
- a selection method name as `{"method": name}`, another callable as `{"callable": source}`;
- anything else as `{"unknown": source}`.
"""
import argparse
import ast
import importlib.util
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

_spec = importlib.util.spec_from_file_location('field_facts', os.path.join(ROOT, 'scripts', 'extract-python-field-facts.py'))
facts = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(facts)

BOOL_KEYS = {'change_default', 'attachment', 'trim', 'check_company', 'store', 'default_export_compatible',
             'exportable', 'company_dependent', 'related_sudo', 'compute_sudo', 'precompute'}
STR_KEYS = {'model_field', 'definition', 'related', 'aggregator', 'group_operator'}


def value_of(key, node, text, constants):
    ok, v = facts.const(node)
    if not ok and isinstance(node, ast.Name) and node.id in constants:
        ok, v = True, constants[node.id]
    src = facts.source_of(node, text)
    if key in BOOL_KEYS:
        return bool(v) if ok else {'unknown': src}
    if key in STR_KEYS:
        # aggregator=False is described as False (get_description keeps every value but None)
        return v if ok and (v is None or v is False or isinstance(v, str)) else {'unknown': src}
    if key == 'translate':
        return bool(v) if ok else True  # a callable translate (html_translate...) is truthy
    if key == 'compute':
        return True
    if key == 'digits':
        # fields.Float `_digits`: (precision, scale), a decimal.precision name, or 0 ("no rounding").
        if ok and isinstance(v, (tuple, list)) and len(v) == 2:
            return list(v)
        if ok and isinstance(v, str):
            return {'precision': v}
        return v if ok and isinstance(v, int) else {'unknown': src}
    if key == 'context':
        return v if ok and isinstance(v, dict) else {'unknown': src}
    if key == 'domain':
        if ok and isinstance(v, str):
            return {'str': v}
        if ok and isinstance(v, (list, tuple)):
            return {'list': json.loads(json.dumps(v)), 'repr': repr(v)}
        if isinstance(node, ast.Lambda):
            lit = env_domain_literal(node.body)
            if lit is not None:
                return {'lambda': lit}
            fmt = format_domain(node.body)
            if fmt is not None:
                return fmt
        return {'unknown': src}
    if key == 'selection':
        if ok and isinstance(v, str):
            return {'method': v}
        if ok and isinstance(v, (list, tuple)):
            return None  # static selections are in ir_model_fields_selection
        if isinstance(node, ast.Name):
            return {'method': node.id}
        return {'callable': src}
    return {'unknown': src}


# `self.<path>` values a domain lambda may read, evaluated per call by the engine.
ENV_VALUES = {'self._name': {'$model': True}, 'self.env.company.id': {'$env': 'company'},
              'self.env.companies.ids': {'$env': 'companies'}, 'self.env.uid': {'$env': 'uid'},
              'self.env.user.id': {'$env': 'uid'}}


def dotted(node):
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        inner = dotted(node.value)
        return inner + '.' + node.attr if inner else None
    return None


def env_domain_literal(node):
    """`lambda self: [...]` whose body is literals and the ENV_VALUES (tuples become lists, as
    fields_get sends them); None otherwise."""
    def walk(n):
        if isinstance(n, (ast.List, ast.Tuple)):
            return [walk(e) for e in n.elts]
        path = dotted(n)
        if path in ENV_VALUES:
            return ENV_VALUES[path]
        ok, v = facts.const(n)
        if ok and (v is None or isinstance(v, (str, int, float, bool))):
            return v
        raise facts.NotLiteral()
    try:
        value = walk(node)
    except facts.NotLiteral:
        return None
    return value if isinstance(value, list) else None


def format_domain(node):
    """`lambda self: "...{}...".format(self.env.ref('xml.id').id, ...)`: a string domain with record ids."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == 'format'
            and isinstance(node.func.value, ast.Constant) and isinstance(node.func.value.value, str) and not node.keywords):
        return None
    refs = []
    for arg in node.args:
        if not (isinstance(arg, ast.Attribute) and arg.attr == 'id' and isinstance(arg.value, ast.Call)
                and dotted(arg.value.func) == 'self.env.ref' and len(arg.value.args) == 1
                and isinstance(arg.value.args[0], ast.Constant) and isinstance(arg.value.args[0].value, str)):
            return None
        refs.append(arg.value.args[0].value)
    return {'format': node.func.value.value, 'refs': refs}


KEYS = BOOL_KEYS | STR_KEYS | {'translate', 'compute', 'context', 'domain', 'selection', 'digits'}


def check_company_kind(cls, text):
    """A class's `_check_company_domain` (models.py): None when it does not set it; 'parent_of' for
    models.check_company_domain_parent_of, 'company_ids' for res.users' method (company_ids in the
    companies), {'unknown': source} for anything else."""
    for stmt in cls.body:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name) \
                and stmt.targets[0].id == '_check_company_domain':
            if isinstance(stmt.value, ast.Attribute) and stmt.value.attr == 'check_company_domain_parent_of':
                return 'parent_of'
            if isinstance(stmt.value, ast.Attribute) and stmt.value.attr == 'check_companies_domain_parent_of':
                return 'companies_parent_of'
            return {'unknown': facts.source_of(stmt.value, text)}
        if isinstance(stmt, ast.FunctionDef) and stmt.name == '_check_company_domain':
            src = facts.source_of(stmt, text)
            if "return []" in src and "('company_ids', 'in', models.to_company_ids(companies))" in src:
                return 'company_ids'
            return {'unknown': src}
    return None


def definitions(path):
    """(model, field, class, params) for each `name = fields.X(...)` of each model class of a file;
    (model, None, '_check_company_domain', kind) for a class setting `_check_company_domain`."""
    with open(path, encoding='utf-8') as fh:
        text = fh.read()
    try:
        tree = facts.parse_module(text)
    except SyntaxError:
        return
    constants = {}
    for stmt in tree.body:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
            ok, v = facts.const(stmt.value)
            if ok and isinstance(v, (str, int, float, bool)):
                constants[stmt.targets[0].id] = v
    for cls in [n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)]:
        name, inherit = None, []
        for stmt in cls.body:
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
                if stmt.targets[0].id == '_name':
                    ok, v = facts.const(stmt.value)
                    name = v if ok and isinstance(v, str) else name
                elif stmt.targets[0].id == '_inherit':
                    inherit = facts.str_or_list(stmt.value)
        model = name or (inherit[0] if inherit else None)
        if not model:
            continue
        # Methods that only return a literal (`domain=_get_default_account_domain`), usable as values.
        known = dict(constants)
        for fn in cls.body:
            if isinstance(fn, ast.FunctionDef):
                body = [b for b in fn.body if not (isinstance(b, ast.Expr) and isinstance(b.value, ast.Constant))]
                if len(body) == 1 and isinstance(body[0], ast.Return) and body[0].value is not None:
                    ok, v = facts.const(body[0].value)
                    if ok and isinstance(v, str):
                        known[fn.name] = v
        kind = check_company_kind(cls, text)
        if kind is not None:
            yield model, None, '_check_company_domain', kind
        for stmt in cls.body:
            if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)):
                continue
            call = stmt.value
            if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
                    and isinstance(call.func.value, ast.Name) and call.func.value.id == 'fields'):
                continue
            params = {}
            # Positional selection: fields.Selection([...], string=...) / fields.Selection('_method', ...)
            if call.func.attr == 'Selection' and call.args:
                sel = value_of('selection', call.args[0], text, constants)
                if sel is not None:
                    params['selection'] = sel
            for kw in call.keywords:
                if kw.arg == 'default':
                    # only its presence: a non-stored field without compute reads as its default
                    # (fields.py __get__), the empty value only when it has none
                    params['default'] = True
                if kw.arg in KEYS:
                    v = value_of(kw.arg, kw.value, text, known if kw.arg == 'domain' else constants)
                    if kw.arg == 'selection' and v is None:
                        continue
                    params['aggregator' if kw.arg == 'group_operator' else kw.arg] = v
            yield model, stmt.targets[0].id, call.func.attr, params


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--odoo-src', default='/work/odoo-src')
    ap.add_argument('--legacy-addons', default='/work/shared/legacy-odoo/addons')
    ap.add_argument('--dumps', nargs='*', default=[os.path.join(ROOT, 'fixtures', f) for f in ('odoo_ref.sql.gz', 'hp_legacy.sql.gz')])
    ap.add_argument('--out', default=os.path.join(ROOT, 'odoo-bridge', 'orm', 'registry', 'python-field-description.generated.ts'))
    a = ap.parse_args()

    dirs = facts.module_dirs([os.path.join(a.odoo_src, 'odoo', 'addons'), os.path.join(a.odoo_src, 'addons'), a.legacy_addons])
    per_db = facts.installed_modules(a.dumps)
    order = facts.load_order(set().union(*per_db.values()), dirs)

    out = {}
    company_domains = {}
    for module in order:
        base = dirs[module]
        for sub in ('models', 'wizard', 'wizards', 'report'):
            folder = os.path.join(base, sub)
            if not os.path.isdir(folder):
                continue
            files = sorted(os.path.join(d, f) for d, _dirs, fs in os.walk(folder) for f in fs if f.endswith('.py'))
            for path in files:
                for model, field, ftype, params in definitions(path):
                    if field is None:
                        company_domains.setdefault(model, []).append({'module': module, 'kind': params})
                        continue
                    entry = {'module': module, 'type': ftype}
                    if params:
                        entry['params'] = params
                    out.setdefault(model, {}).setdefault(field, []).append(entry)

    header = (
        '// GENERATED by scripts/extract-python-field-description.py from the Python sources of the modules installed\n'
        '// in fixtures/odoo_ref.sql.gz and fixtures/hp_legacy.sql.gz (Odoo 18 in /work/odoo-src, hp_* addons in\n'
        '// /work/shared/legacy-odoo/addons). Do not edit: rerun `python3 scripts/extract-python-field-description.py`.\n'
        '// Per model and field: each definition in module load order, its field class and the fields_get parameters\n'
        '// it sets as written (see the script\'s docstring for the encoding).\n'
        '// PYTHON_CHECK_COMPANY_DOMAIN: per model, the classes setting `_check_company_domain`, in load order.\n'
        "import type { PythonCheckCompanyDomains, PythonFieldDescriptions } from './python-field-description-types.ts';\n\n"
    )
    with open(a.out, 'w', encoding='utf-8') as fh:
        fh.write(header)
        fh.write('export const PYTHON_FIELD_DESCRIPTIONS: PythonFieldDescriptions = ')
        fh.write(json.dumps(out, separators=(',', ':'), sort_keys=True, ensure_ascii=False))
        fh.write(';\n\nexport const PYTHON_CHECK_COMPANY_DOMAIN: PythonCheckCompanyDomains = ')
        fh.write(json.dumps(company_domains, indent=1, sort_keys=True, ensure_ascii=False))
        fh.write(';\n')
    print('%d models, %d fields -> %s' % (len(out), sum(len(v) for v in out.values()), os.path.relpath(a.out, ROOT)), file=sys.stderr)


if __name__ == '__main__':
    main()
