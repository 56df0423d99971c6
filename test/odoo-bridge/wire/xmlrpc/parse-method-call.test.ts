import { describe, expect, it } from 'vitest';
import { parseMethodCall, XmlRpcBinary, XmlRpcParseError } from '../../../../odoo-bridge/wire/xmlrpc/index.ts';

const call = (paramsXml: string, name = 'm') =>
  `<?xml version="1.0"?><methodCall><methodName>${name}</methodName><params>${paramsXml}</params></methodCall>`;
const one = (valueXml: string) => parseMethodCall(call(`<param>${valueXml}</param>`)).params[0];

function parseError(body: string | Buffer): XmlRpcParseError {
  try {
    parseMethodCall(body);
  } catch (error) {
    if (error instanceof XmlRpcParseError) return error;
    throw error;
  }
  throw new Error('expected an XmlRpcParseError');
}

describe('parseMethodCall: values', () => {
  it.each([
    ['<value><int>42</int></value>', 42],
    ['<value><i4>-7</i4></value>', -7],
    ['<value><i8> 9007199254740991 </i8></value>', 9007199254740991],
    ['<value><int>1_000</int></value>', 1000],
    ['<value><boolean>1</boolean></value>', true],
    ['<value><boolean>0</boolean></value>', false],
    ['<value><double>1.5e3</double></value>', 1500],
    ['<value><double>-inf</double></value>', -Infinity],
    ['<value><string>a &amp; b &lt;c&gt; &#x1F600; &#65;</string></value>', 'a & b <c> 😀 A'],
    ['<value>untyped  text </value>', 'untyped  text '],
    ['<value><string><![CDATA[<raw>&]]></string></value>', '<raw>&'],
    ['<value/>', ''],
    ['<value></value>', ''],
    ['<value><string/></value>', ''],
    ['<value><nil/></value>', null],
    ['<value><ex:nil xmlns:ex="http://ws.apache.org/xmlrpc/namespaces/extensions"/></value>', null],
    ['<value><dateTime.iso8601>20241125T13:05:09</dateTime.iso8601></value>', '2024-11-25 13:05:09'],
    ['<value><array><data/></array></value>', []],
    ['<value><array></array></value>', []],
    ['<value>\n  <array>\n <data>\n <value>1</value>\n <value><int>2</int></value>\n </data>\n </array>\n</value>', ['1', 2]],
    ['<value><struct/></value>', {}],
    ['<value><struct><member><name>a</name><value><int>1</int></value></member><member><name>a</name><value>2</value></member></struct></value>', { a: '2' }],
  ])('%s', (xml, expected) => {
    expect(one(xml)).toEqual(expected);
  });

  it('reads CR and CRLF as LF, as any XML parser does; &#13; stays a CR', () => {
    expect(one('<value><string>a\r\nb\rc&#13;</string></value>')).toBe('a\nb\nc\r');
  });

  it('keeps a struct key named __proto__ as a plain own key', () => {
    const value = one('<value><struct><member><name>__proto__</name><value><int>1</int></value></member></struct></value>') as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(['__proto__']);
  });

  it('gives <base64> as XmlRpcBinary, skipping line breaks', () => {
    const value = one('<value><base64>SGVs\nbG8=\n</base64></value>');
    expect(value).toBeInstanceOf(XmlRpcBinary);
    expect((value as XmlRpcBinary).toBuffer().toString()).toBe('Hello');
  });

  it('accepts a call without <params>, a UTF-8 BOM, and ISO-8859-1 bodies', () => {
    expect(parseMethodCall('<methodCall><methodName>version</methodName></methodCall>')).toEqual({ methodName: 'version', params: [] });
    expect(parseMethodCall(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(call('<param><value>é</value></param>'))])).params).toEqual(['é']);
    const latin1 = Buffer.from(`<?xml version="1.0" encoding="ISO-8859-1"?><methodCall><methodName>m</methodName><params><param><value>\xe9</value></param></params></methodCall>`, 'latin1');
    expect(parseMethodCall(latin1).params).toEqual(['é']);
  });
});

