#!/usr/bin/env python3
"""Extract each model's `_rec_name` and `_rec_names_search`, and the fields its classes give a
`search=` method, from the Python sources of the Odoo
modules installed in the fixture databases (Odoo keeps both in Python only; the database has no
trace of them), with the `_inherit` parents a model takes them from when its own classes do not
set them.

Writes odoo-bridge/orm/registry/python-model-facts.generated.ts. Regenerate with

    python3 scripts/extract-python-model-facts.py

(same defaults and module load order as scripts/extract-python-field-facts.py, whose helpers it
uses: --odoo-src /work/odoo-src, --legacy-addons /work/shared/legacy-odoo/addons, the dumps in
fixtures/*.sql.gz for the installed modules). Sources are parsed with `ast`, never imported.

Per model, the classes that define or extend it are listed in module load order with what they
set; Ficus resolves them at load time against the modules installed in the served database (the
last class of an installed module that sets the attribute wins, as Python's MRO gives it, else the
`_inherit` parents in order, else BaseModel's default: `name`, then `x_name`).
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


def model_classes(path):
    """(model, facts) for every Odoo model class of a file: `_name`/`_inherit`, `_rec_name` (a string or
    None) and `_rec_names_search` (a list of strings) when the class sets them literally."""
    with open(path, encoding='utf-8') as fh:
        text = fh.read()
    try:
        tree = field_facts.parse_module(text)
    except SyntaxError:
        return
    for cls in [n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)]:
        name, inherit, facts = None, [], {}
        for stmt in cls.body:
            if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)):
                continue
            target = stmt.targets[0].id
            ok, value = field_facts.const(stmt.value)
            if target == '_name' and ok and isinstance(value, str):
                name = value
            elif target == '_inherit':
                inherit = field_facts.str_or_list(stmt.value)
            elif target == '_table' and ok and isinstance(value, str):
                facts['table'] = value
            elif target == '_rec_name' and ok and (value is None or isinstance(value, str)):
                facts['recName'] = value
            elif target == '_rec_names_search' and ok and isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
                facts['recNamesSearch'] = list(value)
            elif isinstance(stmt.value, ast.Call) and isinstance(stmt.value.func, ast.Attribute) \
                    and isinstance(stmt.value.func.value, ast.Name) and stmt.value.func.value.id == 'fields':
                # `search=` makes a non-stored field searchable (fields.py `_description_searchable`);
                # a redefinition without it keeps the earlier one's (`_setup_attrs` merges arguments).
                for kw in stmt.value.keywords:
                    if kw.arg == 'search':
                        facts.setdefault('searchFields', []).append(target)
        model = name or (inherit[0] if inherit else None)
        if not model:
            continue
        parents = [i for i in inherit if i != model] if name else inherit[1:]
        if parents:
            facts['inherit'] = parents
        if facts:
            yield model, facts


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--odoo-src', default='/work/odoo-src')
    ap.add_argument('--legacy-addons', default='/work/shared/legacy-odoo/addons')
    ap.add_argument('--dumps', nargs='*', default=[os.path.join(ROOT, 'fixtures', f) for f in ('odoo_ref.sql.gz', 'hp_legacy.sql.gz')])
    ap.add_argument('--out', default=os.path.join(ROOT, 'odoo-bridge', 'orm', 'registry', 'python-model-facts.generated.ts'))
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
                for model, facts in model_classes(fname):
                    models.setdefault(model, []).append({'module': module, **facts})
    # Only models whose resolution can differ from the default need an entry: those setting an
    # attribute somewhere, and those inheriting (transitively) from one that does.
    setting = {m for m, classes in models.items() if any('recName' in c or 'recNamesSearch' in c or 'searchFields' in c or 'table' in c for c in classes)}
    changed = True
    while changed:
        changed = False
        for m, classes in models.items():
            if m not in setting and any(p in setting for c in classes for p in c.get('inherit', [])):
                setting.add(m)
                changed = True
    kept = {m: models[m] for m in sorted(setting)}
    with open(a.out, 'w') as fh:
        fh.write('// Generated by scripts/extract-python-model-facts.py from the Python sources of the modules installed in\n')
        fh.write('// fixtures/odoo_ref.sql.gz and fixtures/hp_legacy.sql.gz. Do not edit; regenerate with\n')
        fh.write('//   python3 scripts/extract-python-model-facts.py\n')
        fh.write("import type { ModelClassFacts } from './python-model-facts-types.ts';\n\n")
        fh.write('export const PYTHON_MODEL_FACTS: Record<string, ModelClassFacts[]> = ')
        fh.write(json.dumps(kept, indent=1, sort_keys=True))
        fh.write(';\n')
    print(f'{len(kept)} models written to {a.out}')


if __name__ == '__main__':
    main()
