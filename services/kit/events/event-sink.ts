import type { Kysely } from 'kysely';
import { outboxRows, OUTBOX_INSERT } from '../bus/outbox-rows.ts';
import type { NewEvent } from './cloudevent.ts';
import type { EventType } from './event-types.ts';

/**
 * Where a use case's events go, given by the edge: the service's outbox in the change's
 * transaction (REST through the bus, Odoo RPC through the engine's connection), or nowhere on
 * the legacy side (the monolith has no outbox and published nothing for the modules a service
 * takes over). A use case publishes through this and never knows which.
 */
export interface EventSink<T extends EventType> {
  publish(events: NewEvent<T>[]): Promise<void>;
}

/** The legacy side's sink. */
export const NO_EVENTS: EventSink<never> = { publish: async () => undefined };

/** A REST request's sink: the service's outbox through its bus, in the request's transaction. */
export function busEventSink<T extends EventType>(ctx: { db: Kysely<any>; bus: { publishMany(tx: Kysely<any>, events: NewEvent[]): Promise<unknown> } }): EventSink<T> {
  return { publish: async (events) => void (events.length && (await ctx.bus.publishMany(ctx.db, events))) };
}

/**
 * An Odoo call's sink after cutover: the service's outbox on the engine's connection, inside the
 * call's transaction, validated and keyed exactly as the bus's OutboxWriter writes it, so an Odoo
 * client's call announces the same event the REST use case does.
 */
export function callEventSink<T extends EventType>(service: string, db: { query(text: string, params: unknown[]): Promise<unknown> }): EventSink<T> {
  return {
    async publish(events) {
      if (!events.length) return;
      const rows = outboxRows(service, events);
      await db.query(OUTBOX_INSERT, [rows.ids, rows.types, rows.keys, rows.payloads]);
    },
  };
}

/** Odoo datetimes ("2026-11-25 11:46:25", UTC, or a Date from pg) as RFC 3339. */
export function isoUtc(value: string | Date): string {
  if (value instanceof Date) return value.toISOString();
  return value.includes('T') ? new Date(value.endsWith('Z') ? value : `${value}Z`).toISOString() : new Date(`${value.replace(' ', 'T')}Z`).toISOString();
}
