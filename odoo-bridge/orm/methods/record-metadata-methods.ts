import { sql } from 'kysely';
import { missingBehaviour, OdooError, valueError } from '../../errors.ts';
import type { CallContext } from '../call-context.ts';
import { pythonMethod } from '../dispatch/python-methods.ts';
import { checkFieldNames } from '../read/read-records.ts';
import type { ModelInfo } from '../registry/types.ts';
import { run } from '../sql/execute.ts';
import { recordsetRepr } from '../write/write-env.ts';
import { ACCESS_METHODS } from './access-methods.ts';
import { idsOf, type MethodSpec, type MethodTable } from './method.ts';
import { checkFieldGroups, SEARCH_METHODS } from './search-methods.ts';

/**
 * BaseModel's public helpers about records (odoo/models.py 18): get_metadata (the web client's
 * "View Metadata" and scripts), get_external_id, the deprecated check_access_rule, fetch and
 * get_base_url. Each is Odoo's generic implementation, so it answers only where no Python class
 * of the model overrides it; an override gets the clear missing-behaviour refusal.
 */

const LOG_ACCESS_COLUMNS = ['create_uid', 'create_date', 'write_uid', 'write_date'];

/** The generic implementation applies: the model's Python resolves `method` to BaseModel's own. */
function generic(name: string, spec: MethodSpec): MethodSpec {
  return {
    ...spec,
    run(ctx, model, a, ids) {
      const python = pythonMethod(model.name, name);
      if (python && python.definedOn !== 'base') throw missingBehaviour(model.name, `the business method ${name}()`);
      return spec.run(ctx, model, a, ids);
    },
  };
}

type ExternalId = {
  res_id: number;
  module: string;
  name: string;
  noupdate: boolean | null;
};

/** ir.model.data rows of these records, read as sudo, in id order. */
async function externalIds(ctx: CallContext, model: ModelInfo, ids: readonly number[]): Promise<ExternalId[]> {
  if (!ids.length) return [];
  return run<ExternalId>(
    ctx.db,
    sql`SELECT res_id, module, name, noupdate FROM ir_model_data WHERE model = ${model.name} AND res_id = ANY(${[...ids]}::int4[]) ORDER BY id`,
  );
}

export const RECORD_METADATA_METHODS: MethodTable = {
  get_metadata: generic('get_metadata', {
    api: 'records',
    signature: { qualname: 'BaseModel.get_metadata', params: [] },
    async run(ctx, model, _a, rawIds) {
      const ids = idsOf(rawIds);
      // `self.read(LOG_ACCESS_COLUMNS)`, with its access checks; without _log_access, just the ids.
      const rows = model.logAccess
        ? ((await SEARCH_METHODS.read!.run(ctx, model, { fields: LOG_ACCESS_COLUMNS, load: '_classic_read' }, ids)) as Record<string, unknown>[])
        : ids.map((id) => ({ id }) as Record<string, unknown>);
      const byRecord = new Map<number, ExternalId[]>();
      for (const data of await externalIds(ctx, model, ids)) byRecord.set(data.res_id, [...(byRecord.get(data.res_id) ?? []), data]);
      return rows.map((row) => {
        // Python reads them id DESC and takes the last: the oldest external id is the main one.
        const all = byRecord.get(row.id as number) ?? [];
        const main = all[0];
        return {
          ...row,
          xmlid: main ? `${main.module}.${main.name}` : false,
          noupdate: main ? main.noupdate === true : false,
          xmlids: all.map((d) => ({ xmlid: `${d.module}.${d.name}`, noupdate: d.noupdate === true })),
        };
      });
    },
  }),
  get_external_id: generic('get_external_id', {
    api: 'records',
    signature: { qualname: 'BaseModel.get_external_id', params: [] },
    async run(ctx, model, _a, rawIds) {
      // No access check in Odoo: ir.model.data is read as sudo and the records are not read.
      const ids = idsOf(rawIds);
      const first = new Map<number, string>();
      for (const data of await externalIds(ctx, model, ids)) if (!first.has(data.res_id)) first.set(data.res_id, `${data.module}.${data.name}`);
      return Object.fromEntries(ids.map((id) => [id, first.get(id) ?? '']));
    },
  }),
  check_access_rule: generic('check_access_rule', {
    api: 'records',
    signature: { qualname: 'BaseModel.check_access_rule', params: [{ name: 'operation' }] },
    // Deprecated in 18 for check_access(operation), which it calls.
    run: (ctx, model, a, ids) => ACCESS_METHODS.check_access!.run(ctx, model, a, ids),
  }),
  fetch: generic('fetch', {
    api: 'records',
    signature: { qualname: 'BaseModel.fetch', params: [{ name: 'field_names' }] },
    async run(ctx, model, a, rawIds) {
      const ids = idsOf(rawIds);
      const names = a.field_names;
      if (!ids.length || !names || (Array.isArray(names) && !names.length)) return undefined;
      if (!Array.isArray(names)) throw new OdooError('builtins.TypeError', `'${typeof names === 'number' ? 'int' : typeof names === 'boolean' ? 'bool' : 'dict'}' object is not iterable`);
      // `_determine_fields_to_fetch`: the fields' groups, then unknown names; then the records
      // under the read rules (forbidden existing ids raise, missing ones are skipped).
      checkFieldGroups(ctx, model, names, ids);
      checkFieldNames(model, names);
      await ACCESS_METHODS.check_access!.run(ctx, model, { operation: 'read' }, await existing(ctx, model, ids));
      return undefined;
    },
  }),
  get_base_url: generic('get_base_url', {
    api: 'records',
    signature: { qualname: 'BaseModel.get_base_url', params: [] },
    async run(ctx, model, _a, rawIds) {
      const ids = idsOf(rawIds);
      if (ids.length > 1) throw valueError(`Expected singleton or no record: ${recordsetRepr(model.name, ids)}`);
      const rows = await run<{ value: string | null }>(ctx.db, sql`SELECT value FROM ir_config_parameter WHERE key = 'web.base.url'`);
      return rows[0]?.value ?? false;
    },
  }),
};

async function existing(ctx: CallContext, model: ModelInfo, ids: readonly number[]): Promise<number[]> {
  const rows = await run<{ id: number }>(ctx.db, sql`SELECT id FROM ${sql.table(model.table!)} WHERE id = ANY(${[...ids]}::int4[])`);
  const found = new Set(rows.map((r) => r.id));
  return ids.filter((id) => found.has(id));
}
