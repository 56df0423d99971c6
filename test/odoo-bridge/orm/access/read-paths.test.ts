import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Records are read through one reader (odoo-bridge/orm/read/read-records.ts `readRecords`), which
 * takes only ids that passed the read check or a search compiled with the user's rules. The
 * places that vouch for ids, read as superuser, or hand out the superuser policy are few and
 * named; this test lists every one of them with why it is right, so a new one is a reviewed
 * decision, not an accident. Adding a call site fails this test until it is listed here.
 * The same goes for the places that enforce field-level access rights (`fieldGroups`): a new
 * read or write path names the fields it touches there, or says here why it need not.
 */
const ROOT = path.resolve(import.meta.dirname, '../../../..');
const PRODUCTION_EXCLUDED = new Set(['node_modules', 'test', 'bench', '.git', '.ficus', 'fixtures']);

const WATCHED: Record<string, RegExp> = {
  vouchReadable: /\bvouchReadable\(/g,
  vouchRuled: /\bvouchRuled\(/g,
  superuserPolicy: /\bsuperuserPolicy\(/g,
  sudoReadEnv: /readEnv\(\{\s*sudo:\s*true|\bsudoReadEnv\(/g,
  displayNames: /\bdisplayNames\(/g,
  readRecords: /\breadRecords\(/g,
  brandCast: /as (ReadableIds|SearchRowSource)\b/g,
  // Field-level access rights (groups= on fields, access/field-groups.ts): where they are enforced.
  fieldGroups: /\bfieldAccess\.(check|accessibleOnly|accessible)\(|\bcheckFieldRead\(/g,
  // Non-stored computes that search another model as the reader (`search_count` / `_read_group` in Odoo):
  // the model's read right checked (AccessError) and its record rules compiled into the compute's SQL.
  computeAsUser: /\bsearchAsReader\(|\bscope\.checkRead\?\.\(/g,
};

/** file → watched name → count, with the reason it is right. */
const EXPECTED: Record<string, Record<string, number>> = {
  // The definitions themselves.
  'odoo-bridge/orm/read/read-env.ts': { vouchReadable: 1, vouchRuled: 1, brandCast: 2 },
  'odoo-bridge/orm/access-policy.ts': { superuserPolicy: 1 },
  // Field groups: the compile hook (`_field_to_sql`'s check) is handed to user search envs only, never sudo ones.
  'odoo-bridge/orm/call-context.ts': { fieldGroups: 1 },
  'odoo-bridge/orm/domain/field-read-checks.ts': { fieldGroups: 2 },
  // Stored-column leaves (scalar, many2one, many2one `any`, a related path's first hop, one2many inverses).
  'odoo-bridge/orm/domain/compile.ts': { fieldGroups: 6 },
  // A replayed compiled search checks its leaves' fields again, as compiling them would (domain/compiled-searches.ts).
  'odoo-bridge/orm/domain/compiled-searches.ts': { fieldGroups: 1 },
  // Order terms: scalar, many2one, and a many2one's `.id` or a properties key.
  'odoo-bridge/orm/sql/order.ts': { fieldGroups: 3 },
  // read/search_read/search_fetch name fields; fields_get and all-fields reads leave them out.
  'odoo-bridge/orm/methods/search-methods.ts': { readRecords: 1, fieldGroups: 3 },
  'odoo-bridge/orm/methods/meta-methods.ts': { fieldGroups: 1 },
  // get_views: a view's NameManager knows the fields fields_get answers the user (the same rule as fields_get above).
  'odoo-bridge/orm/views/view-env.ts': { fieldGroups: 1 },
  'odoo-bridge/orm/methods/field-access-methods.ts': { fieldGroups: 2 },
  'odoo-bridge/orm/write/update-records.ts': { fieldGroups: 1 },
  'odoo-bridge/orm/write/copy-records.ts': { fieldGroups: 1 },
  // export_data reads each exported field as `_fetch_field` does: the user may read it, on every level.
  'odoo-bridge/orm/write/export-data.ts': { fieldGroups: 1 },
  // ir.attachment's check(mode): an attachment of a binary field follows that field's groups (ir_attachment.py check).
  'odoo-bridge/orm/write/core/ir-attachment-check.ts': { fieldGroups: 1 },
  // The reader labels many2one values and display_name with Odoo's sudo name read (Many2one.convert_to_read);
  // an ir.model.data's display name is the name of the record it names (ir_model.py _compute_display_name;
  // ir.model.data itself is readable by access-rights managers only, base.group_erp_manager).
  // product.product's partner_ref is the display name of the same vouched records (product.py _compute_partner_ref).
  // Related fields are followed as superuser (their x2many first hop and their target's value: compute_sudo).
  'odoo-bridge/orm/read/read-records.ts': { displayNames: 4, sudoReadEnv: 2 },
  // `read`'s check (ACL + rules on explicit ids) vouches for what passed it, and reads them.
  'odoo-bridge/orm/methods/checked-read.ts': { vouchReadable: 2, readRecords: 1 },
  // A search's WHERE always carries the user's rules (compileWhere with ctx.searchEnv), so its ids are readable.
  'odoo-bridge/orm/methods/search-source.ts': { vouchRuled: 1, vouchReadable: 1 },
  // search_read reads from a rule-filtered search source (its field groups check is listed above).
  // web_search_read reads the ids its rule-filtered search found; many2one display_name is sudo in web_read.
  'odoo-bridge/orm/methods/web-read.ts': { readRecords: 1, sudoReadEnv: 1, displayNames: 1, fieldGroups: 1 },
  // name_search labels the ids its rule-filtered search found, with sudo names as Odoo does.
  'odoo-bridge/orm/methods/name-search.ts': { sudoReadEnv: 1, displayNames: 1 },
  // onchange checks the spec's field groups on the record it reads (the rest goes through readAsUser/web_read).
  'odoo-bridge/orm/methods/onchange.ts': { fieldGroups: 1 },
  // read_group labels many2one groups with `value.sudo().display_name` (models.py _read_group_format_result);
  // its WHERE is compiled with the user's search env (rules included) before mail.message's filter narrows it;
  // groupby fields and an orderby term's aggregate (`field:func`) check the field's groups.
  'odoo-bridge/orm/methods/read-group.ts': { sudoReadEnv: 1, displayNames: 1, fieldGroups: 2, vouchRuled: 1 },
  // mail.message `_search`: a ruled search source only narrowed (ANDed with the messages the user may see).
  'odoo-bridge/orm/methods/mail-message-search.ts': { vouchRuled: 2 },
  // ir.ui.menu's search keeps the menus the user may see: a ruled search source only narrowed (ANDed with a fixed id set).
  'odoo-bridge/orm/methods/visible-menus.ts': { vouchRuled: 1 },
  // res.partner's fields sync compares what it writes onto the children with their current values (fields.py
  // Field.write stores only what differs); the values read are never answered, only compared.
  'odoo-bridge/orm/write/core/res-partner-fields-sync.ts': { readRecords: 1, sudoReadEnv: 1, vouchReadable: 1 },
  // message_post's record_name: the document's display name read as sudo (`self.sudo().display_name`); the post
  // itself is then checked as mail.message's create access (document write/`_mail_post_access`, parent, follower).
  'odoo-bridge/orm/write/mail/message-post.ts': { sudoReadEnv: 1, displayNames: 1 },
  // Email notifications: the document's name in the queued mail's subject and the assignment notification
  // (rendered by Odoo as the sending environment, stored in mail.mail / mail.message, never answered to the caller).
  'odoo-bridge/orm/write/mail/notify-thread.ts': { sudoReadEnv: 1, displayNames: 1 },
  'odoo-bridge/orm/write/mail/assignment-notify.ts': { sudoReadEnv: 1, displayNames: 1 },
  // mail.activity `_search`: a ruled search source only narrowed (ANDed with the activities assigned to the user
  // or on documents the user may read/write by the document's ACL and rules).
  'odoo-bridge/orm/methods/mail-activity-search.ts': { vouchRuled: 2 },
  // A tracking message's record_name: the written record's display name, as message_post stores it.
  'odoo-bridge/orm/write/mail/tracking-post.ts': { sudoReadEnv: 1, displayNames: 1 },
  // sale's chatter texts name the product of a line the user is writing ("Extra line with …", quantity updates).
  'odoo-bridge/orm/write/sale/sale-behaviours.ts': { sudoReadEnv: 2, displayNames: 2 },
  // sale's ValidationError texts name the companies and products at fault, as its constraints word them.
  'odoo-bridge/orm/write/sale/sale-constraints.ts': { sudoReadEnv: 2, displayNames: 4 },
  // A line's stored name from its product's display name: a stored compute, computed as superuser (compute_sudo).
  'odoo-bridge/orm/write/sale/sale-line-precompute.ts': { sudoReadEnv: 1, displayNames: 1 },
  // action_update_prices posts its note with the order's pricelist as `_get_html_link()`, whose
  // display_name Odoo reads as the user; whoever may write the order may read its company's
  // pricelists (product.pricelist rules are company rules), so the superuser read gives the same name.
  'odoo-bridge/orm/write/sale/sale-update-prices.ts': { sudoReadEnv: 1, displayNames: 1 },
  // mail.thread tracking labels many2one/x2many values under sudo, as `_track_finalize` (records.sudo()) does.
  'odoo-bridge/orm/write/mail/mail-thread.ts': { sudoReadEnv: 2, displayNames: 2, fieldGroups: 1 },
  // res.partner's account/sale/payment computes (partner.py, sale and payment res_partner.py) search journal items,
  // moves, the invoice report, bank accounts, tokens, orders, invoice reports and descendants as the reader
  // (searchAsReader: ACL + rules, as their `search_count`/`_read_group`); credit/debit read `_where_calc` rows
  // without rules as Odoo's raw SQL does (the definition counts once).
  'odoo-bridge/orm/read/partner-account-computes.ts': { computeAsUser: 10 },
  // res.users crm_team_ids (memberships read as the reader), res.company's tax countries and foreign-VAT countries
  // (fiscal positions as the reader) and lock dates (lock exceptions as the reader; AccessError only when a lock date is set).
  'odoo-bridge/orm/read/company-user-bank-computes.ts': { computeAsUser: 4 },
  // product's counts (pricelist items, documents), attribute lines and values, tags, vendor lines and sale's order
  // lines searched as the reader, as their search_count/_read_group/x2many reads; the vendor-code read right is
  // checked without raising (`ir.model.access.check(..., False)`).
  'odoo-bridge/orm/read/product-computes.ts': { computeAsUser: 8 },
  // sale.order's invoices (its lines and their invoice lines as the reader), active pricelists, archived products,
  // paid amount (transactions), undiscounted amount and expected date (lines), as their compute reads them.
  'odoo-bridge/orm/read/sale-order-computes.ts': { computeAsUser: 7 },
  // sale's amount_invoiced/amount_to_invoice (invoice lines as the reader) and product's sales_count (sale.report
  // rows as the reader, its _read_group), as their computes search them.
  // The reader's AccessError text on a model a compute goes through (sale's amount_to_invoice and has_archived_products).
  'odoo-bridge/orm/read/reader-denial.ts': { computeAsUser: 1 },
  'odoo-bridge/orm/read/sales-count-computes.ts': { computeAsUser: 1 },
  // sale.order.line / product / currency-rate / team-member computes that search as the reader (pricelist rules,
  // documents, packagings, memberships, combos), and the tax string's taxes read as the reader.
  'odoo-bridge/orm/read/product-sale-line-computes.ts': { computeAsUser: 10 },
  'odoo-bridge/orm/read/product-tax-string.ts': { computeAsUser: 1 },
  // res.groups ordered by full_name: the rule-filtered search's own rows, their full_name read as superuser
  // (`self.sudo()` in res_users.py `_search`), narrowed to the page by id: still the same rule-filtered source.
  'odoo-bridge/orm/methods/groups-full-name-order.ts': { readRecords: 1, sudoReadEnv: 1, vouchRuled: 1 },
  // name_create answers the display name of the record the caller just created.
  'odoo-bridge/orm/write/write-methods.ts': { displayNames: 1 },
  // product.category's own name_create answers the display name of the category the caller just created.
  'odoo-bridge/orm/write/core/product-category.ts': { displayNames: 1 },
  // mail/ir computes that read as the reader: mail.mail's attachments (ir.attachment searched as the reader, its
  // `_filter_attachment_access`, twice), an act_window's view lines (its x2many read), ir.actions.server's
  // available models (ir.model searched as the reader); discuss.channel's members (their search/_read_group as the reader).
  'odoo-bridge/orm/read/mail-ir-computes.ts': { computeAsUser: 4 },
  'odoo-bridge/orm/read/discuss-computes.ts': { computeAsUser: 1 },
  // onboarding's progress records (its progress_ids one2many read as the reader) and payment.provider's journal
  // (account.payment.method.line searched as the reader, as `_compute_journal_id`).
  'odoo-bridge/orm/read/onboarding-computes.ts': { computeAsUser: 3 },
  'odoo-bridge/orm/read/payment-provider-computes.ts': { computeAsUser: 1 },
  // digest's KPI values check the read right of the model each KPI reads as the reader (its _read_group/search_count).
  'odoo-bridge/orm/read/digest-computes.ts': { computeAsUser: 1 },
  // account.* computes that Odoo runs as the reader: account.account current_balance / related_taxes_amount, the
  // repartition line's foreign-VAT positions, reconcile model number_entries (journal items, taxes, fiscal positions);
  // account.move suitable_journal_ids and the outstanding widget's items; journal entries_count and alias domains;
  // analytic lines, balance and invoice counts (analytic lines, journal items).
  'odoo-bridge/orm/read/account-record-computes.ts': { computeAsUser: 4 },
  'odoo-bridge/orm/read/account-move-computes.ts': { computeAsUser: 2 },
  'odoo-bridge/orm/read/account-journal-computes.ts': { computeAsUser: 2 },
  'odoo-bridge/orm/read/analytic-statement-computes.ts': { computeAsUser: 3 },
};

async function productionFiles(dir = ROOT, rel = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (PRODUCTION_EXCLUDED.has(entry.name) || entry.name.startsWith('.')) continue;
    const relPath = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await productionFiles(path.join(dir, entry.name), relPath)));
    else if (entry.name.endsWith('.ts')) out.push(relPath);
  }
  return out;
}

describe('the named paths around the record reader', () => {
  it('are exactly the listed ones', async () => {
    const found: Record<string, Record<string, number>> = {};
    for (const file of await productionFiles()) {
      const text = await readFile(path.join(ROOT, file), 'utf8');
      for (const [name, pattern] of Object.entries(WATCHED)) {
        const count = [...text.matchAll(pattern)].length - (name === 'displayNames' || name === 'readRecords' || name === 'sudoReadEnv' ? declarations(text, name) : 0);
        if (count > 0) (found[file] ??= {})[name] = count;
      }
    }
    expect(found).toEqual(EXPECTED);
  });
});

/** `function displayNames(` / `function readRecords(` / `function sudoReadEnv(` are definitions, not call sites. */
function declarations(text: string, name: string): number {
  return [...text.matchAll(new RegExp(`function ${name}\\(`, 'g'))].length;
}
