import type { RouteDefinition } from '../../kit/index.ts';
import type { TradeDatabase } from '../db/database.ts';
import { availableOrders } from './available-orders.ts';
import { createGrabOrder, getGrabOrder } from './grab-orders.ts';
import { createHealthService, getHealthService, listHealthServices } from './health-services.ts';
import { changeOrderStatus, createServiceOrder, getServiceOrder, listServiceOrders } from './service-orders.ts';

/** Trade's REST API, in the order the OpenAPI document lists it. */
export const TRADE_ROUTES: RouteDefinition<TradeDatabase>[] = [
  listHealthServices, getHealthService, createHealthService,
  listServiceOrders, getServiceOrder, createServiceOrder, changeOrderStatus,
  createGrabOrder, getGrabOrder, availableOrders,
];