describe('parseMethodCall: refusals', () => {
  it.each([
    ['truncated', '<?xml version="1.0"?><methodCall><methodName>execute_kw'],
    ['not XML', 'hello'],
    ['empty body', ''],
    ['bad int', call('<param><value><int>abc</int></value></param>')],
    ['float in int', call('<param><value><int>1.5</int></value></param>')],
    ['int beyond 2^53', call('<param><value><int>9007199254740993</int></value></param>')],
    ['bad boolean', call('<param><value><boolean>true</boolean></value></param>')],
    ['boolean with spaces', call('<param><value><boolean> 1</boolean></value></param>')],
    ['bad double', call('<param><value><double>1,5</double></value></param>')],
    ['bad dateTime', call('<param><value><dateTime.iso8601>2024-01-01T00:00:00</dateTime.iso8601></value></param>')],
    ['impossible date', call('<param><value><dateTime.iso8601>20230229T00:00:00</dateTime.iso8601></value></param>')],
    ['bad base64 padding', call('<param><value><base64>QUJ</base64></value></param>')],
    ['unknown element in value', call('<param><value><object/></value></param>')],
    ['two values in a param', call('<param><value>1</value><value>2</value></param>')],
    ['text beside a typed value', call('<param><value>x<int>1</int></value></param>')],
    ['member without name', call('<param><value><struct><member><value>1</value></member></struct></value></param>')],
    ['member name after value', call('<param><value><struct><member><value>1</value><name>a</name></member></struct></value></param>')],
    ['array without data', call('<param><value><array><value>1</value></array></value></param>')],
    ['wrong root', '<methodResponse><params/></methodResponse>'],
    ['missing methodName', '<methodCall><params/></methodCall>'],
    ['two methodNames', '<methodCall><methodName>a</methodName><methodName>b</methodName></methodCall>'],
    ['DOCTYPE', '<?xml version="1.0"?><!DOCTYPE methodCall [<!ENTITY x "y">]><methodCall><methodName>&x;</methodName></methodCall>'],
    ['external entity', '<!DOCTYPE m SYSTEM "file:///etc/passwd"><methodCall><methodName>a</methodName></methodCall>'],
    ['undefined entity', call('<param><value>&nbsp;</value></param>')],
    ['invalid char reference', call('<param><value>&#1;</value></param>')],
    ['literal control character', call('<param><value>\x01</value></param>')],
    ['mismatched tags', '<methodCall><methodName>a</methodCall></methodName>'],
    ['two roots', '<methodCall><methodName>a</methodName></methodCall><methodCall/>'],
    ['unknown encoding', '<?xml version="1.0" encoding="EBCDIC"?><methodCall/>'],
  ])('%s', (_label, body) => {
    expect(parseError(Buffer.from(body, 'utf8'))).toBeInstanceOf(XmlRpcParseError);
  });

  it('refuses invalid UTF-8 and a lone surrogate encoded in UTF-8', () => {
    const head = Buffer.from('<methodCall><methodName>');
    const tail = Buffer.from('</methodName></methodCall>');
    expect(parseError(Buffer.concat([head, Buffer.from([0xc3, 0x28]), tail])).pythonException).toBe('xml.parsers.expat.ExpatError');
    expect(parseError(Buffer.concat([head, Buffer.from([0xed, 0xa0, 0x80]), tail])).pythonException).toBe('xml.parsers.expat.ExpatError');
  });

  it('names the Python exception Odoo would have raised', () => {
    expect(parseError(call('<param><value><int>abc</int></value></param>'))).toMatchObject({
      pythonException: 'builtins.ValueError',
      message: "invalid literal for int() with base 10: 'abc'",
    });
    expect(parseError(call('<param><value><boolean>2</boolean></value></param>'))).toMatchObject({
      pythonException: 'builtins.TypeError',
      message: 'bad boolean value',
    });
  });

  it('refuses nesting deeper than maxDepth and bodies larger than maxBytes', () => {
    const nested = (depth: number) => call(`<param>${'<value><array><data>'.repeat(depth)}${'</data></array></value>'.repeat(depth)}</param>`);
    expect(() => parseMethodCall(nested(100))).not.toThrow();
    expect(parseError(nested(101)).message).toMatch(/deeper than 100/);
    expect(() => parseMethodCall(nested(3), { maxDepth: 2 })).toThrow(XmlRpcParseError);
    expect(() => parseMethodCall(call(''), { maxBytes: 10 })).toThrow(XmlRpcParseError);
  });
});
