import { sql } from 'kysely';
import type { ComputedField } from './computed-field.ts';
import { tzOffset } from './tz-offset.ts';

/**
 * Computes of res.users, res.groups and res.partner that an all-fields read (odoorpc's browse,
 * the web client) asks for, each re-implemented from its Python (file named per entry). They read
 * with the compute's rights: res.users counts and settings are `compute_sudo` in Odoo (the
 * groups, access rows and rules of a user are not readable by the user), so are these.
 */
const column = (alias: string, name: string) => sql.ref(`${alias}.${name}`);

/** The user's groups (`groups_id`, the implied ones included: Odoo stores them in the relation). */
const userGroups = (a: string) => sql`(SELECT r.gid FROM res_groups_users_rel r WHERE r.uid = ${column(a, 'id')})`;

/**
 * base res_users.py GroupsImplied `_compute_trans_implied`: `implied_ids | implied_ids.trans_implied_ids`,
 * recordset unions keeping the first occurrence, each `implied_ids` in res.groups `_order` (name).
 */
export function transitiveImplied(group: number, implied: ReadonlyMap<number, readonly number[]>, memo = new Map<number, number[]>(), visiting = new Set<number>()): number[] {
  const known = memo.get(group);
  if (known) return known;
  if (visiting.has(group)) return [...(implied.get(group) ?? [])];
  visiting.add(group);
  const direct = implied.get(group) ?? [];
  const out: number[] = [];
  const seen = new Set<number>();
  const add = (id: number) => {
    if (!seen.has(id)) {
      seen.add(id);
      out.push(id);
    }
  };
  direct.forEach(add);
  for (const child of direct) transitiveImplied(child, implied, memo, visiting).forEach(add);
  visiting.delete(group);
  memo.set(group, out);
  return out;
}

/**
 * product res_partner.py `_compute_product_pricelist` = product.pricelist `_get_partner_pricelist_multi`
 * for env.company: the partner's own (company-dependent) `specific_property_product_pricelist` when
 * active; else the first pricelist (`_order` sequence, id) of the company or shared, active, whose
 * country groups hold the partner's country (none when it has no country); else the fallback: the
 * first such pricelist without country groups, the `res.partner.property_product_pricelist[_<company>]`
 * parameters, the first such pricelist at all.
 */
function partnerPricelist(a: string, company: number | null): ReturnType<typeof sql> {
  const p = (name: string) => column(a, name);
  const companyId = company ?? 0;
  const eligible = sql`pl.active AND (pl.company_id = ${companyId} OR pl.company_id IS NULL)`;
  const param = (key: string) => sql`(SELECT pl.id FROM product_pricelist pl JOIN ir_config_parameter c ON c.key = ${key}
      WHERE c.value ~ '^\s*[0-9]+\s*$' AND pl.id = trim(c.value)::int4)`;
  return sql`COALESCE(
    (SELECT pl.id FROM product_pricelist pl WHERE pl.active AND pl.id = (${p('specific_property_product_pricelist')}->>${String(companyId)})::int4),
    (SELECT pl.id FROM product_pricelist pl WHERE ${eligible} AND (CASE WHEN ${p('country_id')} IS NULL
        THEN NOT EXISTS (SELECT 1 FROM res_country_group_pricelist_rel r JOIN res_country_res_country_group_rel cg ON cg.res_country_group_id = r.res_country_group_id WHERE r.pricelist_id = pl.id)
        ELSE EXISTS (SELECT 1 FROM res_country_group_pricelist_rel r JOIN res_country_res_country_group_rel cg ON cg.res_country_group_id = r.res_country_group_id WHERE r.pricelist_id = pl.id AND cg.res_country_id = ${p('country_id')}) END)
      ORDER BY pl.sequence, pl.id LIMIT 1),
    (SELECT pl.id FROM product_pricelist pl WHERE ${eligible}
        AND NOT EXISTS (SELECT 1 FROM res_country_group_pricelist_rel r WHERE r.pricelist_id = pl.id) ORDER BY pl.sequence, pl.id LIMIT 1),
    ${param(`res.partner.property_product_pricelist_${companyId}`)},
    ${param('res.partner.property_product_pricelist')},
    (SELECT pl.id FROM product_pricelist pl WHERE ${eligible} ORDER BY pl.sequence, pl.id LIMIT 1))`;
}

