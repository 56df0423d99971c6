/** The shape of python-field-facts.generated.ts (kept apart so the data and its reader do not import each other). */
export type EnvDefaultKind = 'company' | 'user' | 'user_partner' | 'company_currency' | 'lang' | 'today' | 'now';
export type PythonDefault = { literal: string | number | boolean } | { env: EnvDefaultKind };

export interface FieldFactEntry {
  module: string;
  default?: PythonDefault;
  tracking?: number;
  computed?: boolean;
  /** An x2many's Python `domain=` as literals (`self._name` as `{ $model: true }`), or `{ unknown }` when it is not. */
  domain?: unknown[] | { unknown: string };
  /** A Many2oneReference's `model_field`: the field naming the model its id belongs to. */
  modelField?: string;
}

export interface PythonFieldFacts {
  fields: Record<string, Record<string, FieldFactEntry[]>>;
  inherits: Record<string, string[]>;
  mailThread: string[];
  /** Per model, the mail.thread hooks its classes override, with the defining modules. */
  mailHooks: Record<string, Record<string, string[]>>;
  /** Per model, the modules whose `write` / `unlink` (or `@api.ondelete`) override reads the records. */
  readsRecords: Record<string, Record<string, string[]>>;
}
