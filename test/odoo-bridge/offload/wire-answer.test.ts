import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { accessDenied, accessError, missingBehaviour, OdooError, valueError } from '../../../odoo-bridge/errors.ts';
import { odooJsonError } from '../../../odoo-bridge/http/odoo-json-errors.ts';
import { copyOfAnswer } from '../../../odoo-bridge/offload/upstream-copy.ts';
import { decodeUpstreamAnswer, isAuthenticationFailure, localAnswer, offloadTransportOf, type OffloadTransport } from '../../../odoo-bridge/offload/wire-answer.ts';
import { stringifyPythonJson } from '../../../odoo-bridge/wire/json/python-json.ts';
import { pythonFloat, serializeFaultFor, serializeResponse } from '../../../odoo-bridge/wire/xmlrpc/index.ts';
import { sameAnswer } from '../../../migration/control/shadow/noise-aware-diff.ts';

/** What the gateway's transports write for a value or an error (the bytes an Odoo that Ficus imitates writes). */
function wire(transport: OffloadTransport, settled: { ok: true; value: unknown } | { ok: false; error: OdooError }): Buffer {
  if (transport === 'jsonrpc') {
    if (settled.ok) return Buffer.from(stringifyPythonJson({ jsonrpc: '2.0', id: 7, result: settled.value }));
    const { code, message, data } = odooJsonError(settled.error);
    return Buffer.from(stringifyPythonJson({ jsonrpc: '2.0', id: 7, error: { code, message, data } }));
  }
  return Buffer.from(settled.ok ? serializeResponse(settled.value) : serializeFaultFor(settled.error, transport === 'xmlrpc' ? 'int' : 'legacy'));
}

const TRANSPORTS: OffloadTransport[] = ['jsonrpc', 'xmlrpc', 'xmlrpc-legacy'];

const record = fc.record({
  id: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
  name: fc.string(),
  email: fc.oneof(fc.constant(false), fc.emailAddress()),
  credit: fc.double({ noNaN: true, noDefaultInfinity: true }).map((v) => pythonFloat(v)),
  parent_id: fc.oneof(fc.constant(false), fc.tuple(fc.integer({ min: 1, max: 99999 }), fc.string())),
  tag_ids: fc.array(fc.integer({ min: 1, max: 9999 }), { maxLength: 5 }),
});

