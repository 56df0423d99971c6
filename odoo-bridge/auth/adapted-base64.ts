/**
 * passlib's "adapted base64" (ab64), the encoding of salts and checksums in `$pbkdf2-*$` hashes.
 *
 * It is standard base64 with `.` instead of `+` (so the result never contains `+`, which some
 * MCF parsers treat specially) and without `=` padding. Getting the `.` mapping wrong breaks
 * about half of all stored hashes, so both directions live here, property-tested.
 */

const AB64_TEXT = /^[A-Za-z0-9./]*$/;

export function ab64Encode(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    .toString('base64')
    .replace(/=+$/, '')
    .replaceAll('+', '.');
}

/**
 * Decodes ab64 text; null when it is not valid ab64. Node's own base64 decoder silently skips
 * foreign characters and truncated groups, which would let a corrupted hash decode to *some*
 * bytes, so the alphabet and length are checked first (passlib rejects both too).
 */
export function ab64Decode(text: string): Buffer | null {
  if (!AB64_TEXT.test(text) || text.length % 4 === 1) return null;
  return Buffer.from(text.replaceAll('.', '+'), 'base64');
}
