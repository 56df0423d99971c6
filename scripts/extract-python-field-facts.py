#!/usr/bin/env python3
"""Extract, from the Python sources of the Odoo modules installed in the fixture databases, the
field facts the database does not hold: literal `default=` values, environment defaults
(company, user, currency, today/now, lang), `tracking=`, the `domain=` of x2many fields, the
`model_field` of Many2oneReference fields, the fields `@api.onchange` methods watch, and which models
inherit mail.thread; and, for
fields_get `depends` (fields.py `get_depends`), each class's `_inherit`, the `@api.depends` of its
methods and its fields' `compute` / `related` / `depends` / literal x2many domain, with odoo/models.py
BaseModel's decorated methods and MetaModel's automatic `display_name`.

Writes odoo-bridge/orm/registry/python-field-facts.generated.ts and
python-field-facts-depends.generated.ts. Regenerate with

    python3 scripts/extract-python-field-facts.py

(defaults: --odoo-src /work/odoo-src, --legacy-addons /work/shared/legacy-odoo/addons, the dumps
in fixtures/*.sql.gz for the installed modules). Only the standard library is used: the sources
are parsed with `ast`, never imported.

Rules (Odoo 18 semantics):
- A class's model is `_name`, else `_inherit` (a string, or the first of a list).
- A field redefined by a later module (dependency order, from the manifests) keeps the earlier
  definition's attributes unless it sets them again (fields.py `_setup_attrs` merges `args`).
- Only literal defaults (`ast.literal_eval`), translated literals (`lambda self: _('New')`), records
  named by xml id (`self.env.ref('product.product_category_all')`), decimal precisions
  (`precision_get('Percentage Analytic')`), the current company's stored fields
  (`self.env.company.snailmail_cover`), module or class constants, `str()` of a dict/list literal
  on a Char/Text field, and the known environment lambdas are kept; a default
  computed by a method is left out (Ficus then stores what Odoo's default_get would not know).
- A model "inherits" another through any `_inherit` of any of its classes, transitively.
- `@api.depends` with string paths is kept as written; BaseModel's `_rec_name` lambda as
  {"recName": true}; a lambda listing literals and `self._attribute`s as {"paths": [...]} (the
  class attributes read along the MRO); any other callable as {"unknown": source}. The outermost decorator wins. A
  `compute=` given as a function is resolved in its class; a lambda compute has no dependencies.
"""
import argparse
import ast
import gzip
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from python_record_reads import collect_list_methods, read_guards  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Environment defaults: source text of the default (normalised) -> kind Ficus evaluates at create.
ENV_DEFAULTS = {
    'lambda self: self.env.company': 'company',
    'lambda self: self.env.company.id': 'company',
    'lambda s: s.env.company': 'company',
    'lambda self: self.env.user': 'user',
    'lambda self: self.env.user.id': 'user',
    'lambda self: self.env.uid': 'user',
    'lambda s: s.env.uid': 'user',
    'lambda self: self.env.user.partner_id': 'user_partner',
    'lambda self: self.env.company.currency_id': 'company_currency',
    'lambda self: self.env.company.currency_id.id': 'company_currency',
    'lambda self: self.env.lang': 'lang',
    'lambda self: self.env.user.tz': 'user_tz',
    'lambda self: self.env.company.root_id': 'company_root',
    "lambda self: self.env['res.lang']._get_data(code=self.env.user.lang).decimal_point": 'user_lang_decimal_point',
    'lambda self: self.env.user.company_id.currency_id': 'user_company_currency',
    'lambda self: self.env.user.company_id.currency_id.id': 'user_company_currency',
    'lambda self: [(6, 0, [self.env.uid])]': 'user_ids',
    'lambda self: [(6, 0, self.env.user.ids)]': 'user_ids',
    # `context_today` is today in the context's tz, else the user's; `Date.today` the server's (UTC) date.
    'fields.Date.context_today': 'today',
    'fields.Date.today': 'today_utc',
    'lambda self: fields.Date.today()': 'today_utc',
    'lambda self: fields.Date.context_today(self)': 'today',
    'lambda self: fields.Date.context_today(self).replace(month=1, day=1)': 'today_year_start',
    'fields.Datetime.now': 'now',
    'lambda self: fields.Datetime.now()': 'now',
}


# mail.thread hooks a model may override; Ficus implements mail.thread's own version only.
MAIL_HOOKS = {'_creation_subtype', '_creation_message', '_track_subtype', '_track_template', '_mail_track',
              '_track_get_default_log_message', '_message_auto_subscribe_followers', '_message_log',
              '_message_create', '_track_filter_for_display', '_message_track_post_template'}


# `self.<name>` uses that do not read the records' fields (so cannot raise MissingError).
NON_READING = {'env', 'ids', '_ids', '_name', '_context', '_cr', '_uid', 'pool', 'browse', 'sudo', 'with_context',
               'with_user', 'with_company', 'with_env', 'with_prefetch', 'exists', '_fields', '_table', 'search',
               'search_count', 'search_fetch', 'create', 'flush_model', 'flush_recordset', 'invalidate_model',
               'invalidate_recordset', 'check_access', 'check_access_rights', 'check_access_rule', 'has_access',
               '_track_discard', '_check_company_auto', '_description', '_parent_name', 'clear_caches',
               'default_get', 'fields_get', 'env.company', '_order', '_rec_name'}


def reads_records(fn):
    """Whether a method body reads fields of `self` (iterates it, indexes it, or reads an attribute
    that is not a recordset/environment helper): on a deleted id that raises MissingError."""
    for node in ast.walk(fn):
        if isinstance(node, (ast.For, ast.comprehension)) and isinstance(node.iter, ast.Name) and node.iter.id == 'self':
            return True
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id == 'self':
            return True
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == 'self' \
                and node.attr not in NON_READING and not node.attr.startswith('__'):
            # a call of a method (self.foo()) is taken as reading only when it is a known reader
            return True
    return False


# Recordset methods that read the records' fields.
READING_METHODS = {'mapped', 'filtered', 'sorted', 'read', 'grouped', 'filtered_domain'}


def calls_super(node):
    return any(isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and isinstance(n.func.value, ast.Call)
               and isinstance(n.func.value.func, ast.Name) and n.func.value.func.id == 'super' for n in ast.walk(node))


def always_reads(node, class_functions, depth=0):
    """Whether evaluating `node` reads fields of `self` whatever the values: parts that run only
    under a condition (if/else expressions, and/or, comprehensions with a filter, lambdas) are left
    out; `self.method()` of the same class is followed one level."""
    if isinstance(node, (ast.IfExp, ast.BoolOp, ast.If, ast.Lambda, ast.FunctionDef)):
        return False
    if isinstance(node, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)) and any(g.ifs for g in node.generators):
        return False
    is_self = lambda n: isinstance(n, ast.Name) and n.id == 'self'
    if isinstance(node, (ast.For, ast.comprehension)) and is_self(node.iter):
        # Iterating reads nothing by itself: a field of the loop record (not its id) does.
        var = node.target.id if isinstance(node.target, ast.Name) else None
        scope = node if isinstance(node, ast.For) else None
        if var and scope is not None and any(isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name) and n.value.id == var
                                             and n.attr not in ('id', 'ids', '_name', 'env', '_origin') for n in ast.walk(scope)):
            return True
        return False
    if isinstance(node, ast.Subscript) and is_self(node.value):
        return True
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and is_self(node.func.value):
        name = node.func.attr
        if name in READING_METHODS:
            return True
        if depth == 0 and name in class_functions and name != '__x2many__' and statements_read(class_functions[name].body, class_functions, 1):
            return True
        return any(always_reads(arg, class_functions, depth) for arg in [*node.args, *[k.value for k in node.keywords]])
    if isinstance(node, ast.Attribute) and is_self(node.value):
        return node.attr not in NON_READING and not node.attr.startswith('__') and node.attr not in class_functions.get('__x2many__', ())
    return any(always_reads(child, class_functions, depth) for child in ast.iter_child_nodes(node))


def statements_read(body, class_functions, depth):
    """Whether the statements that always run first (up to a super() call, an if, a return) read the records."""
    for stmt in body:
        if calls_super(stmt) or isinstance(stmt, (ast.If, ast.Return, ast.Raise, ast.Try, ast.With)):
            return False
        if always_reads(stmt, class_functions, depth):
            return True
    return False


