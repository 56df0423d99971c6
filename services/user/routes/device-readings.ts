import { defineRoute } from '../../kit/index.ts';
import { onKysely } from '../db/sql-runner.ts';
import type { UserDatabase } from '../db/tables.ts';
import { inUserHome, userHome } from '../db/user-home.ts';
import { syncDeviceReadings, type DeviceReading } from '../domain/device-readings.ts';
import type { UserEventSink } from '../domain/user-events.ts';
import { asDeviceProblems, assertRulesAllowValues, bindingFor } from './device-access.ts';

/**
 * POST /users/{id}/device-bindings/{bindingId}/readings: a device's bulk sync. The readings are a
 * sub-resource of the binding (they are stored with its id, the binding is what the device
 * authenticates as), and the answer says what happened to the batch rather than returning records:
 * `accepted` new readings stored, `duplicates` readings already stored (domain/device-readings.ts:
 * natural key binding + record type + time, idempotent under concurrent batches on either
 * database). 1 to 1000 readings a batch, each with its record type's unit and a plausible value
 * (schemas/rest/user/device-readings.json); a bad reading refuses the whole batch (400 or 422),
 * so a device can always send the same batch again.
 *
 * Authorization is the engine's: the binding must be readable (404 otherwise) and writable (its
 * last_sync_at moves: 403 otherwise), and hp.health.record's create rules must allow records of
 * the binding's member: a member or coach syncs only their own devices, an operator or admin
 * anyone's. device_data_synced goes to svc_user's outbox in the request's transaction, whichever
 * database holds M02's rows (MIGRATION.md, user).
 */
export const syncDeviceReadingsRoute = defineRoute<UserDatabase, { readings: DeviceReading[] }, unknown, { id: number; bindingId: number }>({
  method: 'post',
  path: '/users/:id/device-bindings/:bindingId/readings',
  summary: 'Sync a batch of readings from a bound device; each reading is stored once (binding + record type + time)',
  auth: 'bearer',
  idempotency: 'optional',
  params: 'rest/user/device-binding-params.json',
  body: 'rest/user/device-readings.json',
  responses: { 200: 'rest/user/device-sync-result.json' },
  async handler(ctx) {
    const { body, params, access, principal } = ctx;
    await access!.check('hp.health.record', 'create');
    const home = await userHome(ctx.db, ctx.legacyPool, { hold: true });
    const events: UserEventSink = { publish: async (list) => void (list.length && (await ctx.bus.publishMany(ctx.db, list))) };
    return inUserHome(ctx.db, ctx.legacyPool, home, async (rows) => {
      const binding = await bindingFor(access!, rows, params.id, params.bindingId, 'write');
      for (const recordType of new Set(body.readings.map((r) => r.recordType))) {
        await assertRulesAllowValues(access!, rows, 'hp.health.record', 'health_records', 'create',
          { user_id: binding.userId, device_binding_id: binding.id, record_type: recordType, source: 'device' }, `health records of user ${binding.userId}`);
      }
      const outcome = await asDeviceProblems(syncDeviceReadings(onKysely(rows), events, principal!.userId, binding.id, body.readings));
      return { status: 200, body: { bindingId: binding.id, accepted: outcome.accepted, duplicates: outcome.duplicates, lastSyncAt: outcome.binding.lastSyncAt } };
    });
  },
});
