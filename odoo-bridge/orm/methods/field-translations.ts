import { sql } from 'kysely';
import { keyError, missingBehaviour, missingError, userError, valueError } from '../../errors.ts';
import type { CallContext } from '../call-context.ts';
import type { FieldInfo, ModelInfo } from '../registry/types.ts';
import { run } from '../sql/execute.ts';
import { recordsetRepr } from '../write/write-env.ts';
import { checkReadable } from './checked-read.ts';
import { idsOf, type MethodTable } from './method.ts';
import { checkFieldGroups } from './search-methods.ts';

/** Fields whose `translate` is a callable (terms of a document) and not html: ir_ui_view.py `arch_db = fields.Text(translate=xml_translate)`. */
const XML_TRANSLATED = new Set(['ir.ui.view.arch_db']);

/**
 * models.py `get_field_translations(field_name, langs=None)` (Odoo 18), what the web client's
 * translation dialog asks: `ensure_one`, the field (`KeyError` for an unknown name), the record's
 * value read as the user (the field's groups, the model's read right and rules, MissingError for
 * a deleted record), then per language (the installed ones when `langs` is not given; an
 * inactive one is `Invalid language code`): a non-translated field has none, a `translate=True`
 * field has `{lang, source: en_US value, value: that language's value}` (no fallback to en_US:
 * the method reads with `check_translations`). A callable `translate` (html_translate,
 * xml_translate: the terms of a document) is answered only when the record has no value ([]);
 * splitting a document into terms is not run by the engine (clear refusal). Languages are listed
 * in the order given, duplicates dropped (Odoo iterates a Python set: with one installed
 * language, as in the served databases, the order is that one).
 */
export const FIELD_TRANSLATION_METHODS: MethodTable = {
  get_field_translations: {
    api: 'records',
    signature: { qualname: 'BaseModel.get_field_translations', params: [{ name: 'field_name' }, { name: 'langs', default: null }] },
    async run(ctx, model, a, rawIds) {
      const ids = idsOf(rawIds);
      if (ids.length !== 1) throw valueError(`Expected singleton: ${recordsetRepr(model.name, ids)}`);
      const name = typeof a.field_name === 'string' ? a.field_name : String(a.field_name);
      const field = model.fields.get(name);
      if (!field) throw keyError(name);
      const langs = Array.isArray(a.langs) && a.langs.length ? [...new Set(a.langs.map(String))] : [...installedLanguages(ctx)];
      checkFieldGroups(ctx, model, [name], ids);
      ctx.access.checkModel(model, 'read');
      await checkReadable(ctx, model, ids);
      const values = await translationsOf(ctx, model, field, ids[0]!);
      const translate = isTranslated(ctx, model, field);
      const callable = XML_TRANSLATED.has(`${model.name}.${name}`) || (field.type === 'html' && translate);
      const context = { translation_type: field.type === 'text' || field.type === 'html' ? 'text' : 'char', translation_show_source: callable };
      if (!translate) return [[], context];
      for (const lang of langs) if (lang !== 'en_US' && !ctx.registry.languages.has(lang)) throw userError(`Invalid language code: ${lang}`);
      const source = values?.en_US ?? false;
      if (callable) {
        if (!source) return [[], context];
        throw missingBehaviour(model.name, `get_field_translations() of ${name} (the terms of a translated document)`);
      }
      return [langs.map((lang) => ({ lang, source, value: values?.[lang] ?? false })), context];
    },
  },
};

/** `field.translate`: an `_inherits` field is its parent's field (ir_model_fields does not mark the child's copy). */
function isTranslated(ctx: CallContext, model: ModelInfo, field: FieldInfo, depth = 0): boolean {
  if (field.translate || !field.inheritedVia || depth > 8) return field.translate;
  const parent = ctx.registry.model(model.fields.get(field.inheritedVia)?.relation ?? '');
  const parentField = parent?.fields.get(field.name);
  return parent && parentField ? isTranslated(ctx, parent, parentField, depth + 1) : false;
}

function installedLanguages(ctx: CallContext): Set<string> {
  return new Set(['en_US', ...ctx.registry.languages]);
}

/**
 * The record's stored translations (the jsonb column), following an `_inherits` field to its
 * parent record; MissingError when the record does not exist. Other non-stored translated fields
 * are computed by code the engine does not run here.
 */
async function translationsOf(ctx: CallContext, model: ModelInfo, field: FieldInfo, id: number): Promise<Record<string, string> | null> {
  if (!model.table) throw missingBehaviour(model.name, `get_field_translations() of ${field.name}`);
  if (field.inheritedVia && !field.column) {
    const link = model.fields.get(field.inheritedVia);
    const parent = link?.relation ? ctx.registry.model(link.relation) : undefined;
    const parentField = parent?.fields.get(field.name);
    const row = await existing(ctx, model, id, link?.column ?? null);
    if (!parent || !parentField || typeof row.value !== 'number') throw missingBehaviour(model.name, `get_field_translations() of ${field.name}`);
    return translationsOf(ctx, parent, parentField, row.value);
  }
  if (isTranslated(ctx, model, field) && !(field.column && field.columnType === 'jsonb')) throw missingBehaviour(model.name, `get_field_translations() of ${field.name}`);
  const row = await existing(ctx, model, id, isTranslated(ctx, model, field) ? field.column : null);
  return (row.value as Record<string, string> | null) ?? null;
}

async function existing(ctx: CallContext, model: ModelInfo, id: number, column: string | null): Promise<{ value: unknown }> {
  const rows = await run<{ value: unknown }>(
    ctx.db,
    sql`SELECT ${column ? sql.ref(column) : sql`NULL`} AS value FROM ${sql.table(model.table!)} WHERE id = ${id}`,
  );
  if (!rows.length) throw missingError(`Record does not exist or has been deleted.\n(Record: ${recordsetRepr(model.name, [id])}, User: ${ctx.uid})`);
  return rows[0]!;
}
