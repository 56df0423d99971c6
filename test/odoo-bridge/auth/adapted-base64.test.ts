import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ab64Decode, ab64Encode } from '../../../odoo-bridge/auth/adapted-base64.ts';

describe('passlib adapted base64', () => {
  it('round-trips any bytes and never emits +, = or foreign characters', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const text = ab64Encode(bytes);
        expect(text).toMatch(/^[A-Za-z0-9./]*$/);
        expect(ab64Decode(text)).toEqual(Buffer.from(bytes));
      }),
    );
  });

  it('is standard base64 with . for + and no padding (passlib ab64_encode)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const standard = Buffer.from(bytes).toString('base64');
        expect(ab64Encode(bytes)).toBe(standard.replace(/=+$/, '').replaceAll('+', '.'));
      }),
    );
  });

  it('encodes the salt of a known passlib hash', () => {
    // salt = bytes 0..15, from the passlib 1.7.4 vectors in the external API notes (§7.2)
    expect(ab64Encode(Uint8Array.from({ length: 16 }, (_, i) => i))).toBe('AAECAwQFBgcICQoLDA0ODw');
    expect(ab64Encode(Buffer.from([0xfb, 0xef, 0xff]))).toBe('..//'); // base64 '++//'
  });

  it('rejects text that is not ab64 instead of decoding something', () => {
    expect(ab64Decode('ab+c')).toBeNull(); // + belongs to standard base64, not ab64
    expect(ab64Decode('abc=')).toBeNull(); // padding
    expect(ab64Decode('abcde')).toBeNull(); // impossible length (4n+1)
    expect(ab64Decode('ab c')).toBeNull();
    expect(ab64Decode('')).toEqual(Buffer.alloc(0));
  });
});