def reads_before_super(fn, class_functions):
    return statements_read(fn.body, class_functions, 0)


MAIL_CREATE_FLAGS = {'mail_create_nosubscribe', 'mail_create_nolog', 'tracking_disable'}


def create_context_flags(fn):
    """The mail.thread context switches set to True on the recordset a `create` override calls
    `super(…, self.with_context(…)).create` on."""
    flags = set()
    for node in ast.walk(fn):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == 'create'
                and isinstance(node.func.value, ast.Call) and isinstance(node.func.value.func, ast.Name) and node.func.value.func.id == 'super'):
            continue
        for arg in node.func.value.args[1:]:
            if isinstance(arg, ast.Call) and isinstance(arg.func, ast.Attribute) and arg.func.attr == 'with_context' \
                    and isinstance(arg.func.value, ast.Name) and arg.func.value.id == 'self':
                flags.update(k.arg for k in arg.keywords if k.arg in MAIL_CREATE_FLAGS and isinstance(k.value, ast.Constant) and k.value.value is True)
                # `self.with_context(context)` where the override filled `context` with literal dicts
                # (account.tax: `context = clean_context(…); context.update({...})`).
                for given in arg.args:
                    if isinstance(given, ast.Name):
                        flags.update(flag for flag, value in dict_literals_assigned(fn, given.id).items() if flag in MAIL_CREATE_FLAGS and value is True)
    return flags


def dict_literals_assigned(fn, name):
    """Constant items of the dict literals a function puts into the variable `name` (`name = {...}`, `name.update({...})`)."""
    items = {}
    for node in ast.walk(fn):
        literal = None
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            literal = node.value
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == 'update' \
                and isinstance(node.func.value, ast.Name) and node.func.value.id == name and node.args:
            literal = node.args[0]
        if isinstance(literal, ast.Dict):
            for key, value in zip(literal.keys, literal.values):
                if isinstance(key, ast.Constant) and isinstance(value, ast.Constant):
                    items[key.value] = value.value
    return items


def is_ondelete(fn):
    return any(isinstance(d, ast.Call) and isinstance(d.func, ast.Attribute) and d.func.attr == 'ondelete'
               for d in fn.decorator_list)


def installed_modules(dumps):
    """Module names with state 'installed' in the COPY block of ir_module_module of each dump."""
    out = {}
    for dump in dumps:
        label = os.path.basename(dump).split('.')[0]
        mods = set()
        with gzip.open(dump, 'rt', encoding='utf-8', errors='replace') as fh:
            cols = None
            for line in fh:
                if cols is None:
                    m = re.match(r'COPY public\.ir_module_module \((.*)\) FROM stdin;', line)
                    if m:
                        cols = [c.strip().strip('"') for c in m.group(1).split(',')]
                    continue
                if line.startswith('\\.'):
                    break
                vals = line.rstrip('\n').split('\t')
                row = dict(zip(cols, vals))
                if row.get('state') == 'installed':
                    mods.add(row['name'])
        out[label] = mods
    return out


def module_dirs(roots):
    dirs = {}
    for root in roots:
        if not os.path.isdir(root):
            continue
        for name in sorted(os.listdir(root)):
            path = os.path.join(root, name)
            if os.path.isfile(os.path.join(path, '__manifest__.py')) and name not in dirs:
                dirs[name] = path
    return dirs


def depends_of(path):
    with open(os.path.join(path, '__manifest__.py'), encoding='utf-8') as fh:
        manifest = ast.literal_eval(strip_comments(fh.read()))
    return manifest.get('depends', [])


def strip_comments(text):
    # A manifest is one dict literal, possibly preceded by comments.
    start = text.index('{')
    return text[start:]


def load_order(mods, dirs):
    """The order the registry loads modules in (odoo/modules/graph.py): `base` first, then by depth in
    the dependency graph (1 + the deepest dependency, a module without dependencies at 0), then by
    name within a depth."""
    depth = {}

    def depth_of(m, stack=()):
        if m in depth:
            return depth[m]
        deps = [d for d in (depends_of(dirs[m]) if m in dirs else []) if d in mods and d not in stack]
        depth[m] = 1 + max(depth_of(d, stack + (m,)) for d in deps) if deps else 0
        return depth[m]

    present = [m for m in mods if m in dirs]
    for m in present:
        depth_of(m)
    return sorted(present, key=lambda m: (m != 'base', depth[m], m))


def source_of(node, text):
    seg = ast.get_source_segment(text, node) or ''
    return re.sub(r'\s+', ' ', seg).strip()


def const(node):
    try:
        return True, ast.literal_eval(node)
    except Exception:
        return False, None


def str_or_list(node):
    ok, v = const(node)
    if not ok:
        return []
    return [v] if isinstance(v, str) else [x for x in v if isinstance(x, str)]


class _AnnotatedToPlain(ast.NodeTransformer):
    """`name: Type = value` as `name = value`: Odoo 18 annotates some fields
    (`child_ids: Partner = fields.One2many(...)`), which are definitions like any other."""

    def visit_AnnAssign(self, node):
        if node.value is None or not isinstance(node.target, ast.Name):
            return node
        return ast.copy_location(ast.Assign(targets=[node.target], value=node.value, lineno=node.lineno), node)


def parse_module(text):
    """`ast.parse` with annotated assignments made plain (see _AnnotatedToPlain)."""
    return ast.fix_missing_locations(_AnnotatedToPlain().visit(ast.parse(text)))


