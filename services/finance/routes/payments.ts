import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { defineRoute, problems } from '../../kit/index.ts';
import { onKysely } from '../db/sql-runner.ts';
import type { FinanceDatabase } from '../db/tables.ts';
import { createPayment, refundPayments, type PaymentMethod } from '../domain/payments.ts';
import { odooNow } from '../../../odoo-bridge/orm/index.ts';
import { listPaymentResources, readPaymentResource } from './payment-resource.ts';
import { asProblems, checkRecords, readerOfHome, restPaymentStore, writeInHome } from './rest-access.ts';

interface PaymentCreate {
  sourceModel: string; sourceId: number; amount: string; currency?: string; method?: PaymentMethod; payerId?: number;
}

/** What a reference drawn for a REST payment starts with, per paid document (the seed's PAY-SO-/PAY-MO-/PAY-KC- convention). */
const REFERENCE_PREFIX: Record<string, string> = { 'hp.service.order': 'SO', 'hp.mall.order': 'MO', 'hp.content.purchase': 'KC' };

/**
 * POST /payments: a pending payment for a document, created as hp.payment's create does
 * (domain/payments.ts `createPayment`: the addon's defaults, unique reference), paid by the
 * caller. An operator may name another payer; a member naming one is refused by hp.payment's
 * rule (payer_id = user), checked on the new row as Odoo checks create rules: 403, nothing left.
 * Idempotency-Key is required: a client retrying a payment must never pay twice.
 */
export const createPaymentRoute = defineRoute<FinanceDatabase, PaymentCreate>({
  method: 'post',
  path: '/payments',
  summary: 'Create a pending payment for a service order, mall order or content purchase, paid by the caller (operators may name the payer); Idempotency-Key required',
  auth: 'bearer',
  idempotency: 'required',
  body: 'rest/finance/payment-create.json',
  responses: { 201: 'rest/finance/payment.json' },
  async handler(ctx) {
    const { body, principal, access } = ctx;
    await access!.check('hp.payment', 'create');
    return writeInHome(ctx, async (rows) => {
      const payerId = body.payerId ?? principal!.userId;
      const { rows: payer } = await sql<{ id: number }>`SELECT id FROM res_users WHERE id = ${payerId}`.execute(rows);
      if (!payer.length) throw problems.unprocessable(`user ${payerId} does not exist`);
      const currencyCode = body.currency ?? 'CNY';
      const { rows: currency } = await sql<{ id: number }>`SELECT id FROM res_currency WHERE name = ${currencyCode} AND active`.execute(rows);
      if (!currency.length) throw problems.unprocessable(`currency ${currencyCode} is not an active currency`);
      const reference = `PAY-${REFERENCE_PREFIX[body.sourceModel] ?? 'API'}-${randomBytes(8).toString('hex').toUpperCase()}`;
      const payment = await asProblems(createPayment(onKysely(rows), {
        reference, payerId, amount: body.amount, currencyId: currency[0]!.id, sourceModel: body.sourceModel, sourceId: body.sourceId, ...(body.method ? { method: body.method } : {}),
      }, principal!.userId));
      // Odoo checks the create rules on the new record, after the INSERT, in the same transaction.
      await checkRecords(access!, rows, 'hp.payment', 'payments', 'create', [payment.id], 'payment');
      return { status: 201, body: (await readPaymentResource(rows, payment.id))!, headers: { location: `/payments/${payment.id}` } };
    });
  },
});

/** GET /payments: the payments the caller's read rules include (payers their own, operators all), newest first. */
export const listPayments = defineRoute<FinanceDatabase, unknown, { state?: string; source_model?: string; source_id?: number; payer_id?: number; limit: number; offset: number }>({
  method: 'get',
  path: '/payments',
  summary: 'List the payments the caller may read (payers their own, operators all), newest first; filter by state, source and payer',
  auth: 'bearer',
  query: 'rest/finance/payment-query.json',
  responses: { 200: 'rest/finance/payment-list.json' },
  async handler(ctx) {
    const { query, access } = ctx;
    await access!.check('hp.payment', 'read');
    const page = await listPaymentResources(await readerOfHome(ctx), await access!.rules('hp.payment', 'read', 'p'), {
      ...(query.state ? { state: query.state } : {}), ...(query.source_model ? { sourceModel: query.source_model } : {}),
      ...(query.source_id ? { sourceId: query.source_id } : {}), ...(query.payer_id ? { payerId: query.payer_id } : {}), limit: query.limit, offset: query.offset,
    });
    return { status: 200, body: page };
  },
});

/** GET /payments/{id}: one payment when the caller's read rules include it (404 otherwise, as for an id that does not exist). */
export const getPayment = defineRoute<FinanceDatabase, unknown, unknown, { id: number }>({
  method: 'get',
  path: '/payments/:id',
  summary: 'Read one payment (payers their own, operators all)',
  auth: 'bearer',
  params: 'rest/finance/id-params.json',
  responses: { 200: 'rest/finance/payment.json' },
  async handler(ctx) {
    const { params, access } = ctx;
    const rows = await readerOfHome(ctx);
    await checkRecords(access!, rows, 'hp.payment', 'payments', 'read', [params.id], 'payment');
    const payment = await readPaymentResource(rows, params.id);
    if (!payment) throw problems.notFound(`payment ${params.id} does not exist`);
    return { status: 200, body: payment };
  },
});

/**
 * POST /payments/{id}/refund: hp.payment.action_refund (domain/payments.ts `refundPayments`):
 * a payment that has not succeeded is 409 "Only succeeded payments can be refunded."; then it
 * needs hp.payment's write right, which hp_payment grants admins only (operators read payments;
 * the seed's `payment.refund` permission is group_hp_admin's): 403 for anyone else, as over RPC.
 */
export const refundPayment = defineRoute<FinanceDatabase, unknown, unknown, { id: number }>({
  method: 'post',
  path: '/payments/:id/refund',
  summary: 'Refund a succeeded payment (hp.payment.action_refund; admins, who hold hp.payment\'s write right)',
  auth: 'bearer',
  params: 'rest/finance/id-params.json',
  responses: { 200: 'rest/finance/payment.json' },
  async handler(ctx) {
    const { params, access } = ctx;
    return writeInHome(ctx, async (rows) => {
      await asProblems(refundPayments(restPaymentStore(rows, access!), { ids: [params.id], now: odooNow() }));
      return { status: 200, body: (await readPaymentResource(rows, params.id))! };
    });
  },
});
