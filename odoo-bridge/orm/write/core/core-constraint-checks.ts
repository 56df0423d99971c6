import { missingBehaviour, userError, validationError } from '../../../errors.ts';
import type { CallContext } from '../../call-context.ts';
import type { BehaviourRegistry } from '../behaviour-registry.ts';
import { refuseCycle } from '../constraint-cycles.ts';
import { PRODUCT_BARCODE_CHECKS } from './product-barcodes.ts';
import { checkOneUserType } from './res-users-groups.ts';

/**
 * The `@api.constrains` methods of base and product models other than res.partner / res.users
 * (those live with their model's behaviour), each as the Python does it. A constraint of an
 * installed module that is not here (nor registered by a service) refuses the write that would
 * trigger it (write/python-constraints.ts).
 */
export function registerCoreConstraintChecks(behaviours: BehaviourRegistry): void {
  registerAddonConstraintChecks(behaviours);
  const cycle = (table: string, message: string) => ({ flushed: (ctx: CallContext, ids: number[]) => refuseCycle(ctx, table, 'parent_id', ids, message) });
  behaviours.register('res.partner.category', { checks: { _check_parent_id: cycle('res_partner_category', 'You can not create recursive tags.') } });
  behaviours.register('product.category', { checks: { _check_category_recursion: cycle('product_category', 'You cannot create recursive categories.') } });
  behaviours.register('ir.ui.menu', { checks: { _check_parent_id: cycle('ir_ui_menu', 'Error! You cannot create recursive menus.') } });
  behaviours.register('ir.module.category', { checks: { _check_parent_not_circular: cycle('ir_module_category', 'Error ! You cannot create recursive categories.') } });

  behaviours.register('res.groups', {
    checks: {
      // `self.users._check_one_user_type()`: the groups' users, each in at most one user type.
      _check_one_user_type: {
        async flushed(ctx, ids) {
          const { rows } = await ctx.db.query<{ uid: number }>('SELECT DISTINCT uid FROM res_groups_users_rel WHERE gid = ANY($1::int4[])', [ids]);
          await checkOneUserType(ctx, rows.map((r) => r.uid));
        },
      },
    },
  });

  behaviours.register('res.company', {
    checks: {
      _check_active: {
        async flushed(ctx, ids) {
          const { rows } = await ctx.db.query<{ name: string; users: string }>(
            `SELECT c.name, (SELECT count(*) FROM res_users u WHERE u.company_id = c.id AND u.active)::text AS users
               FROM res_company c WHERE c.id = ANY($1::int4[]) AND NOT c.active ORDER BY c.id`,
            [ids],
          );
          const used = rows.find((r) => Number(r.users) > 0);
          if (used) throw validationError(`The company ${used.name} cannot be archived because it is still used as the default company of ${used.users} users.`);
        },
      },
      // `_get_company_root_delegated_field_names`: base's ['currency_id']; account adds fiscal-year fields Ficus does not check.
      _check_root_delegated_fields: {
        reads: ['parent_id', 'currency_id'],
        async values(ctx, rows) {
          if (ctx.registry.modules.has('account')) throw missingBehaviour('res.company', 'the Python constraint _check_root_delegated_fields (account\'s delegated fiscal-year fields)');
          for (const row of rows) {
            if (row.parent_id == null) continue;
            const parent = await ctx.db.query<{ currency_id: number | null }>('SELECT currency_id FROM res_company WHERE id = $1', [row.parent_id]);
            if ((parent.rows[0]?.currency_id ?? null) !== (row.currency_id ?? null)) {
              const label = await ctx.db.query<{ label: string | null }>(
                `SELECT COALESCE(field_description->>$1, field_description->>'en_US') AS label FROM ir_model_fields WHERE model = 'res.company' AND name = 'currency_id'`,
                [ctx.lang],
              );
              throw validationError(`The ${label.rows[0]?.label ?? 'Currency'} of a subsidiary must be the same as it's root company.`);
            }
          }
        },
      },
    },
  });

  behaviours.register('res.currency', {
    checks: {
      _check_company_currency_stays_active: {
        async flushed(ctx, ids) {
          if (ctx.context.install_mode || ctx.context.force_deactivate) return;
          const used = await ctx.db.query(
            'SELECT 1 FROM res_company c JOIN res_currency r ON r.id = c.currency_id WHERE r.id = ANY($1::int4[]) AND NOT r.active LIMIT 1',
            [ids],
          );
          if (used.rowCount) throw userError('This currency is set on a company and therefore cannot be deactivated.');
        },
      },
    },
  });

  behaviours.register('res.currency.rate', {
    checks: {
      _check_company_id: {
        async flushed(ctx, ids) {
          const bad = await ctx.db.query(
            'SELECT 1 FROM res_currency_rate r JOIN res_company c ON c.id = r.company_id WHERE r.id = ANY($1::int4[]) AND c.parent_id IS NOT NULL LIMIT 1',
            [ids],
          );
          if (bad.rowCount) throw validationError('Currency rates should only be created for main companies');
        },
      },
    },
  });

  for (const [model, checks] of Object.entries(PRODUCT_BARCODE_CHECKS)) behaviours.register(model, { checks });
  behaviours.register('product.template', {
    checks: {
      _check_uom: {
        async flushed(ctx, ids) {
          const bad = await ctx.db.query(
            `SELECT 1 FROM product_template t JOIN uom_uom u ON u.id = t.uom_id JOIN uom_uom p ON p.id = t.uom_po_id
              WHERE t.id = ANY($1::int4[]) AND u.category_id <> p.category_id LIMIT 1`,
            [ids],
          );
          if (bad.rowCount) throw validationError('The default Unit of Measure and the purchase Unit of Measure must be in the same category.');
        },
      },
      _check_combo_ids_not_empty: {
        async flushed(ctx, ids) {
          const bad = await ctx.db.query(
            `SELECT 1 FROM product_template t WHERE t.id = ANY($1::int4[]) AND t.type = 'combo'
                AND NOT EXISTS (SELECT 1 FROM product_combo_product_template_rel r WHERE r.product_template_id = t.id) LIMIT 1`,
            [ids],
          );
          if (bad.rowCount) throw validationError('A combo product must contain at least 1 combo choice.');
        },
      },
    },
  });
}

