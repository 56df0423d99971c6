import { sql, type Kysely, type RawBuilder } from 'kysely';

export interface PaymentResource {
  id: number;
  reference: string;
  payerId: number | null;
  amount: string;
  currency: string;
  method: string;
  state: string;
  sourceModel: string | null;
  sourceId: number | null;
  paidAt: string | null;
  providerTxnId: string | null;
}

const COLUMNS = sql`p.id, p.reference, p.payer_id, p.amount::text AS amount, c.name AS currency, p.method, p.state, p.source_model, p.source_id,
  to_char(p.paid_at, 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS paid_at, p.provider_txn_id`;

interface PaymentRow {
  id: number; reference: string; payer_id: number | null; amount: string | null; currency: string | null; method: string; state: string;
  source_model: string | null; source_id: number | null; paid_at: string | null; provider_txn_id: string | null;
}

function resource(r: PaymentRow): PaymentResource {
  return {
    id: r.id, reference: r.reference, payerId: r.payer_id, amount: r.amount ?? '0', currency: r.currency ?? '', method: r.method, state: r.state,
    sourceModel: r.source_model, sourceId: r.source_id, paidAt: r.paid_at, providerTxnId: r.provider_txn_id,
  };
}

/** One payment as REST shows it (no access check: the caller did it). */
export async function readPaymentResource(db: Kysely<any>, id: number): Promise<PaymentResource | undefined> {
  const { rows } = await sql<PaymentRow>`SELECT ${COLUMNS} FROM payments p LEFT JOIN res_currency c ON c.id = p.currency_id WHERE p.id = ${id}`.execute(db);
  return rows[0] && resource(rows[0]);
}

export interface PaymentFilter {
  state?: string;
  sourceModel?: string;
  sourceId?: number;
  payerId?: number;
  limit: number;
  offset: number;
}

/** A page of the payments `visible` (the caller's read rules over alias p) lets through, in hp.payment's order (id desc), and how many match. */
export async function listPaymentResources(db: Kysely<any>, visible: RawBuilder<boolean>, filter: PaymentFilter): Promise<{ items: PaymentResource[]; total: number }> {
  const conditions: RawBuilder<unknown>[] = [visible];
  if (filter.state !== undefined) conditions.push(sql`p.state = ${filter.state}`);
  if (filter.sourceModel !== undefined) conditions.push(sql`p.source_model = ${filter.sourceModel}`);
  if (filter.sourceId !== undefined) conditions.push(sql`p.source_id = ${filter.sourceId}`);
  if (filter.payerId !== undefined) conditions.push(sql`p.payer_id = ${filter.payerId}`);
  const where = sql.join(conditions, sql` AND `);
  const [page, count] = await Promise.all([
    sql<PaymentRow>`SELECT ${COLUMNS} FROM payments p LEFT JOIN res_currency c ON c.id = p.currency_id WHERE ${where} ORDER BY p.id DESC LIMIT ${filter.limit} OFFSET ${filter.offset}`.execute(db),
    sql<{ n: number }>`SELECT count(*)::int AS n FROM payments p WHERE ${where}`.execute(db),
  ]);
  return { items: page.rows.map(resource), total: count.rows[0]!.n };
}
