import { userError, validationError } from '../../../errors.ts';
import type { CallContext } from '../../call-context.ts';
import type { BehaviourRegistry, Vals } from '../behaviour-registry.ts';

/** tools.misc DATETIME_FORMATS_MAP's directives but `%y`: res.lang `_disallowed_datetime_patterns`. */
const DISALLOWED_DATETIME_PATTERNS = ['%C', '%D', '%e', '%E', '%F', '%g', '%G', '%h', '%k', '%l', '%n', '%O', '%P', '%R', '%r', '%s', '%T', '%t', '%u', '%V', '%+', '%z', '%Z'];

/** `json.loads(grouping)` iterates to ints only (a bool is an int in Python; a float, a string or a non-list is not). */
function validGrouping(grouping: unknown): boolean {
  if (typeof grouping !== 'string') return false;
  try {
    const parsed: unknown = JSON.parse(grouping);
    return Array.isArray(parsed) && !/[.eE]/.test(grouping.replace(/true|false/g, '')) && parsed.every((x) => typeof x === 'boolean' || Number.isInteger(x));
  } catch {
    return false;
  }
}

/**
 * `@api.constrains` of the models next to seq_constraints' ones:
 * - res.lang (odoo/addons/base/models/res_lang.py) `_check_active`: after the write, at least one
 *   language is active (`search_count([])`, active ones only); `_check_format`: no disallowed
 *   strftime directive in time_format/date_format; `_check_grouping`: a JSON list of ints;
 * - product.pricelist.item `_check_pricelist_recursion` (addons/product/models/
 *   product_pricelist_item.py): a rule based on another pricelist may not be based on its own.
 */
export function registerLangAndPricelistChecks(behaviours: BehaviourRegistry): void {
  behaviours.register('res.lang', {
    beforeCreate(_ctx, valsList) {
      // `vals['url_code'] = vals.get('iso_code') or vals['code']` when no url_code is given.
      for (const vals of valsList) if (!vals.url_code) vals.url_code = vals.iso_code || vals.code;
    },
    beforeWrite: refuseLangWrite,
    afterWrite: shortenActivatedUrlCodes,
    checks: {
      _check_active: {
        async flushed(ctx) {
          const active = await ctx.db.query(`SELECT 1 FROM res_lang WHERE active LIMIT 1`);
          if (!active.rowCount) throw validationError('At least one language must be active.');
        },
      },
      _check_format: {
        reads: ['time_format', 'date_format'],
        values(_ctx, rows) {
          for (const lang of rows) {
            const formats = [lang.time_format, lang.date_format].filter((f): f is string => typeof f === 'string' && f !== '');
            if (DISALLOWED_DATETIME_PATTERNS.some((pattern) => formats.some((f) => f.includes(pattern)))) {
              throw validationError('Invalid date/time format directive specified. Please refer to the list of allowed directives, displayed when you edit a language.');
            }
          }
        },
      },
      _check_grouping: {
        reads: ['grouping'],
        values(_ctx, rows) {
          if (rows.some((lang) => !validGrouping(lang.grouping))) {
            throw validationError(
              'The Separator Format should be like [,n] where 0 < n :starting from Unit digit. -1 will end the separation. e.g. [3,2,-1] will represent 106500 to be 1,06,500;' +
                '[1,2,-1] will represent it to be 106,50,0;[3] will represent it as 106,500. Provided as the thousand separator in each case.',
            );
          }
        },
      },
    },
  });
  behaviours.register('product.pricelist.item', {
    checks: {
      _check_pricelist_recursion: {
        reads: ['base', 'pricelist_id', 'base_pricelist_id'],
        values(_ctx, rows) {
          if (rows.some((item) => item.base === 'pricelist' && item.pricelist_id && item.pricelist_id === item.base_pricelist_id)) {
            throw validationError('You cannot assign the Main Pricelist as Other Pricelist in PriceList Item');
          }
        },
      },
    },
  });
}

/**
 * res.lang `write` before `super()`: the code never changes; a language being archived is used by
 * no active user, then no active contact, then no user at all (the setup language), and the
 * ir.default rows giving it as the partners' default language go (`discard_values`).
 */
async function refuseLangWrite(ctx: CallContext, ids: number[], vals: Vals): Promise<void> {
  const langs = await ctx.db.query<{ code: string }>(`SELECT code FROM res_lang WHERE id = ANY($1::int4[]) ORDER BY id`, [ids]);
  const codes = langs.rows.map((l) => l.code);
  if ('code' in vals && codes.some((code) => code !== vals.code)) throw userError('Language code cannot be modified.');
  if (vals.active !== false && vals.active !== 0) return;
  const usedBy = async (sql: string) => ((await ctx.db.query(sql, [codes])).rowCount ?? 0) > 0;
  if (await usedBy(`SELECT 1 FROM res_users u JOIN res_partner p ON p.id = u.partner_id WHERE u.active AND p.lang = ANY($1::text[]) LIMIT 1`)) {
    throw userError('Cannot deactivate a language that is currently used by users.');
  }
  if (await usedBy(`SELECT 1 FROM res_partner WHERE active AND lang = ANY($1::text[]) LIMIT 1`)) throw userError('Cannot deactivate a language that is currently used by contacts.');
  if (await usedBy(`SELECT 1 FROM res_users u JOIN res_partner p ON p.id = u.partner_id WHERE p.lang = ANY($1::text[]) LIMIT 1`)) {
    throw userError('You cannot archive the language in which Odoo was setup as it is used by automated processes.');
  }
  await ctx.db.query(
    `DELETE FROM ir_default d USING ir_model_fields f
      WHERE f.id = d.field_id AND f.model = 'res.partner' AND f.name = 'lang' AND d.json_value = ANY($1::text[])`,
    [codes.map((code) => JSON.stringify(code))],
  );
}

/**
 * res.lang `write` after `super()` when activating: a long url_code (`fr_BE`) becomes the short
 * one (`fr`) when the language holding `fr` is inactive and is not itself the short code's
 * language; that one takes its long code.
 */
async function shortenActivatedUrlCodes(ctx: CallContext, ids: number[], vals: Vals): Promise<void> {
  if (!vals.active) return;
  const langs = await ctx.db.query<{ id: number; code: string; url_code: string }>(`SELECT id, code, url_code FROM res_lang WHERE id = ANY($1::int4[]) ORDER BY id`, [ids]);
  for (const lang of langs.rows.filter((l) => l.url_code.includes('_'))) {
    const shortCode = lang.code.split('_')[0]!;
    const short = await ctx.db.query<{ id: number; code: string; active: boolean }>(`SELECT id, code, active FROM res_lang WHERE url_code = $1 ORDER BY id LIMIT 1`, [shortCode]);
    const other = short.rows[0];
    if (other && !other.active && other.code !== shortCode) {
      await ctx.db.query(`UPDATE res_lang SET url_code = $2 WHERE id = $1`, [other.id, other.code]);
      await ctx.db.query(`UPDATE res_lang SET url_code = $2 WHERE id = $1`, [lang.id, shortCode]);
    }
  }
}
