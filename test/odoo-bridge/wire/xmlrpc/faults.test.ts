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

  it('anything else is fault 1 carrying only the exception line, never a traceback', () => {
    expect(faultFor(valueError("Invalid leaf ('name', '~', 'x')"), 'int')).toEqual({ faultCode: 1, faultString: "ValueError: Invalid leaf ('name', '~', 'x')" });
    expect(faultFor(valueError("Invalid field 'x' on model 'res.partner'"), 'int').faultString).toBe("ValueError: Invalid field 'x' on model 'res.partner'");
    expect(faultFor(keyError('partner_id'), 'int').faultString).toBe("KeyError: 'partner_id'");
    expect(faultFor(typeError(''), 'int').faultString).toBe('TypeError');
    // Non-builtin classes keep their module, as format_exception_only prints them.
    expect(faultFor(new OdooError('psycopg2.OperationalError', 'connection lost'), 'int').faultString).toBe('psycopg2.OperationalError: connection lost');
  });

  it('parse and marshal errors read like the Python exceptions Odoo hits', () => {
    let parseError: unknown;
    try { parseMethodCall('<methodCall><methodName>m</methodName><params><param><value><int>x</int></value></param></params></methodCall>'); } catch (e) { parseError = e; }
    expect(parseError).toBeInstanceOf(XmlRpcParseError);
    expect(faultFor(parseError, 'int')).toEqual({ faultCode: 1, faultString: "ValueError: invalid literal for int() with base 10: 'x'" });

    let malformed: unknown;
    try { parseMethodCall('<?xml version="1.0"?><methodCall><methodName>execute_kw'); } catch (e) { malformed = e; }
    expect(faultFor(malformed, 'int').faultString).toMatch(/^xml\.parsers\.expat\.ExpatError: no element found: line 1, column \d+$/);

    let marshalError: unknown;
    try { serializeResponse(null); } catch (e) { marshalError = e; }
    expect(marshalError).toBeInstanceOf(XmlRpcMarshalError);
    expect(faultFor(marshalError, 'int').faultString).toBe('TypeError: cannot marshal None unless allow_none is enabled');
  });

  it('never leaks a foreign error: no message, no stack', () => {
    const secret = new Error('password=hunter2 at SELECT * FROM res_users');
    const fault = faultFor(secret, 'int');
    expect(fault).toEqual({ faultCode: 1, faultString: 'Exception: Internal server error' });
  });

  it('no fault of either dialect holds a traceback, a frame or a file path', () => {
    const errors = [valueError('v'), keyError('k'), typeError('t'), new Error('/work/main/x.ts:1'), accessError('a'), userError('u'), redirect, accessDenied()];
    for (const dialect of ['int', 'legacy'] as const) {
      for (const error of errors) {
        const body = serializeFaultFor(error, dialect);
        expect(body).not.toMatch(/Traceback|File "|\/opt\/|\/work\/|\.py"|line \d+, in /);
        const { faultString } = faultFor(error, dialect);
        expect(faultString.split('\n').length).toBe(1);
      }
    }
  });

  it('the recorded fault-1 cases: same code, and the last line of the recorded traceback is the whole faultString', () => {
    const golden = readFileSync(fileURLToPath(new URL('../../../../fixtures/odoo-golden.jsonl', import.meta.url)), 'utf8');
    const recorded = golden.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { response: { fault?: { faultCode: unknown; faultString: string } } })
      .map((r) => r.response.fault).filter((f) => f?.faultCode === 1);
    expect(recorded.length).toBeGreaterThan(0);
    for (const fault of recorded) {
      const lastLine = fault!.faultString.trimEnd().split('\n').pop()!;
      const [, name, message] = /^(\w+): (.*)$/s.exec(lastLine)!;
      expect(name).toBe('ValueError');
      expect(faultFor(valueError(message!), 'int')).toEqual({ faultCode: 1, faultString: lastLine });
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

  it('anything else: exception_to_unicode(e) as code, the exception line (not a traceback) as string', () => {
    expect(faultFor(keyError('partner_id'), 'legacy')).toEqual({ faultCode: 'partner_id', faultString: "KeyError: 'partner_id'" });
    expect(faultFor(valueError('Invalid leaf'), 'legacy')).toEqual({ faultCode: 'Invalid leaf', faultString: 'ValueError: Invalid leaf' });
  });

  it('serializeFaultFor gives the recorded legacy AccessDenied body', () => {
    expect(serializeFaultFor(accessDenied(), 'legacy')).toBe(
      '<?xml version="1.0"?>\n<methodResponse>\n<fault>\n<value><struct>\n<member>\n<name>faultCode</name>\n<value><string>AccessDenied</string></value>\n</member>\n<member>\n<name>faultString</name>\n<value><string>Access Denied</string></value>\n</member>\n</struct></value>\n</fault>\n\n</methodResponse>\n',
    );
  });
});
