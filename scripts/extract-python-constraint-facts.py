#!/usr/bin/env python3
"""Extract every `@api.constrains` method of the Odoo modules installed in the fixture databases:
per model, the method name, the fields it watches and the module that declares it, with the literal
texts of the ValidationErrors its body raises (for reading; the engine's checks carry their own).

Odoo keeps constraint methods in Python only (the database has no trace of them), and
odoo/models.py `_validate_fields` runs those whose `_constrains` meet the written field names:
on write before the values are flushed (the cache holds the new values), on create after the
INSERT. Ficus runs a registered check for each (odoo-bridge/orm/write/python-constraints.ts) and
refuses a write that would need one it lacks, rather than store a row Odoo would refuse.

Writes odoo-bridge/orm/registry/python-constraint-facts.generated.ts. Regenerate with

    python3 scripts/extract-python-constraint-facts.py

(same defaults and module load order as scripts/extract-python-field-facts.py, whose helpers it
uses). Sources are parsed with `ast`, never imported. An override of a constraint method in a later
module keeps the decorator (api.propagate): the latest decorated definition's fields win.
"""
import argparse
import ast
import importlib.util
import json
import os

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_spec = importlib.util.spec_from_file_location('field_facts', os.path.join(ROOT, 'scripts', 'extract-python-field-facts.py'))
field_facts = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(field_facts)


def constrains_of(fn):
    """The field names of `@api.constrains(...)` on a function, or None when it has none;
    ['*'] when the names are not literal (a lambda or a computed list)."""
    for d in fn.decorator_list:
        if isinstance(d, ast.Call) and ((isinstance(d.func, ast.Attribute) and d.func.attr == 'constrains')
                                        or (isinstance(d.func, ast.Name) and d.func.id == 'constrains')):
            names = []
            for arg in d.args:
                ok, v = field_facts.const(arg)
                if ok and isinstance(v, str):
                    names.append(v)
                elif ok and isinstance(v, (list, tuple)):
                    names.extend(x for x in v if isinstance(x, str))
                else:
                    return ['*']
            return names
    return None


def raised_texts(fn):
    """Literal first arguments of `_()` / `env._()` / plain strings given to `raise ValidationError(...)`
    or `raise UserError(...)` in the body."""
    texts = []
    for node in ast.walk(fn):
        if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)):
            continue
        exc = node.exc
        name = exc.func.id if isinstance(exc.func, ast.Name) else getattr(exc.func, 'attr', None)
        if name not in ('ValidationError', 'UserError') or not exc.args:
            continue
        arg = exc.args[0]
        if isinstance(arg, ast.Call) and arg.args:
            arg = arg.args[0]
        ok, v = field_facts.const(arg)
        if ok and isinstance(v, str):
            texts.append(v)
    return texts


def model_constraints(path):
    with open(path, encoding='utf-8') as fh:
        text = fh.read()
    try:
        tree = field_facts.parse_module(text)
    except SyntaxError:
        return
    for cls in [n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)]:
        name, inherit = None, []
        for stmt in cls.body:
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
                if stmt.targets[0].id == '_name':
                    ok, v = field_facts.const(stmt.value)
                    name = v if ok and isinstance(v, str) else name
                elif stmt.targets[0].id == '_inherit':
                    inherit = field_facts.str_or_list(stmt.value)
        model = name or (inherit[0] if inherit else None)
        if not model:
            continue
        for stmt in cls.body:
            if isinstance(stmt, ast.FunctionDef):
                fields = constrains_of(stmt)
                if fields is not None:
                    yield model, stmt.name, fields, raised_texts(stmt)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--odoo-src', default='/work/odoo-src')
    ap.add_argument('--legacy-addons', default='/work/shared/legacy-odoo/addons')
    ap.add_argument('--dumps', nargs='*', default=[os.path.join(ROOT, 'fixtures', f) for f in ('odoo_ref.sql.gz', 'hp_legacy.sql.gz')])
    ap.add_argument('--out', default=os.path.join(ROOT, 'odoo-bridge', 'orm', 'registry', 'python-constraint-facts.generated.ts'))
    a = ap.parse_args()

    dirs = field_facts.module_dirs([os.path.join(a.odoo_src, 'odoo', 'addons'), os.path.join(a.odoo_src, 'addons'), a.legacy_addons])
    mods = set().union(*field_facts.installed_modules(a.dumps).values())
    order = field_facts.load_order(mods, dirs)
    models = {}
    for module in order:
        base = dirs[module]
        for sub in ('models', 'wizard', 'wizards', 'report'):
            folder = os.path.join(base, sub)
            if not os.path.isdir(folder):
                continue
            for fname in sorted(os.path.join(d, f) for d, _dirs, fs in os.walk(folder) for f in fs if f.endswith('.py')):
                for model, method, fields, texts in model_constraints(fname):
                    entry = {'method': method, 'fields': fields, 'module': module}
                    if texts:
                        entry['messages'] = texts
                    models.setdefault(model, []).append(entry)
    with open(a.out, 'w', encoding='utf-8') as fh:
        fh.write('// GENERATED by scripts/extract-python-constraint-facts.py from the Python sources of the modules installed in\n')
        fh.write('// fixtures/odoo_ref.sql.gz and fixtures/hp_legacy.sql.gz. Do not edit; regenerate with\n')
        fh.write('//   python3 scripts/extract-python-constraint-facts.py\n')
        fh.write('// Per model (as its classes name it: `_name`, else the first `_inherit`), every `@api.constrains` method in\n')
        fh.write('// module load order: its name, the fields it watches (["*"] when not literal), its module and the literal\n')
        fh.write('// texts of the errors it raises.\n')
        fh.write("import type { ConstraintFact } from './python-constraint-facts-types.ts';\n\n")
        fh.write('export const PYTHON_CONSTRAINT_FACTS: Record<string, ConstraintFact[]> = ')
        fh.write(json.dumps(models, indent=1, sort_keys=True, ensure_ascii=False))
        fh.write(';\n')
    print(f'{sum(len(v) for v in models.values())} constraints of {len(models)} models written to {a.out}')


if __name__ == '__main__':
    main()
