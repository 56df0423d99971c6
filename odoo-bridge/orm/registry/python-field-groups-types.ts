/** The shape of python-field-groups.generated.ts (kept apart so the data and its reader do not import each other). */

/** One definition of a field, in module load order: `groups` as merged up to it (absent: not set). */
export interface FieldGroupsEntry {
  module: string;
  /** Comma-separated group xml ids (`!` negates), `'.'` for fields.NO_ACCESS, null when set to None/False. */
  groups?: string | null;
}

/** model → field → definitions. */
export type PythonFieldGroups = Record<string, Record<string, FieldGroupsEntry[]>>;
