import type { CallContext } from '../../../odoo-bridge/orm/index.ts';
import { committedLedgerHeadsBeside } from '../db/committed-ledger-heads.ts';
import { onQueryable } from '../db/sql-runner.ts';
import type { LedgerConnection } from '../domain/points-ledger.ts';

/**
 * The points ledger inside an ORM call: the call's transaction, plus the committed heads read
 * beside it (the engine's transactions are REPEATABLE READ: domain/points-ledger.ts).
 */
export function ledgerOfCall(ctx: CallContext): LedgerConnection {
  const committedHeads = committedLedgerHeadsBeside(ctx.db);
  return { sql: onQueryable(ctx.db), ...(committedHeads ? { committedHeads } : {}) };
}
