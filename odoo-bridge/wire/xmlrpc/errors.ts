/**
 * Errors of the XML-RPC codec. Each carries the Python exception Odoo would have raised in the
 * same place, so that `faultFor` can answer with the fault Odoo gives (fault 1 on `/xmlrpc/2`,
 * the exception text as faultCode on legacy `/xmlrpc`).
 */

/** The request body is not a methodCall Odoo could decode (or exceeds the codec's limits). */
export class XmlRpcParseError extends Error {
  constructor(
    /** Fully qualified Python exception name, e.g. `xml.parsers.expat.ExpatError`, `builtins.ValueError`. */
    readonly pythonException: string,
    message: string,
  ) {
    super(message);
    this.name = 'XmlRpcParseError';
  }
}

/** A value has no XML-RPC form under Odoo's marshaller (`allow_none=False`): Odoo answers fault 1. */
export class XmlRpcMarshalError extends Error {
  constructor(
    readonly pythonException: 'builtins.TypeError' | 'builtins.OverflowError' | 'builtins.UnicodeDecodeError',
    message: string,
  ) {
    super(message);
    this.name = 'XmlRpcMarshalError';
  }
}

export const cannotMarshalNone = () =>
  new XmlRpcMarshalError('builtins.TypeError', 'cannot marshal None unless allow_none is enabled');
