import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

/** Root of the JSON Schemas shared by every service: `schemas/events`, `schemas/rest` (FICUS_SCHEMAS_DIR for bundled builds). */
export const SCHEMAS_DIR = process.env.FICUS_SCHEMAS_DIR ?? path.resolve(import.meta.dirname, '../../schemas');
export const SCHEMA_BASE_URI = 'https://schemas.ficus.dev/';
const KIT_FOLDERS = ['events', 'rest'];

// ajv-formats is CommonJS; under NodeNext its default import is the module object on some setups.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv2020) => Ajv2020;

export interface SchemaViolation {
  /** JSON Pointer into the validated value, e.g. `/data/amount`. */
  pointer: string;
  message: string;
}

/**
 * One compiled set of every schema file under `schemas/` (JSON Schema 2020-12, the dialect
 * OpenAPI 3.1 uses). Schemas refer to each other by `$id`, so REST bodies can reuse event data.
 * Loaded once per process: compiling is the slow part, validating is cheap.
 */
export class SchemaRegistry {
  private readonly ajv: Ajv2020;
  /** For query strings and path parameters, which arrive as text: coerces types, fills defaults. */
  private readonly coercing: Ajv2020;
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly coercingValidators = new Map<string, ValidateFunction>();
  readonly schemas = new Map<string, Record<string, unknown>>();

  constructor(root: string = SCHEMAS_DIR) {
    const make = (extra: object) => {
      const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true, ...extra });
      addFormats(ajv);
      // Annotation keywords our schemas carry for people and for OpenAPI.
      ajv.addKeyword('x-legacy-module');
      ajv.addKeyword('example');
      return ajv;
    };
    this.ajv = make({});
    this.coercing = make({ coerceTypes: true, useDefaults: true });
    // Only the kit's folders: others (e.g. CDC change events) keep their own conventions.
    for (const file of KIT_FOLDERS.flatMap((folder) => jsonFiles(path.join(root, folder)))) {
      const schema = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
      const id = schema.$id;
      if (typeof id !== 'string' || !id.startsWith(SCHEMA_BASE_URI)) {
        throw new Error(`${path.relative(root, file)}: $id must start with ${SCHEMA_BASE_URI}`);
      }
      const expected = `${SCHEMA_BASE_URI}${path.relative(root, file).split(path.sep).join('/')}`;
      if (id !== expected) throw new Error(`${path.relative(root, file)}: $id must be ${expected} (the file's own path)`);
      this.schemas.set(id, schema);
      this.ajv.addSchema(schema);
      this.coercing.addSchema(schema);
    }
  }

  /** `events/order_created.json` or a full `$id`. */
  resolveId(ref: string): string {
    return ref.startsWith('https://') ? ref : `${SCHEMA_BASE_URI}${ref}`;
  }

  has(ref: string): boolean {
    return this.schemas.has(this.resolveId(ref));
  }

  validator(ref: string, coerce = false): ValidateFunction {
    const id = this.resolveId(ref);
    const cache = coerce ? this.coercingValidators : this.validators;
    let validate = cache.get(id);
    if (!validate) {
      const compiled = (coerce ? this.coercing : this.ajv).getSchema(id);
      if (!compiled) throw new Error(`no schema ${id} under ${SCHEMAS_DIR}`);
      validate = compiled;
      cache.set(id, validate);
    }
    return validate;
  }

  /** The violations, or an empty list when `value` is valid. */
  check(ref: string, value: unknown, options: { coerce?: boolean } = {}): SchemaViolation[] {
    const validate = this.validator(ref, options.coerce);
    if (validate(value)) return [];
    return (validate.errors ?? []).map(describeError);
  }
}

/** Messages safe for a client: they name the field and the rule, never echo the value. */
function describeError(error: ErrorObject): SchemaViolation {
  const pointer = error.instancePath || '/';
  if (error.propertyName !== undefined) return { pointer: `${error.instancePath}/${error.propertyName}`, message: 'is not a valid attribute name' };
  if (error.keyword === 'propertyNames') return { pointer, message: 'has an invalid attribute name' };
  if (error.keyword === 'required') return { pointer: `${error.instancePath}/${String(error.params.missingProperty)}`, message: 'is required' };
  if (error.keyword === 'additionalProperties') {
    return { pointer: `${error.instancePath}/${String(error.params.additionalProperty)}`, message: 'is not allowed here' };
  }
  return { pointer, message: error.message ?? error.keyword };
}

function jsonFiles(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir).sort()) {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) found.push(...jsonFiles(full));
    else if (entry.endsWith('.json')) found.push(full);
  }
  return found;
}

let shared: SchemaRegistry | undefined;
/** The process-wide registry over `schemas/`. */
export function schemaRegistry(): SchemaRegistry {
  shared ??= new SchemaRegistry();
  return shared;
}
