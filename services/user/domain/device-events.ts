import type { NewEvent } from '../../kit/index.ts';
import type { DeviceBinding } from './device-bindings.ts';

/**
 * device_data_synced (schemas/events/device_data_synced.json): which binding of whose device
 * delivered how many new readings, and when — never the values (health data stays in svc_user;
 * dynamic ignores the event, ops counts it). Keyed by the member, as the user service's other
 * events, so one member's events keep their order.
 */
export function deviceDataSyncedEvent(binding: DeviceBinding, recordCount: number): NewEvent<'device_data_synced'> {
  return {
    type: 'device_data_synced',
    subject: `hp.device.binding/${binding.id}`,
    key: `user/${binding.userId}`,
    data: {
      bindingId: binding.id,
      userId: binding.userId,
      deviceType: binding.deviceType,
      vendor: binding.vendor,
      recordCount,
      syncedAt: binding.lastSyncAt ?? new Date().toISOString(),
    },
  };
}
