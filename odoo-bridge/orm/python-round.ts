/**
 * Python's `round(x, 2)`: the float nearest to the exact decimal value of `x` rounded to
 * hundredths, ties to even. `toFixed` rounds the exact binary value too (ties upward), so only an
 * exact tie differs; a double is an exact tie at the third decimal only when it is an odd
 * multiple of 1/8 (the tie's denominator 200 must divide a power of two times 25), and then
 * `x * 100` is exact, so the even neighbour can be taken from it. (Testing `x * 100` for .5
 * instead takes near-ties such as 43/40, a float just below 1.075, for ties: 1.08 where Python
 * gives 1.07.) Stored computes that Python rounds this way (a goal's progress, a coach's rating
 * average) and the rules that check them use this one function.
 */
export function pyRound2(x: number): number {
  if (!Number.isFinite(x)) return x;
  const eighths = x * 8;
  if (Number.isInteger(eighths) && Math.abs(eighths) % 2 === 1 && Math.abs(x) < 2 ** 40) {
    const floor = Math.floor(x * 100);
    return (floor % 2 === 0 ? floor : floor + 1) / 100;
  }
  if (Math.abs(x) >= 1e21) return x;
  return Number(x.toFixed(2));
}
