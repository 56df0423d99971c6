/**
 * Odoo's `float_round(value, precision_rounding=r)` (odoo/tools/float_utils.py), HALF-UP: the
 * value is scaled to units of the rounding (multiplied by its inverse when below 1, so that 0.01
 * scales by exactly 100), nudged away from zero by an epsilon of its own magnitude (2.675 held as
 * 2.67499… still rounds up), rounded, and scaled back the same way. `currency.round(x)` is this
 * with the currency's rounding; Float fields with digits round with 10^-digits.
 */
export function roundTo(value: number, rounding: number): number {
  if (!value || !(rounding > 0)) return 0;
  const inverse = rounding < 1 ? Math.round(1 / rounding) : null;
  const normalized = inverse ? value * inverse : value / rounding;
  const epsilon = 2 ** (Math.log2(Math.abs(normalized)) - 50);
  const rounded = Math.sign(normalized) * Math.round(Math.abs(normalized) + epsilon);
  const result = inverse ? rounded / inverse : rounded * rounding;
  return result === 0 ? 0 : result;
}

/** `float_round(value, precision_digits=d)`. */
export function roundDigits(value: number, digits: number): number {
  return roundTo(value, 10 ** -digits);
}

/** `float_is_zero(value, precision_rounding=r)`. */
export function isZero(value: number, rounding: number): boolean {
  return roundTo(value, rounding) === 0;
}

/** `float_compare(a, b, precision_rounding=r)`: -1, 0 or 1 once the difference is rounded. */
export function compareRounded(a: number, b: number, rounding: number): -1 | 0 | 1 {
  const delta = roundTo(a - b, rounding);
  return delta === 0 ? 0 : delta < 0 ? -1 : 1;
}
