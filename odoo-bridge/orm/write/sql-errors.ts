import { psycopgClassOf } from '../sql-text/client-literals.ts';
import { OdooError, validationError } from '../../errors.ts';
import { translated, type ModelInfo, type Registry } from '../registry/types.ts';
import type { Queryable } from '../sql/execute.ts';

interface PgError {
  code?: string;
  message?: string;
  detail?: string;
  table?: string;
  column?: string;
  constraint?: string;
}

/**
 * A PostgreSQL error raised by a write, as Odoo reports it (odoo/service/model.py
 * `_as_validation_error`): NOT NULL and FOREIGN KEY get their fixed texts naming the model,
 * known SQL constraints their message from `ir_model_constraint`, other integrity errors
 * "The operation cannot be completed: <pg message>". Never leaks SQL text.
 */
export async function writeErrorFromPg(error: unknown, registry: Registry, db: Queryable, lang: string): Promise<Error> {
  if (error instanceof OdooError) return error;
  const pg = error as PgError;
  if (!pg || typeof pg.code !== 'string') return error instanceof Error ? error : new Error(String(error));
  const model = modelOfTable(registry, pg.table);
  const modelName = model ? translated(model.description, lang) : 'Unknown';
  const modelTech = model?.name ?? 'unknown';
  if (pg.code === '23502') {
    const field = model && pg.column ? model.fields.get(pg.column) : undefined;
    return validationError(
      'The operation cannot be completed:\n- Create/update: a mandatory field is not set.\n' +
        '- Delete: another model requires the record being deleted. If possible, archive it instead.\n\n' +
        `Model: ${modelName} (${modelTech})\nField: ${field ? translated(field.label, lang) : 'Unknown'} (${field?.name ?? 'unknown'})\n`,
    );
  }
  // 23001: PostgreSQL reports ON DELETE RESTRICT as restrict_violation; Odoo words both alike.
  if (pg.code === '23503' || pg.code === '23001') return foreignKeyViolation(registry, pg.table, pg.constraint, lang);
  if (pg.code.startsWith('23')) {
    if (pg.constraint) {
      // `_sql_constraints` are the ones Odoo reflected with a message (type 'u', checks included).
      const known = await db.query<{ message: unknown }>(
        `SELECT to_jsonb(message) AS message FROM ir_model_constraint WHERE name = $1 AND type = 'u' LIMIT 1`,
        [pg.constraint],
      ).catch(() => ({ rows: [] as Array<{ message: unknown }> }));
      const message = known.rows[0]?.message;
      if (known.rows.length) {
        const text = message && typeof message === 'object' ? translated(message as Record<string, string>, lang) : typeof message === 'string' ? message : '';
        return validationError(`The operation cannot be completed: ${text}`);
      }
    }
    const detail = pg.detail ? `\nDETAIL:  ${pg.detail}\n` : '\n';
    return validationError(`The operation cannot be completed: ${pg.message ?? ''}${detail}`);
  }
  // A value PostgreSQL refuses is psycopg2's exception of its SQLSTATE (22008 is DatetimeFieldOverflow, not 22007's class).
  const psycopgClass = psycopgClassOf(pg.code);
  if (psycopgClass) return new OdooError(psycopgClass, firstLine(pg.message));
  if (pg.code.startsWith('22')) return new OdooError('builtins.ValueError', firstLine(pg.message));
  return new OdooError('builtins.Exception', 'Ficus could not run this write on the database.');
}

/**
 * `_as_validation_error` of a ForeignKeyViolation: the model is the one whose table holds the
 * key (exc.diag.table_name: the referencing table, for an insert and for a delete alike), or
 * "Unknown (unknown)" for a many2many relation table. Also raised by the engine itself where the
 * served database lacks a key Odoo's schema has (references/reference-guard.ts).
 */
export function foreignKeyViolation(registry: Registry, table: string | undefined, constraint: string | undefined, lang: string): OdooError {
  const model = modelOfTable(registry, table);
  return validationError(
    'The operation cannot be completed: another model requires the record being deleted. If possible, archive it instead.\n\n' +
      `Model: ${model ? translated(model.description, lang) : 'Unknown'} (${model?.name ?? 'unknown'})\nConstraint: ${constraint ?? ''}\n`,
  );
}

/** Several registry entries may map to one table (mixins resolved by columns); the model named after the table wins. */
function modelOfTable(registry: Registry, table: string | undefined): ModelInfo | undefined {
  if (!table) return undefined;
  const candidates = [...registry.models.values()].filter((m) => m.table && m.table === table);
  return candidates.find((m) => m.name.replace(/\./g, '_') === table) ?? candidates.find((m) => !m.transient) ?? candidates[0];
}

function firstLine(message: string | undefined): string {
  return String(message ?? '').split('\n')[0] ?? '';
}

/** Serialization failures and deadlocks: Odoo retries the whole call (service/model.py `retrying`). */
export function isRetryable(error: unknown): boolean {
  const code = (error as PgError | undefined)?.code;
  return code === '40001' || code === '40P01' || code === '55P03';
}
