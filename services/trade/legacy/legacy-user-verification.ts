import type pg from 'pg';
import { SagaRejected } from '../../kit/index.ts';
import type { UserVerificationPort } from '../domain/order-creation-saga.ts';

/**
 * The saga's "verify user" while auth (M01) is still the monolith's: a read of the legacy
 * res_users row (exists, active, an internal or portal user that may order). The lock of the
 * compensation is a hold in trade's own database: the monolith has no "locked for review"
 * state, and deactivating the account would lock the customer out of everything.
 */
export function legacyUserVerification(legacy: pg.Pool, trade: pg.Pool): UserVerificationPort {
  return {
    async verify(userId) {
      const { rows } = await legacy.query<{ active: boolean }>('SELECT active FROM res_users WHERE id = $1', [userId]);
      if (!rows[0]) throw new SagaRejected(`user ${userId} does not exist`);
      if (!rows[0].active) throw new SagaRejected(`user ${userId} is inactive`);
      const held = await trade.query('SELECT 1 FROM customer_holds WHERE user_id = $1 LIMIT 1', [userId]);
      if (held.rowCount) throw new SagaRejected(`user ${userId} is held for review after a failed order`);
      return { userId };
    },
    async lock(userId, reason, idempotencyKey) {
      await trade.query('INSERT INTO customer_holds (idempotency_key, user_id, reason) VALUES ($1, $2, $3) ON CONFLICT (idempotency_key) DO NOTHING', [idempotencyKey, userId, reason]);
    },
  };
}
