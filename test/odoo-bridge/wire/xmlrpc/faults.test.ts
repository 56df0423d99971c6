import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  accessDenied, accessError, keyError, missingError, OdooError, typeError, userError, validationError, valueError,
} from '../../../../odoo-bridge/errors.ts';
import {
  faultFor, parseMethodCall, serializeFaultFor, serializeResponse, XmlRpcMarshalError, XmlRpcParseError,
} from '../../../../odoo-bridge/wire/xmlrpc/index.ts';

const redirect = new OdooError('odoo.exceptions.RedirectWarning', 'Go configure', { arguments: ['Go configure', 42, 'Open', null] });

describe('faultFor on /xmlrpc/2 (integer codes)', () => {
  it.each([
    ['RedirectWarning', redirect, 2, "('Go configure', 42, 'Open', None)"],
    ['AccessError', accessError('No access'), 4, 'No access'],
    ['AccessDenied', accessDenied(), 3, 'Access Denied'],
    ['UserError', userError('Nope'), 2, 'Nope'],
    ['ValidationError', validationError('Bad value'), 2, 'Bad value'],
    ['MissingError', missingError('Gone'), 2, 'Gone'],
  ])('%s', (_name, error, faultCode, faultString) => {
    expect(faultFor(error, 'int')).toEqual({ faultCode, faultString });
  });

  it('anything else is fault 1 with a Python traceback ending in the exception line', () => {
    const fault = faultFor(valueError("Invalid leaf ('name', '~', 'x')"), 'int');
    expect(fault.faultCode).toBe(1);
    expect(fault.faultString).toMatch(/^Traceback \(most recent call last\):\n {2}File "\/opt\/odoo\/src\/odoo\/addons\/base\/controllers\/rpc.py", line 161, in xmlrpc_2\n/);
    expect(fault.faultString.endsWith("\nValueError: Invalid leaf ('name', '~', 'x')\n")).toBe(true);
    expect(faultFor(keyError('partner_id'), 'int').faultString.endsWith("\nKeyError: 'partner_id'\n")).toBe(true);
    expect(faultFor(typeError(''), 'int').faultString.endsWith('\nTypeError\n')).toBe(true);
  });

  it('parse and marshal errors read like the Python exceptions Odoo hits', () => {
    let parseError: unknown;
    try { parseMethodCall('<methodCall><methodName>m</methodName><params><param><value><int>x</int></value></param></params></methodCall>'); } catch (e) { parseError = e; }
    expect(parseError).toBeInstanceOf(XmlRpcParseError);
    const parseFault = faultFor(parseError, 'int');
    expect(parseFault.faultString).toContain('line 138, in _xmlrpc\n    params, method = xmlrpc.client.loads(data, use_datetime=True)\n');
    expect(parseFault.faultString.endsWith("\nValueError: invalid literal for int() with base 10: 'x'\n")).toBe(true);

    let marshalError: unknown;
    try { serializeResponse(null); } catch (e) { marshalError = e; }
    expect(marshalError).toBeInstanceOf(XmlRpcMarshalError);
    expect(faultFor(marshalError, 'int').faultString.endsWith('\nTypeError: cannot marshal None unless allow_none is enabled\n')).toBe(true);
  });

  it('never leaks a foreign error: no message, no stack', () => {
    const secret = new Error('password=hunter2 at SELECT * FROM res_users');
    const fault = faultFor(secret, 'int');
    expect(fault.faultCode).toBe(1);
    expect(fault.faultString).not.toContain('hunter2');
    expect(fault.faultString).not.toContain(import.meta.url.replace('file://', '').split('/test/')[0]!);
    expect(fault.faultString.endsWith('\nException: Internal server error\n')).toBe(true);
  });

  it('the recorded fault-1 cases end with the same exception line', () => {
    const golden = readFileSync(fileURLToPath(new URL('../../../../fixtures/odoo-golden.jsonl', import.meta.url)), 'utf8');
    const recorded = golden.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { response: { fault?: { faultCode: unknown; faultString: string } } })
      .map((r) => r.response.fault).filter((f) => f?.faultCode === 1);
    expect(recorded.length).toBeGreaterThan(0);
    for (const fault of recorded) {
      const lastLine = fault!.faultString.trimEnd().split('\n').pop()!;
      const [, name, message] = /^(\w+): (.*)$/s.exec(lastLine)!;
      expect(name).toBe('ValueError');
      expect(faultFor(valueError(message!), 'int').faultString.trimEnd().split('\n').pop()).toBe(lastLine);
    }
  });
});

describe('faultFor on legacy /xmlrpc (string codes)', () => {
  it.each([
    ['RedirectWarning', redirect, "warning -- Warning\n\n('Go configure', 42, 'Open', None)", ''],
    ['MissingError', missingError('Gone'), 'warning -- MissingError\n\nGone', ''],
    ['AccessError', accessError('No access'), 'warning -- AccessError\n\nNo access', ''],
    ['AccessDenied', accessDenied(), 'AccessDenied', 'Access Denied'],
    ['UserError', userError('Nope'), 'warning -- UserError\n\nNope', ''],
    ['ValidationError', validationError('Bad'), 'warning -- UserError\n\nBad', ''],
  ])('%s', (_name, error, faultCode, faultString) => {
    expect(faultFor(error, 'legacy')).toEqual({ faultCode, faultString });
  });

  it('anything else: exception_to_unicode(e) as code, traceback as string', () => {
    const fault = faultFor(keyError('partner_id'), 'legacy');
    expect(fault.faultCode).toBe('partner_id');
    expect(fault.faultString).toContain('line 151, in xmlrpc_1');
    expect(fault.faultString.endsWith("\nKeyError: 'partner_id'\n")).toBe(true);
  });

  it('serializeFaultFor gives the recorded legacy AccessDenied body', () => {
    expect(serializeFaultFor(accessDenied(), 'legacy')).toBe(
      '<?xml version="1.0"?>\n<methodResponse>\n<fault>\n<value><struct>\n<member>\n<name>faultCode</name>\n<value><string>AccessDenied</string></value>\n</member>\n<member>\n<name>faultString</name>\n<value><string>Access Denied</string></value>\n</member>\n</struct></value>\n</fault>\n\n</methodResponse>\n',
    );
  });
});