describe('answers compared as their clients see them', () => {
  it("decodes an answer from the wire to what Ficus's own answer decodes to, on every transport (fast-check over records)", () => {
    fc.assert(
      fc.property(fc.array(record, { maxLength: 8 }), fc.constantFrom(...TRANSPORTS), (records, transport) => {
        const fromWire = decodeUpstreamAnswer(transport, wire(transport, { ok: true, value: records }));
        expect(fromWire).toBeDefined();
        expect(sameAnswer(fromWire, localAnswer(transport, { ok: true, value: records }))).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it('tells a one-field difference apart on every transport', () => {
    const rows = [{ id: 4, name: 'Ann', city: 'Lyon' }];
    for (const transport of TRANSPORTS) {
      const odoo = decodeUpstreamAnswer(transport, wire(transport, { ok: true, value: rows }));
      expect(sameAnswer(odoo, localAnswer(transport, { ok: true, value: [{ ...rows[0], city: 'LYON' }] })), transport).toBe(false);
    }
  });

  it('reads a response written by Python (xmlrpc.client.dumps, as Odoo 18 writes it)', () => {
    const python = "<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n<value><array><data>\n<value><struct>\n<member>\n<name>id</name>\n<value><int>3</int></value>\n</member>\n<member>\n<name>name</name>\n<value><string>A &amp; B</string></value>\n</member>\n<member>\n<name>credit</name>\n<value><double>0.0</double></value>\n</member>\n</struct></value>\n</data></array></value>\n</param>\n</params>\n</methodResponse>\n";
    expect(decodeUpstreamAnswer('xmlrpc', Buffer.from(python))).toEqual([{ id: 3, name: 'A & B', credit: 0 }]);
    expect(sameAnswer(decodeUpstreamAnswer('xmlrpc', Buffer.from(python)), localAnswer('xmlrpc', { ok: true, value: [{ id: 3, name: 'A & B', credit: pythonFloat(0) }] }))).toBe(true);
  });

  it("compares errors by class and text: an Odoo traceback is its last line, Ficus's exception line", () => {
    for (const transport of TRANSPORTS) {
      for (const error of [accessError('You are not allowed to access Partner (res.partner) records.'), valueError("Invalid field 'nope' on model 'res.partner'")]) {
        const odoo = decodeUpstreamAnswer(transport, wire(transport, { ok: false, error }));
        expect(sameAnswer(odoo, localAnswer(transport, { ok: false, error })), `${transport} ${error.exceptionName}`).toBe(true);
        expect(sameAnswer(odoo, localAnswer(transport, { ok: true, value: [] }))).toBe(false);
      }
    }
    const traceback = "Traceback (most recent call last):\n  File \"/odoo/odoo/service/model.py\", line 62, in dispatch\n    raise ValueError(...)\nValueError: Invalid field 'nope' on model 'res.partner'\n";
    const fault = `<?xml version='1.0'?>\n<methodResponse>\n<fault>\n<value><struct>\n<member>\n<name>faultCode</name>\n<value><int>1</int></value>\n</member>\n<member>\n<name>faultString</name>\n<value><string>${traceback.replace(/"/g, '&quot;')}</string></value>\n</member>\n</struct></value>\n</fault>\n</methodResponse>\n`;
    expect(sameAnswer(decodeUpstreamAnswer('xmlrpc', Buffer.from(fault)), localAnswer('xmlrpc', { ok: false, error: valueError("Invalid field 'nope' on model 'res.partner'") }))).toBe(true);
  });

  it('sees a refused login on every transport, and nothing else as one', () => {
    for (const transport of TRANSPORTS) {
      expect(isAuthenticationFailure(decodeUpstreamAnswer(transport, wire(transport, { ok: false, error: accessDenied() }))), transport).toBe(true);
      expect(isAuthenticationFailure(decodeUpstreamAnswer(transport, wire(transport, { ok: false, error: accessError('no') }))), transport).toBe(false);
      expect(isAuthenticationFailure(decodeUpstreamAnswer(transport, wire(transport, { ok: true, value: [1] }))), transport).toBe(false);
    }
  });

  it('a None answer over XML-RPC is the fault Ficus would send; a JSON-RPC answer without result is None', () => {
    expect(localAnswer('xmlrpc', { ok: true, value: null })).toEqual({ '(error)': { code: 1, message: 'TypeError: cannot marshal None unless allow_none is enabled' } });
    expect(decodeUpstreamAnswer('jsonrpc', Buffer.from('{"jsonrpc":"2.0","id":1}'))).toBeNull();
    expect(localAnswer('jsonrpc', { ok: true, value: undefined })).toBeNull();
  });

  it('gives up on what is not an answer of the transport (a proxy page), so it is never compared', () => {
    for (const transport of TRANSPORTS) expect(decodeUpstreamAnswer(transport, Buffer.from('<html>502 Bad Gateway</html>'))).toBeUndefined();
  });

  it('an error that is not Odoo\'s is one fixed error: never equal to an answer', () => {
    const crash = localAnswer('jsonrpc', { ok: false, error: new Error('connection terminated') });
    expect(crash).toEqual({ '(error)': { code: 200, name: 'builtins.Exception', message: 'Ficus could not complete the call.' } });
    expect(localAnswer('jsonrpc', { ok: false, error: missingBehaviour('res.partner', 'the computed field x') })).toMatchObject({ '(error)': { name: 'odoo.exceptions.UserError' } });
  });

  it('knows the offloadable transports by path', () => {
    expect(offloadTransportOf('/jsonrpc')).toBe('jsonrpc');
    expect(offloadTransportOf('/xmlrpc/2/object')).toBe('xmlrpc');
    expect(offloadTransportOf('/xmlrpc/object')).toBe('xmlrpc-legacy');
    expect(offloadTransportOf('/web/dataset/call_kw')).toBeUndefined();
    expect(offloadTransportOf('/json/2/res.partner/search')).toBeUndefined();
  });
});

describe("a copy of the upstream's answer", () => {
  /** The parts of an express Response the upstream proxy uses. */
  function fakeResponse(encoding?: string) {
    const written: Buffer[] = [];
    const res = {
      getHeader: (name: string) => (name === 'content-encoding' ? encoding : undefined),
      write(chunk: Buffer) {
        written.push(Buffer.from(chunk));
        return true;
      },
      end(chunk?: Buffer | string) {
        if (chunk) written.push(Buffer.from(chunk));
        return this;
      },
    };
    return { res, written };
  }

  it('keeps what was written, gives the response its own methods back, and undoes gzip', () => {
    const { res, written } = fakeResponse('gzip');
    const original = { write: res.write, end: res.end };
    const copy = copyOfAnswer(res as never);
    const body = gzipSync(Buffer.from('{"jsonrpc":"2.0","id":1,"result":[1,2]}'));
    res.write(body.subarray(0, 10));
    res.end(body.subarray(10));
    expect(copy.finish()!.toString()).toBe('{"jsonrpc":"2.0","id":1,"result":[1,2]}');
    expect(Buffer.concat(written)).toEqual(body); // the client got every byte, compressed as sent
    expect(res.write).toBe(original.write);
    expect(res.end).toBe(original.end);
  });

  it('keeps nothing of an encoding it does not know', () => {
    const { res } = fakeResponse('zstd');
    const copy = copyOfAnswer(res as never);
    res.end('x');
    expect(copy.finish()).toBeUndefined();
  });
});