def classes_of(path):
    with open(path, encoding='utf-8') as fh:
        text = fh.read()
    try:
        tree = parse_module(text)
    except SyntaxError:
        return
    constants = {}
    sequences = {}
    for stmt in tree.body:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
            ok, v = const(stmt.value)
            if ok and isinstance(v, (str, int, float, bool)):
                constants[stmt.targets[0].id] = v
            if ok and isinstance(v, (list, tuple)) and all(isinstance(x, str) for x in v):
                sequences[stmt.targets[0].id] = list(v)
    # A field whose name is a Python keyword is added after the class statement (ir_rule.py:
    # `global_ = fields.Boolean(…)`, `setattr(IrRule, 'global', global_)`, `__set_name__`): it is
    # one more definition of that class, declared after the others.
    module_fields = {stmt.targets[0].id: stmt.value for stmt in tree.body
                     if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)
                     and isinstance(stmt.value, ast.Call) and isinstance(stmt.value.func, ast.Attribute)
                     and isinstance(stmt.value.func.value, ast.Name) and stmt.value.func.value.id == 'fields'}
    set_fields = {}
    for stmt in tree.body:
        call = stmt.value if isinstance(stmt, ast.Expr) else None
        if isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == 'setattr' and len(call.args) == 3 \
                and isinstance(call.args[0], ast.Name) and isinstance(call.args[1], ast.Constant) and isinstance(call.args[1].value, str) \
                and isinstance(call.args[2], ast.Name) and call.args[2].id in module_fields:
            set_fields.setdefault(call.args[0].id, []).append(
                ast.Assign(targets=[ast.Name(id=call.args[1].value)], value=module_fields[call.args[2].id]))
    for cls in [n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)]:
        if cls.name in set_fields:
            cls.body = cls.body + set_fields.pop(cls.name)
        name, inherit, fields = None, [], {}
        # `default=DEFAULT_PYTHON_CODE` may name a class attribute (ir_actions.py) as well as a module constant.
        class_constants = dict(constants)
        for stmt in cls.body:
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
                ok, v = const(stmt.value)
                if ok and isinstance(v, (str, int, float, bool)):
                    class_constants[stmt.targets[0].id] = v
        methods = {stmt.name for stmt in cls.body if isinstance(stmt, ast.FunctionDef)}
        class_functions = {stmt.name: stmt for stmt in cls.body if isinstance(stmt, ast.FunctionDef)}
        # x2many fields read nothing of the record's row (a search on the comodel): no MissingError.
        class_functions['__x2many__'] = {stmt.targets[0].id for stmt in cls.body
                                         if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)
                                         and isinstance(stmt.value, ast.Call) and isinstance(stmt.value.func, ast.Attribute)
                                         and stmt.value.func.attr in ('One2many', 'Many2many')}
        readers = set()
        for stmt in cls.body:
            if not isinstance(stmt, ast.FunctionDef):
                continue
            # When the override reads its records (python_record_reads.py): always, or only for
            # vals holding one of some keys ('write?<key>'; '*' for any non-empty vals).
            x2many_names = class_functions['__x2many__']
            if stmt.name == 'write':
                guards = read_guards(stmt, class_functions, x2many_names, sequences)
                if guards == 'always':
                    readers.add('write')
                elif guards:
                    readers.update(f'write?{key}' for key in guards)
            if (stmt.name == 'unlink' or is_ondelete(stmt)) and read_guards(stmt, class_functions, x2many_names, sequences):
                readers.add('unlink')
            # A write/unlink override that always reads the records before its super() call reads
            # them before BaseModel's access check: a deleted id is a MissingError even for a user
            # without the right (mail's res.users unlink, product.product unlink, res.lang write).
            if stmt.name in ('write', 'unlink') and reads_before_super(stmt, class_functions):
                readers.add(stmt.name + 'BeforeSuper')
            # mail.thread switches a create override passes to its super() (crm.team's
            # `super(CrmTeam, self.with_context(mail_create_nosubscribe=True)).create(…)`).
            if stmt.name == 'create':
                readers.update(f'createContext:{flag}' for flag in create_context_flags(stmt))
        method_depends = {stmt.name: deps for stmt in cls.body if isinstance(stmt, ast.FunctionDef)
                          for deps in [depends_of_method(stmt, text, sequences)] if deps is not None}
        # Methods a depends lambda may call: their body as a list_expr tree, or None (opaque).
        list_methods = {stmt.name: method_list_expr(stmt, sequences) for stmt in cls.body
                        if isinstance(stmt, ast.FunctionDef) and stmt.name.startswith('_')}
        depends_fields = {}
        class_attrs = {}
        for stmt in cls.body:
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
                target = stmt.targets[0].id
                if target == '_name':
                    ok, v = const(stmt.value)
                    name = v if ok and isinstance(v, str) else name
                elif target == '_inherit':
                    inherit = str_or_list(stmt.value)
                elif isinstance(stmt.value, ast.Call) and isinstance(stmt.value.func, ast.Attribute) \
                        and isinstance(stmt.value.func.value, ast.Name) and stmt.value.func.value.id == 'fields':
                    fields[target] = field_facts(stmt.value, text, class_constants, class_functions)
                    facts = field_depends_facts(stmt.value, text, method_depends)
                    if facts:
                        depends_fields[target] = facts
                elif target.startswith('_'):
                    ok, v = const(stmt.value)
                    if ok and isinstance(v, str):
                        class_attrs[target] = v
        model = name or (inherit[0] if inherit else None)
        if model:
            # For the registry's method resolution order: the class's `_inherit` as written (the model
            # itself included when the class extends it), its decorated compute methods and fields.
            klass = {'inherit': inherit, 'methods': method_depends, 'fields': depends_fields, 'attrs': class_attrs,
                     'listMethods': list_methods}
            # For the order of `_fields` (models.py `_setup_base`: each class's field definitions in
            # declaration order, along the reversed MRO): the names it declares, and the automatic
            # fields MetaModel appends when the class defines a non-abstract model.
            declared = [stmt.targets[0].id for stmt in cls.body
                        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)
                        and isinstance(stmt.value, ast.Call) and isinstance(stmt.value.func, ast.Attribute)
                        and isinstance(stmt.value.func.value, ast.Name) and stmt.value.func.value.id == 'fields']
            if declared:
                klass['declared'] = declared
            magic = automatic_fields(cls, name, inherit, declared)
            if magic:
                klass['automatic'] = magic
            yield model, [i for i in inherit if i != model] if name else inherit[1:], fields, methods & MAIL_HOOKS, readers, klass, onchange_fields(cls)


def onchange_fields(cls):
    """The field names of the class's `@api.onchange(...)` methods (string arguments; a dotted
    path counts for its first field, as `_onchange_methods` keys them by the full name the
    client sends)."""
    names = set()
    for stmt in cls.body:
        if not isinstance(stmt, ast.FunctionDef):
            continue
        for d in stmt.decorator_list:
            if isinstance(d, ast.Call) and ((isinstance(d.func, ast.Attribute) and d.func.attr == 'onchange')
                                            or (isinstance(d.func, ast.Name) and d.func.id == 'onchange')):
                for arg in d.args:
                    ok, v = const(arg)
                    if ok and isinstance(v, str):
                        names.add(v)
                    else:
                        names.add('*')  # a computed list of names: any field may trigger it
    return names


def automatic_fields(cls, name, inherit, declared):
    """The fields MetaModel.__init__ appends to a class defining a non-abstract model (`_name` not
    in its `_inherit`): `id`, `display_name` unless declared, and the four log-access fields when
    `_log_access` (default: `_auto`, True for Model and TransientModel) unless declared."""
    bases = {b.attr if isinstance(b, ast.Attribute) else getattr(b, 'id', None) for b in cls.bases}
    if not name or name in inherit or 'AbstractModel' in bases or not bases & {'Model', 'TransientModel'}:
        return []
    attrs = {}
    for stmt in cls.body:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
            ok, v = const(stmt.value)
            if ok:
                attrs[stmt.targets[0].id] = v
    if attrs.get('_register', True) is False:
        return []
    out = ['id'] + (['display_name'] if 'display_name' not in declared else [])
    if attrs.get('_log_access', attrs.get('_auto', True)):
        out += [f for f in ('create_uid', 'create_date', 'write_uid', 'write_date') if f not in declared]
    return out


def random_default(node, class_functions):
    """`default=lambda self: randint(a, b)` or a method that only returns `randint(a, b)` (the tag
    colours of res.partner.category, crm.tag, utm.tag…): the bounds, else None."""
    if isinstance(node, ast.Lambda):
        expr = node.body
        # `lambda self: self._default_color()`: the method's own body
        param = node.args.args[0].arg if node.args.args else None
        if isinstance(expr, ast.Call) and not expr.args and isinstance(expr.func, ast.Attribute) \
                and isinstance(expr.func.value, ast.Name) and expr.func.value.id == param:
            return random_default(ast.Name(id=expr.func.attr), class_functions)
    elif isinstance(node, ast.Name) and isinstance(class_functions.get(node.id), ast.FunctionDef):
        body = [b for b in class_functions[node.id].body if not (isinstance(b, ast.Expr) and isinstance(b.value, ast.Constant))]
        if len(body) != 1 or not isinstance(body[0], ast.Return):
            return None
        expr = body[0].value
    else:
        return None
    if isinstance(expr, ast.Call) and (isinstance(expr.func, ast.Name) and expr.func.id == 'randint'
                                       or isinstance(expr.func, ast.Attribute) and expr.func.attr == 'randint') and len(expr.args) == 2:
        bounds = [const(a) for a in expr.args]
        if all(ok and isinstance(v, int) for ok, v in bounds):
            return [bounds[0][1], bounds[1][1]]
    return None


def method_env_default(node, text, class_functions):
    """`default=_default_currency_id` whose body only returns an environment value
    (`return self.env.company.currency_id.id`): that value's kind, as the lambda would give it."""
    if isinstance(node, ast.Lambda):
        # `lambda self: self._default_x()`: the method's body, as default_expression reads it
        expr, param = default_expression(node, class_functions)
        return ENV_DEFAULTS.get(f'lambda {param}: {source_of(expr, text)}') if expr is not node.body else None
    if not (isinstance(node, ast.Name) and isinstance(class_functions.get(node.id), ast.FunctionDef)):
        return None
    fn = class_functions[node.id]
    body = [b for b in fn.body if not (isinstance(b, ast.Expr) and isinstance(b.value, ast.Constant))]
    if len(body) != 1 or not isinstance(body[0], ast.Return) or body[0].value is None or not fn.args.args:
        return None
    expr = source_of(body[0].value, text)
    return ENV_DEFAULTS.get(f'lambda {fn.args.args[0].arg}: {expr}')


def is_uuid4_call(node):
    """`uuid4()` or `uuid.uuid4()`."""
    return isinstance(node, ast.Call) and not node.args and (
        isinstance(node.func, ast.Name) and node.func.id == 'uuid4'
        or isinstance(node.func, ast.Attribute) and node.func.attr == 'uuid4' and isinstance(node.func.value, ast.Name) and node.func.value.id == 'uuid')


