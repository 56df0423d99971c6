import type { CallContext } from '../../call-context.ts';
import { ident } from '../write-env.ts';

/**
 * Partner, user and team lookups the sales order computes make (odoo/addons/base/models/res_partner.py
 * `address_get`, a company-dependent field read `with_company`, `res.users.has_group`,
 * addons/sales_team/models/crm_team.py `_get_default_team_id`).
 */

interface PartnerNode {
  id: number;
  type: string | null;
  is_company: boolean | null;
  parent_id: number | null;
}

/**
 * `address_get([kind])[kind]`: a depth-first walk of the partner's descendants (active children
 * in `complete_name, id desc` order, not entering other companies) then up its ancestors while
 * they are not commercial entities; the first partner of that type, else the first 'contact',
 * else the partner itself.
 */
export async function addressOf(ctx: CallContext, partnerId: number, kind: string): Promise<number> {
  const wanted = new Set([kind, 'contact']);
  const found = new Map<string, number>();
  const visited = new Set<number>();
  const node = async (id: number) => (await ctx.db.query<PartnerNode>(`SELECT id, type, is_company, parent_id FROM res_partner WHERE id = $1`, [id])).rows[0];
  const children = async (id: number) => (await ctx.db.query<PartnerNode>(
    `SELECT id, type, is_company, parent_id FROM res_partner WHERE parent_id = $1 AND active ORDER BY complete_name, id DESC`,
    [id],
  )).rows;
  let current = await node(partnerId);
  while (current) {
    let toScan: PartnerNode[] = [current];
    while (toScan.length) {
      const record = toScan.shift()!;
      visited.add(record.id);
      const type = record.type ?? '';
      if (wanted.has(type) && !found.has(type)) found.set(type, record.id);
      if (found.size === wanted.size) return found.get(kind)!;
      const next = (await children(record.id)).filter((c) => !visited.has(c.id) && !c.is_company);
      toScan = [...next, ...toScan];
    }
    if (current.is_company || !current.parent_id) break;
    current = await node(current.parent_id);
  }
  return found.get(kind) ?? found.get('contact') ?? partnerId;
}

/**
 * A company-dependent field of a record as `record.with_company(company)[field]` reads it: the
 * company's entry of the jsonb column, else the field's `ir.default` fallback for that company
 * (or for all companies). Many2one values are ids; a target that no longer exists reads False.
 */
export async function companyDependentValue(ctx: CallContext, model: string, field: string, id: number, companyId: number): Promise<unknown> {
  const info = ctx.registry.model(model);
  const column = info?.fields.get(field)?.column;
  if (!info?.table || !column) return null;
  const r = await ctx.db.query<{ value: unknown }>(
    `SELECT COALESCE(
        (SELECT ${ident(column)} -> $5 FROM ${ident(info.table)} WHERE id = $4),
        (SELECT d.json_value::jsonb FROM ir_default d JOIN ir_model_fields f ON f.id = d.field_id
          WHERE f.model = $1 AND f.name = $2 AND d.user_id IS NULL AND d.condition IS NULL AND (d.company_id = $3::int4 OR d.company_id IS NULL)
          ORDER BY d.company_id NULLS LAST LIMIT 1)) AS value`,
    [model, field, companyId, id, String(companyId)],
  );
  const value = r.rows[0]?.value ?? null;
  const relation = info.fields.get(field)?.relation;
  if (relation && typeof value === 'number') {
    const target = ctx.registry.model(relation);
    if (target?.table) {
      const exists = await ctx.db.query(`SELECT 1 FROM ${ident(target.table)} WHERE id = $1`, [value]);
      if (!exists.rowCount) return null;
    }
  }
  return value === false ? null : value;
}

/** `user.has_group(xmlid)`: Odoo 18 stores the implied groups in the user's groups too. */
export async function userHasGroup(ctx: CallContext, userId: number, xmlid: string): Promise<boolean> {
  const [module, name] = xmlid.split('.');
  const r = await ctx.db.query(
    `SELECT 1 FROM res_groups_users_rel r JOIN ir_model_data d ON d.model = 'res.groups' AND d.res_id = r.gid AND d.module = $2 AND d.name = $3
      WHERE r.uid = $1`,
    [userId, module, name],
  );
  return (r.rowCount ?? 0) > 0;
}