/** `_check_address_format`'s keys: res.partner `_formatting_address_fields()` (ADDRESS_FIELDS) and the extra ones. */
const ADDRESS_FORMAT_KEYS = new Set(['street', 'street2', 'zip', 'city', 'state_id', 'country_id', 'state_code', 'state_name', 'country_code', 'country_name', 'company_name']);

/**
 * Whether Python's `fmt % {key: 1 for key in keys}` raises ValueError or KeyError: a `%` spec
 * without a known `(key)`, an unknown conversion, or a lone `%` at the end.
 */
export function pythonMappingFormatFails(fmt: string, keys: ReadonlySet<string>): boolean {
  const spec = /%(?:\(([^)]*)\))?([#0\- +]*)(\d+|\*)?(?:\.(\d+|\*))?[hlL]?(.)?/gsy;
  for (let i = 0; i < fmt.length; ) {
    const at = fmt.indexOf('%', i);
    if (at < 0) break;
    spec.lastIndex = at;
    const m = spec.exec(fmt);
    if (!m || m[5] === undefined) return true;
    i = spec.lastIndex;
    if (m[5] === '%' && m[1] === undefined) continue;
    if (!'diouxXeEfFgGcrsa%'.includes(m[5])) return true;
    if (m[1] !== undefined && !keys.has(m[1])) return true;
    // A bare `%s` formats the whole mapping; `%d` of a dict is a TypeError Odoo does not catch (left to the column).
  }
  return false;
}

/** stdnum's fr.siret.is_valid: 14 digits, a valid SIREN (Luhn on the first 9), and the Luhn checksum (La Poste's 356000000 excepted). */
export function validSiret(value: string): boolean {
  const n = value.replace(/[ .]/g, '');
  if (!/^\d{14}$/.test(n) || !luhn(n.slice(0, 9))) return false;
  if (n.startsWith('356000000') && [...n].reduce((s, d) => s + Number(d), 0) % 5 === 0) return true;
  return luhn(n);
}

function luhn(digits: string): boolean {
  let sum = 0;
  [...digits].reverse().forEach((d, i) => {
    const v = Number(d) * (i % 2 ? 2 : 1);
    sum += v > 9 ? v - 9 : v;
  });
  return sum % 10 === 0;
}

/** Constraints of modules whose models live in base's tables but come from other addons (mail, account_edi_ubl_cii). */
export function registerAddonConstraintChecks(behaviours: BehaviourRegistry): void {
  behaviours.register('res.country', {
    checks: {
      _check_address_format: {
        reads: ['address_format'],
        values(_ctx, rows) {
          for (const r of rows) {
            if (typeof r.address_format === 'string' && r.address_format && pythonMappingFormatFails(r.address_format, ADDRESS_FORMAT_KEYS)) {
              throw userError('The layout contains an invalid format key');
            }
          }
        },
      },
    },
  });

  behaviours.register('res.partner.bank', {
    checks: {
      // l10n_us res_partner_bank.py: `re.match(r'^\d{1,9}$', aba_routing)` (Unicode digits; `$` also before a final newline).
      _check_aba_routing: {
        reads: ['aba_routing'],
        values(_ctx, rows) {
          for (const r of rows) {
            if (typeof r.aba_routing === 'string' && r.aba_routing && !/^\p{Nd}{1,9}\n?$/u.test(r.aba_routing)) {
              throw validationError('ABA/Routing should only contains numbers (maximum 9 digits).');
            }
          }
        },
      },
    },
  });

  behaviours.register('discuss.channel.member', {
    checks: {
      // `any(user._is_public() for user in member.partner_id.user_ids)`: a user in base.group_public.
      _contrains_no_public_member: {
        async flushed(ctx, ids) {
          const bad = await ctx.db.query(
            `SELECT 1 FROM discuss_channel_member m JOIN res_users u ON u.partner_id = m.partner_id
               JOIN res_groups_users_rel r ON r.uid = u.id
               JOIN ir_model_data d ON d.model = 'res.groups' AND d.res_id = r.gid AND d.module = 'base' AND d.name = 'group_public'
              WHERE m.id = ANY($1::int4[]) LIMIT 1`,
            [ids],
          );
          if (bad.rowCount) throw validationError('Channel members cannot include public users.');
        },
      },
    },
  });

  behaviours.register('res.partner', {
    checks: {
      // account_edi_ubl_cii `_build_error_peppol_endpoint`, per EAS scheme.
      _check_peppol_fields: {
        reads: ['peppol_endpoint', 'peppol_eas'],
        values(_ctx, rows) {
          for (const r of rows) {
            const endpoint = typeof r.peppol_endpoint === 'string' ? r.peppol_endpoint : '';
            const eas = typeof r.peppol_eas === 'string' ? r.peppol_eas : '';
            if (!endpoint || !eas) continue;
            if (eas === '0208' && !/^\d{10}$/.test(endpoint)) throw validationError('The Peppol endpoint is not valid. The expected format is: 0239843188');
            if (eas === '0009' && !validSiret(endpoint)) throw validationError('The Peppol endpoint is not valid. The expected format is: 73282932000074');
            if (eas === '0007' && !/^\d{10}$/.test(endpoint)) {
              throw validationError('The Peppol endpoint is not valid. It should contain exactly 10 digits (Company Registry number).The expected format is: 1234567890');
            }
          }
        },
      },
    },
  });
}
