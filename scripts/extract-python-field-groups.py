#!/usr/bin/env python3
"""Extract the `groups=` of every field declared in the Python sources of the Odoo modules
installed in the fixture databases: Odoo 18 keeps field-level access rights only in Python
(`ir_model_fields_group_rel` exists but stays empty: "CLEANME unimplemented field" in
base/models/ir_model.py), so the database cannot tell Ficus which fields a user may not see.

Writes odoo-bridge/orm/registry/python-field-groups.generated.ts. Regenerate with

    python3 scripts/extract-python-field-groups.py

(same defaults as scripts/extract-python-field-facts.py, whose module discovery and load order it
reuses: --odoo-src /work/odoo-src, --legacy-addons /work/shared/legacy-odoo/addons, the installed
modules of fixtures/*.sql.gz). Only the standard library is used; sources are parsed with `ast`.

Rules (Odoo 18, odoo/fields.py):
- `_get_attrs` merges the `args` of every definition of a field in load order, later ones winning;
  a definition whose type is not an instance of the previous one's clears what was collected
  (Image over Binary, Reference over Selection, Many2oneReference over Integer keep it).
- `groups=fields.NO_ACCESS` is '.', "always forbidden"; `groups=None`/`False` set explicitly is
  recorded as null: it stops a related field from taking its target's groups (`setup_related`
  copies `_related_groups` only when `groups` is not in the field's own `__dict__`).
- Related and `_inherits` fields without their own `groups` take their target's at run time
  (odoo-bridge/orm/access/field-groups.ts), from the related path the database records.
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

# Field classes whose instances are also instances of another class (fields.py class hierarchy).
SUBCLASS_OF = {'Image': 'Binary', 'Reference': 'Selection', 'Many2oneReference': 'Integer'}


def keeps_attrs(new_type, old_type):
    """`isinstance(self, type(field))` of _get_attrs: the new definition's class is the old one's or a subclass."""
    t = new_type
    while t:
        if t == old_type:
            return True
        t = SUBCLASS_OF.get(t)
    return False


def groups_value(node, constants):
    """(True, value) for a groups= the extractor understands: a string, None/False, fields.NO_ACCESS or a module constant."""
    if isinstance(node, ast.Attribute) and node.attr == 'NO_ACCESS':
        return True, '.'
    if isinstance(node, ast.Name) and node.id in constants:
        return True, constants[node.id]
    try:
        value = ast.literal_eval(node)
    except Exception:
        return False, None
    if value is None or value is False:
        return True, None
    if isinstance(value, str):
        return True, value
    return False, None


def definitions(path):
    """(model, field, type, has_groups, groups) for each `name = fields.X(...)` of each model class of a file."""
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
            if ok and isinstance(v, str):
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
        for stmt in cls.body:
            if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)):
                continue
            call = stmt.value
            if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
                    and isinstance(call.func.value, ast.Name) and call.func.value.id == 'fields'):
                continue
            kw = next((k for k in call.keywords if k.arg == 'groups'), None)
            if kw is None:
                yield model, stmt.targets[0].id, call.func.attr, False, None
                continue
            ok, value = groups_value(kw.value, constants)
            if not ok:
                print('%s: %s.%s: groups=%s not understood' % (os.path.relpath(path), model, stmt.targets[0].id,
                                                                ast.get_source_segment(text, kw.value)), file=sys.stderr)
                sys.exit(1)
            yield model, stmt.targets[0].id, call.func.attr, True, value


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--odoo-src', default='/work/odoo-src')
    ap.add_argument('--legacy-addons', default='/work/shared/legacy-odoo/addons')
    ap.add_argument('--dumps', nargs='*', default=[os.path.join(ROOT, 'fixtures', f) for f in ('odoo_ref.sql.gz', 'hp_legacy.sql.gz')])
    ap.add_argument('--out', default=os.path.join(ROOT, 'odoo-bridge', 'orm', 'registry', 'python-field-groups.generated.ts'))
    a = ap.parse_args()

    dirs = facts.module_dirs([os.path.join(a.odoo_src, 'odoo', 'addons'), os.path.join(a.odoo_src, 'addons'), a.legacy_addons])
    per_db = facts.installed_modules(a.dumps)
    order = facts.load_order(set().union(*per_db.values()), dirs)

    # model -> field -> [[module, state]]: state is the merged groups after that module's definition:
    # {'groups': str|None} when set (explicitly), {} when not.
    history = {}
    types = {}
    for module in order:
        base = dirs[module]
        for sub in ('models', 'wizard', 'wizards', 'report'):
            folder = os.path.join(base, sub)
            if not os.path.isdir(folder):
                continue
            files = sorted(os.path.join(d, f) for d, _dirs, fs in os.walk(folder) for f in fs if f.endswith('.py'))
            for path in files:
                for model, field, ftype, has_groups, groups in definitions(path):
                    entries = history.setdefault(model, {}).setdefault(field, [])
                    previous = types.get((model, field))
                    state = dict(entries[-1][1]) if entries and previous and keeps_attrs(ftype, previous) else {}
                    if has_groups:
                        state['groups'] = groups
                    types[(model, field)] = ftype
                    entries.append([module, state])

    out = {}
    for model, fields in sorted(history.items()):
        for field, entries in sorted(fields.items()):
            if not any('groups' in state for _, state in entries):
                continue
            out.setdefault(model, {})[field] = [
                dict({'module': module}, **({'groups': state['groups']} if 'groups' in state else {}))
                for module, state in entries
            ]

    header = (
        '// GENERATED by scripts/extract-python-field-groups.py from the Python sources of the modules installed\n'
        '// in fixtures/odoo_ref.sql.gz and fixtures/hp_legacy.sql.gz (Odoo 18 in /work/odoo-src, hp_* addons in\n'
        '// /work/shared/legacy-odoo/addons). Do not edit: rerun `python3 scripts/extract-python-field-groups.py`.\n'
        '// Per model and field that some module gives `groups=`: each defining module in load order, with the\n'
        '// field\'s groups as merged up to that module (absent: not set; null: set to None/False; \'.\': NO_ACCESS).\n'
        "import type { PythonFieldGroups } from './python-field-groups-types.ts';\n\n"
    )
    with open(a.out, 'w', encoding='utf-8') as fh:
        fh.write(header)
        fh.write('export const PYTHON_FIELD_GROUPS: PythonFieldGroups = ')
        fh.write(json.dumps(out, indent=1, sort_keys=True, ensure_ascii=False))
        fh.write(';\n')
    print('%d models, %d fields with groups -> %s' % (
        len(out), sum(len(v) for v in out.values()), os.path.relpath(a.out, ROOT)), file=sys.stderr)


if __name__ == '__main__':
    main()
