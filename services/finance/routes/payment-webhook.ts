import { HttpProblem, defineRoute, problems, type OdooCalls } from '../../kit/index.ts';
import { onKysely } from '../db/sql-runner.ts';
import type { FinanceDatabase } from '../db/tables.ts';
import { failPayments, PAYMENT_SOURCE_REACTIONS, succeedPayments, type PaidDocuments } from '../domain/payments.ts';
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

/** OdooBot: the webhook acts as the system, as a provider's server-to-server callback does in Odoo. */
const SYSTEM_UID = 1;

/**
 * The documents a payment pays, reached as an Odoo call of the system reaches them: the
 * gateway's phase-aware dispatch (PlatformPorts.odoo) runs `action_mark_paid` of a service order
 * wherever M04 lives and `action_pay` of a mall order wherever M09 does, exactly as
 * hp.payment.action_succeed over RPC does. Without a gateway beside the service (`ficus serve
 * finance`) no document is in reach: payment_success, which succeedPayments publishes once
 * finance owns M13, is then the only news (trade pays its service orders from it).
 */
function paidDocumentsThrough(odoo: OdooCalls | null): PaidDocuments {
  if (!odoo) return { knows: () => false, stateOf: async () => undefined, call: async () => undefined };
  return {
    knows: (model) => model in PAYMENT_SOURCE_REACTIONS,
    async stateOf(model, id) {
      const [row] = (await odoo({ uid: SYSTEM_UID, model, method: 'search_read', args: [[['id', '=', id]], ['state']], kwargs: { context: { active_test: false } } })) as { state?: string }[];
      return row?.state;
    },
    async call(model, method, id) {
      await odoo({ uid: SYSTEM_UID, model, method, args: [[id]] });
    },
  };
}

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
          ? succeedPayments(systemPaymentStore(run), paidDocumentsThrough(ctx.platform.odoo), restEventSink(ctx, home), request)
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
