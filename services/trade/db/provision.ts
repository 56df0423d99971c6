import { provisionServiceDatabase } from '../../kit/index.ts';
import { TRADE_MIGRATIONS } from './migrations.ts';

/** Creates svc_trade when missing and brings it to the kit's tables and trade's own. */
export function provisionTradeDatabase(serviceUrl: string): Promise<void> {
  return provisionServiceDatabase(serviceUrl, TRADE_MIGRATIONS);
}
