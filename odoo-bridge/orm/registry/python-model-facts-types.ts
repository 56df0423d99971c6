/** The shape of python-model-facts.generated.ts (kept apart so the data and its reader do not import each other). */
export interface ModelClassFacts {
  /** The module whose class this is (the class counts only when that module is installed). */
  module: string;
  /** `_rec_name` as the class sets it (null: `_rec_name = None`). */
  recName?: string | null;
  recNamesSearch?: string[];
  /** Fields this class defines with a `search=` method (searchable although not stored). */
  searchFields?: string[];
  /** `_table` as the class sets it (ir.actions.actions: `ir_actions`). */
  table?: string;
  /** `_inherit` parents other than the model itself (where unset attributes come from). */
  inherit?: string[];
}
