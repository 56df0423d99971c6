/** The XML-RPC wire codec of the gateway: Odoo 18's `/xmlrpc` and `/xmlrpc/2` bodies, no HTTP. */
export { parseMethodCall, DEFAULT_MAX_BYTES, DEFAULT_MAX_DEPTH, type ParsedMethodCall, type ParseOptions } from './parse-method-call.ts';
export { serializeResponse, serializeFault, serializeMethodCall } from './serialize.ts';
export { faultFor, serializeFaultFor, type FaultDialect } from './faults.ts';
export { XmlRpcParseError, XmlRpcMarshalError } from './errors.ts';
export { PythonFloat, pythonFloat, XmlRpcBinary, type XmlRpcFault } from './values.ts';
export { formatPythonFloat } from './python-float-repr.ts';
