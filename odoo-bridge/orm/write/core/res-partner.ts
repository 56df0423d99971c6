import { validationError } from '../../../errors.ts';
import type { CallContext } from '../../call-context.ts';
import { translated } from '../../registry/types.ts';
import type { MethodSpec } from '../../methods/method.ts';
import type { ModelBehaviour, ProtectedFields } from '../behaviour-registry.ts';
import { createRecords } from '../record-writes.ts';
import { inTransaction } from '../transaction.ts';
import { BehaviourRegistry } from '../behaviour-registry.ts';
import { refuseCycle } from '../constraint-cycles.ts';
import { CANNOT_ARCHIVE, refuseContactsOfActiveUsers } from './ondelete-guards.ts';

/**
 * res.partner's Python behaviour (odoo/addons/base/models/res_partner.py, 18.0) that plain
 * data writes depend on: the stored computes (complete_name, commercial partner, partner_share),
 * the website's scheme, the recursion constraint, the " (copy)" name and name_create's
 * "Name <email>" parsing. email_normalized and phone_sanitized are their mixins' computes
 * (mixin-computes.ts); literal defaults come from the sources (registry/python-field-facts.ts).
 */
async function recomputePartners(ctx: CallContext, ids: number[], protect?: ProtectedFields, what: 'all' | 'names' = 'all'): Promise<void> {
  // A commercial partner written directly moves the children's too (parent_id.commercial_partner_id).
  const scope = what === 'names' && ids.some((id) => protect?.get(id)?.has('commercial_partner_id')) ? 'all' : what;
  // Commercial partner and complete name cascade to children: recompute the whole subtrees, parents
  // first. The names also follow the commercial partner's name (commercial_partner_id.name), so a
  // rename reaches the partners whose commercial partner it is, wherever they are.
  const tree = await ctx.db.query<{ id: number }>(
    `WITH RECURSIVE t(id, depth) AS (
       SELECT id, 0 FROM res_partner WHERE id = ANY($1::int4[]) OR ($2 AND commercial_partner_id = ANY($1::int4[]))
       UNION SELECT c.id, t.depth + 1 FROM res_partner c JOIN t ON c.parent_id = t.id WHERE t.depth < 50
     ) SELECT id FROM t GROUP BY id ORDER BY max(depth), id`,
    [ids, scope === 'names'],
  );
  const typeLabels = new Map((ctx.registry.model('res.partner')?.fields.get('type')?.selection ?? []).map(([value, label]) => [value, translated(label, 'en_US')]));
  for (const { id } of tree.rows) {
    // A value the write gave this record itself stays (env.protecting); its dependants follow it.
    const kept = protect?.get(id) ?? new Set<string>();
    // _compute_commercial_partner, then _compute_commercial_company_name (`p.is_company and p.name or partner.company_name`).
    if (scope === 'all') await ctx.db.query(
      `UPDATE res_partner p SET
         commercial_partner_id = CASE WHEN $2 THEN p.commercial_partner_id WHEN p.is_company OR p.parent_id IS NULL THEN p.id
                                      ELSE COALESCE((SELECT q.commercial_partner_id FROM res_partner q WHERE q.id = p.parent_id), p.parent_id) END,
         partner_share = CASE WHEN $3 THEN p.partner_share ELSE NOT EXISTS (SELECT 1 FROM res_users u WHERE u.partner_id = p.id AND NOT COALESCE(u.share, false)) END
       WHERE p.id = $1`,
      [id, kept.has('commercial_partner_id'), kept.has('partner_share')],
    );
    if (!kept.has('commercial_company_name')) {
      await ctx.db.query(
        `UPDATE res_partner p SET commercial_company_name = CASE WHEN c.is_company AND COALESCE(c.name, '') <> '' THEN c.name ELSE NULLIF(p.company_name, '') END
           FROM res_partner c WHERE c.id = p.commercial_partner_id AND p.id = $1`,
        [id],
      );
    }
    const row = (
      await ctx.db.query<{ name: string | null; company_name: string | null; parent_id: number | null; type: string | null; is_company: boolean | null; ccn: string | null; parent_name: string | null }>(
        `SELECT p.name, p.company_name, p.parent_id, p.type, p.is_company, p.commercial_company_name AS ccn, q.name AS parent_name
           FROM res_partner p LEFT JOIN res_partner q ON q.id = p.parent_id WHERE p.id = $1`,
        [id],
      )
    ).rows[0]!;
    if (!kept.has('complete_name')) await ctx.db.query(`UPDATE res_partner SET complete_name = $2 WHERE id = $1`, [id, completeName(row, typeLabels) || null]);
  }
}