def uuid_default(node, class_functions):
    """A random uuid4 default: `str(uuid4())` (optionally cut, `str(uuid4())[:10]`) as
    {'uuid': 'str'[, 'length']}, `uuid4().hex` as {'uuid': 'hex'}; else None. Drawn per call."""
    expr, _param = default_expression(node, class_functions)
    if expr is None:
        return None
    length = None
    if isinstance(expr, ast.Subscript) and isinstance(expr.slice, ast.Slice) and expr.slice.lower is None and expr.slice.step is None:
        ok, v = const(expr.slice.upper) if expr.slice.upper is not None else (False, None)
        if not (ok and isinstance(v, int) and v > 0):
            return None
        length, expr = v, expr.value
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name) and expr.func.id == 'str' and len(expr.args) == 1 and is_uuid4_call(expr.args[0]):
        return {'uuid': 'str', **({'length': length} if length else {})}
    if isinstance(expr, ast.Attribute) and expr.attr == 'hex' and is_uuid4_call(expr.value):
        return {'uuid': 'hex', **({'length': length} if length else {})}
    # ''.join(choice('abc…') for _i in range(n)): n characters drawn from the alphabet (discuss.channel's uuid)
    if length is None and isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr == 'join' \
            and isinstance(expr.func.value, ast.Constant) and expr.func.value.value == '' and len(expr.args) == 1 \
            and isinstance(expr.args[0], ast.GeneratorExp) and len(expr.args[0].generators) == 1:
        gen, loop = expr.args[0], expr.args[0].generators[0]
        drawn = gen.elt
        if isinstance(drawn, ast.Call) and isinstance(drawn.func, ast.Name) and drawn.func.id == 'choice' and len(drawn.args) == 1 \
                and isinstance(drawn.args[0], ast.Constant) and isinstance(drawn.args[0].value, str) and not loop.ifs \
                and isinstance(loop.iter, ast.Call) and isinstance(loop.iter.func, ast.Name) and loop.iter.func.id == 'range' \
                and len(loop.iter.args) == 1 and isinstance(loop.iter.args[0], ast.Constant) and isinstance(loop.iter.args[0].value, int):
            return {'randomText': drawn.args[0].value, 'length': loop.iter.args[0].value}
    return None


def search_default(node, text, class_functions):
    """`self.env['model'].search(domain, limit=n[, order=…])[.id]` whose domain holds literals and
    environment values (`self.env.company.id`…): {'search': model, 'domain': [...], 'limit', 'order'},
    an environment value as {'env': kind}; run as the user (access rights, record rules); else None."""
    expr, param = default_expression(node, class_functions)
    if isinstance(expr, ast.Attribute) and expr.attr == 'id':
        expr = expr.value
    if not (isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr == 'search' and len(expr.args) == 1
            and isinstance(expr.func.value, ast.Subscript) and source_of_attr(expr.func.value.value) == f'{param}.env'
            and isinstance(expr.func.value.slice, ast.Constant) and isinstance(expr.func.value.slice.value, str)):
        return None
    out = {'search': expr.func.value.slice.value}
    for kw in expr.keywords:
        ok, v = const(kw.value)
        if kw.arg == 'limit' and ok and isinstance(v, int):
            out['limit'] = v
        elif kw.arg == 'order' and ok and isinstance(v, str):
            out['order'] = v
        else:
            return None
    if not isinstance(expr.args[0], ast.List):
        return None
    domain = []
    for item in expr.args[0].elts:
        ok, v = const(item)
        if ok and v in ('|', '&', '!'):
            domain.append(v)
            continue
        if not (isinstance(item, (ast.Tuple, ast.List)) and len(item.elts) == 3):
            return None
        (ok_f, field), (ok_o, op) = const(item.elts[0]), const(item.elts[1])
        if not (ok_f and ok_o and isinstance(field, str) and isinstance(op, str)):
            return None
        ok_v, value = const(item.elts[2])
        if not ok_v or isinstance(value, dict):
            kind = ENV_DEFAULTS.get(f'lambda {param}: {source_of(item.elts[2], text)}')
            if not kind:
                return None
            value = {'env': kind}
        domain.append([field, op, list(value) if isinstance(value, tuple) else value])
    out['domain'] = domain
    return out


def search_count_default(node, text, class_functions):
    """A method `n = self.env[model].search_count(domain[, limit=k]); return n > m` (or the comparison
    returned at once), domain as search_default reads it (account's display_invoice_template_pdf_report_id):
    {'searchCount': model, 'domain', 'limit', 'greaterThan': m}; else None."""
    if not (isinstance(node, ast.Name) and isinstance(class_functions.get(node.id), ast.FunctionDef)):
        return None
    fn = class_functions[node.id]
    body = [b for b in fn.body if not (isinstance(b, ast.Expr) and isinstance(b.value, ast.Constant))]
    if not fn.args.args or not body or not isinstance(body[-1], ast.Return) or not isinstance(body[-1].value, ast.Compare):
        return None
    param = fn.args.args[0].arg
    compare = body[-1].value
    if len(compare.ops) != 1 or not isinstance(compare.ops[0], ast.Gt):
        return None
    ok, bound = const(compare.comparators[0])
    if not (ok and isinstance(bound, int)):
        return None
    counted = compare.left
    if isinstance(counted, ast.Name):
        if len(body) != 2 or not (isinstance(body[0], ast.Assign) and len(body[0].targets) == 1
                                  and isinstance(body[0].targets[0], ast.Name) and body[0].targets[0].id == counted.id):
            return None
        counted = body[0].value
    elif len(body) != 1:
        return None
    if not (isinstance(counted, ast.Call) and isinstance(counted.func, ast.Attribute) and counted.func.attr == 'search_count'):
        return None
    # the same reading as a search default: rename the call and reuse search_default on a lambda of it
    as_search = ast.Call(func=ast.Attribute(value=counted.func.value, attr='search', ctx=ast.Load()), args=counted.args, keywords=counted.keywords)
    lam = ast.Lambda(args=ast.arguments(posonlyargs=[], args=[ast.arg(arg=param)], kwonlyargs=[], kw_defaults=[], defaults=[]), body=as_search)
    found = search_default(lam, text, {})
    if not found:
        return None
    return {'searchCount': found['search'], 'domain': found['domain'], **({'limit': found['limit']} if 'limit' in found else {}), 'greaterThan': bound}


def selection_count_default(node, class_functions):
    """`len(self._fields['name'].selection)` (account's display_invoice_edi_format): the number of
    values the model's field offers, as the registry holds them: {'selectionCount': name}; else None."""
    expr, param = default_expression(node, class_functions)
    if not (isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name) and expr.func.id == 'len' and len(expr.args) == 1):
        return None
    arg = expr.args[0]
    if isinstance(arg, ast.Attribute) and arg.attr == 'selection' and isinstance(arg.value, ast.Subscript) \
            and source_of_attr(arg.value.value) == f'{param}._fields' and isinstance(arg.value.slice, ast.Constant) and isinstance(arg.value.slice.value, str):
        return {'selectionCount': arg.value.slice.value}
    return None


def commands_default(node, class_functions):
    """`[Command.create({...}), …]` or `[(0, 0, {...}), …]` of literal values (account.payment.term's
    line): {'commands': [[0, 0, values]]}, a float value as {'float': v} (Python keeps 100.0 a float
    on the wire, JSON would not); else None."""
    expr, _param = default_expression(node, class_functions)
    if not isinstance(expr, ast.List) or not expr.elts:
        return None

    def value_of(v):
        ok, c = const(v)
        if not ok or isinstance(c, (dict, list, tuple)):
            return None
        return {'float': c} if isinstance(c, float) else (c if c is not None else False)

    commands = []
    for elt in expr.elts:
        if isinstance(elt, ast.Call) and isinstance(elt.func, ast.Attribute) and elt.func.attr == 'create' \
                and isinstance(elt.func.value, ast.Name) and elt.func.value.id == 'Command' and len(elt.args) == 1 and not elt.keywords:
            values = elt.args[0]
        elif isinstance(elt, ast.Tuple) and len(elt.elts) == 3 and all(const(e) == (True, 0) for e in elt.elts[:2]):
            values = elt.elts[2]
        else:
            return None
        if not isinstance(values, ast.Dict) or not all(isinstance(k, ast.Constant) and isinstance(k.value, str) for k in values.keys):
            return None
        payload = {}
        for k, v in zip(values.keys, values.values):
            converted = value_of(v)
            if converted is None:
                return None
            payload[k.value] = converted
        commands.append([0, 0, payload])
    return {'commands': commands}


