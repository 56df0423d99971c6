/** PostgreSQL LSNs: text form `X/Y` (hex halves) ↔ a number (exact up to 2^53, ~9 PB of WAL). */

export function lsnToNumber(lsn: string): number {
  const [hi, lo] = lsn.split('/');
  if (hi === undefined || lo === undefined) throw new Error(`not an LSN: ${lsn}`);
  return parseInt(hi, 16) * 0x1_0000_0000 + parseInt(lo, 16);
}

export function numberToLsn(value: number): string {
  const hi = Math.floor(value / 0x1_0000_0000);
  const lo = value - hi * 0x1_0000_0000;
  return `${hi.toString(16).toUpperCase()}/${lo.toString(16).toUpperCase()}`;
}
