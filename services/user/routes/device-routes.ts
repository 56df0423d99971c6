import type { RouteDefinition } from '../../kit/index.ts';
import type { UserDatabase } from '../db/tables.ts';
import { createDeviceBinding, getDeviceBinding, listDeviceBindings, updateDeviceBinding } from './device-bindings.ts';
import { syncDeviceReadingsRoute } from './device-readings.ts';

/** Device bindings and device-data sync, in the order the OpenAPI document lists them (routes/index.ts spreads them). */
export const DEVICE_ROUTES: RouteDefinition<UserDatabase>[] = [
  listDeviceBindings, createDeviceBinding, getDeviceBinding, updateDeviceBinding, syncDeviceReadingsRoute,
];
