import type pg from 'pg';

/**
 * `work` between BEGIN and COMMIT on a connection the caller holds; on any error it is rolled back
 * and the error rethrown. `onBroken` is told when the ROLLBACK itself fails: the session's state is
 * then unknown and the connection must not be reused.
 */
export async function inClientTransaction<T>(client: pg.ClientBase, work: () => Promise<T>, onBroken?: () => void): Promise<T> {
  await client.query('BEGIN');
  try {
    const result = await work();
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => onBroken?.());
    throw error;
  }
}

/**
 * `work` in one transaction on a connection of `pool`, given back afterwards; a connection whose
 * ROLLBACK failed is destroyed rather than handed to the next caller mid-transaction.
 */
export async function inPgTransaction<T>(pool: { connect(): Promise<pg.PoolClient> }, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken = false;
  try {
    return await inClientTransaction(client, () => work(client), () => (broken = true));
  } finally {
    client.release(broken);
  }
}
