import { readClassOf, type ReadClass } from '../../odoo-bridge/offload/read-class.ts';

/**
 * A class's state. `learning`: Odoo answers, answers are compared. `promoted`: Ficus answers,
 * a sample is still compared. `demoted`: the answers differed (before or after promotion);
 * Odoo answers, nothing is compared until an operator resets it. `refused`: the engine cannot
 * compute what the class asks for; Odoo answers.
 */
export const OFFLOAD_STATES = ['learning', 'promoted', 'demoted', 'refused'] as const;
export type OffloadState = (typeof OFFLOAD_STATES)[number];

/** Within a generation a class only moves forward: learning → promoted → demoted, or to refused from anywhere. */
const RANK: Record<OffloadState, number> = { learning: 0, promoted: 1, demoted: 2, refused: 2 };

export interface ClassEntry {
  readonly readClass: ReadClass;
  state: OffloadState;
  /** Bumped by `ficus offload reset`: counts and verdicts of an older generation no longer count. */
  generation: number;
}

/** A class as the control database holds it. */
export interface ClassRow {
  database: string;
  model: string;
  method: string;
  fields: string;
  shape: string;
  state: OffloadState;
  generation: number;
}

/**
 * A gateway's view of every class: looked up by key on the hot path, by id for the control
 * database's rows and notifications. States from the database are merged in, never let a
 * class go back within a generation: a re-read that started before this gateway's own
 * demotion was stored must not promote the class again.
 */
export class OffloadBook {
  readonly #byKey = new Map<string, ClassEntry>();
  readonly #byId = new Map<string, ClassEntry>();

  constructor(private readonly maxClasses = 5000) {}

  /** The class's entry, a new `learning` one for a class not seen before; undefined beyond `maxClasses` (those calls go to Odoo). */
  entry(readClass: ReadClass): ClassEntry | undefined {
    const known = this.#byKey.get(readClass.key);
    if (known || this.#byKey.size >= this.maxClasses) return known;
    return this.#add({ readClass, state: 'learning', generation: 0 });
  }

  byId(id: string): ClassEntry | undefined {
    return this.#byId.get(id);
  }

  /** A row read from the control database; returns the entry when its state changed here. */
  merge(row: ClassRow): ClassEntry | undefined {
    const readClass = readClassOf({ database: row.database, model: row.model, method: row.method, fields: row.fields, shape: row.shape });
    const entry = this.#byKey.get(readClass.key);
    if (!entry) return this.#add({ readClass, state: row.state, generation: row.generation });
    if (row.generation > entry.generation || (row.generation === entry.generation && RANK[row.state] > RANK[entry.state])) {
      const changed = entry.state !== row.state;
      entry.state = row.state;
      entry.generation = row.generation;
      return changed ? entry : undefined;
    }
    return undefined;
  }

  /** This gateway's own verdict: at once, before anything else routes a call of the class. */
  settle(entry: ClassEntry, state: OffloadState, generation: number): boolean {
    if (generation !== entry.generation || RANK[state] <= RANK[entry.state]) return false;
    entry.state = state;
    return true;
  }

  countByState(): Record<OffloadState, number> {
    const counts: Record<OffloadState, number> = { learning: 0, promoted: 0, demoted: 0, refused: 0 };
    for (const entry of this.#byKey.values()) counts[entry.state]++;
    return counts;
  }

  #add(entry: ClassEntry): ClassEntry {
    this.#byKey.set(entry.readClass.key, entry);
    this.#byId.set(entry.readClass.id, entry);
    return entry;
  }
}
