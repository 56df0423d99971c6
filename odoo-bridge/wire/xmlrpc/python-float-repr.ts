/**
 * Python's `repr(float)`, which `xmlrpc.client` writes inside `<double>`.
 *
 * Both Python and JavaScript print the shortest digit string that reads back as the same double,
 * so the digits agree; only the layout differs. Python switches to exponent notation when the
 * decimal exponent is below -4 or at least 16 (JavaScript: below -6 or at least 21), always signs
 * the exponent and pads it to two digits (`1e-05`, `1e+16`), and adds `.0` to integral values
 * in positional notation.
 */
export function formatPythonFloat(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (value === Infinity) return 'inf';
  if (value === -Infinity) return '-inf';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';

  const sign = value < 0 ? '-' : '';
  // toExponential() without an argument yields the shortest round-tripping digits: "d.ddde±x".
  const [mantissa, exponentText] = Math.abs(value).toExponential().split('e') as [string, string];
  const digits = mantissa.replace('.', '');
  const exponent = Number(exponentText);

  if (exponent < -4 || exponent >= 16) {
    const fraction = digits.length > 1 ? `.${digits.slice(1)}` : '';
    const exponentSign = exponent < 0 ? '-' : '+';
    return `${sign}${digits[0]}${fraction}e${exponentSign}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  const integerLength = exponent + 1;
  if (digits.length <= integerLength) return `${sign}${digits.padEnd(integerLength, '0')}.0`;
  return `${sign}${digits.slice(0, integerLength)}.${digits.slice(integerLength)}`;
}
