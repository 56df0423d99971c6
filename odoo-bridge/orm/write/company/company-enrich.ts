import { randomUUID } from 'node:crypto';
import type { CallContext } from '../../call-context.ts';
import { createRecords } from '../record-writes.ts';
import type { WriteEnv } from '../write-env.ts';
import { userHasGroupNow } from './group-implication.ts';
import mailProviders from './iap-mail-providers.generated.json' with { type: 'json' };

/**
 * partner_autocomplete's `res.company.iap_enrich_auto` after create (partner_autocomplete/models/
 * res_company.py): for a system user, each company not yet enriched whose email (unless a mail
 * provider's) or website gives a domain asks IAP to enrich it. Ficus makes no IAP call; what Odoo
 * leaves behind when the service is unreachable is the `iap.account` of the partner_autocomplete
 * service that `iap.account.get` creates on the way (iap/models/iap_account.py: an account of the
 * service without company restriction or for one of the user's companies, else a new one named
 * after the service, with a fresh token), then `iap_enrich_auto_done` set on every company.
 * Odoo creates the account in a cursor of its own (kept if the create later fails); here it is
 * part of the call's transaction.
 */
// Imported, not read beside the file: a bundled child process (test/services/support/bundle.ts) has no file there.
const MAIL_PROVIDERS: ReadonlySet<string> = new Set((mailProviders as { providers: string[] }).providers);

/** tools.mail `email_domain_extract` / `url_domain_extract` as `_get_company_domain` combines them. */
export function companyDomain(email: string | null, website: string | null): string | false {
  const at = email ? email.trim().toLowerCase() : '';
  const match = /^[^@\s<>]+@([^@\s<>]+)$/.exec(at);
  const fromEmail = match ? match[1]! : false;
  if (fromEmail && !MAIL_PROVIDERS.has(fromEmail)) return fromEmail;
  if (!website) return false;
  let host: string;
  try {
    host = new URL(website).hostname;
  } catch {
    return false;
  }
  if (!host || !host.includes('.')) return false;
  const domain = host.split('.').slice(-2).join('.');
  return domain === 'localhost' || domain === 'example.com' ? false : domain;
}

export async function enrichCompaniesOffline(w: WriteEnv, companyIds: readonly number[]): Promise<void> {
  const ctx = w.ctx;
  const company = ctx.registry.model('res.company');
  if (!company?.fields.has('iap_enrich_auto_done')) return;
  if (await userHasGroupNow(ctx, ctx.uid, 'base.group_system')) {
    const rows = await ctx.db.query<{ id: number; email: string | null; website: string | null }>(
      `SELECT c.id, c.email, p.website FROM res_company c JOIN res_partner p ON p.id = c.partner_id
        WHERE c.id = ANY($1::int4[]) AND NOT coalesce(c.iap_enrich_auto_done, false) ORDER BY c.id`,
      [[...companyIds]],
    );
    for (const row of rows.rows) if (companyDomain(row.email, row.website)) await partnerAutocompleteAccount(w);
  }
  await ctx.db.query(`UPDATE res_company SET iap_enrich_auto_done = true WHERE id = ANY($1::int4[])`, [[...companyIds]]);
}

async function partnerAutocompleteAccount(w: WriteEnv): Promise<void> {
  const ctx = w.ctx;
  const account = ctx.registry.model('iap.account');
  if (!account) return;
  const service = await ctx.db.query<{ id: number; name: string | null }>(`SELECT id, name FROM iap_service WHERE technical_name = 'partner_autocomplete' ORDER BY id LIMIT 1`);
  if (!service.rows[0]) return;
  const companies = allowedCompanies(ctx);
  const existing = await ctx.db.query<{ id: number; account_token: string | null }>(
    `SELECT a.id, a.account_token FROM iap_account a
      WHERE a.service_id = $1
        AND (EXISTS (SELECT 1 FROM iap_account_res_company_rel r WHERE r.iap_account_id = a.id AND r.res_company_id = ANY($2::int4[]))
             OR NOT EXISTS (SELECT 1 FROM iap_account_res_company_rel r WHERE r.iap_account_id = a.id))
      ORDER BY a.id DESC`,
    [service.rows[0].id, companies],
  );
  const withoutToken = existing.rows.filter((a) => !a.account_token).map((a) => a.id);
  if (withoutToken.length) await ctx.db.query(`DELETE FROM iap_account WHERE id = ANY($1::int4[])`, [withoutToken]);
  if (existing.rows.some((a) => a.account_token)) return;
  // `account_token` default: uuid4().hex; a neutralized database disables new accounts.
  const neutralized = await ctx.db.query(`SELECT 1 FROM ir_config_parameter WHERE key = 'database.is_neutralized' AND value NOT IN ('', 'False', '0')`);
  const token = randomUUID().replace(/-/g, '') + (neutralized.rowCount ? '+disabled' : '');
  await createRecords(w, account, [{ service_id: service.rows[0].id, name: service.rows[0].name, account_token: token }], { checkAccess: false });
}

/** `env.companies`: the context's allowed companies, else the user's. */
function allowedCompanies(ctx: CallContext): number[] {
  const allowed = ctx.context.allowed_company_ids;
  if (Array.isArray(allowed) && allowed.length) return allowed.map(Number);
  const access = ctx.access as { user?: { companyIds?: readonly number[] } };
  return [...(access.user?.companyIds ?? (ctx.access.companyId != null ? [ctx.access.companyId] : []))];
}

/**
 * iap.account's `balance`, `state` (iap/models/iap_account.py) and sms's `sender_name` are plain
 * readonly fields without a compute or default, filled only by IAP's answers: a new account
 * stores NULL in them, which is what these leave.
 */
const leaveNull = async (): Promise<void> => undefined;
export const IAP_ACCOUNT_READONLY_FIELDS = { balance: leaveNull, state: leaveNull, sender_name: leaveNull };
