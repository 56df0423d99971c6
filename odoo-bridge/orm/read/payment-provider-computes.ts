import { sql } from 'kysely';
import { missingBehaviour } from '../../errors.ts';
import type { ComputedField, ComputeScope } from './computed-field.ts';
import { searchAsReader } from './partner-account-computes.ts';

/**
 * payment.provider computes an all-fields read answers (Odoo 18 payment and account_payment):
 *
 * | field | value |
 * |---|---|
 * | support_express_checkout / support_manual_capture / support_tokenization / support_refund | payment's `_compute_feature_support_fields` defaults (None, read as False; 'none'); a provider whose own module overrides them (payment_adyen, _authorize, _demo, _flutterwave, _razorpay, _stripe, _worldline, _xendit) is refused when that module is installed |
 * | journal_id | account_payment `_compute_journal_id`: the journal of the provider's first payment method line with one (searched as the reader, `sequence, id`); without one, a disabled provider has none, an enabled or test one is refused (Odoo picks a bank journal and creates the method line during the read) |
 */
const column = (alias: string, name: string) => sql.ref(`${alias}.${name}`);

/** Provider modules whose `_compute_feature_support_fields` sets other values for their code. */
const FEATURE_OVERRIDES = new Set(['adyen', 'authorize', 'demo', 'flutterwave', 'razorpay', 'stripe', 'worldline', 'xendit']);

function featureField(name: string, empty: unknown): ComputedField {
  return {
    dependsOn: ['code'],
    select: (a, scope) => {
      const overriding = [...FEATURE_OVERRIDES].filter((code) => scope.env.registry.modules.has(`payment_${code}`));
      return overriding.length ? sql`${column(a, 'code')} = ANY(${sql.val(overriding)}::text[])` : sql`false`;
    },
    compute: (r) => {
      if (r[name] === true) throw missingBehaviour('payment.provider', `the computed field ${name} of a ${String(r.code)} provider`);
      return empty;
    },
  };
}

function methodLineJournal(scope: ComputeScope, provider: ReturnType<typeof column>) {
  const lines = searchAsReader(scope, 'account.payment.method.line', [['journal_id', '!=', false]]);
  const l = (name: string) => sql.ref(`${lines.alias}.${name}`);
  return sql`(SELECT ${l('journal_id')} FROM ${sql.table(lines.table)} AS ${sql.table(lines.alias)}
    WHERE ${l('payment_provider_id')} = ${provider} AND ${lines.where} ORDER BY ${l('sequence')}, ${l('id')} LIMIT 1)`;
}

export const PAYMENT_PROVIDER_COMPUTED_FIELDS: Record<string, ComputedField> = {
  'payment.provider.support_express_checkout': featureField('support_express_checkout', false),
  'payment.provider.support_manual_capture': featureField('support_manual_capture', false),
  'payment.provider.support_tokenization': featureField('support_tokenization', false),
  'payment.provider.support_refund': featureField('support_refund', 'none'),
  'payment.provider.journal_id': {
    dependsOn: ['state'], readsTables: ['account_payment_method_line'], many2one: 'account.journal',
    select: (a, scope) => methodLineJournal(scope, column(a, 'id')),
    compute: (r) => {
      if (r.journal_id) return r.journal_id;
      if (r.state === 'enabled' || r.state === 'test') throw missingBehaviour('payment.provider', 'the computed field journal_id of an enabled provider without a payment method line');
      return false;
    },
  },
};
