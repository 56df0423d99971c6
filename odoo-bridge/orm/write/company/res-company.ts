import { missingBehaviour, userError, validationError } from '../../../errors.ts';
import type { CallContext } from '../../call-context.ts';
import type { BehaviourRegistry, Vals } from '../behaviour-registry.ts';
import { createRecords, updateRecords } from '../record-writes.ts';
import type { WriteEnv } from '../write-env.ts';
import { moduleInstalled } from '../core/xmlid.ts';
import { collectDefaults } from '../defaults.ts';
import { attachDefaultLogo, logoKind, recomputeLogoFields } from './company-logo.ts';
import { createCompanyCalendars } from './company-calendar.ts';
import { enrichCompaniesOffline, IAP_ACCOUNT_READONLY_FIELDS } from './company-enrich.ts';
import { activateOrCreatePricelists } from './default-pricelists.ts';
import { registerCurrencyGroups } from './currency-groups.ts';
import { registerUsersMultiCompanyGroup } from './multi-company-group.ts';

/**
 * `res.company.create` as Odoo 18 runs it, with the overrides of the modules installed in the
 * served database (each looked up, not assumed):
 * - base (base/models/res_company.py): a company partner for vals with a name and no partner
 *   (created as the caller: name, is_company, email, phone, website, vat); branches take the root
 *   delegated fields from their parent (currency, and account's fiscal year end, storno and tax
 *   exigibility); the default `logo` (related to the partner's image_1920) is written to the
 *   partner; after the insert the caller and the superuser get the companies in `company_ids`
 *   (which puts them in base.group_multi_company), and the companies' archived currencies are
 *   activated (res.currency's multi-currency group toggle, currency-groups.ts).
 * - account: `batch_payment_sequence_id`'s default creates the "Batch Payment Number Sequence";
 *   a branch of a root with a chart template would load it at commit: refused.
 * - resource: a "Standard 40 hours/week" calendar per company without one (company-calendar.ts).
 * - product: the company's default pricelist (default-pricelists.ts).
 * - partner_autocomplete: `iap_enrich_auto` asks IAP to enrich the company when the caller is a
 *   system user; Ficus makes no IAP call and leaves what Odoo leaves when the service is
 *   unreachable (company-enrich.ts): the service's iap.account, `iap_enrich_auto_done`.
 * - a `country_id` makes base install the country's localisation modules (and account load its
 *   chart of accounts): refused, module installation is not something Ficus runs.
 */
const SUPERUSER_ID = 1;