/**
 * res.partner `_get_complete_name` (with_context({}): English type labels): a contact under a
 * company is "Company, Name"; a nameless invoice/delivery/other address shows its type.
 */
function completeName(
  p: { name: string | null; company_name: string | null; parent_id: number | null; type: string | null; is_company: boolean | null; ccn: string | null; parent_name: string | null },
  typeLabels: ReadonlyMap<string, string>,
): string {
  let name = p.name ?? '';
  if (p.company_name || p.parent_id) {
    if (!name && p.type && ['invoice', 'delivery', 'other'].includes(p.type)) name = typeLabels.get(p.type) ?? p.type;
    if (!p.is_company) name = `${p.ccn || p.parent_name || 'False'}, ${name}`;
  }
  return name.trim();
}

/**
 * res.partner `_clean_website` (create and write): a website without a scheme gets `http://`.
 * werkzeug's url_parse takes `host:8069` as a host and port, not as a scheme.
 */
export function cleanWebsite(website: string): string {
  const colon = website.indexOf(':');
  const rest = website.slice(colon + 1);
  const hasScheme = colon > 0 && /^[a-zA-Z0-9+\-.]+$/.test(website.slice(0, colon)) && (!rest || /[^0-9]/.test(rest));
  if (hasScheme) return website;
  return website.startsWith('//') ? `http:${website}` : `http://${website}`;
}

function cleanWebsiteIn(vals: Record<string, unknown>): void {
  if (typeof vals.website === 'string' && vals.website) vals.website = cleanWebsite(vals.website);
}

/**
 * Partner.write, after `super().write`: a partner of another active internal user may be written
 * only by who may write users (`self.env['res.users'].check_access('write')`), so that no one
 * renames an administrator's contact or redirects its email without the users' write right.
 * The superuser (`sudo()` writes, a user's own self-writable fields) is not checked.
 */
async function refuseWritingOtherInternalUsersPartners(ctx: CallContext, ids: number[]): Promise<void> {
  const users = ctx.registry.model('res.users');
  if (!users || !ids.length || ctx.access.superuser || ctx.access.hasModel(users, 'write')) return;
  const { rowCount } = await ctx.db.query(
    `SELECT 1 FROM res_users u
       JOIN res_groups_users_rel r ON r.uid = u.id
       JOIN ir_model_data d ON d.model = 'res.groups' AND d.res_id = r.gid AND d.module = 'base' AND d.name = 'group_user'
      WHERE u.partner_id = ANY($1::int4[]) AND u.active AND u.id <> $2
      LIMIT 1`,
    [ids, ctx.uid],
  );
  if (rowCount) ctx.access.checkModel(users, 'write');
}

