import type { CallContext } from '../call-context.ts';
import type { MethodSpec } from '../methods/method.ts';
import type { ConstraintCheck } from './constraint-check.ts';
import { mixinCompute } from './core/mixin-computes.ts';

/**
 * Behaviour that lives in Odoo's Python (defaults, stored computes, constraints, create/write
 * overrides, business methods) and that the database alone cannot tell. Services register
 * what they implement, per model; the write engine calls the hooks inside the call's
 * transaction (`ctx.db` is the transaction), and refuses with `missingBehaviour` when Python
 * behaviour is needed and nobody provides it.
 */
export type Vals = Record<string, unknown>;

/**
 * Fields given a value by the create/write that triggered a recompute, per record: Odoo keeps
 * such a value (models.py `env.protecting(fields, records)` in create and write) and recomputes
 * only what depends on it, for those records and the others (a child's commercial partner).
 */
export type ProtectedFields = ReadonlyMap<number, ReadonlySet<string>>;

/** A stored compute: writes the field's column for these ids, leaving protected values as written. */
export type RecomputeFn = (ctx: CallContext, ids: number[], protect?: ProtectedFields) => Promise<void>;

/**
 * `self.env[model].browse(ids).method(*args)` from inside a behaviour: another model's public
 * method, as the calling user with the call's context, answered by whatever answers that model
 * for clients (during a migration: the phase-aware dispatch, so a model whose module moved to a
 * service is reached there). It is a call of its own, in its own transaction, not part of the
 * caller's: the caller decides what its failure means for its own transaction.
 */
export type ModelCaller = (ctx: CallContext, model: string, method: string, args: unknown[], kwargs?: Readonly<Record<string, unknown>>) => Promise<unknown>;

export interface ModelBehaviour {
  /** Python field defaults (`default=` / `default=lambda …`), applied before `ir_default` and context defaults. */
  defaults?(ctx: CallContext): Vals | Promise<Vals>;
  /**
   * A `create()` override's own checks and rewrites before `BaseModel.create` checks the create
   * right (ir.attachment's content facts and `check('create')`): whoever lacks the right still gets
   * the override's error. May rewrite each vals in place.
   */
  refuseCreate?(ctx: CallContext, valsList: Vals[]): void | Promise<void>;
  /** A `create()` override before `super().create` (may rewrite each vals, e.g. take a sequence number). */
  beforeCreate?(ctx: CallContext, valsList: Vals[]): void | Promise<void>;
  /** After the rows exist (x2many included): side effects, extra records. */
  afterCreate?(ctx: CallContext, ids: number[], valsList: Vals[]): void | Promise<void>;
  /**
   * A `create()` override's code after `super().create()` returned: mail.thread (deepest in the
   * MRO) has already logged the creation note and subscribed the creator, so what this creates
   * (product.template's variants) comes after them, as in Odoo.
   */
  afterSuperCreate?(ctx: CallContext, ids: number[], valsList: Vals[]): void | Promise<void>;
  /**
   * The checks a `write()` override makes on its arguments alone, first thing: they come before
   * `BaseModel.write` checks the write right, so whoever lacks it still gets the override's error.
   */
  refuseWrite?(ctx: CallContext, ids: number[], vals: Vals): void | Promise<void>;
  /** A `write()` override before `super().write` (may raise, may rewrite vals). */
  beforeWrite?(ctx: CallContext, ids: number[], vals: Vals): void | Promise<void>;
  afterWrite?(ctx: CallContext, ids: number[], vals: Vals): void | Promise<void>;
  /** An `unlink()` override's checks before `BaseModel.unlink` checks the unlink right (ir.attachment's `check('unlink')`). */
  refuseUnlink?(ctx: CallContext, ids: number[]): void | Promise<void>;
  /** `@api.ondelete` checks and `unlink()` overrides before the rows go. */
  beforeUnlink?(ctx: CallContext, ids: number[]): void | Promise<void>;
  /** An `unlink()` override's code after `super().unlink()`: the rows are gone (e.g. recompute what the deleted lines summed into). */
  afterUnlink?(ctx: CallContext, ids: number[]): void | Promise<void>;
  /**
   * A `copy_data` override after `super().copy_data(default)`, per record (e.g. the " (copy)"
   * name suffix): `vals` is what the record copies, `defaults` the caller's `default`.
   */
  copyData?(ctx: CallContext, id: number, vals: Vals, defaults: Vals): void | Promise<void>;
  /** Context keys a `copy` override adds before its `super().copy(default)` (auth_signup's `no_reset_password`). */
  copyContext?(defaults: Vals): Readonly<Record<string, unknown>>;
  /**
   * Stored computed fields this behaviour recomputes: field name → recompute for these ids
   * (write the column). Called after create, and after writes touching their dependencies.
   */
  compute?: Readonly<Record<string, RecomputeFn>>;
  /**
   * Python `@api.constrains` methods by their method name (`_check_reserved`): the generated facts
   * (scripts/extract-python-constraint-facts.py) say which fields trigger each, and the write
   * engine runs them when and as Odoo does (python-constraints.ts); a triggered method without a
   * check refuses the write.
   */
  checks?: Readonly<Record<string, ConstraintCheck>>;
  /**
   * Where the model's `ir.sequence.next_by_code(code)` draws from when the served database is not
   * the one holding `ir_sequence` (a service database keeps its own counter).
   */
  nextByCode?(ctx: CallContext, code: string): Promise<string | false>;
  /** Public business methods (`action_confirm`…), dispatched like ORM methods. */
  methods?: Readonly<Record<string, MethodSpec>>;
}

export class BehaviourRegistry {
  private readonly byModel = new Map<string, ModelBehaviour[]>();

  /** Adds behaviour for `model`. Several registrations stack (like `_inherit`): hooks run in order. */
  register(model: string, behaviour: ModelBehaviour): this {
    let list = this.byModel.get(model);
    if (!list) this.byModel.set(model, (list = []));
    list.push(behaviour);
    return this;
  }

  of(model: string): readonly ModelBehaviour[] {
    return this.byModel.get(model) ?? [];
  }

  /** The registered recompute of `field`, else the one of the mixin that adds such a field (core/mixin-computes.ts). */
  computeOf(model: string, field: string): RecomputeFn | undefined {
    for (const b of this.of(model)) {
      const fn = b.compute?.[field];
      if (fn) return fn;
    }
    return mixinCompute(model, field);
  }

  /** The registered check of the constraint method `name` (the last registration that has one wins, like an override). */
  checkOf(model: string, name: string): ConstraintCheck | undefined {
    for (const b of [...this.of(model)].reverse()) {
      const c = b.checks?.[name];
      if (c) return c;
    }
    return undefined;
  }

  method(model: string, name: string): MethodSpec | undefined {
    for (const b of [...this.of(model)].reverse()) {
      const m = b.methods?.[name];
      if (m) return m;
    }
    return undefined;
  }

  models(): string[] {
    return [...this.byModel.keys()];
  }
}
