import { sql } from 'kysely';
import { fieldSql } from '../domain/field-sql.ts';
import { menuFullName } from './menu-full-name.ts';
import { datetimeDisplaySql } from './datetime-display-name.ts';
import { pythonFieldSql } from '../sql/python-field-sql.ts';
import { nextAlias, type SearchEnv, type Sql } from '../domain/search-env.ts';
import type { ModelInfo } from '../registry/types.ts';
import { run } from '../sql/execute.ts';
import type { ReadEnv } from './read-env.ts';
import { orderToSql } from '../sql/order.ts';

type SqlRule = (env: SearchEnv, model: ModelInfo, alias: string) => Sql;

const SQL_RULES: Record<string, SqlRule> = {
  // _get_complete_name: '' for a partner with no name, never False.
  'res.partner': (env, m, a) => sql`COALESCE(NULLIF(${sql.ref(`${a}.complete_name`)}, ''), ${fieldSql(env, m.fields.get('name')!, a)}, '')`,
  'product.template': (env, m, a) => defaultCode(sql.ref(`${a}.default_code`), fieldSql(env, m.fields.get('name')!, a)),
  'res.country.state': (env, m, a) =>
    sql`${fieldSql(env, m.fields.get('name')!, a)} || ' (' || (SELECT c.code FROM res_country c WHERE c.id = ${sql.ref(`${a}.country_id`)}) || ')'`,
  'res.groups': (env, m, a) => {
    const name = fieldSql(env, m.fields.get('name')!, a);
    const category = env.lang === 'en_US' ? sql`c.name->>'en_US'` : sql`COALESCE(c.name->>${env.lang}::text, c.name->>'en_US')`;
    return sql`COALESCE((SELECT ${category} || ' / ' FROM ir_module_category c WHERE c.id = ${sql.ref(`${a}.category_id`)}), '') || ${name}`;
  },
  // account_account.py: "<code> <name>", the code being the root company's (`_field_to_sql`).
  'account.account': (env, m, a) => {
    const name = fieldSql(env, m.fields.get('name')!, a);
    const code = pythonFieldSql(env, m, 'code', a);
    return code ? sql`CASE WHEN COALESCE(${code}, '') <> '' THEN ${code} || ' ' || ${name} ELSE ${name} END` : name;
  },
  // sale sale_order_line.py `_compute_display_name`: "<order> - <first line of the description, or
  // the product's name> (<ref or name of the order partner's commercial partner>)"
  // (`_additional_name_per_id` → `_get_partner_display`), Python's False printed as 'False'.
  'sale.order.line': (env, m, a) => {
    const template = env.registry.model('product.template');
    const templateName = template?.fields.get('name');
    const product = templateName
      ? sql`(SELECT ${fieldSql(env, templateName, 'pt')} FROM product_product pp JOIN product_template pt ON pt.id = pp.product_tmpl_id WHERE pp.id = ${sql.ref(`${a}.product_id`)})`
      : sql`NULL`;
    const description = sql`NULLIF(split_part(${fieldSql(env, m.fields.get('name')!, a)}, E'\n', 1), '')`;
    return sql`COALESCE((SELECT so.name FROM sale_order so WHERE so.id = ${sql.ref(`${a}.order_id`)}), 'False') || ' - ' || COALESCE(${description}, ${product}, 'False')
      || ' (' || COALESCE((SELECT COALESCE(NULLIF(cp.ref, ''), cp.name) FROM res_partner p
                             JOIN res_partner cp ON cp.id = p.commercial_partner_id WHERE p.id = ${sql.ref(`${a}.order_partner_id`)}), 'False') || ')'`;
  },
  // account_move.py `_get_move_display_name(show_ref=True)`: "Draft <type> " while draft, the
  // name unless empty or '/', then " (<ref shortened to 50>)" (textwrap.shorten: whitespace
  // collapsed, cut after the last whole word that leaves room for " [...]").
  'account.move': (_env, _m, a) => {
    const draft = sql`CASE WHEN ${sql.ref(`${a}.state`)} = 'draft' THEN ${moveDraftLabel(sql.ref(`${a}.move_type`))} || ' ' ELSE '' END`;
    const name = sql`CASE WHEN COALESCE(${sql.ref(`${a}.name`)}, '/') <> '/' THEN ${sql.ref(`${a}.name`)} ELSE '' END`;
    const ref = sql`btrim(regexp_replace(${sql.ref(`${a}.ref`)}, '\\s+', ' ', 'g'))`;
    const shortRef = sql`CASE WHEN length(${ref}) <= 50 THEN ${ref}
      ELSE COALESCE(substring(left(${ref}, 45) from '^(.*) ') || ' [...]', '[...]') END`;
    return sql`${draft} || ${name} || CASE WHEN COALESCE(${sql.ref(`${a}.ref`)}, '') <> '' THEN ' (' || ${shortRef} || ')' ELSE '' END`;
  },
  // mail mail_activity.py `_compute_display_name`: the summary, else the activity type's name.
  'mail.activity': (env, _m, a) => {
    const typeName = env.lang === 'en_US' ? sql`t.name->>'en_US'` : sql`COALESCE(t.name->>${env.lang}::text, t.name->>'en_US')`;
    return sql`COALESCE(NULLIF(${sql.ref(`${a}.summary`)}, ''), (SELECT ${typeName} FROM mail_activity_type t WHERE t.id = ${sql.ref(`${a}.activity_type_id`)}))`;
  },
  // product product_pricelist.py: "<name or 'New'> (<currency name>)".
  'product.pricelist': (env, m, a) =>
    sql`COALESCE(NULLIF(${fieldSql(env, m.fields.get('name')!, a)}, ''), 'New') || ' (' || COALESCE((SELECT c.name FROM res_currency c WHERE c.id = ${sql.ref(`${a}.currency_id`)}), 'False') || ')'`,
  // base res_bank.py: "<name> - <bic>".
  'res.bank': (_env, _m, a) =>
    sql`COALESCE(${sql.ref(`${a}.name`)}, '') || CASE WHEN COALESCE(${sql.ref(`${a}.bic`)}, '') <> '' THEN ' - ' || ${sql.ref(`${a}.bic`)} ELSE '' END`,
  // base res_bank.py ResPartnerBank: "<acc_number> - <bank name>", the number alone without a bank;
  // account's override (res_partner_bank.py, account adds journal_id) appends " (trusted)" or
  // " (untrusted)" (allow_out_payment) under context display_account_trust.
  'res.partner.bank': (env, m, a) => {
    const bankName = sql`(SELECT COALESCE(b.name, 'False') FROM res_bank b WHERE b.id = ${sql.ref(`${a}.bank_id`)})`;
    const base = sql`COALESCE(${sql.ref(`${a}.acc_number`)}, 'False') || COALESCE(' - ' || ${bankName}, '')`;
    if (!env.context?.display_account_trust || !m.fields.has('journal_id')) return base;
    return sql`${base} || CASE WHEN ${sql.ref(`${a}.allow_out_payment`)} THEN ' (trusted)' ELSE ' (untrusted)' END`;
  },
  // account_incoterms.py: "[<code>] <name>".
  'account.incoterms': (env, m, a) => {
    const name = fieldSql(env, m.fields.get('name')!, a);
    return sql`CASE WHEN COALESCE(${sql.ref(`${a}.code`)}, '') <> '' THEN '[' || ${sql.ref(`${a}.code`)} || '] ' ELSE '' END || ${name}`;
  },
  // analytic_account.py: "[<code>] <name> - <commercial partner name>".
  'account.analytic.account': (env, m, a) => {
    const name = fieldSql(env, m.fields.get('name')!, a);
    const partner = sql`(SELECT cp.name FROM res_partner p JOIN res_partner cp ON cp.id = p.commercial_partner_id WHERE p.id = ${sql.ref(`${a}.partner_id`)})`;
    return sql`CASE WHEN COALESCE(${sql.ref(`${a}.code`)}, '') <> '' THEN '[' || ${sql.ref(`${a}.code`)} || '] ' ELSE '' END || ${name}
      || CASE WHEN COALESCE(${partner}, '') <> '' THEN ' - ' || ${partner} ELSE '' END`;
  },
  // product_attribute_value.py (context show_attribute, True by default): "<attribute>: <value>".
  'product.attribute.value': (env, m, a) => {
    const attribute = env.registry.model('product.attribute');
    const name = fieldSql(env, m.fields.get('name')!, a);
    if (!attribute?.fields.get('name')) return name;
    return sql`(SELECT ${fieldSql(env, attribute.fields.get('name')!, 'pa')} FROM product_attribute pa WHERE pa.id = ${sql.ref(`${a}.attribute_id`)}) || ': ' || ${name}`;
  },
  // product_template_attribute_value.py `_compute_display_name`: "<attribute>: <value>" (no context switch, unlike product.attribute.value).
  'product.template.attribute.value': (env, _m, a) => {
    const attribute = env.registry.model('product.attribute')?.fields.get('name');
    const value = env.registry.model('product.attribute.value')?.fields.get('name');
    const attributeName = attribute ? sql`(SELECT ${fieldSql(env, attribute, 'pa')} FROM product_attribute pa WHERE pa.id = ${sql.ref(`${a}.attribute_id`)})` : sql`NULL`;
    const valueName = value ? sql`(SELECT ${fieldSql(env, value, 'pav')} FROM product_attribute_value pav WHERE pav.id = ${sql.ref(`${a}.product_attribute_value_id`)})` : sql`NULL`;
    return sql`COALESCE(${attributeName}, 'False') || ': ' || COALESCE(${valueName}, 'False')`;
  },
  // account_move_line.py `_compute_display_name`: the move's name, "(<ref>)", and the label or else
  // the product's display name, the empty ones left out, joined with spaces.
  'account.move.line': (env, m, a) => {
    const label = fieldSql(env, m.fields.get('name')!, a);
    const product = productDisplaySql(env, sql.ref(`${a}.product_id`));
    const parts = [
      sql`NULLIF((SELECT mv.name FROM account_move mv WHERE mv.id = ${sql.ref(`${a}.move_id`)}), '')`,
      sql`'(' || NULLIF(${sql.ref(`${a}.ref`)}, '') || ')'`,
      sql`COALESCE(NULLIF(${label}, ''), NULLIF(${product}, ''))`,
    ];
    return sql`NULLIF(concat_ws(' ', ${sql.join(parts)}), '')`;
  },
  // account_payment_method.py (unless context hide_payment_journal_id): "<name> (<journal>)".
  'account.payment.method.line': (env, m, a) => {
    const journal = env.registry.model('account.journal');
    const name = fieldSql(env, m.fields.get('name')!, a);
    if (!journal?.fields.get('name')) return name;
    return sql`${name} || ' (' || (SELECT ${fieldSql(env, journal.fields.get('name')!, 'j')} FROM account_journal j WHERE j.id = ${sql.ref(`${a}.journal_id`)}) || ')'`;
  },
  // base ir_model.py IrModelFields (unless context hide_model): "<field_description> (<model's name>)".
  'ir.model.fields': (env, m, a) => {
    const irModel = env.registry.model('ir.model');
    const label = fieldSql(env, m.fields.get('field_description')!, a);
    const modelName = irModel?.fields.get('name') ? sql`(SELECT ${fieldSql(env, irModel.fields.get('name')!, 'im')} FROM ir_model im WHERE im.model = ${sql.ref(`${a}.model`)})` : sql`NULL`;
    return sql`COALESCE(${label}, 'False') || ' (' || COALESCE(${modelName}, '') || ')'`;
  },
  // base res_device.py: "<Platform> <Browser>", each `or _("Unknown")` then str.capitalize().
  'res.device.log': (_env, _m, a) => deviceName(a),
  'res.device': (_env, _m, a) => deviceName(a),
  // mail discuss_channel_member.py: "“<partner or guest name>” in “<channel>”".
  'discuss.channel.member': (env, _m, a) => {
    const partner = sql`(SELECT NULLIF(p.name, '') FROM res_partner p WHERE p.id = ${sql.ref(`${a}.partner_id`)})`;
    const guest = sql`(SELECT NULLIF(g.name, '') FROM mail_guest g WHERE g.id = ${sql.ref(`${a}.guest_id`)})`;
    const channelModel = env.registry.model('discuss.channel');
    const channel = channelModel?.fields.get('name')
      ? sql`(SELECT ${fieldSql(env, channelModel.fields.get('name')!, 'dc')} FROM discuss_channel dc WHERE dc.id = ${sql.ref(`${a}.channel_id`)})`
      : sql`NULL`;
    return sql`'“' || COALESCE(${partner}, ${guest}, 'False') || '” in “' || COALESCE(${channel}, 'False') || '”'`;
  },
  // base ir_ui_menu.py `_get_full_name(level=6)`: the parents' names joined with "/", "..." past six levels.
  'ir.ui.menu': (env, m, a) => menuFullName(env, m, a),
  // account account_tax.py `_compute_display_name`: the name, then " (<country code>)" when the
  // tax's country is not the fiscal country of the first of its company's branches the env's
  // companies hold (`_accessible_branches()[:1]`: the company itself, else its nearest branches in
  // the company order). The `append_type_to_tax_name` and product-form variants are not reproduced.
  'account.tax': (env, m, a) => {
    const allowed = env.context?.allowed_company_ids;
    const companies = Array.isArray(allowed) && allowed.every((id) => Number.isInteger(id)) ? (allowed as number[]) : env.companyId ? [env.companyId] : null;
    const company = sql.ref(`${a}.company_id`);
    const accessible = companies ? sql`AND b.id = ANY(${companies}::int4[])` : sql`AND b.id = ${company}`;
    const fiscalCountry = sql`(SELECT b.account_fiscal_country_id FROM res_company b JOIN res_company t ON t.id = ${company}
        WHERE (b.id = t.id OR b.parent_path LIKE t.parent_path || '%') ${accessible}
        ORDER BY length(b.parent_path) - length(replace(b.parent_path, '/', '')), b.sequence, b.name LIMIT 1)`;
    return sql`${fieldSql(env, m.fields.get('name')!, a)} || CASE WHEN ${sql.ref(`${a}.country_id`)} IS DISTINCT FROM ${fiscalCountry}
      THEN ' (' || COALESCE((SELECT c.code FROM res_country c WHERE c.id = ${sql.ref(`${a}.country_id`)}), 'False') || ')' ELSE '' END`;
  },
};