def context_default(node, text, class_functions, constants):
    """A default made of the call's context and the environment: `self.env.context.get('key'[,
    fallback])` as {'context': key[, 'orElse': fallback]} (also under `self.env[model].browse(...)`,
    the records of those ids), `self.env.companies.<field>` as {'companiesField'} (`ofRoots` for
    `companies.root_id.sudo().<field>`), and `a or b or …` of such parts, literals and environment
    defaults as {'firstOf': [parts]} (Python's `or`: the first truthy one, else the last). None when
    a part is anything else (plain environment defaults and literals are the other rules')."""
    expr, param = default_expression(node, class_functions)
    if expr is None:
        return None

    def part(sub):
        ok, v = const(sub)
        if not ok and isinstance(sub, ast.Name) and sub.id in constants:
            ok, v = True, constants[sub.id]
        if ok and (v is None or isinstance(v, (str, int, float, bool))):
            return {'literal': False if v is None else v}
        if isinstance(sub, ast.BoolOp) and isinstance(sub.op, ast.Or):
            parts = [part(v) for v in sub.values]
            return {'firstOf': parts} if all(parts) else None
        # self.env['product.template'].browse(self.env.context.get('product_template_id'))
        if isinstance(sub, ast.Call) and isinstance(sub.func, ast.Attribute) and sub.func.attr == 'browse' and len(sub.args) == 1 \
                and not sub.keywords and isinstance(sub.func.value, ast.Subscript) and source_of_attr(sub.func.value.value) == f'{param}.env':
            inner = part(sub.args[0])
            return inner if inner and 'context' in inner else None
        if isinstance(sub, ast.Call) and isinstance(sub.func, ast.Attribute) and sub.func.attr == 'get' \
                and source_of_attr(sub.func.value) in (f'{param}.env.context', f'{param}._context') \
                and 1 <= len(sub.args) <= 2 and not sub.keywords and isinstance(sub.args[0], ast.Constant) and isinstance(sub.args[0].value, str):
            out = {'context': sub.args[0].value}
            if len(sub.args) == 2:
                fallback = part(sub.args[1])
                if fallback is None:
                    return None
                out['orElse'] = fallback
            return out
        # `self.env.companies.<field>` / `self.env.companies.root_id.sudo().<field>`: that field of the
        # call's companies (of their roots), mapped (account's default product taxes)
        chain = source_of_attr(sub.value) if isinstance(sub, ast.Attribute) else ''
        if chain == f'{param}.env.companies':
            return {'companiesField': sub.attr}
        if isinstance(sub, ast.Attribute) and isinstance(sub.value, ast.Call) and not sub.value.args \
                and isinstance(sub.value.func, ast.Attribute) and sub.value.func.attr == 'sudo' \
                and source_of_attr(sub.value.func.value) == f'{param}.env.companies.root_id':
            return {'companiesField': sub.attr, 'ofRoots': True}
        kind = ENV_DEFAULTS.get(f'lambda {param}: {source_of(sub, text)}')
        return {'env': kind} if kind else None

    found = part(expr)
    # plain literals and environment defaults are left to the other rules (ENV_DEFAULTS, literals)
    return found if found and ('firstOf' in found or 'context' in found or 'companiesField' in found) else None


def source_of_attr(node):
    """`a.b.c` of a chain of names, else ''."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        inner = source_of_attr(node.value)
        return f'{inner}.{node.attr}' if inner else ''
    return ''


def translated_default(node, class_functions):
    """`default=lambda self: _('New')` (or a method that only returns `_('…')`): the source text,
    which Odoo translates into the environment's language at each default_get; else None."""
    if isinstance(node, ast.Lambda):
        expr = node.body
    elif isinstance(node, ast.Name) and isinstance(class_functions.get(node.id), ast.FunctionDef):
        body = [b for b in class_functions[node.id].body if not (isinstance(b, ast.Expr) and isinstance(b.value, ast.Constant))]
        if len(body) != 1 or not isinstance(body[0], ast.Return):
            return None
        expr = body[0].value
    else:
        return None
    # `_('…')`, `_lt('…')`, or Odoo 18's `self.env._('…')`
    translator = isinstance(expr, ast.Call) and (isinstance(expr.func, ast.Name) and expr.func.id in ('_', '_lt')
                                                 or isinstance(expr.func, ast.Attribute) and expr.func.attr == '_'
                                                 and source_of_attr(expr.func.value) in ('self.env', 's.env', 'rec.env'))
    if translator and len(expr.args) == 1 \
            and not expr.keywords and isinstance(expr.args[0], ast.Constant) and isinstance(expr.args[0].value, str):
        return expr.args[0].value
    return None


def default_expression(node, class_functions):
    """The expression a default gives: a lambda's body (and its parameter), or the single `return`
    of a method of the class named by `default=` (docstrings and comments aside)."""
    if isinstance(node, ast.Lambda) and node.args.args:
        body, param = node.body, node.args.args[0].arg
        # `lambda self: self._default_x()`: the method's own single `return` (res.company's currency)
        if isinstance(body, ast.Call) and not body.args and not body.keywords and isinstance(body.func, ast.Attribute) \
                and isinstance(body.func.value, ast.Name) and body.func.value.id == param and body.func.attr in class_functions:
            inner, inner_param = default_expression(ast.Name(id=body.func.attr), class_functions)
            if inner is not None:
                return inner, inner_param
        return body, param
    if isinstance(node, ast.Name) and isinstance(class_functions.get(node.id), ast.FunctionDef) and class_functions[node.id].args.args:
        fn = class_functions[node.id]
        body = [b for b in fn.body if not (isinstance(b, ast.Expr) and isinstance(b.value, ast.Constant))]
        if len(body) == 1 and isinstance(body[0], ast.Return) and body[0].value is not None:
            return body[0].value, fn.args.args[0].arg
    return None, None


def reference_default(node, class_functions):
    """`self.env.ref('module.name'[, raise_if_not_found=False])[.id]` (the product category 'All', the
    paper format…): {'xmlid', 'raiseIfMissing'}; `self.env['decimal.precision'].precision_get('Name')`:
    {'precision'}; else None."""
    expr, param = default_expression(node, class_functions)
    if expr is None:
        return None
    # `self.env.company.snailmail_cover`: a stored field of the current company
    if isinstance(expr, ast.Attribute) and source_of_attr(expr.value) == f'{param}.env.company' and expr.attr not in ('id', 'currency_id', 'root_id'):
        return {'companyField': expr.attr}
    if isinstance(expr, ast.Attribute) and expr.attr == 'id':
        expr = expr.value
    if not (isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and len(expr.args) == 1
            and isinstance(expr.args[0], ast.Constant) and isinstance(expr.args[0].value, str)):
        return None
    owner = expr.func.value
    if expr.func.attr == 'ref' and source_of_attr(owner) == f'{param}.env' and '.' in expr.args[0].value:
        raise_if_missing = True
        for kw in expr.keywords:
            ok, v = const(kw.value)
            if kw.arg != 'raise_if_not_found' or not ok:
                return None
            raise_if_missing = bool(v)
        return {'xmlid': expr.args[0].value, 'raiseIfMissing': raise_if_missing}
    if expr.func.attr == 'precision_get' and not expr.keywords and isinstance(owner, ast.Subscript) \
            and source_of_attr(owner.value) == f'{param}.env' and isinstance(owner.slice, ast.Constant) and owner.slice.value == 'decimal.precision':
        return {'precision': expr.args[0].value}
    return None


