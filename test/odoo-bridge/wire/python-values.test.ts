import { describe, expect, it } from 'vitest';
import { OdooError } from '../../../odoo-bridge/errors.ts';
import { pythonDict, pythonStarArgs, pythonStarStarKwargs, pythonStarStarMapping, pythonStr, pythonTruthy } from '../../../odoo-bridge/wire/python-values.ts';

/** The exception Python raises, as an OdooError's name and message. */
function raised(work: () => unknown): { name: string; message: string } | undefined {
  try {
    work();
    return undefined;
  } catch (error) {
    if (!(error instanceof OdooError)) throw error;
    return { name: error.exceptionName, message: error.message };
  }
}

// Each expectation is CPython 3.11's answer for the same value: dict(v), {**v}, and f(a, *v, **k) as
// odoo/service/model.py execute_kw calls execute (the 'Value after *' wording of a call with leading arguments).
describe('Python value unpacking', () => {
  it('dict(value) of mappings, pair sequences and the rest', () => {
    expect(pythonDict({ a: 1 })).toEqual({ a: 1 });
    expect(pythonDict([['a', 1], 'bc'])).toEqual({ a: 1, b: 'c' });
    expect(pythonDict('')).toEqual({});
    expect(pythonDict([{ k: 1, v: 2 }])).toEqual({ k: 'v' });
    expect(raised(() => pythonDict(null))).toEqual({ name: 'builtins.TypeError', message: "'NoneType' object is not iterable" });
    expect(raised(() => pythonDict(3))).toEqual({ name: 'builtins.TypeError', message: "'int' object is not iterable" });
    expect(raised(() => pythonDict('x'))).toEqual({ name: 'builtins.ValueError', message: 'dictionary update sequence element #0 has length 1; 2 is required' });
    expect(raised(() => pythonDict(['common', 'version', []]))).toEqual({ name: 'builtins.ValueError', message: 'dictionary update sequence element #0 has length 6; 2 is required' });
    expect(raised(() => pythonDict([1]))).toEqual({ name: 'builtins.TypeError', message: 'cannot convert dictionary update sequence element #0 to a sequence' });
  });

  it('f(*value) and f(**value)', () => {
    expect(pythonStarArgs([1, 2])).toEqual([1, 2]);
    expect(pythonStarArgs('ab')).toEqual(['a', 'b']);
    expect(pythonStarArgs({ x: 1 })).toEqual(['x']);
    expect(raised(() => pythonStarArgs(null))).toEqual({ name: 'builtins.TypeError', message: 'Value after * must be an iterable, not NoneType' });
    expect(pythonStarStarKwargs({ a: 1 }, 'f()')).toEqual({ a: 1 });
    expect(raised(() => pythonStarStarKwargs(['x'], 'odoo.service.model.execute()'))).toEqual({
      name: 'builtins.TypeError',
      message: 'odoo.service.model.execute() argument after ** must be a mapping, not list',
    });
    expect(raised(() => pythonStarStarMapping('x'))).toEqual({ name: 'builtins.TypeError', message: "'str' object is not a mapping" });
  });

  it('truth and str()', () => {
    expect([[], {}, '', 0, null, false].map(pythonTruthy)).toEqual([false, false, false, false, false, false]);
    expect([[0], { a: 0 }, ' ', 1, true].map(pythonTruthy)).toEqual([true, true, true, true, true]);
    expect([null, true, false, 'a', 2].map(pythonStr)).toEqual(['None', 'True', 'False', 'a', '2']);
  });
});
