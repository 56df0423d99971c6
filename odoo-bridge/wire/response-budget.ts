import { OdooError } from '../errors.ts';
import { PythonFloat } from './xmlrpc/values.ts';

/**
 * The largest answer the gateway writes, in characters of its JSON or XML text (roughly). One
 * request can ask for far more than it sends: `read` of the same id repeated millions of times
 * answers every copy, images included, so a 20 MB request can ask for gigabytes. Odoo's worker
 * would die on its memory limit and the client would see a dropped connection; the gateway is
 * one process for everyone, so it refuses such an answer before writing it, as Python's
 * MemoryError.
 */
export const MAX_RESPONSE_CHARS = 256 * 1024 * 1024;

/** Per value, what the text around it costs at least (quotes, separators, tags). */
const OVERHEAD = 4;

/**
 * Throws a MemoryError when the answer to `value` would be longer than `budget`. Walks the value
 * without recursion (results can be deep) and stops as soon as the budget is spent, so refusing
 * a huge answer costs about as much as writing the largest allowed one.
 *
 * Returns whether the value holds something JSON.stringify writes differently from Python's
 * json (a PythonFloat, a bigint, a Map, NaN or an infinity): the JSON writer can then skip a walk of its own
 * (json/python-json.ts `stringifyPythonJson(value, { plain: true })`).
 */
export function checkResponseSize(value: unknown, budget = MAX_RESPONSE_CHARS): { plain: boolean } {
  let remaining = budget;
  let plain = true;
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const current = pending.pop();
    if (typeof current === 'string') remaining -= current.length + OVERHEAD;
    else if (typeof current !== 'object' || current === null) {
      if (typeof current === 'bigint' || (typeof current === 'number' && !Number.isFinite(current))) plain = false;
      remaining -= 24;
    } else if (current instanceof PythonFloat) {
      plain = false;
      remaining -= 24;
    } else if (ArrayBuffer.isView(current)) remaining -= Math.ceil((current.byteLength * 4) / 3) + OVERHEAD;
    else if (Array.isArray(current)) {
      remaining -= OVERHEAD;
      for (const item of current) pending.push(item);
    } else if (current instanceof Map) {
      plain = false;
      for (const [key, item] of current) {
        remaining -= String(key).length + OVERHEAD;
        pending.push(item);
      }
    } else {
      for (const key in current) {
        if (!Object.hasOwn(current, key)) continue;
        remaining -= key.length + OVERHEAD;
        pending.push((current as Record<string, unknown>)[key]);
      }
    }
    if (remaining < 0) throw responseTooLarge(budget);
  }
  return { plain };
}

export const responseTooLarge = (budget = MAX_RESPONSE_CHARS) =>
  new OdooError(
    'builtins.MemoryError',
    `The answer would exceed ${Math.round(budget / 1024 / 1024)} MB; ask for fewer records or fields (duplicate ids are answered once per copy).`,
  );
