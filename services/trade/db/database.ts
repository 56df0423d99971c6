import type { TradeTables } from './tables.ts';

/** The database type route handlers and event handlers of trade see (kit tables are added by the kit). */
export type TradeDatabase = TradeTables;
