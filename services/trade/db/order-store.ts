import { build, type SqlRunner } from './sql-runner.ts';

/** One service order as REST shows it (amount as text: numeric columns keep their digits). */
export async function readOrder(db: SqlRunner, id: number) {
  const [row] = await db.run(
    build.selectFrom('service_orders').select(['id', 'name', 'state', 'customer_id', 'health_worker_id', 'service_id', 'ordered_at', 'completed_at']).select((eb) => eb.cast<string>('amount', 'text').as('amount')).where('id', '=', id),
  );
  return row;
}