/**
 * product.product's display name as one SQL expression (productNames below, for a record
 * named from another model's rule): `[code] template name (multi-value variant attribute values)`.
 */
export function productDisplaySql(env: SearchEnv, productId: Sql): Sql {
  const template = env.registry.model('product.template');
  const ptav = env.registry.model('product.template.attribute.value');
  const valueModel = env.registry.model('product.attribute.value');
  if (!template || !ptav?.table || !valueModel) return sql`NULL`;
  const joins: Sql[] = [];
  const order = orderToSql(env, ptav, 'dv', ptav.order, joins);
  const variants = sql`(SELECT string_agg(${fieldSql(env, valueModel.fields.get('name')!, 'dpav')}, ', ' ORDER BY ${sql.join(order)})
      FROM product_variant_combination drel
      JOIN product_template_attribute_value dv ON dv.id = drel.product_template_attribute_value_id
      JOIN product_attribute_value dpav ON dpav.id = dv.product_attribute_value_id
      JOIN product_attribute dpa ON dpa.id = dv.attribute_id
      ${sql.join(joins, sql` `)}
     WHERE drel.product_product_id = dp.id AND dpa.create_variant <> 'no_variant'
       AND (SELECT count(*) FROM product_attribute_value_product_template_attribute_line_rel dr
             WHERE dr.product_template_attribute_line_id = dv.attribute_line_id) > 1)`;
  const name = sql`COALESCE(${fieldSql(env, template.fields.get('name')!, 'dt')}, '') || COALESCE(' (' || ${variants} || ')', '')`;
  return sql`(SELECT ${defaultCode(sql.ref('dp.default_code'), name)} FROM product_product dp JOIN product_template dt ON dt.id = dp.product_tmpl_id WHERE dp.id = ${productId})`;
}

