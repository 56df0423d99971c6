/**
 * Money as the legacy `numeric` columns hold it, exactly: a decimal is an integer count of
 * 10^-scale units (bigint), never a JS float. Budgets, spent and impression costs are added and
 * compared in this form only, so a thousand impressions of 0.03 add up to 30.00 and not to
 * 29.999999999999996, and the admission decision is the one PostgreSQL's numeric would make.
 */
export interface Decimal {
  readonly units: bigint;
  readonly scale: number;
}

const DECIMAL_TEXT = /^(-)?(\d+)(?:\.(\d+))?$/;

/** A numeric column's text ("5000.00", "0.03", "-1.5") or an integer; null reads as 0, as Odoo reads an empty Monetary. */
export function parseDecimal(text: string | number | null): Decimal {
  if (text === null) return { units: 0n, scale: 0 };
  const source = typeof text === 'number' ? numberText(text) : text.trim();
  const match = DECIMAL_TEXT.exec(source);
  if (!match) throw new RangeError(`not a decimal: ${JSON.stringify(text)}`);
  const fraction = match[3] ?? '';
  const units = BigInt(`${match[2]}${fraction}`);
  return { units: match[1] ? -units : units, scale: fraction.length };
}

/** A JS number as the decimal it was written as (JSON's shortest form); exponent forms are refused, not guessed. */
function numberText(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`not a decimal: ${value}`);
  const text = String(value);
  if (/e/i.test(text)) throw new RangeError(`not a plain decimal: ${text}`);
  return text;
}

/** `d` with `scale` fraction digits (scale ≥ d.scale: exact). */
export function atScale(d: Decimal, scale: number): bigint {
  if (scale < d.scale) throw new RangeError(`cannot shrink scale ${d.scale} to ${scale} exactly`);
  return d.units * 10n ** BigInt(scale - d.scale);
}

/** The decimal as numeric text, trailing zeros kept to `scale` ("30.00"). */
export function formatDecimal(units: bigint, scale: number): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, '0');
  const whole = scale ? `${digits.slice(0, -scale)}.${digits.slice(-scale)}` : digits;
  return negative ? `-${whole}` : whole;
}

/**
 * `currency.round(value)`: Odoo's float_round with the currency's `rounding` (0.01 for CNY),
 * HALF-UP (ties away from zero), here on exact decimals. Odoo applies it whenever it stores a
 * Monetary (fields.Monetary.convert_to_column), so a cost the REST path stores is the cost Odoo
 * would have stored for the same value.
 */
export function roundToCurrency(value: Decimal, rounding: Decimal): Decimal {
  if (rounding.units <= 0n) throw new RangeError('a currency rounding is positive');
  if (value.units < 0n) {
    const mirrored = roundToCurrency({ units: -value.units, scale: value.scale }, rounding);
    return { units: -mirrored.units, scale: mirrored.scale };
  }
  const scale = Math.max(value.scale, rounding.scale);
  const v = atScale(value, scale);
  const r = atScale(rounding, scale);
  const steps = (2n * v + r) / (2n * r); // floor((v + r/2) / r): half-up for v ≥ 0
  // A multiple of the rounding holds exactly at the rounding's own scale ("0.03", not "0.0300000").
  return { units: steps * rounding.units, scale: rounding.scale };
}

/**
 * `d` written with exactly `scale` fraction digits, as Odoo writes a Monetary (float_repr with the
 * currency's decimal places): more digits only if they are zeros, else a RangeError.
 */
export function withScale(d: Decimal, scale: number): Decimal {
  if (scale >= d.scale) return { units: atScale(d, scale), scale };
  const factor = 10n ** BigInt(d.scale - scale);
  if (d.units % factor !== 0n) throw new RangeError(`${formatDecimal(d.units, d.scale)} does not fit ${scale} decimal places`);
  return { units: d.units / factor, scale };
}
