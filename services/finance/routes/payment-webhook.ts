import { HttpProblem, defineRoute, problems } from '../../kit/index.ts';
import { onKysely } from '../db/sql-runner.ts';
import type { FinanceDatabase } from '../db/tables.ts';
import { failPayments, succeedPayments, type PaidDocuments } from '../domain/payments.ts';
import { claimWebhookEvent, PAYMENT_EVENT_TYPES, recordWebhookOutcome, type PaymentEventType, type WebhookOutcome } from '../domain/webhook-events.ts';
import { SIGNATURE_HEADER, verifyWebhookSignature } from '../domain/webhook-signature.ts';
import { odooNow } from '../../../odoo-bridge/orm/index.ts';
import { asProblems, restEventSink, systemPaymentStore, writeInHome } from './rest-access.ts';

/**
 * The shared secret the provider signs with, from the environment (never logged, never
 * answered): FICUS_PAYMENT_WEBHOOK_SECRET, and while rolling it FICUS_PAYMENT_WEBHOOK_SECRET_PREVIOUS.
 * Read per delivery, so a rolled secret needs no restart.
 */
export function paymentWebhookSecrets(env: NodeJS.ProcessEnv = process.env): string[] {
  return [env.FICUS_PAYMENT_WEBHOOK_SECRET, env.FICUS_PAYMENT_WEBHOOK_SECRET_PREVIOUS].filter((s): s is string => !!s);
}

/**
 * The documents a payment pays, as the webhook tells them: through payment_success, which
 * succeedPayments publishes in this transaction once finance owns M13, and which trade consumes
 * (a pending_payment service order becomes paid: trade's rule, its events.ts) — not by a
 * synchronous call, because a REST request has no way to call another module's business methods
 * as an Odoo call does (the gateway's ModelCaller, which the RPC face of action_succeed is given).
 * So for the webhook no source model is "in the environment" and the domain calls none. Left
 * open until routes get that caller: a mall order (hp_mall, still the monolith's, consumes no
 * event) is not paid by its payment's webhook, and before finance's cutover (the monolith as
 * home, no events) neither is a service order.
 */
const SOURCES_TOLD_BY_EVENT: PaidDocuments = {
  knows: () => false,
  stateOf: async () => undefined,
  call: async () => undefined,
};

interface ProviderEvent {
  id: string;
  type: string;
  data?: { reference?: string; providerTxnId?: string };
}

const signatureProblem = (status: 400 | 401, detail: string) =>
  new HttpProblem(status, status === 400 ? 'Bad Request' : 'Unauthorized', detail, {
    type: 'https://ficus.dev/problems/webhook-signature',
    ...(status === 401 ? { headers: { 'www-authenticate': 'Payment-Signature realm="payments"' } } : {}),
  });

/**
 * POST /payments/webhook: the payment provider settles a payment asynchronously. Public (no
 * bearer token) but signed: the signature over `<timestamp>.<body bytes>` with the shared secret
 * must match and be at most 5 minutes old (domain/webhook-signature.ts): a missing or malformed
 * signature is 400, a wrong or stale one 401, and nothing is read or written before it holds.
 * Each provider event id is acted on once (domain/webhook-events.ts, table
 * payment_webhook_events): a redelivery is answered 200 with the first outcome and does nothing.
 * `payment.succeeded` runs hp.payment.action_succeed and `payment.failed` action_fail — the
 * domain functions an Odoo client's calls run (domain/payments.ts) — as the system (OdooBot);
 * an event the payment's state already reflects (another event id said it before) is 200
 * `already-…`; one contradicting it is 409 with the addon's text, so the provider retries and
 * someone looks. Other event types are acknowledged and ignored (providers send many).
 */
export const paymentWebhook = defineRoute<FinanceDatabase, ProviderEvent>({
  method: 'post',
  path: '/payments/webhook',
  summary: 'The payment provider\'s signed event (Payment-Signature: t=<unix s>,v1=<HMAC-SHA256 hex of "<t>.<body>">): payment.succeeded / payment.failed settle a pending payment, once per event id',
  auth: 'public',
  // Replays are recognised by the provider's event id, not by an Idempotency-Key it does not send.
  idempotency: 'never',
  body: 'rest/finance/payment-webhook-event.json',
  responses: { 200: 'rest/finance/payment-webhook-result.json' },
  async handler(ctx) {
    const { body, rawBody, header, log } = ctx;
    const secrets = paymentWebhookSecrets();
    if (!secrets.length) throw problems.unavailable('payment webhooks are not configured on this server', 300);
    if (!rawBody) throw signatureProblem(400, 'the body must be the provider\'s JSON, sent as application/json');
    const verdict = verifyWebhookSignature(header(SIGNATURE_HEADER), rawBody, secrets, Date.now());
    if (!verdict.ok) {
      log.warn({ reason: verdict.reason }, 'payment webhook refused');
      throw signatureProblem(verdict.reason === 'malformed' ? 400 : 401, verdict.detail);
    }
    const answer = (paymentId: number | null, outcome: WebhookOutcome, duplicate: boolean) =>
      ({ status: 200, body: { eventId: body.id, type: body.type, paymentId, outcome, duplicate } });
    // The claim is svc_finance's (finance's own table), in the request's transaction, whichever
    // side holds the payments: before cutover the payment's change commits on the monolith just
    // before the claim does, and should the claim then be lost, a redelivery finds the payment
    // in the event's state already and changes nothing.
    const events = onKysely(ctx.db);
    const claim = await claimWebhookEvent(events, body, verdict.signedAt);
    if (!claim.firstDelivery) return answer(claim.paymentId, claim.outcome, true);
    const transition = PAYMENT_EVENT_TYPES[body.type as PaymentEventType] as 'succeeded' | 'failed' | undefined;
    if (!transition) return answer(null, 'ignored', false);
    return writeInHome(ctx, async (rows, home) => {
      const run = onKysely(rows);
      const reference = body.data?.reference;
      if (!reference) throw problems.unprocessable(`a ${body.type} event names its payment in data.reference`);
      // Locked before the state is read: a concurrent event for the same payment (another id) waits, then sees this one's outcome.
      const [payment] = await run.raw<{ id: number; state: string; provider_txn_id: string | null }>(
        'SELECT id, state, provider_txn_id FROM payments WHERE reference = $1 FOR UPDATE', [reference]);
      // Not recorded: the payment may not have reached this database yet (the provider retries).
      if (!payment) throw problems.unprocessable(`no payment has the reference ${reference}`);
      let outcome: WebhookOutcome;
      if (payment.state === transition) {
        outcome = transition === 'succeeded' ? 'already-succeeded' : 'already-failed';
      } else {
        const request = { ids: [payment.id], now: odooNow() };
        await asProblems(transition === 'succeeded'
          ? succeedPayments(systemPaymentStore(run), SOURCES_TOLD_BY_EVENT, restEventSink(ctx, home), request)
          : failPayments(systemPaymentStore(run), request));
        outcome = transition;
      }
      if (body.data?.providerTxnId && !payment.provider_txn_id) {
        await run.raw('UPDATE payments SET provider_txn_id = $2 WHERE id = $1', [payment.id, body.data.providerTxnId]);
      }
      await recordWebhookOutcome(events, body.id, payment.id, outcome);
      return answer(payment.id, outcome, false);
    });
  },
});