const resPartner: ModelBehaviour = {
  beforeCreate(_ctx, valsList) {
    valsList.forEach(cleanWebsiteIn);
  },
  async beforeWrite(ctx, ids, vals) {
    if (vals.active === false) await refuseContactsOfActiveUsers(ctx, ids, CANNOT_ARCHIVE);
    cleanWebsiteIn(vals);
  },
  afterWrite: refuseWritingOtherInternalUsersPartners,
  defaults(ctx) {
    const partner = ctx.registry.model('res.partner');
    // `lang = fields.Selection(_lang_get, default=lambda self: self.env.lang)`; the literal defaults come from the sources.
    return partner ? { lang: ctx.lang } : {};
  },
  compute: {
    // What a name, type or company name changes: the names only; the commercial partner (and
    // partner_share) only follow is_company, parent_id and users (KNOWN_DEPENDS, python-computes.ts).
    complete_name: (ctx, ids, protect) => recomputePartners(ctx, ids, protect, 'names'),
    commercial_partner_id: recomputePartners,
    commercial_company_name: (ctx, ids, protect) => recomputePartners(ctx, ids, protect, 'names'),
    partner_share: recomputePartners,
    invoice_ids: async () => undefined,
    contract_ids: async () => undefined,
  },
  // base's res.partner constraints (odoo/addons/base/models/res_partner.py).
  checks: {
    _check_parent_id: { flushed: (ctx, ids) => refuseCycle(ctx, 'res_partner', 'parent_id', ids, 'You cannot create recursive Partner hierarchies.') },
    _check_partner_company: { flushed: checkPartnerCompany },
    _check_barcode_unicity: {
      async flushed(ctx, ids) {
        // `search_count([('barcode', '=', barcode)]) > 1`, as the caller (active partners). barcode is
        // company_dependent (jsonb by company id): each partner's value for the user's company.
        const company = String(ctx.access.companyId ?? '');
        const dup = await ctx.db.query(
          `SELECT 1 FROM res_partner p WHERE p.id = ANY($1::int4[]) AND COALESCE(p.barcode->>$2, '') <> ''
              AND (SELECT count(*) FROM res_partner o WHERE o.barcode->>$2 = p.barcode->>$2 AND o.active) > 1 LIMIT 1`,
          [ids, company],
        );
        if (dup.rowCount) throw validationError('Another partner already has this barcode');
      },
    },
  },
  // Partner.copy_data: a truthy `default['name']` is kept, else the record's name + " (copy)".
  async copyData(ctx, id, vals, defaults) {
    if (defaults.name) return;
    const row = await ctx.db.query<{ name: string | null }>('SELECT name FROM res_partner WHERE id = $1', [id]);
    vals.name = `${pythonStr(row.rows[0]?.name)} (copy)`;
  },
};

/** res.partner.name_create: "Name <email>" splits into name and email (tools.parse_contact_from_email). */
function partnerNameCreate(behaviours: BehaviourRegistry): MethodSpec {
  return {
    api: 'model',
    signature: { qualname: 'ResPartner.name_create', params: [{ name: 'name' }] },
    async run(ctx, model, a) {
      const raw = String(a.name ?? '');
      const m = /^(.*?)\s*<([^<>\s]+@[^<>\s]+)>\s*$/.exec(raw);
      const bare = /^\s*([^\s@<>]+@[^\s@<>]+)\s*$/.exec(raw);
      const name = m ? m[1]!.trim().replace(/^"|"$/g, '') || m[2]! : raw.trim();
      const email = m ? m[2]! : bare ? bare[1]! : false;
      return inTransaction(ctx, async (tx) => {
        const vals: Record<string, unknown> = { name };
        if (email) vals.email = email;
        const [id] = await createRecords({ ctx: tx, behaviours }, model, [vals]);
        const row = await tx.db.query<{ complete_name: string }>(`SELECT complete_name FROM res_partner WHERE id = $1`, [id]);
        return [id, row.rows[0]?.complete_name ?? name];
      });
    },
  };
}

export function registerResPartner(behaviours: BehaviourRegistry): void {
  behaviours.register('res.partner', { ...resPartner, methods: { name_create: partnerNameCreate(behaviours) } });
}

/** Python's `'%s' % value` of a nullable text column (None reads as False in the ORM). */
function pythonStr(value: string | null | undefined): string {
  return value ?? 'False';
}

/**
 * `_check_partner_company`: a company partner whose res.company exists carries that company in
 * `company_id` (only partners with is_company and a company are looked at).
 */
async function checkPartnerCompany(ctx: CallContext, ids: number[]): Promise<void> {
  const bad = await ctx.db.query(
    `SELECT 1 FROM res_partner p JOIN res_company c ON c.partner_id = p.id
      WHERE p.id = ANY($1::int4[]) AND p.is_company AND p.company_id IS NOT NULL AND p.company_id <> c.id LIMIT 1`,
    [ids],
  );
  if (bad.rowCount) throw validationError('The company assigned to this partner does not match the company this partner represents.');
}
