import { sql } from 'kysely';
import { accessError } from '../../errors.ts';
import { normalizeDomain } from '../access/rule-domains.ts';
import type { CallContext } from '../call-context.ts';
import { compileWhere } from '../domain/compile.ts';
import { newSearchEnv } from '../domain/search-env.ts';
import { translated, type ModelInfo } from '../registry/types.ts';
import { run } from '../sql/execute.ts';

/**
 * mail.message `_check_access('read')` beyond its rules (addons/mail/models/mail_message.py 18
 * `_get_forbidden_access`), as `read` by id runs it: a user who is not an employee never reads
 * internal comments (a comment marked internal, without subtype or with an internal one); the
 * others are readable when the user wrote or created them, received them (`partner_ids` or a
 * notification), or may read their document (`_get_mail_message_access` → 'read': the document
 * model's ACL and read rules); a message on no document is otherwise refused. Refused messages
 * raise mail.message's own AccessError, naming up to six of them.
 */
export async function checkMessagesReadable(ctx: CallContext, model: ModelInfo, ids: readonly number[]): Promise<void> {
  if (!ids.length || ctx.access.superuser) return;
  const user = (await run<{ partner_id: number | null; share: boolean | null }>(ctx.db, sql`SELECT partner_id, share FROM res_users WHERE id = ${ctx.uid}`))[0];
  const partnerId = user?.partner_id ?? null;
  const rows = await run<{ id: number; model: string | null; res_id: number | null; author_id: number | null; create_uid: number | null; message_type: string | null; notified: boolean; internal_comment: boolean }>(
    ctx.db,
    sql`SELECT m.id, m.model, m.res_id, m.author_id, m.create_uid, m.message_type,
               (EXISTS (SELECT 1 FROM mail_message_res_partner_rel r WHERE r.mail_message_id = m.id AND r.res_partner_id = ${partnerId})
                OR EXISTS (SELECT 1 FROM mail_notification n WHERE n.mail_message_id = m.id AND n.res_partner_id = ${partnerId})) AS notified,
               (m.message_type = 'comment' AND (m.is_internal IS TRUE OR m.subtype_id IS NULL OR s.internal IS TRUE)) AS internal_comment
          FROM mail_message m LEFT JOIN mail_message_subtype s ON s.id = m.subtype_id
         WHERE m.id = ANY(${[...new Set(ids)]}::int4[]) ORDER BY m.id`,
  );
  const forbidden: number[] = [];
  const byDocument = new Map<string, Map<number, number[]>>();
  for (const row of rows) {
    if (user?.share && row.internal_comment) {
      forbidden.push(row.id);
      continue;
    }
    if ((partnerId !== null && row.author_id === partnerId) || row.create_uid === ctx.uid || row.notified) continue;
    if (row.model && row.res_id && row.message_type !== 'user_notification') {
      let docs = byDocument.get(row.model);
      if (!docs) byDocument.set(row.model, (docs = new Map()));
      docs.set(row.res_id, [...(docs.get(row.res_id) ?? []), row.id]);
      continue;
    }
    forbidden.push(row.id);
  }
  for (const [name, docs] of byDocument) {
    const readable = await readableDocuments(ctx, name, [...docs.keys()]);
    for (const [resId, messageIds] of docs) if (!readable.has(resId)) forbidden.push(...messageIds);
  }
  if (!forbidden.length) return;
  // `self.ids[:6]` of the forbidden recordset: the order the caller gave.
  const order = [...new Set(ids)].filter((id) => forbidden.includes(id)).slice(0, 6);
  throw accessError(
    `The requested operation cannot be completed due to security restrictions. Please contact your system administrator.\n\n(Document type: ${translated(model.description, ctx.lang) || model.name}, Operation: read)\n\nRecords: [${order.join(', ')}], User: ${ctx.uid}`,
  );
}

/** `documents._check_access('read')` without raising: the ids that exist and pass the model's ACL and read rules. */
async function readableDocuments(ctx: CallContext, name: string, ids: number[]): Promise<Set<number>> {
  const docModel = ctx.registry.model(name);
  if (!docModel?.table || !ctx.access.hasModel(docModel, 'read')) return new Set();
  const env = newSearchEnv(ctx.registry, { activeTest: false, companyId: ctx.access.companyId });
  const rules = ctx.access.ruleDomain(docModel, 'read');
  const where = compileWhere(env, docModel, ['&', ['id', 'in', ids], ...(rules ? normalizeDomain(rules) : [['id', '!=', 0]])], 'd', { sudo: true, activeTest: false });
  const rows = await run<{ id: number }>(ctx.db, sql`SELECT d.id FROM ${sql.table(docModel.table)} AS d WHERE ${where}`);
  return new Set(rows.map((r) => r.id));
}
