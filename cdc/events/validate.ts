import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import type { ChangeEvent } from './change-event.ts';

const SCHEMA_PATH = path.resolve(import.meta.dirname, '../../schemas/change-event.schema.json');

let compiled: ValidateFunction<ChangeEvent> | undefined;

/**
 * Validates `{key, value}` against schemas/change-event.schema.json. Appliers do not validate
 * every event on the hot path (the readers build them); Kafka consumers and tests do.
 */
export function validateChangeEvent(event: unknown): { ok: true } | { ok: false; errors: string[] } {
  compiled ??= new Ajv({ allErrors: true, strict: false }).compile<ChangeEvent>(JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')));
  if (compiled(event)) return { ok: true };
  return { ok: false, errors: (compiled.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`) };
}