def field_facts(call, text, constants, class_functions=None):
    facts = {'type': call.func.attr}
    for kw in call.keywords:
        if kw.arg == 'default':
            ok, v = const(kw.value)
            if not ok and isinstance(kw.value, ast.Name) and kw.value.id in constants:
                ok, v = True, constants[kw.value.id]
            if ok and isinstance(v, (str, int, float, bool)) and v is not None:
                facts['default'] = {'literal': v}
            elif ok and isinstance(v, (dict, list, tuple)) and call.func.attr in ('Char', 'Text'):
                # _String.convert_to_cache: `str(value)` (ir.actions.act_window context `default={}` is '{}')
                facts['default'] = {'literal': str(v)}
            elif random_default(kw.value, class_functions or {}):
                facts['default'] = {'random': random_default(kw.value, class_functions or {})}
            elif reference_default(kw.value, class_functions or {}):
                facts['default'] = reference_default(kw.value, class_functions or {})
            elif uuid_default(kw.value, class_functions or {}):
                facts['default'] = uuid_default(kw.value, class_functions or {})  # uuid4s and random tokens
            elif search_default(kw.value, text, class_functions or {}):
                facts['default'] = search_default(kw.value, text, class_functions or {})
            elif search_count_default(kw.value, text, class_functions or {}):
                facts['default'] = search_count_default(kw.value, text, class_functions or {})
            elif selection_count_default(kw.value, class_functions or {}):
                facts['default'] = selection_count_default(kw.value, class_functions or {})
            elif commands_default(kw.value, class_functions or {}):
                facts['default'] = commands_default(kw.value, class_functions or {})
            elif context_default(kw.value, text, class_functions or {}, constants):
                facts['default'] = context_default(kw.value, text, class_functions or {}, constants)
            elif translated_default(kw.value, class_functions or {}) is not None:
                facts['default'] = {'translated': translated_default(kw.value, class_functions or {})}
            else:
                kind = ENV_DEFAULTS.get(source_of(kw.value, text)) or method_env_default(kw.value, text, class_functions or {})
                facts['default'] = {'env': kind} if kind else {'unknown': True}
        elif kw.arg == 'tracking':
            ok, v = const(kw.value)
            if ok and v:
                facts['tracking'] = 100 if v is True else int(v)
            elif ok:
                facts['tracking'] = None
        elif kw.arg == 'digits' and call.func.attr == 'Float':
            # fields_get `digits` (fields.py Float.get_digits): a (precision, scale) literal, or a
            # decimal.precision name, whose digits the database holds.
            ok, v = const(kw.value)
            if ok and isinstance(v, (tuple, list)) and len(v) == 2 and all(isinstance(x, int) for x in v):
                facts['digits'] = list(v)
            elif ok and isinstance(v, str):
                facts['digits'] = {'precision': v}
        elif kw.arg in ('compute', 'related'):
            facts['computed'] = True
        elif kw.arg == 'inverse':
            # models.py write: a written field with an inverse runs it on the records (determine_inverse), reading them.
            ok, v = const(kw.value)
            facts['inverse'] = not ok or bool(v)
        elif kw.arg == 'store':
            ok, v = const(kw.value)
            if ok:
                facts['store'] = bool(v)
        elif kw.arg == 'domain' and call.func.attr in ('One2many', 'Many2many'):
            ok, v = const(kw.value)
            if ok and isinstance(v, str):
                continue  # a string domain is the web client's; get_domain_list() reads it as []
            domain = domain_literal(kw.value.body if isinstance(kw.value, ast.Lambda) else kw.value)
            facts['domain'] = domain if domain is not None else {'unknown': source_of(kw.value, text)}
        elif kw.arg == 'model_field' and call.func.attr == 'Many2oneReference':
            ok, v = const(kw.value)
            if ok and isinstance(v, str):
                facts['modelField'] = v
    return facts


# BaseModel._compute_display_name's `@api.depends(lambda self: (self._rec_name,) if self._rec_name else ())`.
REC_NAME_DEPENDS = 'lambda self: (self._rec_name,) if self._rec_name else ()'


class NotListExpr(Exception):
    pass


def list_expr(node, constants, local=None):
    """A method body or depends lambda computing a list of field names from literals, module
    constants, `self.<method>()` / `super().<method>()` calls, `+`, `list()`, `[... for x in ...]`
    f-string maps and `if` on `'field' in self` or truthiness, as a tree the engine evaluates
    along the model's MRO (python-field-facts-depends.ts); NotListExpr for anything else."""
    local = local or {}
    if isinstance(node, ast.Constant) and (isinstance(node.value, str) or node.value is False or node.value is None):
        return {'const': node.value if node.value is not None else False}
    if isinstance(node, (ast.List, ast.Tuple)):
        return {'list': [list_expr(e, constants, local) for e in node.elts]}
    if isinstance(node, ast.Name):
        if node.id in local:
            return local[node.id]
        if node.id in constants and isinstance(constants[node.id], (list, tuple)):
            return {'list': [{'const': v} for v in constants[node.id]]}
        raise NotListExpr()
    if isinstance(node, ast.Call) and not node.keywords:
        f = node.func
        if isinstance(f, ast.Name) and f.id in ('list', 'tuple') and len(node.args) == 1:
            return list_expr(node.args[0], constants, local)
        if isinstance(f, ast.Attribute) and not node.args:
            if isinstance(f.value, ast.Name) and f.value.id == 'self':
                return {'call': f.attr}
            if isinstance(f.value, ast.Call) and isinstance(f.value.func, ast.Name) and f.value.func.id == 'super':
                return {'super': f.attr}
        raise NotListExpr()
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return {'add': [list_expr(node.left, constants, local), list_expr(node.right, constants, local)]}
    if isinstance(node, ast.IfExp):
        return {'if': test_expr(node.test, constants, local), 'then': list_expr(node.body, constants, local),
                'else': list_expr(node.orelse, constants, local)}
    if isinstance(node, ast.ListComp) and len(node.generators) == 1 and isinstance(node.generators[0].target, ast.Name) \
            and isinstance(node.elt, ast.Name) and node.elt.id == node.generators[0].target.id \
            and len(node.generators[0].ifs) == 1:
        # `[f for f in (...) if f in self]`: the names that are fields of the model
        cond = node.generators[0].ifs[0]
        if isinstance(cond, ast.Compare) and len(cond.ops) == 1 and isinstance(cond.ops[0], ast.In) \
                and isinstance(cond.left, ast.Name) and cond.left.id == node.elt.id \
                and isinstance(cond.comparators[0], ast.Name) and cond.comparators[0].id == 'self':
            return {'fieldsOnly': list_expr(node.generators[0].iter, constants, local)}
        raise NotListExpr()
    if isinstance(node, ast.ListComp) and len(node.generators) == 1 and not node.generators[0].ifs \
            and isinstance(node.generators[0].target, ast.Name) and isinstance(node.elt, ast.JoinedStr):
        var = node.generators[0].target.id
        parts = node.elt.values
        pre, post, seen = '', '', False
        for part in parts:
            if isinstance(part, ast.Constant) and isinstance(part.value, str):
                if seen:
                    post += part.value
                else:
                    pre += part.value
            elif isinstance(part, ast.FormattedValue) and isinstance(part.value, ast.Name) and part.value.id == var \
                    and part.format_spec is None and part.conversion == -1 and not seen:
                seen = True
            else:
                raise NotListExpr()
        if not seen:
            raise NotListExpr()
        return {'map': [pre, post], 'of': list_expr(node.generators[0].iter, constants, local)}
    raise NotListExpr()


def test_expr(node, constants, local):
    if isinstance(node, ast.Compare) and len(node.ops) == 1 and isinstance(node.ops[0], ast.In) \
            and isinstance(node.comparators[0], ast.Name) and node.comparators[0].id == 'self' \
            and isinstance(node.left, ast.Constant) and isinstance(node.left.value, str):
        return {'hasField': node.left.value}
    return {'truthy': list_expr(node, constants, local)}


def method_list_expr(fn, constants):
    """A method whose body is assignments to local names, `if <test>: return <expr>` and a final
    `return <expr>`, as a list_expr tree; None when it is anything else."""
    body = [b for b in fn.body if not (isinstance(b, ast.Expr) and isinstance(b.value, ast.Constant))]
    if [a for a in fn.args.args[1:]] or fn.args.vararg or fn.args.kwarg:
        return None
    local = {}

    def build(stmts):
        if not stmts:
            raise NotListExpr()
        head, rest = stmts[0], stmts[1:]
        if isinstance(head, ast.Return) and head.value is not None and not rest:
            return list_expr(head.value, constants, local)
        if isinstance(head, ast.Assign) and len(head.targets) == 1 and isinstance(head.targets[0], ast.Name):
            local[head.targets[0].id] = list_expr(head.value, constants, local)
            return build(rest)
        if isinstance(head, ast.If) and len(head.body) == 1 and isinstance(head.body[0], ast.Return) and not head.orelse:
            return {'if': test_expr(head.test, constants, local), 'then': list_expr(head.body[0].value, constants, local),
                    'else': build(rest)}
        raise NotListExpr()
    try:
        return build(body)
    except NotListExpr:
        return None


