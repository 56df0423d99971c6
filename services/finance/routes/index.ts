import type { RouteDefinition } from '../../kit/index.ts';
import type { FinanceDatabase } from '../db/tables.ts';
import { getGiftOrder, listGiftOrders, listGifts, purchaseGift } from './gifts.ts';
import { paymentWebhook } from './payment-webhook.ts';
import { createPaymentRoute, getPayment, listPayments, refundPayment } from './payments.ts';
import { getPointsBalance, listPointsTransactions } from './points.ts';
import { confirmSettlement, getSettlement, paySettlement, settlementReports } from './settlements.ts';

/**
 * Finance's REST API, in the order the OpenAPI document lists it. Express matches in this order
 * too: the fixed paths (/payments/webhook, /settlements/reports) come before the `:id` ones
 * beside them.
 */
export const FINANCE_ROUTES: RouteDefinition<FinanceDatabase>[] = [
  listPayments, createPaymentRoute, paymentWebhook, getPayment, refundPayment,
  getPointsBalance, listPointsTransactions,
  listGifts, purchaseGift, listGiftOrders, getGiftOrder,
  settlementReports, getSettlement, confirmSettlement, paySettlement,
];

/** The platform design's paths outside /finance/ that finance answers (the catalogue refuses a path claimed twice). */
export const FINANCE_SHARED_PATHS = [...new Set(FINANCE_ROUTES.map((route) => route.path).filter((path) => !path.startsWith('/finance/')))];