/** `fields.Date.context_today`: today's date in the context's timezone (UTC without one). */
function todayIn(tz: string | null): string {
  try {
    return new Intl.DateTimeFormat('en-CA', { timeZone: tz ?? 'UTC', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
  } catch {
    return new Date().toISOString().slice(0, 10);
  }
}

/** Per-call state between the before and the after hooks, keyed by the vals object they share. */
const logoOf = new WeakMap<Vals, 'default' | 'none'>();
const partnerValsOf = new WeakMap<Vals, Vals>();
const colorOf = new WeakMap<Vals, unknown>();

/**
 * Company fields that are the company partner's (base/models/res_company.py): related fields
 * (`name`, `email`, `phone`, `mobile` stored on the company too) and the address computes whose
 * inverses write the partner.
 */
const PARTNER_FIELDS: ReadonlyArray<[string, string]> = [
  ['name', 'name'], ['email', 'email'], ['phone', 'phone'], ['mobile', 'mobile'], ['website', 'website'], ['vat', 'vat'],
  ['company_registry', 'company_registry'], ['street', 'street'], ['street2', 'street2'], ['zip', 'zip'], ['city', 'city'],
  ['state_id', 'state_id'], ['country_id', 'country_id'],
];
const STORED_ON_COMPANY: ReadonlySet<string> = new Set(['name', 'email', 'phone', 'mobile']);

async function rootDelegatedFields(ctx: CallContext): Promise<string[]> {
  const names = ['currency_id'];
  if (await moduleInstalled(ctx.db, 'account')) names.push('fiscalyear_last_day', 'fiscalyear_last_month', 'account_storno', 'tax_exigibility');
  const model = ctx.registry.model('res.company');
  return names.filter((n) => model?.fields.has(n));
}

export function registerResCompany(behaviours: BehaviourRegistry): void {
  const w = (ctx: CallContext): WriteEnv => ({ ctx, behaviours });

  behaviours.register('res.company', {
    // The callable defaults: base's `_default_currency_id` (the user's company's currency), mail's
    // `_default_alias_domain_id` (the first alias domain), account's `account_opening_date`
    // (1 January of today in the context's timezone).
    async defaults(ctx) {
      const model = ctx.registry.model('res.company')!;
      const vals: Vals = {};
      const currency = await ctx.db.query<{ currency_id: number }>(
        `SELECT c.currency_id FROM res_users u JOIN res_company c ON c.id = u.company_id WHERE u.id = $1`,
        [ctx.uid],
      );
      if (currency.rows[0]) vals.currency_id = currency.rows[0].currency_id;
      if (model.fields.has('alias_domain_id')) {
        const alias = await ctx.db.query<{ id: number }>(`SELECT id FROM mail_alias_domain ORDER BY sequence, id LIMIT 1`);
        if (alias.rows[0]) vals.alias_domain_id = alias.rows[0].id;
      }
      if (model.fields.has('account_opening_date')) vals.account_opening_date = `${todayIn(ctx.tz).slice(0, 4)}-01-01`;
      return vals;
    },
    async beforeCreate(ctx, valsList) {
      const partnerModel = ctx.registry.model('res.partner')!;
      for (const vals of valsList) {
        if (vals.country_id) throw missingBehaviour('res.company', 'create with a country (installs the localisation modules and chart of accounts)');
        const kind = logoKind(vals.logo);
        delete vals.logo;
        logoOf.set(vals, kind);
        if (vals.name && !vals.partner_id) {
          const partnerVals: Vals = { name: vals.name, is_company: true };
          for (const f of ['email', 'phone', 'website', 'vat'] as const) if (vals[f]) partnerVals[f] = vals[f];
          delete vals.website;
          delete vals.vat;
          const [partner] = await createRecords(w(ctx), partnerModel, [partnerVals]);
          vals.partner_id = partner;
        }
        if (vals.parent_id) {
          const parentId = Number(vals.parent_id);
          // `vals.setdefault(fname, parent[fname])` runs before the defaults are added: the hooks see
          // vals with the defaults in, so a value equal to the default counts as not given.
          const defaults = await collectDefaults(w(ctx), ctx.registry.model('res.company')!);
          for (const field of await rootDelegatedFields(ctx)) {
            if (field in vals && !(field in defaults && sameValue(vals[field], defaults[field]))) continue;
            const r = await ctx.db.query<Record<string, unknown>>(`SELECT ${field} AS v FROM res_company WHERE id = $1`, [parentId]);
            if (r.rows.length) vals[field] = r.rows[0]!.v ?? false;
          }
          const root = await ctx.db.query<{ chart_template: string | null }>(
            `SELECT r.chart_template FROM res_company p JOIN res_company r ON r.id = split_part(p.parent_path, '/', 1)::int WHERE p.id = $1`,
            [parentId],
          ).catch(() => ({ rows: [] as { chart_template: string | null }[] }));
          if (root.rows[0]?.chart_template) throw missingBehaviour('res.company', 'create a branch of a company with a chart of accounts (account loads the chart template for it)');
        }
        // Address and other partner fields the partner create did not take: written by their inverses after the insert.
        const later: Vals = {};
        for (const [field, target] of PARTNER_FIELDS) {
          if (!(field in vals) || STORED_ON_COMPANY.has(field) || field === 'website' || field === 'vat') continue;
          later[target] = vals[field];
          delete vals[field];
        }
        if (Object.keys(later).length) partnerValsOf.set(vals, later);
        if (logoOf.get(vals) === 'default' && vals.partner_id) await attachDefaultLogo(ctx, Number(vals.partner_id));
      }
    },
    checks: {
      // sale's `_check_prepayment_percent`.
      _check_prepayment_percent: {
        async flushed(ctx, ids) {
          const bad = await ctx.db.query(
            `SELECT 1 FROM res_company WHERE id = ANY($1::int4[]) AND portal_confirmation_pay AND NOT (coalesce(prepayment_percent, 0) > 0 AND coalesce(prepayment_percent, 0) <= 1.0)`,
            [ids],
          );
          if (bad.rowCount) throw validationError('Prepayment percentage must be a valid percentage.');
        },
      },
      // base's `_check_active`: an archived company is nobody's active user's default company.
      _check_active: {
        async flushed(ctx, ids) {
          const r = await ctx.db.query<{ name: string; n: number }>(
            `SELECT c.name, (SELECT count(*)::int FROM res_users u WHERE u.company_id = c.id AND u.active) AS n
               FROM res_company c WHERE c.id = ANY($1::int4[]) AND NOT c.active ORDER BY c.id`,
            [ids],
          );
          const used = r.rows.find((row) => row.n > 0);
          if (used) throw validationError(`The company ${used.name} cannot be archived because it is still used as the default company of ${used.n} users.`);
        },
      },
      // base's `_check_root_delegated_fields`: a branch has its root's delegated fields.
      _check_root_delegated_fields: {
        async flushed(ctx, ids) {
          const model = ctx.registry.model('res.company')!;
          for (const field of await rootDelegatedFields(ctx)) {
            // Compared as the ORM reads them: a NULL boolean is False.
            const col = (alias: string) => (model.fields.get(field)?.type === 'boolean' ? `coalesce(${alias}.${field}, false)` : `${alias}.${field}`);
            const bad = await ctx.db.query(
              `SELECT 1 FROM res_company c JOIN res_company p ON p.id = c.parent_id WHERE c.id = ANY($1::int4[]) AND ${col('c')} IS DISTINCT FROM ${col('p')}`,
              [ids],
            );
            if (!bad.rowCount) continue;
            const d = await ctx.db.query<{ label: string }>(`SELECT field_description->>'en_US' AS label FROM ir_model_fields WHERE model = 'res.company' AND name = $1`, [field]);
            throw validationError(`The ${d.rows[0]?.label ?? field} of a subsidiary must be the same as it's root company.`);
          }
        },
      },
      // account's `_check_set_account_price_include`: not once the company (or a branch) has journal items.
      _check_set_account_price_include: {
        async flushed(ctx, ids) {
          const r = await ctx.db.query(
            `SELECT 1 FROM res_company c JOIN account_move_line l ON l.company_id IN (SELECT k.id FROM res_company k WHERE k.parent_path LIKE c.parent_path || '%')
              WHERE c.id = ANY($1::int4[]) LIMIT 1`,
            [ids],
          );
          if (r.rowCount) throw validationError('Cannot change Price Tax computation method on a company that has already started invoicing.');
        },
      },
      // account's `_check_audit_trail_records` (self.ensure_one-style: reads the first record's flag).
      _check_audit_trail_records: {
        async flushed(ctx, ids) {
          const r = await ctx.db.query(
            `SELECT 1 FROM res_company c JOIN account_move m ON m.company_id = c.id WHERE c.id = ANY($1::int4[]) AND NOT coalesce(c.check_account_audit_trail, false) LIMIT 1`,
            [ids],
          );
          if (r.rowCount) throw userError("Can't disable audit trail when there are existing records.");
        },
      },
      // account's `_check_fiscalyear_last_day`: the fiscal year's last day exists in its month (of
      // the opening date's year, else this year); 29 February is always accepted.
      _check_fiscalyear_last_day: {
        async flushed(ctx, ids) {
          const r = await ctx.db.query<{ day: number; month: string; year: number }>(
            `SELECT fiscalyear_last_day AS day, fiscalyear_last_month AS month,
                    coalesce(extract(year FROM account_opening_date), extract(year FROM now()))::int AS year
               FROM res_company WHERE id = ANY($1::int4[]) ORDER BY id`,
            [ids],
          );
          for (const row of r.rows) {
            if (row.day === 29 && row.month === '2') continue;
            const maxDay = new Date(Date.UTC(row.year, Number(row.month), 0)).getUTCDate();
            if (row.day > maxDay) throw validationError('Invalid fiscal year last day');
          }
        },
      },
    },
    compute: {
      async logo_web(ctx, ids) {
        await recomputeLogoFields(ctx, ids, { web: true, usesDefault: false });
      },
      async uses_default_logo(ctx, ids) {
        await recomputeLogoFields(ctx, ids, { web: false, usesDefault: true });
      },
      // account: `default=lambda self: self.env['ir.sequence'].sudo().create({...})`, evaluated with
      // an empty recordset, so the sequence has no company.
      async batch_payment_sequence_id(ctx, ids) {
        const sequence = ctx.registry.model('ir.sequence');
        if (!sequence) return;
        const bare = await ctx.db.query<{ id: number }>(`SELECT id FROM res_company WHERE id = ANY($1::int4[]) AND batch_payment_sequence_id IS NULL ORDER BY id`, [ids]);
        for (const { id } of bare.rows) {
          const [seq] = await createRecords(
            w(ctx),
            sequence,
            [{ name: 'Batch Payment Number Sequence', implementation: 'no_gap', padding: 5, use_date_range: true, company_id: false, prefix: 'BATCH/%(year)s/' }],
            { checkAccess: false },
          );
          await ctx.db.query(`UPDATE res_company SET batch_payment_sequence_id = $2 WHERE id = $1`, [id, seq]);
        }
      },
    },
    async afterCreate(ctx, ids, valsList) {
      for (const [i, id] of ids.entries()) {
        const vals = valsList[i] ?? {};
        const later = partnerValsOf.get(vals);
        if (later && vals.partner_id) await updateRecords(w(ctx), ctx.registry.model('res.partner')!, [Number(vals.partner_id)], later);
        await recomputeEmailColors(ctx, [id], vals, true);
      }
    },
    // base's Company.write before super().write: the hierarchy is fixed; account's checks on a
    // currency change and the lock dates/code prefixes it reflects elsewhere.
    refuseWrite(_ctx, _ids, vals) {
      if ('parent_id' in vals) throw userError('The company hierarchy cannot be changed.');
      for (const f of ['fiscalyear_lock_date', 'tax_lock_date', 'sale_lock_date', 'purchase_lock_date', 'hard_lock_date', 'bank_account_code_prefix', 'cash_account_code_prefix']) {
        if (vals[f]) throw missingBehaviour('res.company', `write ${f} (account validates lock dates and renumbers accounts)`);
      }
      if ('bank_ids' in vals) throw missingBehaviour('res.company', 'write bank_ids (related to the partner\'s bank accounts)');
    },
    async beforeWrite(ctx, ids, vals) {
      if (vals.currency_id && (await moduleInstalled(ctx.db, 'account'))) {
        const journal = await ctx.db.query(
          `SELECT 1 FROM res_company c JOIN res_company r ON r.id = split_part(c.parent_path, '/', 1)::int
             JOIN account_move_line l ON l.company_id IN (SELECT k.id FROM res_company k WHERE k.parent_path LIKE r.parent_path || '%')
            WHERE c.id = ANY($1::int4[]) AND c.currency_id <> $2 LIMIT 1`,
          [ids, Number(vals.currency_id)],
        );
        if (journal.rowCount) throw userError('You cannot change the currency of the company since some journal items already exist');
      }
      if (vals.country_id) {
        const bare = await ctx.db.query(`SELECT 1 FROM res_company c JOIN res_partner p ON p.id = c.partner_id WHERE c.id = ANY($1::int4[]) AND p.country_id IS NULL LIMIT 1`, [ids]);
        if (bare.rowCount) throw missingBehaviour('res.company', 'give a company its first country (installs the localisation modules and chart of accounts)');
      }
      if (vals.currency_id) {
        const currency = ctx.registry.model('res.currency');
        const inactive = await ctx.db.query(`SELECT 1 FROM res_currency WHERE id = $1 AND NOT active`, [Number(vals.currency_id)]);
        if (currency && inactive.rowCount) await updateRecords(w(ctx), currency, [Number(vals.currency_id)], { active: true });
      }
      // Fields that live on the company partner: related (stored or not) and address inverses.
      const partnerVals: Vals = {};
      for (const [field, target] of PARTNER_FIELDS) {
        if (!(field in vals)) continue;
        partnerVals[target] = vals[field];
        if (!STORED_ON_COMPANY.has(field)) delete vals[field];
      }
      if ('logo' in vals) {
        logoOf.set(vals, logoKind(vals.logo));
        delete vals.logo;
      }
      if ('color' in vals) {
        colorOf.set(vals, vals.color);
        delete vals.color;
      }
      if (Object.keys(partnerVals).length) partnerValsOf.set(vals, partnerVals);
    },
    async afterWrite(ctx, ids, vals) {
      const partners = await ctx.db.query<{ partner_id: number }>(`SELECT DISTINCT partner_id FROM res_company WHERE id = ANY($1::int4[]) AND partner_id IS NOT NULL ORDER BY partner_id`, [ids]);
      const partnerIds = partners.rows.map((r) => r.partner_id);
      const partnerVals = partnerValsOf.get(vals);
      if (partnerVals && partnerIds.length) await updateRecords(w(ctx), ctx.registry.model('res.partner')!, partnerIds, partnerVals);
      if (colorOf.has(vals)) {
        // `_inverse_color`: the root company's partner carries the colour.
        const roots = await ctx.db.query<{ partner_id: number }>(
          `SELECT DISTINCT r.partner_id FROM res_company c JOIN res_company r ON r.id = split_part(c.parent_path, '/', 1)::int WHERE c.id = ANY($1::int4[]) ORDER BY r.partner_id`,
          [ids],
        );
        if (roots.rows.length) await updateRecords(w(ctx), ctx.registry.model('res.partner')!, roots.rows.map((r) => r.partner_id), { color: colorOf.get(vals) });
      }
      const logo = logoOf.get(vals);
      if (logo) {
        await ctx.db.query(`DELETE FROM ir_attachment WHERE res_model = 'res.partner' AND res_field LIKE 'image\\_%' AND res_id = ANY($1::int4[])`, [partnerIds]);
        if (logo === 'default') for (const p of partnerIds) await attachDefaultLogo(ctx, p);
      }
      if (logo || 'partner_id' in vals) await recomputeLogoFields(ctx, ids, { web: true, usesDefault: true });
      await recomputeEmailColors(ctx, ids, vals, false);
      // Archiving a company archives its branches.
      if (vals.active === false) {
        const children = await ctx.db.query<{ id: number }>(`SELECT id FROM res_company WHERE parent_id = ANY($1::int4[]) AND active ORDER BY id`, [ids]);
        if (children.rows.length) await updateRecords(w(ctx), ctx.registry.model('res.company')!, children.rows.map((r) => r.id), { active: false });
      }
      // A root's delegated fields are copied to its branches (sudo).
      const delegated = (await rootDelegatedFields(ctx)).filter((f) => f in vals).sort();
      if (delegated.length) {
        const roots = await ctx.db.query<{ id: number; parent_path: string }>(`SELECT id, parent_path FROM res_company WHERE id = ANY($1::int4[]) AND parent_id IS NULL ORDER BY id`, [ids]);
        for (const root of roots.rows) {
          const branches = await ctx.db.query<{ id: number }>(`SELECT id FROM res_company WHERE parent_path LIKE $1 AND id <> $2 ORDER BY sequence, name, id`, [`${root.parent_path}%`, root.id]);
          if (!branches.rows.length) continue;
          const values: Vals = {};
          for (const f of delegated) values[f] = vals[f];
          await updateRecords(w(ctx), ctx.registry.model('res.company')!, branches.rows.map((r) => r.id), values, { checkAccess: false });
        }
      }
    },
    async afterSuperCreate(ctx, ids) {
      const users = ctx.registry.model('res.users')!;
      const userIds = [...new Set([ctx.uid, SUPERUSER_ID])].sort((a, b) => a - b);
      await updateRecords(w(ctx), users, userIds, { company_ids: ids.map((id) => [4, id]) });
      const currencies = await ctx.db.query<{ id: number }>(
        `SELECT DISTINCT cur.id FROM res_company c JOIN res_currency cur ON cur.id = c.currency_id WHERE c.id = ANY($1::int4[]) AND NOT cur.active ORDER BY cur.id`,
        [ids],
      );
      const currency = ctx.registry.model('res.currency');
      if (currency && currencies.rows.length) await updateRecords(w(ctx), currency, currencies.rows.map((r) => r.id), { active: true }, { checkAccess: false });
      await createCompanyCalendars(ctx, ids);
      await activateOrCreatePricelists(w(ctx), ids);
      await enrichCompaniesOffline(w(ctx), ids);
    },
  });
  behaviours.register('iap.account', { compute: IAP_ACCOUNT_READONLY_FIELDS });
  registerCurrencyGroups(behaviours);
  registerUsersMultiCompanyGroup(behaviours);
}

/**
 * mail's `_compute_email_primary_color` / `_compute_email_secondary_color` (stored, writable):
 * the layout colour, else black / Odoo purple; on create unless given, on write when the layout
 * colour is written without them.
 */
const EMAIL_COLORS = [
  { field: 'email_primary_color', source: 'primary_color', fallback: '#000000' },
  { field: 'email_secondary_color', source: 'secondary_color', fallback: '#875A7B' },
] as const;

async function recomputeEmailColors(ctx: CallContext, ids: number[], vals: Vals, create: boolean): Promise<void> {
  const model = ctx.registry.model('res.company')!;
  for (const c of EMAIL_COLORS) {
    if (!model.fields.has(c.field) || c.field in vals || (!create && !(c.source in vals))) continue;
    await ctx.db.query(`UPDATE res_company SET ${c.field} = coalesce(nullif(${c.source}, ''), $2) WHERE id = ANY($1::int4[])`, [ids, c.fallback]);
  }
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? false) === JSON.stringify(b ?? false);
}