def depends_of_method(fn, text, constants=None):
    """The `@api.depends(...)` of a method: its string paths, {"recName": true} for BaseModel's
    `_rec_name` lambda, {"unknown": source} for another callable; None when undecorated. With
    several, the outermost wins (decorators apply bottom-up and each sets `_depends`)."""
    for d in fn.decorator_list:
        if not (isinstance(d, ast.Call) and ((isinstance(d.func, ast.Attribute) and d.func.attr == 'depends'
                                              and isinstance(d.func.value, ast.Name) and d.func.value.id == 'api')
                                             or (isinstance(d.func, ast.Name) and d.func.id == 'depends'))):
            continue
        if len(d.args) == 1 and not isinstance(d.args[0], ast.Constant):
            source = source_of(d.args[0], text)
            if source == REC_NAME_DEPENDS:
                return {'recName': True}
            paths = attribute_paths(d.args[0])
            if paths is not None:
                return {'paths': paths}
            if isinstance(d.args[0], ast.Lambda):
                try:
                    return {'expr': list_expr(d.args[0].body, constants or {})}
                except NotListExpr:
                    pass
            return {'unknown': source}
        paths = []
        for arg in d.args:
            ok, v = const(arg)
            if not (ok and isinstance(v, str)):
                return {'unknown': source_of(d, text)}
            paths.append(v)
        return paths
    return None


def attribute_paths(node):
    """`lambda self: [self._avatar_name_field, 'image_128']`: the list, class attributes as
    {"attr": name} (resolved along the model's MRO); None for any other callable."""
    if not (isinstance(node, ast.Lambda) and isinstance(node.body, (ast.List, ast.Tuple))):
        return None
    out = []
    for e in node.body.elts:
        ok, v = const(e)
        if ok and isinstance(v, str):
            out.append(v)
        elif isinstance(e, ast.Attribute) and isinstance(e.value, ast.Name) and e.value.id == node.args.args[0].arg:
            out.append({'attr': e.attr})
        else:
            return None
    return out


def field_depends_facts(call, text, method_depends):
    """What fields.py `get_depends` needs of one field definition: `compute` (a method name, looked
    up in the model's MRO; a function given directly is resolved in its class: `computeDepends`),
    `related`, an explicit `depends=` (Properties: its definition record), and for an x2many the
    fields of a literal list `domain` (`domainFields`; [] for a lambda or string domain, which
    `_RelationalMulti.get_depends` ignores). Only the attributes the definition sets, so that
    later definitions merge over earlier ones as `_setup_attrs` does."""
    facts = {}
    for kw in call.keywords:
        if kw.arg == 'compute':
            ok, v = const(kw.value)
            if ok and isinstance(v, str):
                facts['compute'] = v
            elif isinstance(kw.value, ast.Name) and kw.value.id in method_depends:
                facts['computeDepends'] = method_depends[kw.value.id]
            elif isinstance(kw.value, (ast.Name, ast.Lambda)):
                facts['computeDepends'] = []  # an undecorated function or a lambda: no `_depends`
            else:
                facts['computeDepends'] = {'unknown': source_of(kw.value, text)}
        elif kw.arg == 'related':
            ok, v = const(kw.value)
            if ok and isinstance(v, str):
                facts['related'] = v
        elif kw.arg == 'depends':
            ok, v = const(kw.value)
            facts['depends'] = list(v) if ok and isinstance(v, (list, tuple)) else {'unknown': source_of(kw.value, text)}
        elif kw.arg == 'definition' and call.func.attr == 'Properties':
            ok, v = const(kw.value)
            if ok and isinstance(v, str) and v.count('.') == 1:
                facts['depends'] = [v.split('.')[0]]  # fields.Properties `_setup_definition_attrs`
        elif kw.arg == 'domain' and call.func.attr in ('One2many', 'Many2many'):
            facts['domainFields'] = []
            if isinstance(kw.value, (ast.List, ast.Tuple)):
                ok, v = const(kw.value)
                if ok:
                    facts['domainFields'] = [t[0] for t in v if isinstance(t, (list, tuple)) and t and isinstance(t[0], str)]
    return facts


def base_model_facts(odoo_src):
    """odoo/models.py: the `@api.depends` of BaseModel's methods (the last class of every model's
    MRO) and the automatic fields MetaModel adds to each model class (`display_name` computed by
    `_compute_display_name`)."""
    path = os.path.join(odoo_src, 'odoo', 'models.py')
    with open(path, encoding='utf-8') as fh:
        text = fh.read()
    tree = ast.parse(text)
    methods, magic = {}, {}
    for cls in [n for n in tree.body if isinstance(n, ast.ClassDef)]:
        if cls.name == 'BaseModel':
            for stmt in cls.body:
                if isinstance(stmt, ast.FunctionDef):
                    deps = depends_of_method(stmt, text)
                    if deps is not None:
                        methods[stmt.name] = deps
        elif cls.name == 'MetaModel':
            for node in ast.walk(cls):
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ('add', 'add_default') \
                        and len(node.args) == 2 and isinstance(node.args[0], ast.Constant) and isinstance(node.args[1], ast.Call):
                    facts = field_depends_facts(node.args[1], text, methods)
                    if facts:
                        magic[node.args[0].value] = facts
    return methods, magic


class NotLiteral(Exception):
    pass