function deviceName(a: string): Sql {
  const capitalized = (column: string) => {
    const value = sql`COALESCE(NULLIF(${sql.ref(`${a}.${column}`)}, ''), 'Unknown')`;
    return sql`upper(left(${value}, 1)) || lower(substr(${value}, 2))`;
  };
  return sql`${capitalized('platform')} || ' ' || ${capitalized('browser')}`;
}

const MOVE_DRAFT_LABELS: Record<string, string> = {
  out_invoice: 'Draft Invoice',
  out_refund: 'Draft Credit Note',
  in_invoice: 'Draft Bill',
  in_refund: 'Draft Vendor Credit Note',
  out_receipt: 'Draft Sales Receipt',
  in_receipt: 'Draft Purchase Receipt',
  entry: 'Draft Entry',
};

function moveDraftLabel(moveType: Sql): Sql {
  const cases = Object.entries(MOVE_DRAFT_LABELS).map(([type, label]) => sql`WHEN ${sql.lit(type)} THEN ${sql.lit(label)}`);
  return sql`(CASE ${moveType} ${sql.join(cases, sql` `)} END)`;
}

function defaultCode(code: Sql, name: Sql): Sql {
  return sql`CASE WHEN COALESCE(${code}, '') <> '' THEN '[' || ${code} || '] ' || ${name} ELSE ${name} END`;
}

