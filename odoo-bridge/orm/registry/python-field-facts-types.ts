/** The shape of python-field-facts.generated.ts (kept apart so the data and its reader do not import each other). */
/**
 * `today` is `fields.Date.context_today` (the context's tz, else the user's), `today_utc`
 * `fields.Date.today` (the server's date: Odoo runs in UTC); `user_ids` is `[(6, 0, [self.env.uid])]`;
 * `user_company_currency` the currency of the user's main company (`self.env.user.company_id`),
 * `user_tz` the user's tz, `company_root` `self.env.company.root_id`, `user_lang_decimal_point` the
 * decimal point of the user's language (`res.lang._get_data(code=env.user.lang)`: active ones only),
 * `today_year_start` `context_today(self).replace(month=1, day=1)`.
 */
export type EnvDefaultKind =
  | 'company' | 'company_root' | 'user' | 'user_ids' | 'user_partner' | 'company_currency' | 'user_company_currency'
  | 'lang' | 'user_tz' | 'user_lang_decimal_point' | 'today' | 'today_year_start' | 'today_utc' | 'now';
/**
 * `random`: `randint(low, high)` (a tag's colour), a fresh value per record. `translated`:
 * `lambda self: _('New')`, the source text Odoo translates into the environment's language.
 * `xmlid`: `self.env.ref('module.name')`, the record it names (ValueError when it is missing,
 * unless `raise_if_not_found=False`). `precision`: `decimal.precision`'s `precision_get(name)`.
 * `companyField`: `self.env.company.<field>`, a field of the current company.
 * `uuid`, `context`, `firstOf`: see each member.
 */
export type PythonDefault =
  | { literal: string | number | boolean }
  | { env: EnvDefaultKind }
  | { random: [number, number] }
  | { translated: string }
  | { xmlid: string; raiseIfMissing: boolean }
  | { precision: string }
  | { companyField: string }
  /** `str(uuid4())[:length]` or `uuid4().hex`: drawn per call, like `random`. */
  | { uuid: 'str' | 'hex'; length?: number }
  /** `''.join(choice(alphabet) for _i in range(length))`: drawn per call. */
  | { randomText: string; length: number }
  /** `self.env.context.get(key[, orElse])` (or `browse()` of it): the context's value, else `orElse`, else None. */
  | { context: string; orElse?: PythonDefault }
  /** `self.env.companies.<field>` (`ofRoots`: `self.env.companies.root_id.sudo().<field>`): the field's values, mapped. */
  | { companiesField: string; ofRoots?: boolean }
  /** `[Command.create({...}), …]` of literals: `[0, 0, values]` commands, a float value as `{ float }`. */
  | { commands: Array<[0, 0, Record<string, string | number | boolean | { float: number }>]> }
  /** `self.env[search].search(domain, limit=…, order=…)`: run as the user; a domain value `{ env }` is that environment value. */
  | { search: string; domain: unknown[]; limit?: number; order?: string }
  /** `self.env[searchCount].search_count(domain, limit=…) > greaterThan`, run as the user. */
  | { searchCount: string; domain: unknown[]; limit?: number; greaterThan: number }
  /** `len(self._fields[name].selection)`: how many values the model's field offers. */
  | { selectionCount: string }
  /** `a or b or …`: the first truthy part's value, else the last part's. */
  | { firstOf: PythonDefault[] };

export interface FieldFactEntry {
  module: string;
  default?: PythonDefault;
  tracking?: number;
  computed?: boolean;
  /** An x2many's Python `domain=` as literals (`self._name` as `{ $model: true }`), or `{ unknown }` when it is not. */
  domain?: unknown[] | { unknown: string };
  /** A Many2oneReference's `model_field`: the field naming the model its id belongs to. */
  modelField?: string;
  /** A Float's `digits=`: (precision, scale) as written, or the decimal.precision record it names. */
  digits?: [number, number] | { precision: string };
}

