import { sql } from 'kysely';
import { typeError } from '../../errors.ts';
import { checkFieldNames, readableFields, readRecords } from '../read/read-records.ts';
import { readAsUser } from './checked-read.ts';
import { run } from '../sql/execute.ts';
import type { CallContext } from '../call-context.ts';
import type { ModelInfo } from '../registry/types.ts';
import { idsOf, orderOf, type MethodTable } from './method.ts';
import { pagingOf } from '../sql-text/search-values.ts';
import { countRows, modelSearchSource, searchIds } from './search-source.ts';
import { isReifiedGroupName, readWithReifiedGroups } from './user-reified-groups.ts';

/** search, search_count, search_read, search_fetch, read, exists (odoo/models.py, 18.0 signatures). */
export const SEARCH_METHODS: MethodTable = {
  search: {
    api: 'model',
    signature: { qualname: 'BaseModel.search', params: [{ name: 'domain' }, { name: 'offset', default: 0 }, { name: 'limit', default: null }, { name: 'order', default: null }] },
    async run(ctx, model, a) {
      ctx.access.checkModel(model, 'read');
      const source = await modelSearchSource(ctx, model, a.domain, { order: orderOf(a.order, model), ...pagingOf({ limit: a.limit, offset: a.offset }) }, { searchFetch: true, clientValues: { select: 'search', paging: { limit: a.limit, offset: a.offset } } });
      return searchIds(ctx, model, source);
    },
  },
  search_count: {
    api: 'model',
    signature: { qualname: 'BaseModel.search_count', params: [{ name: 'domain' }, { name: 'limit', default: null }] },
    async run(ctx, model, a) {
      ctx.access.checkModel(model, 'read');
      return countRows(ctx, model, a.domain, pagingOf({ limit: a.limit, offset: null }).limit, a.limit);
    },
  },
  search_fetch: {
    api: 'model',
    signature: { qualname: 'BaseModel.search_fetch', params: [{ name: 'domain' }, { name: 'field_names' }, { name: 'offset', default: 0 }, { name: 'limit', default: null }, { name: 'order', default: null }] },
    async run(ctx, model, a) {
      ctx.access.checkModel(model, 'read');
      const source = await modelSearchSource(ctx, model, a.domain, { order: orderOf(a.order, model), ...pagingOf({ limit: a.limit, offset: a.offset }) }, { searchFetch: true, clientValues: { select: Array.isArray(a.field_names) && a.field_names.length ? 'fetch' : 'search', paging: { limit: a.limit, offset: a.offset } } });
      // `_determine_fields_to_fetch` after `_search` (field groups, then unknown names).
      if (Array.isArray(a.field_names)) {
        ctx.fieldAccess.check(model, 'read', a.field_names);
        checkFieldNames(model, a.field_names);
      }
      return searchIds(ctx, model, source);
    },
  },
  search_read: {
    api: 'model',
    signature: {
      qualname: 'BaseModel.search_read',
      params: [{ name: 'domain', default: null }, { name: 'fields', default: null }, { name: 'offset', default: 0 }, { name: 'limit', default: null }, { name: 'order', default: null }],
      varKeywords: true,
    },
    async run(ctx, model, a) {
      const extra = a.__extra__ ?? {};
      for (const key of Object.keys(extra)) {
        if (key !== 'load') throw typeError(`BaseModel._read_format() got an unexpected keyword argument '${key}'`);
      }
      // `check_field_access_rights('read', fields)` comes first in search_read, before the model's ACL.
      checkFieldGroups(ctx, model, a.fields);
      ctx.access.checkModel(model, 'read');
      const fields = fieldList(ctx, model, a.fields);
      const source = await modelSearchSource(ctx, model, a.domain ?? [], { order: orderOf(a.order, model), ...pagingOf({ limit: a.limit, offset: a.offset }) }, { searchFetch: true, clientValues: { select: 'fetch', paging: { limit: a.limit, offset: a.offset } } });
      return readRecords(ctx.readEnv(), model, source, fields, ctx.readOptions('load' in extra ? extra.load : '_classic_read'));
    },
  },
  read: {
    api: 'records',
    signature: { qualname: 'BaseModel.read', params: [{ name: 'fields', default: null }, { name: 'load', default: '_classic_read' }] },
    async run(ctx, model, a, rawIds) {
      const ids = storableIds(idsOf(rawIds));
      const readFields = (names: unknown) => {
        // read checks the fields' groups first, then fetch the names, then the model's ACL and rules.
        checkFieldGroups(ctx, model, names, ids);
        const fields = fieldList(ctx, model, names);
        ctx.access.checkModel(model, 'read');
        return readAsUser(ctx, model, ids, fields, a.load);
      };
      if (model.name === 'res.users') return readWithReifiedGroups(ctx, namedFields(a.fields), readFields);
      return readFields(a.fields);
    },
  },
  exists: {
    api: 'records',
    signature: { qualname: 'BaseModel.exists', params: [] },
    async run(ctx, model, _a, rawIds) {
      const ids = storableIds(idsOf(rawIds));
      if (!ids.length || !model.table) return [];
      const rows = await run<{ id: number }>(ctx.db, sql`SELECT id FROM ${sql.table(model.table)} WHERE id = ANY(${ids}::int4[])`);
      const found = new Set(rows.map((r) => r.id));
      return ids.filter((id) => found.has(id));
    },
  },
};

/**
 * Ids an int4 `id` column can hold: Odoo's `id IN (…)` compares a larger one as bigint and finds
 * no row, so read and exists leave it out as any missing id.
 */
function storableIds(ids: number[]): number[] {
  return ids.filter((id) => id >= -2147483648 && id <= 2147483647);
}

/** The names a `fields` argument gives, or null for None/False/[] (every field). */
function namedFields(fields: unknown): unknown[] | null {
  // check_field_access_rights and fetch iterate what they are given: a string is its characters
  // (`fields='code'` is `Invalid field 'c'`), an empty one is falsy (every field).
  if (typeof fields === 'string') return fields ? [...fields] : null;
  return Array.isArray(fields) && fields.length ? fields : null;
}

/**
 * `check_field_access_rights('read', fields)` on records `ids`: AccessError when the user may not
 * read a named field (groups=, access/field-groups.ts). No names: nothing to refuse.
 */
export function checkFieldGroups(ctx: CallContext, model: ModelInfo, fields: unknown, ids: readonly number[] = []): void {
  const names = namedFields(fields);
  if (names) ctx.fieldAccess.check(model, 'read', names, ids);
}

/** `fields`: None/False/[] mean every field the user may read (inaccessible ones silently left out); otherwise each name must exist. */
export function fieldList(ctx: CallContext, model: ModelInfo, fields: unknown): string[] {
  // res.users fetches and formats no reified group field (user-reified-groups.ts): they drop out.
  const names = model.name === 'res.users' ? namedFields(fields)?.filter((name) => !(typeof name === 'string' && isReifiedGroupName(name))) ?? null : namedFields(fields);
  return names ? checkFieldNames(model, names) : ctx.fieldAccess.accessibleOnly(model, readableFields(ctx.registry, model));
}
