import { OdooError } from '../errors.ts';

/**
 * Metric labels only from known sets. A model or method name in an Odoo call is client input: as a
 * label as such, any logged-in user could create time series at will (one per made-up name) and
 * exhaust the metrics store. A name becomes a label value only once the gateway has seen it answer
 * as a real model or method (anything but "no such model/method"), which bounds the set by the
 * models of the database and the methods of the code; every other name is `other`. A cap bounds it
 * even if that proof were fooled.
 */
export const OTHER_LABEL = 'other';

const MODEL_NAME = /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$/;
const METHOD_NAME = /^[a-z_][A-Za-z0-9_]*$/;
const MAX_NAME_LENGTH = 64;

export interface LabelSetOptions {
  maxModels?: number;
  maxMethods?: number;
}

export class KnownCallLabels {
  readonly #models = new Set<string>();
  readonly #methods = new Set<string>();
  readonly #maxModels: number;
  readonly #maxMethods: number;

  constructor({ maxModels = 1000, maxMethods = 2000 }: LabelSetOptions = {}) {
    this.#maxModels = maxModels;
    this.#maxMethods = maxMethods;
  }

  /** Labels for a call that ended with `error` (undefined when it answered). */
  labelsFor(model: string, method: string, error?: unknown): { model: string; method: string } {
    const modelExists = error === undefined || (provesDispatch(error) && !isUnknownModel(error, model));
    const methodExists = modelExists && (error === undefined || (!isUnknownMethod(error) && !isMissingBehaviour(error)));
    return {
      model: modelExists ? this.#learn(this.#models, this.#maxModels, model, MODEL_NAME) : this.#known(this.#models, model),
      method: methodExists ? this.#learn(this.#methods, this.#maxMethods, method, METHOD_NAME) : this.#known(this.#methods, method),
    };
  }

  #learn(set: Set<string>, max: number, name: string, shape: RegExp): string {
    if (set.has(name)) return name;
    if (typeof name !== 'string' || name.length > MAX_NAME_LENGTH || !shape.test(name) || set.size >= max) return OTHER_LABEL;
    set.add(name);
    return name;
  }

  #known(set: Set<string>, name: string): string {
    return set.has(name) ? name : OTHER_LABEL;
  }
}

/**
 * Whether a failure says anything about the names at all. Only an Odoo error raised once the call
 * was dispatched does: the private-method refusal comes before the model is looked up (odoo/api.py
 * checks the name first: `made.up.N` / `_x` answer it for any N), and an error that is not Odoo's
 * (a crash, a lost connection to a service) may come from anywhere.
 */
function provesDispatch(error: unknown): boolean {
  return error instanceof OdooError && !(error.exceptionName === 'odoo.exceptions.AccessError' && /^Private methods \(such as /.test(error.message));
}

/**
 * The refusal of a business method Ficus does not implement: for models outside the extracted
 * sources any `action_*` / `button_*` name is taken to be one (dispatch/missing-behaviour-method.ts),
 * so it proves no method exists.
 */
function isMissingBehaviour(error: unknown): boolean {
  return error instanceof OdooError && /^Ficus cannot run the business method /.test(error.message);
}

/** The answer to a model name the database does not have: Ficus's ORM says "Object x doesn't exist", Odoo raises KeyError(model). */
function isUnknownModel(error: unknown, model: string): boolean {
  if (!(error instanceof OdooError)) return false;
  return /^Object .* doesn't exist/.test(error.message) || (error.exceptionName === 'builtins.KeyError' && error.arguments[0] === model);
}

/** The answer to a method the model does not have (Odoo: AttributeError). */
function isUnknownMethod(error: unknown): boolean {
  return error instanceof OdooError && error.exceptionName === 'builtins.AttributeError';
}
