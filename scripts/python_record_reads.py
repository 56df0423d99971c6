"""When a `write`/`unlink` override of an Odoo model reads its records (used by extract-python-field-facts.py).

Reading a field of a deleted record raises MissingError (odoo/fields.py `__get__`); an override that
does not read the records lets BaseModel's UPDATE/DELETE meet zero rows and answer True. Many
overrides read only for some values: `if 'rounding' in vals: for record in self: record.rounding…`
(account's res.currency), `if not vals: return True` before a loop (account.move), a read behind
`set(vals) & …` in an `and`. So the answer is a set of *guards*: the override reads when the written
vals hold one of a guard's keys; the guard `*` means "any non-empty vals"; `None` means always.

What counts as reading (Odoo 18):
- a field of `self` or of a loop variable over `self` (`for move in self: move.state`), except the
  recordset/environment helpers (`self.env`, `self.ids`, …) and x2many fields of the class (their
  fetch is a search on the comodel, which never raises MissingError: models.py `fetch` only checks
  existence when a column is fetched);
- `self[...]`, the recordset methods that read (`mapped`, `filtered`, `sorted`, `read`, …);
- a call of another method of the class: what that method reads (two levels); an `@api.model`
  method reads nothing of `self`. A method not defined in the class is taken as reading.
"""
import ast

# `self.<name>` uses that do not read the records' fields.
NON_READING = {'env', 'ids', '_ids', '_name', '_context', '_cr', '_uid', 'pool', 'browse', 'sudo', 'with_context',
               'with_user', 'with_company', 'with_env', 'with_prefetch', 'exists', '_fields', '_table', 'search',
               'search_count', 'search_fetch', 'create', 'flush_model', 'flush_recordset', 'invalidate_model',
               'invalidate_recordset', 'check_access', 'check_access_rights', 'check_access_rule', 'has_access',
               '_track_discard', '_check_company_auto', '_description', '_parent_name', 'clear_caches',
               'default_get', 'fields_get', '_order', '_rec_name', 'id', '_origin', 'ensure_one'}
READING_METHODS = {'mapped', 'filtered', 'sorted', 'read', 'grouped', 'filtered_domain'}
ANY = '*'

# Methods that only list field names (`def _get_company_root_delegated_field_names(self): return
# ['currency_id']`, extended by `return super()._get_company_root_delegated_field_names() + [...]`
# in account and l10n_sa_edi): method name -> the names every installed definition lists. A write
# override testing `set(vals) & set(self._get_company_root_delegated_field_names())` reads its
# records only for those keys. Filled by collect_list_methods over all installed modules before the
# overrides are analysed; a key a later module adds is a field of that module, so it can only be
# written where that module is installed.
LIST_METHODS = {}


def _literal_names(node):
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)) and all(isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts):
        return {e.value for e in node.elts}
    return None


def _is_super_call_of(node, name):
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == name
            and isinstance(node.func.value, ast.Call) and isinstance(node.func.value.func, ast.Name) and node.func.value.func.id == 'super')


def collect_list_methods(tree):
    """Record the methods of `tree` whose body is `return [<names>]` or `return super().<same>() + [<names>]`."""
    for fn in ast.walk(tree):
        if not isinstance(fn, ast.FunctionDef):
            continue
        body = [s for s in fn.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant) and isinstance(s.value.value, str))]
        if len(body) != 1 or not isinstance(body[0], ast.Return) or body[0].value is None:
            continue
        value = body[0].value
        names = _literal_names(value)
        if names is None and isinstance(value, ast.BinOp) and isinstance(value.op, ast.Add):
            for sup, lit in ((value.left, value.right), (value.right, value.left)):
                if _is_super_call_of(sup, fn.name) and _literal_names(lit) is not None:
                    names = _literal_names(lit)
        if names is not None:
            LIST_METHODS.setdefault(fn.name, set()).update(names)


def is_api_model(fn):
    return any(isinstance(d, ast.Attribute) and d.attr in ('model', 'model_create_multi') and isinstance(d.value, ast.Name) and d.value.id == 'api'
               for d in fn.decorator_list)