/** res.company's root: the first id of `parent_path` (the company itself without one). */
const companyRoot = (a: string) => sql`COALESCE(NULLIF(split_part(${column(a, 'parent_path')}, '/', 1), '')::int4, ${column(a, 'id')})`;

/**
 * odoo/tools/mail.py `html2plaintext(html).strip()` is empty: no text once tags, comments and
 * whitespace (entities such as &nbsp; included) are gone.
 */
export function htmlIsBlank(html: string | null | undefined): boolean {
  if (!html) return true;
  const text = html
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<(script|style|head)\b[\s\S]*?<\/\1>/gi, '')
    .replace(/<[^>]*>/g, '')
    .replace(/&(nbsp|#160|#xa0);/gi, ' ');
  return text.trim() === '';
}

export const USER_COMPUTED_FIELDS: Record<string, ComputedField> = {
  // base res_company.py `_compute_parent_ids` (sudo, archived too): the companies of parent_path, root first.
  'res.company.parent_ids': {
    dependsOn: ['parent_path'],
    compute: (r) => (typeof r.parent_path === 'string' && r.parent_path ? r.parent_path.split('/').filter((id) => id).map(Number) : [r.id]),
  },
  'res.company.root_id': {
    dependsOn: [], readsTables: ['res_company'], many2one: 'res.company',
    select: (a) => companyRoot(a),
    compute: (r) => r.root_id ?? false,
  },
  // base res_company.py `_compute_color`: the root company's partner colour, else the root id % 12.
  'res.company.color': {
    dependsOn: [], readsTables: ['res_company', 'res_partner'],
    select: (a) => sql`COALESCE(NULLIF((SELECT p.color FROM res_company c JOIN res_partner p ON p.id = c.partner_id WHERE c.id = ${companyRoot(a)}), 0), ${companyRoot(a)} % 12)`,
    compute: (r) => Number(r.color ?? 0),
  },
  // base res_company.py `_compute_empty_company_details`: `not html2plaintext(company_details or '')`.
  'res.company.is_company_details_empty': {
    dependsOn: ['company_details'],
    compute: (r) => htmlIsBlank(r.company_details as string | null),
  },
  'res.partner.property_product_pricelist': {
    dependsOn: [], readsTables: ['product_pricelist', 'res_country_group_pricelist_rel', 'res_country_res_country_group_rel', 'ir_config_parameter'],
    many2one: 'product.pricelist',
    select: (a, scope) => partnerPricelist(a, scope.env.companyId),
    compute: (r) => r.property_product_pricelist ?? false,
  },
  // base res_users.py `_compute_companies_count`: `res.company.sudo().search_count([])` (active companies).
  'res.users.companies_count': {
    dependsOn: [], readsTables: ['res_company'],
    select: () => sql`(SELECT count(*)::int FROM res_company c WHERE c.active)`,
    compute: (r) => Number(r.companies_count ?? 0),
  },
  // base res_users.py `_compute_tz_offset`: now in the user's (partner's) timezone, GMT without one, as `%z`.
  'res.users.tz_offset': {
    dependsOn: [], readsTables: ['res_partner'],
    select: (a) => sql`(SELECT p.tz FROM res_partner p WHERE p.id = ${column(a, 'partner_id')})`,
    compute: (r) => tzOffset(typeof r.tz_offset === 'string' ? r.tz_offset : null),
  },
  // base res_users.py `_compute_accesses_count`: len(groups.model_access), len(groups.rule_groups), len(groups)
  // (one2many / many2many reads: active access rows and rules only, each counted once).
  'res.users.accesses_count': {
    dependsOn: [], readsTables: ['ir_model_access', 'res_groups_users_rel'],
    select: (a) => sql`(SELECT count(DISTINCT x.id)::int FROM ir_model_access x WHERE x.active AND x.group_id IN ${userGroups(a)})`,
    compute: (r) => Number(r.accesses_count ?? 0),
  },
  'res.users.rules_count': {
    dependsOn: [], readsTables: ['ir_rule', 'rule_group_rel', 'res_groups_users_rel'],
    select: (a) => sql`(SELECT count(DISTINCT x.id)::int FROM ir_rule x JOIN rule_group_rel g ON g.rule_group_id = x.id
      WHERE x.active AND g.group_id IN ${userGroups(a)})`,
    compute: (r) => Number(r.rules_count ?? 0),
  },
  'res.users.groups_count': {
    dependsOn: [], readsTables: ['res_groups_users_rel'],
    select: (a) => sql`(SELECT count(*)::int FROM res_groups_users_rel r WHERE r.uid = ${column(a, 'id')})`,
    compute: (r) => Number(r.groups_count ?? 0),
  },
  // base res_users.py `_compute_res_users_settings_id`: the first of res_users_settings_ids (res.users.settings `_order` id).
  'res.users.res_users_settings_id': {
    dependsOn: [], readsTables: ['res_users_settings'], many2one: 'res.users.settings',
    select: (a) => sql`(SELECT s.id FROM res_users_settings s WHERE s.user_id = ${column(a, 'id')} ORDER BY s.id LIMIT 1)`,
    compute: (r) => r.res_users_settings_id ?? false,
  },
  // auth_signup res_users.py `_compute_state`: 'active' once the user has logged in (login_date: the latest res.users.log).
  'res.users.state': {
    dependsOn: [], readsTables: ['res_users_log'],
    select: (a) => sql`EXISTS (SELECT 1 FROM res_users_log l WHERE l.create_uid = ${column(a, 'id')})`,
    compute: (r) => (r.state === true ? 'active' : 'new'),
  },
  // bus res_users.py `_compute_im_status`: the user's bus.presence status, else 'offline'.
  'res.users.im_status': {
    dependsOn: [], readsTables: ['bus_presence'],
    select: (a) => sql`(SELECT b.status FROM bus_presence b WHERE b.user_id = ${column(a, 'id')} ORDER BY b.id LIMIT 1)`,
    compute: (r) => r.im_status ?? 'offline',
  },
  // bus res_partner.py `_compute_im_status`: an 'online' presence of one of its active users wins, else
  // the first other status, else 'offline' for a partner with users and 'im_partner' without;
  // mail res_partner.py: OdooBot (base.partner_root) is 'bot'.
  'res.partner.im_status': {
    dependsOn: [], readsTables: ['res_users', 'bus_presence', 'ir_model_data'],
    select: (a) => sql`(SELECT CASE
        WHEN EXISTS (SELECT 1 FROM ir_model_data d WHERE d.module = 'base' AND d.name = 'partner_root' AND d.model = 'res.partner' AND d.res_id = ${column(a, 'id')}) THEN 'bot'
        WHEN EXISTS (SELECT 1 FROM res_users u JOIN bus_presence b ON b.user_id = u.id WHERE u.partner_id = ${column(a, 'id')} AND u.active AND b.status = 'online') THEN 'online'
        ELSE COALESCE(
          (SELECT b.status FROM res_users u JOIN bus_presence b ON b.user_id = u.id WHERE u.partner_id = ${column(a, 'id')} AND u.active AND b.status <> 'offline' ORDER BY b.id LIMIT 1),
          CASE WHEN EXISTS (SELECT 1 FROM res_users u WHERE u.partner_id = ${column(a, 'id')} AND u.active) THEN 'offline' ELSE 'im_partner' END)
      END)`,
    compute: (r) => r.im_status,
  },
  // base res_users.py GroupsImplied `_compute_trans_implied` (see transitiveImplied).
  'res.groups.trans_implied_ids': {
    dependsOn: [], readsTables: ['res_groups_implied_rel', 'res_groups'],
    select: (_a, scope) => {
      const lang = scope.env.lang;
      return sql`(SELECT COALESCE(json_agg(json_build_array(r.gid, r.hid) ORDER BY r.gid, COALESCE(g.name->>${lang}::text, g.name->>'en_US'), g.id), '[]'::json)
        FROM res_groups_implied_rel r JOIN res_groups g ON g.id = r.hid)`;
    },
    compute: (r) => {
      const edges = (typeof r.trans_implied_ids === 'string' ? JSON.parse(r.trans_implied_ids) : r.trans_implied_ids ?? []) as Array<[number, number]>;
      const implied = new Map<number, number[]>();
      for (const [gid, hid] of edges) {
        let list = implied.get(gid);
        if (!list) implied.set(gid, (list = []));
        list.push(hid);
      }
      return transitiveImplied(r.id as number, implied);
    },
  },
};
