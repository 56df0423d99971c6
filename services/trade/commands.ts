import type { Logger } from 'pino';
import { LegacyCommandProcessor } from '../kit/index.ts';
import { TRADE_ODOO_MODELS } from './odoo/models.ts';

/**
 * Legacy writes to the tables trade owns after cutover: a monolith code path still writing
 * service_orders (hp.payment.action_succeed marking an order paid, M13 being still legacy).
 */
export class TradeLegacyCommandProcessor extends LegacyCommandProcessor {
  constructor(options: { url: string; logger: Logger; pollMs?: number }) {
    super({ ...options, service: 'trade', ownedTables: TRADE_ODOO_MODELS.map((m) => m.table) });
  }
}