export interface PythonFieldFacts {
  fields: Record<string, Record<string, FieldFactEntry[]>>;
  inherits: Record<string, string[]>;
  mailThread: string[];
  /** Per model, the mail.thread hooks its classes override, with the defining modules. */
  mailHooks: Record<string, Record<string, string[]>>;
  /** Per model, the modules whose `write` / `unlink` (or `@api.ondelete`) override reads the records (`write?<key>`: only for vals holding key; `*`: any non-empty vals). */
  readsRecords: Record<string, Record<string, string[]>>;
  /** Per model and field, the modules whose definition of the field names an `inverse=` method. */
  inverses: Record<string, Record<string, string[]>>;
  /** Per model (its own classes), the fields its `@api.onchange` methods watch, with the defining modules (`*`: names not literal). */
  onchange: Record<string, Record<string, string[]>>;
  /** Per model, the mail.thread context switches (`mail_create_nosubscribe`…) its `create` override passes to `super()`, with the defining modules. */
  createContext: Record<string, Record<string, string[]>>;
}

/**
 * A compute method's `@api.depends(...)`: its paths, `{ recName: true }` for BaseModel's
 * `lambda self: (self._rec_name,) if self._rec_name else ()`, `{ paths }` for a lambda listing
 * literals and class attributes (`[self._avatar_name_field, 'image_128']`), `{ unknown }` for
 * other callables.
 */
export type MethodDepends = string[] | { recName: true } | { paths: Array<string | { attr: string }> } | { expr: ListExpr } | { unknown: string };

/**
 * A list of field names computed by a depends lambda or a method it calls (scripts/extract-python-field-facts.py
 * `list_expr`): literals, `self.m()` / `super().m()` along the MRO, `+`, conditionals on `'f' in self`
 * or truthiness, `[f'pre{x}post' for x in ...]` and `[f for f in ... if f in self]`.
 */
export type ListExpr =
  | { const: string | false }
  | { list: ListExpr[] }
  | { call: string }
  | { super: string }
  | { add: [ListExpr, ListExpr] }
  | { if: { hasField: string } | { truthy: ListExpr }; then: ListExpr; else: ListExpr }
  | { map: [string, string]; of: ListExpr }
  | { fieldsOnly: ListExpr };

/** The attributes of one field definition that fields.py `get_depends` reads (only those it sets). */
export interface FieldDependsFacts {
  /** `compute='_method'`: looked up along the model's MRO. */
  compute?: string;
  /** `compute=<function or lambda>`: that function's `@api.depends` ([] when undecorated). */
  computeDepends?: MethodDepends;
  related?: string;
  /** `depends=[...]` (fields.Properties: `[definition_record]`). */
  depends?: string[] | { unknown: string };
  /** x2many: the fields of its literal list `domain` ([] for a lambda or string domain). */
  domainFields?: string[];
}

/** One Python class defining or extending a model. */
export interface ClassDependsFacts {
  module: string;
  /** `_inherit` as written (the model itself included when the class extends it). */
  inherit?: string[];
  methods?: Record<string, MethodDepends>;
  fields?: Record<string, FieldDependsFacts>;
  /** String class attributes a `{ paths }` lambda reads (`_avatar_name_field = 'name'`). */
  attrs?: Record<string, string>;
  /** Methods depends lambdas call (transitively): their list expression, `{ unknown }` when opaque. */
  listMethods?: Record<string, ListExpr | { unknown: string }>;
  /** The field names the class declares, in order (models.py `_setup_base` collects them along the reversed MRO). */
  declared?: string[];
  /** The automatic fields MetaModel appends to a class defining a non-abstract model (id, display_name, log access). */
  automatic?: string[];
}

export interface PythonDependsFacts {
  /** Per model, its classes in module load order (classes that change nothing here are left out). */
  classes: Record<string, ClassDependsFacts[]>;
  /** odoo/models.py BaseModel's decorated methods: the last class of every model's MRO. */
  baseModel: Record<string, MethodDepends>;
  /** The automatic fields MetaModel adds to each model unless a class defines them (display_name). */
  magicFields: Record<string, FieldDependsFacts>;
}
