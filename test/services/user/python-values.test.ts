import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { goalProgress, goalReached } from '../../../services/user/domain/goals.ts';
import { pyFloat, pyMin, pyRepr, pyRound2 } from '../../../services/user/domain/python-values.ts';
import { riskLevelOf } from '../../../services/user/domain/assessments.ts';
import { UserRefused } from '../../../services/user/domain/user-refusal.ts';

/**
 * Python's round(x, 2) from first principles: the double's exact value as a fraction m·2^e,
 * times 100, rounded half to even to an integer n, then the double nearest n/100 (a correctly
 * rounded division, as CPython's float(repr) of the rounded decimal is).
 */
function exactRound2(x: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const negative = bits >> 63n === 1n;
  const exponentBits = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  const mantissa = exponentBits === 0 ? fraction : fraction | (1n << 52n);
  const exponent = (exponentBits === 0 ? -1074 : exponentBits - 1075);
  // |x| * 100 = mantissa * 100 * 2^exponent.
  let n: bigint;
  if (exponent >= 0) n = mantissa * 100n * (1n << BigInt(exponent));
  else {
    const denominator = 1n << BigInt(-exponent);
    const scaled = mantissa * 100n;
    const q = scaled / denominator;
    const r = scaled % denominator;
    const twice = 2n * r;
    n = twice > denominator || (twice === denominator && q % 2n === 1n) ? q + 1n : q;
  }
  const result = Number(n) / 100;
  return negative ? -result : result;
}

describe("Python's numbers as hp_personal uses them", () => {
  it('round(x, 2) equals the exact decimal rounding, ties to even, for any double of the range goals see', () => {
    fc.assert(
      fc.property(fc.double({ min: -1e9, max: 1e9, noNaN: true }), (x) => {
        expect(Object.is(pyRound2(x), exactRound2(x)) || pyRound2(x) === exactRound2(x)).toBe(true);
      }),
      { numRuns: 20_000 },
    );
    // Ratios as _compute_progress forms them (current / target * 100), where most ties and near-ties live.
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100_000 }), fc.integer({ min: 1, max: 100_000 }), fc.integer({ min: 0, max: 3 }), (a, b, scale) => {
        const ratio = ((a / 10 ** scale) / (b / 10 ** scale)) * 100;
        expect(pyRound2(ratio)).toBe(exactRound2(ratio));
      }),
      { numRuns: 20_000 },
    );
  });

  it('round(x, 2) on the cases known from CPython', () => {
    // Values printed by CPython 3.12: round(0.125, 2), round(0.375, 2), round(2.675, 2), round(1.005, 2), round(99.995, 2), round(-0.125, 2).
    expect([0.125, 0.375, 2.675, 1.005, 99.995, -0.125, 33.333333, 0.115].map(pyRound2)).toEqual([0.12, 0.38, 2.67, 1.0, 100.0, -0.12, 33.33, 0.12]);
  });

  it('float(): numbers, bools, the str grammar (whitespace, signs, exponents, underscores, inf, nan) and its errors', () => {
    expect(pyFloat(3)).toBe(3);
    expect(pyFloat(true)).toBe(1);
    expect(pyFloat(' \t 1_000.5e-1\n')).toBe(100.05);
    expect(pyFloat('-.5')).toBe(-0.5);
    expect(pyFloat('5.')).toBe(5);
    expect(pyFloat('+1E3')).toBe(1000);
    expect(pyFloat('-Infinity')).toBe(Number.NEGATIVE_INFINITY);
    expect(pyFloat('inf')).toBe(Number.POSITIVE_INFINITY);
    expect(Number.isNaN(pyFloat('NaN'))).toBe(true);
    for (const text of ['', ' ', '0x10', '1__0', '_1', '1_', '1e', 'ten', '1.2.3', '١٢', 'infinit', '--1', '1 0']) {
      expect(() => pyFloat(text), text).toThrow(UserRefused);
    }
    expect(() => pyFloat("it's")).toThrow(`could not convert string to float: "it's"`);
    expect(() => pyFloat('ten')).toThrow("could not convert string to float: 'ten'");
    expect(() => pyFloat(null)).toThrow("float() argument must be a string or a real number, not 'NoneType'");
    expect(() => pyFloat({})).toThrow("float() argument must be a string or a real number, not 'dict'");
    expect(pyRepr('a\nb')).toBe("'a\\nb'");
  });

  it('float() of any decimal text a client writes is the double JavaScript reads from it', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom('', ' ', '\t', '\n'), (x, pad) => {
        // String(-0) is "0": compare by value.
        expect(pyFloat(`${pad}${String(x)}${pad}`) === x).toBe(true);
      }),
    );
  });

  it("min(100.0, x) keeps 100.0 unless x is smaller (a NaN progress is 100, as Python's min answers)", () => {
    expect(pyMin(100, Number.NaN)).toBe(100);
    expect(pyMin(100, 50)).toBe(50);
    expect(goalProgress({ goal_type: 'steps', target_value: 10, current_value: Number.NaN })).toBe(100);
    expect(goalProgress({ goal_type: 'weight', target_value: 10, current_value: Number.POSITIVE_INFINITY })).toBe(0);
  });

  it('_is_reached and _compute_progress agree: a reached goal with a target is at 100 %, an unreached one below', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('steps' as const, 'weight' as const, 'sleep' as const, 'glucose' as const),
        fc.double({ min: 0.01, max: 1e6, noNaN: true }),
        fc.double({ min: 0.01, max: 1e6, noNaN: true }),
        (goalType, target, current) => {
          const goal = { goal_type: goalType, target_value: target, current_value: current };
          const progress = goalProgress(goal);
          if (goalReached(goal)) expect(progress).toBe(100);
          // Below the target the ratio is < 100 but may round up to 100.0 (99.995 and above), as in Python.
          else expect(progress).toBeLessThanOrEqual(100);
          expect(progress).toBeGreaterThanOrEqual(0);
        },
      ),
    );
  });

  it("risk_level: >= 70 high, >= 40 medium, else low (an empty score reads 0)", () => {
    expect([100, 70, 69, 40, 39, 0, -5, null].map(riskLevelOf)).toEqual(['high', 'high', 'medium', 'medium', 'low', 'low', 'low', 'low']);
  });
});
