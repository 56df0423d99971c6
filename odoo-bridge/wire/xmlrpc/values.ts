/**
 * Values the XML-RPC codec exchanges with the rest of the bridge, beyond plain JSON-like data.
 *
 * A JS number cannot say whether Python had an `int` or a `float` (Odoo sends a float field's
 * 12.0 as `<double>12.0</double>`, a count of 12 as `<int>12</int>`), so callers that know a value
 * is a Python float wrap it in `PythonFloat`. A `bigint` stands for a Python `int` exactly.
 */

/** A Python float: always marshalled as `<double>` with `repr(float)` formatting. */
export class PythonFloat {
  constructor(readonly value: number) {}
}

export const pythonFloat = (value: number): PythonFloat => new PythonFloat(value);

/**
 * An XML-RPC `<base64>` value (Python's `xmlrpc.client.Binary`). `base64` is the payload with
 * whitespace removed. Clients normally send binary fields as base64 *strings*; this wrapper only
 * appears when a client really used `<base64>`.
 */
export class XmlRpcBinary {
  constructor(readonly base64: string) {}

  static fromBytes(bytes: Uint8Array): XmlRpcBinary {
    return new XmlRpcBinary(Buffer.from(bytes).toString('base64'));
  }

  toBuffer(): Buffer {
    return Buffer.from(this.base64, 'base64');
  }
}

/** A fault as `xmlrpc.client.Fault` carries it: int codes on `/xmlrpc/2`, strings on legacy `/xmlrpc`. */
export interface XmlRpcFault {
  faultCode: number | string;
  faultString: string;
}
