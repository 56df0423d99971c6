/** One `@api.constrains` method as scripts/extract-python-constraint-facts.py reads it from a module's source. */
export interface ConstraintFact {
  readonly method: string;
  /** The field names it watches; `['*']` when they are not literal (a lambda: any write may trigger it). */
  readonly fields: readonly string[];
  readonly module: string;
  /** Literal texts of the errors its body raises (for readers; the engine's checks carry their own). */
  readonly messages?: readonly string[];
}
