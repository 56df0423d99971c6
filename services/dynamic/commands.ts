import type { Logger } from 'pino';
import { LegacyCommandProcessor as KitLegacyCommandProcessor } from '../kit/index.ts';
import { DYNAMIC_ODOO_MODELS } from './odoo/models.ts';

/** Legacy writes to user_feeds, activities and recommendations after cutover (a legacy code path that still writes them). */
export class LegacyCommandProcessor extends KitLegacyCommandProcessor {
  constructor(options: { url: string; logger: Logger; pollMs?: number }) {
    super({ ...options, service: 'dynamic', ownedTables: DYNAMIC_ODOO_MODELS.map((m) => m.table) });
  }
}
