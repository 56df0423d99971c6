import { missingBehaviour } from '../../../errors.ts';
import type { CallContext } from '../../call-context.ts';
import { quoteIdent as ident } from '../../../../platform/quote-ident.ts';

/**
 * Stored computes that mixins add to every model inheriting them, keyed by field name: the field
 * exists on a model only through its mixin, so the name says which Python runs.
 *
 * - `email_normalized` (mail/models/mail_thread_blacklist.py `_compute_email_normalized`):
 *   `tools.email_normalize(record.email, strict=False)` (odoo/tools/mail.py).
 * - `phone_sanitized` (phone_validation/models/mail_thread_phone.py `_compute_phone_sanitized`):
 *   the first of `_phone_get_number_fields()` (`mobile`, `phone`, those the model has) that
 *   `_phone_format` formats. Without the `phonenumbers` library (tools/phone_validation.py, the
 *   `except ImportError` branch, as on the recorded reference server) `phone_format` returns the
 *   number unchanged. With the library Odoo stores E.164; a database whose rows show that
 *   (a sanitized number differing from its source) gets the clear refusal, Ficus does not carry
 *   libphonenumber's metadata.
 */
export type StoredCompute = (ctx: CallContext, ids: number[]) => Promise<void>;

const BY_TABLE: Readonly<Record<string, (model: string, table: string) => StoredCompute>> = {
  email_normalized: (_model, table) => async (ctx, ids) => {
    const rows = await ctx.db.query<{ id: number; email: string | null }>(`SELECT id, email FROM ${ident(table)} WHERE id = ANY($1::int4[])`, [ids]);
    for (const row of rows.rows) {
      await ctx.db.query(`UPDATE ${ident(table)} SET email_normalized = $2 WHERE id = $1`, [row.id, emailNormalize(row.email) || null]);
    }
  },
  phone_sanitized: (model, table) => async (ctx, ids) => {
    const columns = await ctx.db.query<{ column_name: string }>(
      `SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1 AND column_name IN ('mobile', 'phone')`,
      [table],
    );
    const numberFields = ['mobile', 'phone'].filter((f) => columns.rows.some((c) => c.column_name === f));
    const first = numberFields.length ? `COALESCE(${numberFields.map((f) => `NULLIF(${ident(f)}, '')`).join(', ')})` : 'NULL';
    const withNumber = await ctx.db.query(`SELECT 1 FROM ${ident(table)} WHERE id = ANY($1::int4[]) AND ${first} IS NOT NULL LIMIT 1`, [ids]);
    if (withNumber.rowCount && (await formatsWithPhonenumbers(ctx, table, first, ids))) {
      throw missingBehaviour(model, 'the stored computed field phone_sanitized (this database formats numbers with the phonenumbers library)');
    }
    await ctx.db.query(`UPDATE ${ident(table)} SET phone_sanitized = ${first} WHERE id = ANY($1::int4[])`, [ids]);
  },
};

/** The mixin's recompute of `field` for `model`, if the field is a mixin's stored compute. */
export function mixinCompute(model: string, field: string): StoredCompute | undefined {
  const byTable = BY_TABLE[field];
  if (!byTable) return undefined;
  return (ctx, ids) => {
    const table = ctx.registry.model(model)?.table;
    if (!table) throw missingBehaviour(model, `the stored computed field ${field}`);
    return byTable(model, table)(ctx, ids);
  };
}

/** Whether stored rows show numbers formatted by `phonenumbers` (E.164 differs from the typed number). */
async function formatsWithPhonenumbers(ctx: CallContext, table: string, first: string, recomputing: number[]): Promise<boolean> {
  // The rows being recomputed still hold their old value: they say nothing about the library.
  const r = await ctx.db.query(
    `SELECT 1 FROM ${ident(table)} WHERE phone_sanitized IS NOT NULL AND phone_sanitized IS DISTINCT FROM ${first} AND NOT (id = ANY($1::int4[])) LIMIT 1`,
    [recomputing],
  );
  return (r.rowCount ?? 0) > 0;
}

/** `tools.email_normalize(text, strict=False)`: the first address found, local part lowercased when ASCII, domain lowercased. */
export function emailNormalize(text: string | null | undefined): string | false {
  const emails = emailSplit(text ?? '');
  if (!emails.length) return false;
  const email = emails[0]!;
  const at = email.lastIndexOf('@');
  const local = email.slice(0, at);
  const domain = email.slice(at);
  // eslint-disable-next-line no-control-regex
  return (/^[\x00-\x7f]*$/.test(local) ? local.toLowerCase() : local) + domain.toLowerCase();
}

/**
 * `tools.email_split`: the addresses of an address list (Python's `getaddresses`), keeping those
 * with an '@'; a bare "name email@x" pair is split on spaces (`_parse_based_on_spaces`).
 */
export function emailSplit(text: string): string[] {
  if (!text) return [];
  const out: string[] = [];
  for (const part of splitAddressList(text)) {
    const angle = /<([^<>]*)>/.exec(part);
    let email = (angle ? angle[1]! : part.replace(/"[^"]*"/g, '')).trim();
    if (!angle && email.includes(' ')) email = email.split(/\s+/).find((t) => t.includes('@')) ?? email;
    if (email && email.includes('@')) out.push(email);
  }
  if (out.some((e) => e.startsWith('@'))) {
    const found = text.match(/[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\.[a-zA-Z]{2,63}/g)?.filter((e) => !e.startsWith('@'));
    if (found?.length) return found;
  }
  return out;
}

/** Splits on commas outside quotes and angle brackets. */
function splitAddressList(text: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  let angle = 0;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch === '<') angle++;
    else if (!quoted && ch === '>') angle = Math.max(0, angle - 1);
    if (ch === ',' && !quoted && !angle) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts.map((p) => p.trim()).filter(Boolean);
}
