import { missingBehaviour } from '../../../errors.ts';
import type { CallContext } from '../../call-context.ts';
import { quoteIdent as ident } from '../../../../platform/quote-ident.ts';
import { emailNormalize } from '../mail/email-address.ts';

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
