import { schemaRegistry, type SchemaRegistry } from '../schema-registry.ts';
import { InvalidEventError, type CloudEvent } from './cloudevent.ts';

/** Validates an event against `schemas/events/<type>.json`; unknown types are invalid too. */
export function assertValidEvent(event: unknown, registry: SchemaRegistry = schemaRegistry()): asserts event is CloudEvent {
  const type = (event as { type?: unknown } | null)?.type;
  if (typeof type !== 'string' || !/^[a-z][a-z_]*$/.test(type) || !registry.has(`events/${type}.json`) || type === 'cloudevent') {
    throw new InvalidEventError(String(type), [{ pointer: '/type', message: 'is not a known event type (schemas/events/)' }]);
  }
  const violations = registry.check(`events/${type}.json`, event);
  if (violations.length) throw new InvalidEventError(type, violations);
}