/**
 * `display_name` for any model, computed as superuser (Odoo reads many2one names with sudo), by SQL.
 *
 * | model                  | rule (Odoo 18 `_compute_display_name`)                          |
 * |------------------------|------------------------------------------------------------------|
 * | default                | value of `_rec_name` (many2one rec names: that record's name; selections: the key) |
 * | no `_rec_name`         | `"<model>,<id>"`                                                 |
 * | res.partner            | stored `complete_name` ("Company, Contact"), else `name`         |
 * | res.partner.category   | parent chain joined with " / "                                   |
 * | product.template       | `[default_code] name`                                            |
 * | product.product        | `[default_code] name (values of multi-value variant attributes)` |
 * | res.country.state      | `name (country code)`                                            |
 * | res.groups             | `category / name`                                                |
 * | account.account        | `code name` (the root company's code)                            |
 * | account.move           | `Draft <type> name (ref)` (the draft label only while draft)     |
 * | res.bank               | `name - bic`                                                     |
 * | account.incoterms      | `[code] name`                                                    |
 * | account.analytic.account | `[code] name - commercial partner`                             |
 * | product.attribute.value | `attribute: value`                                              |
 * | product.template.attribute.value | `attribute: value`                                     |
 * | account.move.line      | `move name (ref) label-or-product`                               |
 * | account.payment.method.line | `name (journal)`                                            |
 * | ir.model.fields        | `field_description (model name)`                                 |
 * | res.device(.log)       | `Platform Browser` (capitalized, "Unknown" when empty)           |
 * | discuss.channel.member | `“partner or guest name” in “channel”`                           |
 * | ir.ui.menu             | parents' names joined with "/" (six levels, then "...")          |
 * | ir.model.data          | the named record's display name, else `module.name` (read-records.ts) |
 *
 * Context-dependent variants (partner `show_address`, supplier product names, …) are not
 * reproduced. One query per model and batch of ids. Models whose `_rec_name` is a relation or
 * an inherited field answer null here: the record reader (read-records.ts `displayNames`)
 * reads that field.
 */