class Reads:
    """Collects the guards under which a method body reads its records."""

    def __init__(self, vals_name, class_functions, x2many, sequences, depth=0):
        self.vals = vals_name
        self.functions = class_functions
        self.x2many = x2many
        self.sequences = sequences
        self.depth = depth
        self.guards = []  # frozenset of keys, or None (always)
        self.record_vars = set()
        self.condition_vars = {}  # `record_changed = 'model' in vals or 'res_id' in vals`

    # ---------------------------------------------------------------- conditions on vals

    def _is_vals(self, node):
        if isinstance(node, ast.Name) and node.id == self.vals:
            return True
        # vals.keys(), set(vals), dict(vals)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == 'keys' and self._is_vals(node.func.value):
            return True
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ('set', 'list', 'dict', 'frozenset') and len(node.args) == 1:
            return self._is_vals(node.args[0])
        return False

    def _constants(self, node, loop_consts):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return {node.value}
        if isinstance(node, ast.Name) and node.id in loop_consts:
            return set(loop_consts[node.id])
        if isinstance(node, (ast.Set, ast.List, ast.Tuple)) and all(isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts):
            return {e.value for e in node.elts}
        if isinstance(node, ast.Name) and node.id in self.sequences:
            return set(self.sequences[node.id])
        # set(<names>), list(<names>)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ('set', 'list', 'tuple', 'frozenset') and len(node.args) == 1:
            return self._constants(node.args[0], loop_consts)
        # self._get_company_root_delegated_field_names(): the names its installed definitions list
        if isinstance(node, ast.Call) and not node.args and isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name) \
                and node.func.value.id == 'self' and node.func.attr in LIST_METHODS:
            return set(LIST_METHODS[node.func.attr])
        return None

    def keys_of(self, test, loop_consts=None):
        """The keys one of which vals must hold for `test` to be true (ANY: vals non-empty), else None."""
        loop_consts = loop_consts or {}
        if self._is_vals(test):
            return {ANY}
        if isinstance(test, ast.Name) and test.id in self.condition_vars:
            return self.condition_vars[test.id]
        if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.In) and self._is_vals(test.comparators[0]):
            return self._constants(test.left, loop_consts) or {ANY}
        if isinstance(test, ast.Call) and isinstance(test.func, ast.Attribute) and test.func.attr == 'get' and self._is_vals(test.func.value) and test.args:
            return self._constants(test.args[0], loop_consts) or {ANY}
        if isinstance(test, ast.Subscript) and self._is_vals(test.value):
            return self._constants(test.slice, loop_consts) or {ANY}
        if isinstance(test, ast.BinOp) and isinstance(test.op, ast.BitAnd):
            for side, other in ((test.left, test.right), (test.right, test.left)):
                if self._is_vals(side):
                    return self._constants(other, loop_consts) or {ANY}
        if isinstance(test, ast.NamedExpr):
            return self.keys_of(test.value, loop_consts)
        if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            inner = test.operand
            # not X.isdisjoint(vals)
            if isinstance(inner, ast.Call) and isinstance(inner.func, ast.Attribute) and inner.func.attr == 'isdisjoint' and inner.args and self._is_vals(inner.args[0]):
                return self._constants(inner.func.value, loop_consts) or {ANY}
            return None
        if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And):
            for value in test.values:
                keys = self.keys_of(value, loop_consts)
                if keys is not None:
                    return keys
            return None
        if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.Or):
            parts = [self.keys_of(v, loop_consts) for v in test.values]
            return set().union(*parts) if all(p is not None for p in parts) else None
        if isinstance(test, ast.Call) and isinstance(test.func, ast.Name) and test.func.id == 'any' and test.args and isinstance(test.args[0], ast.GeneratorExp):
            gen = test.args[0]
            consts = dict(loop_consts)
            for g in gen.generators:
                if isinstance(g.target, ast.Name):
                    c = self._constants(g.iter, consts)
                    if c is not None:
                        consts[g.target.id] = sorted(c)
            return self.keys_of(gen.elt, consts)
        return None

    def negated_keys(self, test):
        """Keys K such that `test` true means vals holds none of K (`'x' not in vals`, `not vals`)."""
        if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            return self.keys_of(test.operand)
        if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.NotIn) and self._is_vals(test.comparators[0]):
            return self._constants(test.left, {}) or {ANY}
        if isinstance(test, ast.Call) and isinstance(test.func, ast.Attribute) and test.func.attr == 'isdisjoint' and test.args and self._is_vals(test.args[0]):
            return self._constants(test.func.value, {}) or {ANY}
        return None

    # ---------------------------------------------------------------- walking

    def read(self, guard):
        self.guards.append(None if guard is None else frozenset(guard))

    def statements(self, body, guard):
        for i, stmt in enumerate(body):
            if isinstance(stmt, ast.If):
                neg = self.negated_keys(stmt.test)
                self.expr(stmt.test, guard)
                if neg is not None and stmt.body and isinstance(stmt.body[-1], (ast.Return, ast.Raise)) and not stmt.orelse:
                    self.statements(stmt.body, guard)
                    self.statements(body[i + 1:], narrow(guard, neg))
                    return
                keys = self.keys_of(stmt.test)
                self.statements(stmt.body, narrow(guard, keys))
                self.statements(stmt.orelse, guard)
            elif isinstance(stmt, ast.For):
                self.expr(stmt.iter, guard)
                over_self = self._is_records(stmt.iter)
                if over_self and isinstance(stmt.target, ast.Name):
                    self.record_vars.add(stmt.target.id)
                self.statements(stmt.body, guard)
                self.statements(stmt.orelse, guard)
            elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                continue
            elif isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
                local = self._constants(stmt.value, {})
                if local is not None and isinstance(stmt.value, (ast.List, ast.Tuple, ast.Set)):
                    self.sequences = {**self.sequences, stmt.targets[0].id: sorted(local)}
                keys = self.keys_of(stmt.value)
                if keys is not None:
                    self.condition_vars[stmt.targets[0].id] = keys
                self.expr(stmt.value, guard)
            elif isinstance(stmt, (ast.With, ast.While, ast.Try)):
                for field in ('items', 'test'):
                    for n in (getattr(stmt, field, None) or []) if field == 'items' else [getattr(stmt, field, None)]:
                        if n is not None:
                            self.expr(n, guard)
                for part in ('body', 'orelse', 'finalbody'):
                    self.statements(getattr(stmt, part, []) or [], guard)
                for handler in getattr(stmt, 'handlers', []) or []:
                    self.statements(handler.body, guard)
            else:
                self.expr(stmt, guard)

    def _is_records(self, node):
        """`self`, or a subset of it (`self.filtered(...)`, `self.sudo()`…): iterating it yields records of self."""
        if isinstance(node, ast.Name) and (node.id == 'self' or node.id in self.record_vars):
            return True
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ('sudo', 'with_context', 'with_user', 'with_company', 'filtered', 'sorted', 'exists'):
            return self._is_records(node.func.value)
        return False

    def expr(self, node, guard):
        if node is None:
            return
        if isinstance(node, (ast.Lambda,)):
            return
        if isinstance(node, ast.IfExp):
            self.expr(node.test, guard)
            self.expr(node.body, narrow(guard, self.keys_of(node.test)))
            self.expr(node.orelse, guard)
            return
        if isinstance(node, ast.BoolOp):
            current = guard
            for value in node.values:
                self.expr(value, current)
                if isinstance(node.op, ast.And):
                    current = narrow(current, self.keys_of(value))
            return
        if isinstance(node, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
            consts = {}
            inner = guard
            for g in node.generators:
                self.expr(g.iter, inner)
                if isinstance(g.target, ast.Name):
                    c = self._constants(g.iter, consts)
                    if c is not None:
                        consts[g.target.id] = sorted(c)
                    if self._is_records(g.iter):
                        self.record_vars.add(g.target.id)
                for cond in g.ifs:
                    self.expr(cond, inner)
                    inner = narrow(inner, self.keys_of(cond, consts))
            for part in ('elt', 'key', 'value'):
                if hasattr(node, part):
                    self.expr(getattr(node, part), inner)
            return
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and (node.value.id == 'self' or node.value.id in self.record_vars):
            self.read(guard)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name) and node.func.value.id == 'self':
            self.call(node, guard)
            for arg in [*node.args, *[k.value for k in node.keywords]]:
                self.expr(arg, guard)
            return
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            if node.value.id == 'self' and self._reads_attribute(node.attr):
                self.read(guard)
            elif node.value.id in self.record_vars and node.attr not in NON_READING and node.attr not in self.x2many and not node.attr.startswith('__'):
                self.read(guard)
        for child in ast.iter_child_nodes(node):
            self.expr(child, guard)

    def _reads_attribute(self, attr):
        return attr not in NON_READING and not attr.startswith('__') and attr not in self.x2many and attr not in self.functions

    def call(self, node, guard):
        name = node.func.attr
        if name in NON_READING:
            return
        if name in READING_METHODS:
            # mapped('x2many') is a search on the comodel
            if name == 'mapped' and node.args and isinstance(node.args[0], ast.Constant) and node.args[0].value in self.x2many:
                return
            self.read(guard)
            return
        fn = self.functions.get(name)
        if fn is None:
            if name not in self.x2many:
                self.read(guard)  # a method of another class: taken as reading
            return
        if is_api_model(fn):
            return
        if self.depth >= 2:
            self.read(guard)
            return
        inner = Reads(None, self.functions, self.x2many, self.sequences, self.depth + 1)
        inner.statements(fn.body, None)
        if inner.guards:
            self.read(guard)


def narrow(guard, keys):
    """Reads under `guard` (None: always) that happen only when vals holds one of `keys`."""
    if keys is None:
        return guard
    if guard is None or ANY in guard:
        return set(keys)
    if ANY in keys:
        return guard
    return set(guard) & set(keys) or set(guard)


def read_guards(fn, class_functions, x2many, sequences):
    """None if the method never reads its records; 'always'; or the sorted keys (ANY for any
    non-empty vals) one of which the written vals must hold for it to read them."""
    args = fn.args.args
    vals_name = args[1].arg if len(args) > 1 else None
    walker = Reads(vals_name, {k: v for k, v in class_functions.items() if isinstance(v, ast.FunctionDef)}, x2many, sequences)
    walker.statements(fn.body, None)
    if not walker.guards:
        return None
    if any(g is None for g in walker.guards):
        return 'always'
    return sorted(set().union(*walker.guards))