def domain_literal(node):
    """A domain written as literals, `self._name` allowed (as {"$model": true}); None otherwise."""
    def walk(n):
        if isinstance(n, (ast.List, ast.Tuple)):
            return [walk(e) for e in n.elts]
        if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name) and n.value.id == 'self' and n.attr == '_name':
            return {'$model': True}
        ok, v = const(n)
        if ok and (v is None or isinstance(v, (str, int, float, bool))):
            return v
        raise NotLiteral()
    try:
        value = walk(node)
    except NotLiteral:
        return None
    return value if isinstance(value, list) else None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--odoo-src', default='/work/odoo-src')
    ap.add_argument('--legacy-addons', default='/work/shared/legacy-odoo/addons')
    ap.add_argument('--dumps', nargs='*', default=[os.path.join(ROOT, 'fixtures', f) for f in ('odoo_ref.sql.gz', 'hp_legacy.sql.gz')])
    ap.add_argument('--out', default=os.path.join(ROOT, 'odoo-bridge', 'orm', 'registry', 'python-field-facts.generated.ts'))
    ap.add_argument('--depends-out', default=os.path.join(ROOT, 'odoo-bridge', 'orm', 'registry', 'python-field-facts-depends.generated.ts'))
    a = ap.parse_args()

    dirs = module_dirs([os.path.join(a.odoo_src, 'odoo', 'addons'), os.path.join(a.odoo_src, 'addons'), a.legacy_addons])
    per_db = installed_modules(a.dumps)
    mods = set().union(*per_db.values())
    order = load_order(mods, dirs)

    # model -> field -> list of [module, facts merged up to that module]
    fields = {}
    inherits = {}
    mail_hooks = {}
    reads = {}
    inverses = {}  # model -> field -> modules whose definition of it names an `inverse=` method
    create_context = {}  # model -> mail.thread flag -> modules whose create override sets it
    onchange = {}  # model -> field -> modules whose classes have an @api.onchange on it
    classes = {}  # model -> its classes in load order, for fields_get `depends` (get_depends over the MRO)
    def module_files(module):
        for sub in ('models', 'wizard', 'wizards', 'report'):
            folder = os.path.join(dirs[module], sub)
            if os.path.isdir(folder):
                yield from sorted(os.path.join(d, f) for d, _dirs, fs in os.walk(folder) for f in fs if f.endswith('.py'))

    # The field-name lists methods return, over every installed module (python_record_reads.LIST_METHODS).
    for module in order:
        for fname in module_files(module):
            with open(fname, encoding='utf-8') as fh:
                try:
                    collect_list_methods(parse_module(fh.read()))
                except SyntaxError:
                    pass
    for module in order:
        for fname in module_files(module):
            for model, parents, facts, hooks, readers, klass, onchanges in classes_of(fname):
                for field_name in sorted(onchanges):
                    onchange.setdefault(model, {}).setdefault(field_name, []).append(module)
                entry = {'module': module}
                entry.update({k: v for k, v in klass.items() if v})
                classes.setdefault(model, []).append(entry)
                for op in sorted(readers):
                    if op.startswith('createContext:'):
                        create_context.setdefault(model, {}).setdefault(op.split(':', 1)[1], []).append(module)
                        continue
                    reads.setdefault(model, {}).setdefault(op, []).append(module)
                inherits.setdefault(model, set()).update(parents)
                if model not in ('mail.thread', 'base'):
                    for hook in sorted(hooks):
                        mail_hooks.setdefault(model, {}).setdefault(hook, []).append(module)
                for fname_, f in facts.items():
                    if f.get('inverse'):
                        inverses.setdefault(model, {}).setdefault(fname_, []).append(module)
                    history = fields.setdefault(model, {}).setdefault(fname_, [])
                    merged = dict(history[-1][1]) if history else {}
                    merged.update(f)
                    history.append([module, merged])

    def ancestors(model, seen=None):
        seen = seen if seen is not None else set()
        for p in inherits.get(model, ()):
            if p not in seen:
                seen.add(p)
                ancestors(p, seen)
        return seen

    out_fields = {}
    for model, fs in sorted(fields.items()):
        for fname_, history in sorted(fs.items()):
            slim = []
            for module, f in history:
                entry = {'module': module}
                if 'default' in f and 'unknown' not in f['default']:
                    entry['default'] = f['default']
                if f.get('tracking'):
                    entry['tracking'] = f['tracking']
                if f.get('computed'):
                    entry['computed'] = True
                if 'domain' in f:
                    entry['domain'] = f['domain']
                if 'modelField' in f:
                    entry['modelField'] = f['modelField']
                if 'digits' in f:
                    entry['digits'] = f['digits']
                slim.append(entry)
            if any('default' in e or 'tracking' in e or 'domain' in e or 'modelField' in e or 'digits' in e for e in slim):
                out_fields.setdefault(model, {})[fname_] = slim
    mail_thread = sorted(m for m in inherits if 'mail.thread' in ancestors(m) and not m.startswith('mail.thread'))

    parents = {m: sorted(p) for m, p in sorted(inherits.items()) if p}
    body = {'fields': out_fields, 'inherits': parents, 'mailThread': mail_thread, 'mailHooks': mail_hooks,
            'readsRecords': reads, 'inverses': inverses, 'onchange': onchange, 'createContext': create_context}
    header = (
        '// GENERATED by scripts/extract-python-field-facts.py from the Python sources of the modules installed\n'
        '// in fixtures/odoo_ref.sql.gz and fixtures/hp_legacy.sql.gz (Odoo 18 in /work/odoo-src, hp_* addons in\n'
        '// /work/shared/legacy-odoo/addons). Do not edit: rerun `python3 scripts/extract-python-field-facts.py`.\n'
        '// Per model and field: each defining module in load order with the field\'s `default` (a literal, or an\n'
        '// environment kind), `tracking` sequence and whether it is computed, as merged up to that module;\n'
        '// `inherits`: each model\'s `_inherit` parents (mixins included); `mailThread`: models inheriting mail.thread;\n'
        '// `mailHooks`: per model, the mail.thread hooks (_creation_subtype, _track_subtype…) its classes override, by module;\n'
        '// `inverses`: per model, the fields a module defines with an `inverse=` method (models.py write runs it on the records)\n'
        '// `readsRecords`: per model, the modules whose `write` / `unlink` (or @api.ondelete) override reads the records\n'
        '// (`write?<key>`: only when the written vals hold that key; `*`: any non-empty vals).\n'
        '// `createContext`: per model, the mail.thread switches its `create` override passes to super(), by module.\n'
        '// `onchange`: per model (its own classes, not its mixins), the fields its `@api.onchange` methods watch, by module (`*`: not literal).\n'
        '// x2many fields carry their Python `domain` (literals, `self._name` as {"$model": true}; {"unknown": source} otherwise),\n'
        '// Many2oneReference fields their `modelField`.\n'
        "import type { PythonFieldFacts } from './python-field-facts-types.ts';\n\n"
    )
    with open(a.out, 'w', encoding='utf-8') as fh:
        fh.write(header)
        fh.write('export const PYTHON_FIELD_FACTS: PythonFieldFacts = ')
        fh.write(json.dumps(body, indent=1, sort_keys=True, ensure_ascii=False))
        fh.write(';\n')
    # Classes that change nothing for get_depends are left out: no parent beyond the model itself,
    # no decorated method, no computed/related field, no class attribute a depends lambda reads.
    referenced = {p['attr'] for cs in classes.values() for c in cs for d in c.get('methods', {}).values()
                  if isinstance(d, dict) for p in d.get('paths', []) if isinstance(p, dict)}

    # Methods reachable from a depends expression (calls, transitively): only those are kept.
    def calls_of(tree, out):
        if isinstance(tree, dict):
            for k in ('call', 'super'):
                if k in tree:
                    out.add(tree[k])
            for v in tree.values():
                calls_of(v, out)
        elif isinstance(tree, list):
            for v in tree:
                calls_of(v, out)
        return out
    reachable = set()
    for cs in classes.values():
        for c in cs:
            for d in c.get('methods', {}).values():
                if isinstance(d, dict) and 'expr' in d:
                    calls_of(d['expr'], reachable)
    grown = True
    while grown:
        grown = False
        for cs in classes.values():
            for c in cs:
                for name, tree in c.get('listMethods', {}).items():
                    if name in reachable and tree is not None:
                        before = len(reachable)
                        calls_of(tree, reachable)
                        grown = grown or len(reachable) > before
    for cs in classes.values():
        for c in cs:
            kept_methods = {n: (t if t is not None else {'unknown': n}) for n, t in c.pop('listMethods', {}).items() if n in reachable}
            if kept_methods:
                c['listMethods'] = kept_methods
    for model in list(classes):
        kept = []
        for c in classes[model]:
            attrs = {k: v for k, v in c.pop('attrs', {}).items() if k in referenced}
            if attrs:
                c['attrs'] = attrs
            if [i for i in c.get('inherit', []) if i != model] or c.get('methods') or c.get('fields') or attrs \
                    or c.get('declared') or c.get('automatic') or c.get('listMethods'):
                kept.append(c)
        if kept:
            classes[model] = kept
        else:
            del classes[model]
    base_methods, magic_fields = base_model_facts(a.odoo_src)
    depends_body = {'classes': classes, 'baseModel': base_methods, 'magicFields': magic_fields}
    depends_header = (
        '// GENERATED by scripts/extract-python-field-facts.py from the Python sources of the modules installed\n'
        '// in fixtures/odoo_ref.sql.gz and fixtures/hp_legacy.sql.gz. Do not edit: rerun\n'
        '// `python3 scripts/extract-python-field-facts.py`.\n'
        '// What fields.py `get_depends` reads, for fields_get `depends`: per model, its classes in module load\n'
        '// order (only those that matter), each with its `_inherit` as written, the `@api.depends` of its\n'
        '// methods (paths; {"recName": true} for BaseModel\'s _rec_name lambda; {"paths": [...]} for a lambda\n'
        '// listing literals and class attributes; {"unknown": source} for other callables), its fields\'\n'
        '// `compute`, `related`, explicit `depends` and x2many literal-domain fields, the string class\n'
        '// attributes those lambdas read (`attrs`), the field names it declares in order (`declared`) and the\n'
        '// automatic fields MetaModel appends when it defines a non-abstract model (`automatic`), and the methods\n'
        '// depends lambdas call (`listMethods`: a list expression tree, {"unknown": name} when opaque);\n'
        '// `baseModel`: odoo/models.py BaseModel\'s decorated methods; `magicFields`: the automatic fields\n'
        '// MetaModel adds to every model (display_name).\n'
        "import type { PythonDependsFacts } from './python-field-facts-types.ts';\n\n"
    )
    with open(a.depends_out, 'w', encoding='utf-8') as fh:
        fh.write(depends_header)
        fh.write('export const PYTHON_DEPENDS_FACTS: PythonDependsFacts = ')
        fh.write(json.dumps(depends_body, indent=1, sort_keys=True, ensure_ascii=False))
        fh.write(';\n')
    print('%d models with compute facts (%d classes) -> %s' % (
        len(classes), sum(len(v) for v in classes.values()), os.path.relpath(a.depends_out, ROOT)), file=sys.stderr)
    print('%d models, %d fields, %d mail.thread models -> %s' % (
        len(out_fields), sum(len(v) for v in out_fields.values()), len(mail_thread), os.path.relpath(a.out, ROOT)), file=sys.stderr)


if __name__ == '__main__':
    main()