export async function displayNamesFromSql(env: ReadEnv, model: ModelInfo, ids: readonly number[]): Promise<Map<number, string | false> | null> {
  const result = new Map<number, string | false>();
  const unique = [...new Set(ids)].filter((id) => Number.isInteger(id));
  if (!unique.length || !model.table) return result;
  const alias = nextAlias(env.search, model);
  const expr = displayNameSql(env.search, model, alias);
  if (expr) {
    const rows = await run<{ id: number; dn: unknown }>(
      env.db,
      sql`SELECT ${sql.ref(`${alias}.id`)} AS id, ${expr} AS dn FROM ${sql.table(model.table)} AS ${sql.table(alias)} WHERE ${sql.ref(`${alias}.id`)} = ANY(${unique}::int4[])`,
    );
    for (const row of rows) result.set(row.id, row.dn === '' ? emptyDisplayName(model) : displayText(row.dn));
    return result;
  }
  if (model.name === 'res.partner.category' || (model.parentName && model.name.endsWith('.category') && !model.fields.get('complete_name')?.column)) {
    return parentChainNames(env, model, unique);
  }
  if (model.name === 'product.product') return productNames(env, model, unique);
  return null;
}

/**
 * Whether the model's display name is BaseModel's `_compute_display_name` (the `_rec_name`
 * value through the field's `convert_to_display_name`), not an override listed above.
 */
export function usesBaseDisplayName(model: ModelInfo): boolean {
  if (SQL_RULES[model.name] || model.name === 'res.partner.category' || model.name === 'product.product') return false;
  return !(model.parentName && model.name.endsWith('.category') && !model.fields.get('complete_name')?.column);
}

/** The SQL expression of the display name when it is a plain column of the model, else null. */
export function displayNameSql(env: SearchEnv, model: ModelInfo, alias: string): Sql | null {
  const rule = SQL_RULES[model.name];
  if (rule) return rule(env, model, alias);
  if (model.name === 'res.partner.category' || model.name === 'product.product') return null;
  if (!model.recName) return sql`${model.name + ','} || ${sql.ref(`${alias}.id`)}::text`;
  const field = model.fields.get(model.recName);
  if (field?.column && field.type !== 'many2one') {
    const expr = fieldSql(env, field, alias);
    if (field.type === 'datetime') return datetimeDisplaySql(env, expr);
    return field.type === 'char' || field.type === 'text' || field.type === 'selection' || field.translate ? expr : sql`${expr}::text`;
  }
  return null;
}

