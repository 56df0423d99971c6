import { CompiledQuery, type Kysely } from 'kysely';
import type pg from 'pg';
import { SagaRejected } from '../../kit/index.ts';
import { CustomerHeld, type UserVerificationPort } from '../domain/order-creation-saga.ts';

type Rows<R> = Promise<{ rows: R[] }>;
type Reader = <R>(text: string, values: unknown[]) => Rows<R>;

/**
 * The saga's "verify user" while auth (M01) is still the monolith's: a read of the legacy
 * res_users row (exists, active), or of trade's copy of it when no legacy database is configured
 * (the copy the bearer token's subject was checked against), and no hold in trade. The lock of
 * the compensation is a hold in trade's own database: the monolith has no "locked for review"
 * state, and deactivating the account would lock the customer out of everything.
 */
export function legacyUserVerification(legacy: pg.Pool | null, trade: pg.Pool): UserVerificationPort {
  const onPool = (pool: pg.Pool): Reader => async (text, values) => pool.query(text, values) as never;
  const onTx = (tx: Kysely<any>): Reader => async (text, values) => (await tx.executeQuery(CompiledQuery.raw(text, values))) as never;
  const verify = async (users: Reader, holds: Reader, userId: number) => {
    const { rows } = await users<{ active: boolean }>('SELECT active FROM res_users WHERE id = $1', [userId]);
    if (!rows[0]) throw new SagaRejected(`user ${userId} does not exist`);
    if (!rows[0].active) throw new SagaRejected(`user ${userId} is inactive`);
    const held = await holds('SELECT 1 FROM customer_holds WHERE user_id = $1 LIMIT 1', [userId]);
    if (held.rows.length) throw new CustomerHeld(userId);
    return { userId };
  };
  return {
    verify: (userId) => verify(legacy ? onPool(legacy) : onPool(trade), onPool(trade), userId),
    verifyIn: (tx, userId) => verify(legacy ? onPool(legacy) : onTx(tx), onTx(tx), userId),
    async lock(userId, reason, idempotencyKey) {
      await trade.query('INSERT INTO customer_holds (idempotency_key, user_id, reason) VALUES ($1, $2, $3) ON CONFLICT (idempotency_key) DO NOTHING', [idempotencyKey, userId, reason]);
    },
  };
}