/** The companies a team may belong to for a document of `companyId`: none, the company or one of its parents (`_check_company_domain`). */
async function companyChain(ctx: CallContext, companyId: number): Promise<number[]> {
  const r = await ctx.db.query<{ parent_path: string | null }>(`SELECT parent_path FROM res_company WHERE id = $1`, [companyId]);
  const path = r.rows[0]?.parent_path;
  return path ? path.split('/').filter(Boolean).map(Number) : [companyId];
}

/**
 * `crm.team._get_default_team_id(user_id, domain=_check_company_domain(company))`: among the
 * active teams of the user's allowed companies (or none) that the user leads or is an active
 * member of, the context's default team when it is one of them, else the first (team order)
 * matching the document's company, else the first; failing that the context's default team,
 * then the first team of those companies matching the document's company, then the first.
 */
export async function defaultTeam(ctx: CallContext, userId: number | null, companyId: number, contextTeam: number | null): Promise<number | null> {
  const user = userId ?? ctx.uid;
  const companies = await ctx.db.query<{ cid: number }>(
    `SELECT cid FROM res_company_users_rel WHERE user_id = $1 AND cid = ANY($2::int4[])`,
    [user, await allowedCompanies(ctx)],
  );
  const valid = companies.rows.map((r) => r.cid);
  const chain = await companyChain(ctx, companyId);
  const order = `ORDER BY t.sequence, t.create_date DESC, t.id DESC`;
  const teams = (await ctx.db.query<{ id: number; company_id: number | null }>(
    `SELECT t.id, t.company_id FROM crm_team t
      WHERE t.active AND (t.company_id IS NULL OR t.company_id = ANY($2::int4[]))
        AND (t.user_id = $1 OR EXISTS (SELECT 1 FROM crm_team_member m WHERE m.crm_team_id = t.id AND m.user_id = $1 AND m.active)) ${order}`,
    [user, valid],
  )).rows;
  const matches = (t: { company_id: number | null }) => t.company_id === null || chain.includes(t.company_id);
  const filtered = teams.filter(matches);
  let team: number | null = null;
  if (teams.length) team = contextTeam && filtered.some((t) => t.id === contextTeam) ? contextTeam : filtered[0]?.id ?? null;
  if (!team) team = contextTeam && teams.some((t) => t.id === contextTeam) ? contextTeam : teams[0]?.id ?? null;
  if (!team && contextTeam) team = contextTeam;
  if (!team) {
    const all = (await ctx.db.query<{ id: number; company_id: number | null }>(
      `SELECT t.id, t.company_id FROM crm_team t WHERE t.active AND (t.company_id IS NULL OR t.company_id = ANY($1::int4[])) ${order}`,
      [valid],
    )).rows;
    team = all.find(matches)?.id ?? all[0]?.id ?? null;
  }
  return team;
}

/** `env.companies`: the context's allowed companies the user belongs to, else the user's current company. */
async function allowedCompanies(ctx: CallContext): Promise<number[]> {
  const requested = ctx.context.allowed_company_ids;
  if (Array.isArray(requested) && requested.length) return requested.filter((c): c is number => typeof c === 'number');
  return ctx.access.companyId ? [ctx.access.companyId] : [];
}

/** `fields.Date.context_today`: today in the context's timezone, else the user's, else UTC (YYYY-MM-DD). */
export async function contextToday(ctx: CallContext): Promise<string> {
  let tz = ctx.tz;
  if (!tz) {
    const r = await ctx.db.query<{ tz: string | null }>(`SELECT p.tz FROM res_users u JOIN res_partner p ON p.id = u.partner_id WHERE u.id = $1`, [ctx.uid]);
    tz = r.rows[0]?.tz ?? null;
  }
  try {
    return new Intl.DateTimeFormat('en-CA', { timeZone: tz ?? 'UTC', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
  } catch {
    return new Date().toISOString().slice(0, 10);
  }
}

/** A day count after a YYYY-MM-DD date. */
export function addDays(day: string, days: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}