/**
 * The display name of a record whose name is empty: False through BaseModel's compute
 * (`convert_to_display_name`: `str(value) if value else False`), '' for res.partner, whose
 * `_get_complete_name` returns a string.
 */
export function emptyDisplayName(model: ModelInfo): '' | false {
  return model.name === 'res.partner' ? '' : false;
}

function displayText(value: unknown): string | false {
  if (value === null || value === undefined || value === false || value === '') return false;
  return String(value);
}

async function parentChainNames(env: ReadEnv, model: ModelInfo, ids: number[]): Promise<Map<number, string | false>> {
  const nameExpr = fieldSql(env.search, model.fields.get(model.recName ?? 'name')!, 'c');
  const parent = model.parentName ?? 'parent_id';
  const rows = await run<{ id: number; dn: string | null }>(
    env.db,
    sql`WITH RECURSIVE chain(start, id, parent, depth, label) AS (
          SELECT c.id, c.id, ${sql.ref(`c.${parent}`)}, 0, ${nameExpr} FROM ${sql.table(model.table!)} c WHERE c.id = ANY(${ids}::int4[])
          UNION ALL
          SELECT chain.start, c.id, ${sql.ref(`c.${parent}`)}, chain.depth + 1, ${nameExpr}
            FROM ${sql.table(model.table!)} c JOIN chain ON c.id = chain.parent WHERE chain.depth < 50)
        SELECT start AS id, string_agg(COALESCE(label, ''), ' / ' ORDER BY depth DESC) AS dn FROM chain GROUP BY start`,
  );
  // ' / '.join(names) of `current.name or ""`: always a string, '' for a root named '' (not False).
  return new Map(rows.map((r) => [r.id, r.dn ?? '']));
}

/** product.product: `[code] template name (multi-value variant attribute values, in ptav order)`. */
async function productNames(env: ReadEnv, model: ModelInfo, ids: number[]): Promise<Map<number, string | false>> {
  const ptav = env.search.registry.model('product.template.attribute.value');
  const template = env.search.registry.model('product.template')!;
  const tmplName = fieldSql(env.search, template.fields.get('name')!, 't');
  const rows = await run<{ id: number; code: string | null; name: string | null }>(
    env.db,
    sql`SELECT p.id, p.default_code AS code, ${tmplName} AS name FROM product_product p JOIN product_template t ON t.id = p.product_tmpl_id WHERE p.id = ANY(${ids}::int4[])`,
  );
  const variants = new Map<number, string[]>();
  if (ptav?.table) {
    const joins: Sql[] = [];
    const order = orderToSql(env.search, ptav, 'v', ptav.order, joins);
    const valueModel = env.search.registry.model('product.attribute.value')!;
    const valueName = fieldSql(env.search, valueModel.fields.get('name')!, 'pav');
    const lines = await run<{ pid: number; label: string }>(
      env.db,
      sql`SELECT rel.product_product_id AS pid, ${valueName} AS label
            FROM product_variant_combination rel
            JOIN product_template_attribute_value v ON v.id = rel.product_template_attribute_value_id
            JOIN product_attribute_value pav ON pav.id = v.product_attribute_value_id
            JOIN product_attribute pa ON pa.id = v.attribute_id
            ${sql.join(joins, sql` `)}
           WHERE rel.product_product_id = ANY(${ids}::int4[])
             AND pa.create_variant <> 'no_variant'
             AND (SELECT count(*) FROM product_attribute_value_product_template_attribute_line_rel r
                   WHERE r.product_template_attribute_line_id = v.attribute_line_id) > 1
           ORDER BY ${sql.join(order)}`,
    );
    for (const line of lines) {
      let list = variants.get(line.pid);
      if (!list) variants.set(line.pid, (list = []));
      list.push(line.label);
    }
  }
  const result = new Map<number, string | false>();
  for (const row of rows) {
    const variant = variants.get(row.id)?.join(', ');
    const name = variant ? `${row.name ?? ''} (${variant})` : row.name ?? '';
    result.set(row.id, displayText(row.code ? `[${row.code}] ${name}` : name));
  }
  return result;
}
