import fc from 'fast-check';
import { PythonFloat, XmlRpcBinary } from '../../../../odoo-bridge/wire/xmlrpc/index.ts';

/** Strings of any Unicode text, control characters included (the serializer must strip them). */
export const anyText = fc.string({ unit: 'binary', maxLength: 30 });

/** Text the XML 1.0 Char production allows, so that it survives a serialise → parse round trip. */
export const xmlSafeText = anyText.map((s) => s.replace(/[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]/g, ''));

const scalar = (text: fc.Arbitrary<string>) =>
  fc.oneof(
    fc.boolean(),
    fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
    fc.integer({ min: -(2 ** 53) + 1, max: 2 ** 53 - 1 }),
    fc.double().map((n) => new PythonFloat(n)),
    fc.double({ noNaN: true }),
    text,
    fc.uint8Array({ maxLength: 100 }).map((bytes) => XmlRpcBinary.fromBytes(bytes)),
  );

/** Nested XML-RPC-able values: scalars, arrays, and structs (as objects or Maps). */
export const xmlRpcValue = (text: fc.Arbitrary<string>) =>
  fc.letrec((tie) => ({
    value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar(text), tie('array'), tie('object'), tie('map')),
    array: fc.array(tie('value'), { maxLength: 5 }),
    object: fc.dictionary(text, tie('value'), { maxKeys: 5 }),
    map: fc.array(fc.tuple(text, tie('value')), { maxLength: 4 }).map((entries) => new Map(entries)),
  })).value;
