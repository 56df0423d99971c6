/**
 * The fixed corpus of nasty requests for the wire fuzz test: the attacks that random generators
 * hit only by luck (entity expansion, external entities, 10k+ nesting, tens of MB, invalid
 * UTF-8, NUL bytes, giant numbers, bad base64 and dateTime, unknown methods and services, wrong
 * content types and encodings). Each case names the family of endpoints it is meant for; the
 * test also sends every small case to every other endpoint, since a body of the wrong kind is
 * an attack too.
 *
 * No case holds SQL keywords or home-directory paths: the answers are checked for those, and an
 * error message quoting the request must not be taken for a leak.
 */
import { gzipSync } from 'node:zlib';

export type Family = 'xmlrpc' | 'jsonrpc' | 'json2' | 'rest';

export interface NastyCase {
  name: string;
  family: Family;
  body: Buffer;
  contentType?: string;
  headers?: Record<string, string>;
  /** Over 1 MB: sent only to its own family (tens of MB to every endpoint would take minutes). */
  huge?: boolean;
  /** Small, but much work to refuse (a gzip bomb inflates up to the body limit): the huge time limit. */
  heavy?: boolean;
  /** A limit of its own, for a case whose cost lies outside the wire layer (said where it is set). */
  timeLimitMs?: number;
}

const MB = 1024 * 1024;
const XML_HEAD = '<?xml version="1.0"?>';

/** A methodCall around raw parameter XML. */
const methodCall = (method: string, params: string[]) =>
  `${XML_HEAD}<methodCall><methodName>${method}</methodName><params>${params.map((p) => `<param><value>${p}</value></param>`).join('')}</params></methodCall>`;

/** `execute_kw` on res.partner with the test database's admin credentials and one extra argument. */
const executeKw = (db: string, method: string, args: string) =>
  methodCall('execute_kw', [`<string>${db}</string>`, '<int>2</int>', '<string>admin</string>', '<string>res.partner</string>', `<string>${method}</string>`, args]);

const billionLaughs =
  `${XML_HEAD}<!DOCTYPE lolz [<!ENTITY lol "lol">` +
  Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`).join('') +
  ']><methodCall><methodName>&lol9;</methodName></methodCall>';

/** One 50 kB entity referenced 2,000 times: 100 MB of text from a 150 kB body if expanded. */
const quadraticBlowup = `${XML_HEAD}<!DOCTYPE m [<!ENTITY a "${'a'.repeat(50_000)}">]><methodCall><methodName>version</methodName><params><param><value><string>${'&a;'.repeat(2_000)}</string></value></param></params></methodCall>`;

let bomb: Buffer | undefined;
/**
 * 200 MB of '<' in a few hundred kB: 200 gzip members of 1 MB each (a gzip stream may hold
 * several), so the test never holds the 200 MB itself. The body limit must apply to the inflated size.
 */
const gzipBomb = () => (bomb ??= Buffer.concat(Array.from({ length: 200 }, () => gzipSync(Buffer.alloc(MB, '<'), { level: 9 }))));

function xmlCases(db: string): NastyCase[] {
  const xml = (name: string, text: string | Buffer, extra: Partial<NastyCase> = {}): NastyCase => ({
    name, family: 'xmlrpc', body: Buffer.isBuffer(text) ? text : Buffer.from(text), contentType: 'text/xml', ...extra,
  });
  const deepArrays = (depth: number) => methodCall('version', ['<array><data><value>'.repeat(depth) + '<int>1</int>' + '</value></data></array>'.repeat(depth)]);
  const deepStructs = (depth: number) => methodCall('version', ['<struct><member><name>a</name><value>'.repeat(depth) + '<int>1</int>' + '</value></member></struct>'.repeat(depth)]);
  return [
    xml('billion laughs', billionLaughs),
    xml('quadratic blowup', quadraticBlowup),
    xml('external entity (file)', `${XML_HEAD}<!DOCTYPE m [<!ENTITY x SYSTEM "file:///etc/passwd">]><methodCall><methodName>&x;</methodName></methodCall>`),
    xml('external entity (http)', `${XML_HEAD}<!DOCTYPE m [<!ENTITY x SYSTEM "http://127.0.0.1:9/x">]><methodCall><methodName>version</methodName><params><param><value><string>&x;</string></value></param></params></methodCall>`),
    xml('external DTD', `${XML_HEAD}<!DOCTYPE methodCall SYSTEM "http://127.0.0.1:9/x.dtd"><methodCall><methodName>version</methodName></methodCall>`),
    xml('parameter entity', `${XML_HEAD}<!DOCTYPE m [<!ENTITY % p SYSTEM "file:///etc/passwd"><!ENTITY % q "<!ENTITY leak '%p;'>">%q;]><methodCall><methodName>&leak;</methodName></methodCall>`),
    xml('undeclared entity', methodCall('version', ['<string>&nope;</string>'])),
    xml('character reference to NUL', methodCall('version', ['<string>&#0;</string>'])),
    xml('raw NUL bytes', Buffer.concat([Buffer.from(`${XML_HEAD}<methodCall><methodName>ver`), Buffer.from([0, 0, 0]), Buffer.from('sion</methodName></methodCall>')])),
    xml('XInclude', methodCall('version', ['<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="file:///etc/passwd" parse="text"/>'])),
    xml('processing instruction and CDATA', `${XML_HEAD}<?php system('id'); ?><methodCall><methodName><![CDATA[version]]></methodName></methodCall>`),
    xml('arrays 20,000 deep', deepArrays(20_000)),
    xml('structs 20,000 deep', deepStructs(20_000)),
    xml('100,000 unclosed arrays', methodCall('version', ['<array><data><value>'.repeat(100_000)])),
    xml('100,000 nested elements', `${XML_HEAD}<methodCall>${'<a>'.repeat(100_000)}${'</a>'.repeat(100_000)}</methodCall>`),
    xml('giant int', executeKw(db, 'read', `<int>${'9'.repeat(5_000)}</int>`)),
    xml('int over 32 bits', executeKw(db, 'read', '<array><data><value><int>99999999999999999999</int></value></data></array>')),
    xml('i8 over 64 bits', executeKw(db, 'read', '<array><data><value><i8>-99999999999999999999999</i8></value></data></array>')),
    xml('double 1e999', executeKw(db, 'search', '<array><data><value><array><data><value><string>id</string></value><value><string>=</string></value><value><double>1e999</double></value></data></array></value></data></array>')),
    xml('double nan', executeKw(db, 'search', '<array><data><value><array><data><value><string>id</string></value><value><string>&gt;</string></value><value><double>nan</double></value></data></array></value></data></array>')),
    xml('double of 100,000 digits', executeKw(db, 'read', `<double>1${'0'.repeat(100_000)}.5</double>`)),
    xml('bad base64', executeKw(db, 'write', '<base64>!!!not base64***</base64>')),
    xml('base64 of 5 MB junk', executeKw(db, 'write', `<base64>${'@'.repeat(5 * MB)}</base64>`), { huge: true }),
    xml('bad dateTime', executeKw(db, 'write', '<dateTime.iso8601>yesterday at noon</dateTime.iso8601>')),
    xml('dateTime out of range', executeKw(db, 'write', '<dateTime.iso8601>99999999T99:99:99</dateTime.iso8601>')),
    xml('bad boolean', executeKw(db, 'read', '<boolean>maybe</boolean>')),
    xml('unknown value type', executeKw(db, 'read', '<bignum>1</bignum>')),
    xml('unknown method', methodCall('no_such_method', [])),
    xml('private method', executeKw(db, '_read', '<array><data/></array>')),
    xml('dunder method', methodCall('__init__', [])),
    xml('database management method', methodCall('drop', ['<string>admin</string>', `<string>${db}</string>`])),
    xml('method name of 1 MB', methodCall('m'.repeat(MB), [])),
    xml('empty body', ''),
    xml('only a declaration', XML_HEAD),
    xml('truncated', `${XML_HEAD}<methodCall><methodName>execute_kw</methodName><params><param><value><str`),
    xml('two roots', `${XML_HEAD}<methodCall><methodName>version</methodName></methodCall><methodCall/>`),
    xml('methodResponse instead of methodCall', `${XML_HEAD}<methodResponse><params><param><value><int>1</int></value></param></params></methodResponse>`),
    xml('invalid UTF-8', Buffer.concat([Buffer.from(`${XML_HEAD}<methodCall><methodName>version</methodName><params><param><value><string>`), Buffer.from([0xc3, 0x28, 0xff, 0xfe, 0xed, 0xa0, 0x80]), Buffer.from('</string></value></param></params></methodCall>')])),
    xml('UTF-16 byte-order mark, odd length', Buffer.from([0xff, 0xfe, 0x3c, 0x00, 0x3f])),
    xml('declared EBCDIC', `<?xml version="1.0" encoding="ebcdic-cp-us"?><methodCall><methodName>version</methodName></methodCall>`),
    xml('declared UTF-7', `<?xml version="1.0" encoding="utf-7"?><methodCall><methodName>version</methodName></methodCall>`),
    xml('JSON sent as XML-RPC', '{"jsonrpc":"2.0","method":"call","params":{}}', { contentType: 'application/json' }),
    xml('form post', 'a=1&b=2', { contentType: 'application/x-www-form-urlencoded' }),
    xml('multipart', '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--\r\n', { contentType: 'multipart/form-data; boundary=x' }),
    xml('bogus gzip', 'not gzip at all', { headers: { 'content-encoding': 'gzip' } }),
    xml('gzip bomb: 200 KB inflating to 200 MB', gzipBomb(), { headers: { 'content-encoding': 'gzip' }, heavy: true }),
    xml('unknown content encoding', methodCall('version', []), { headers: { 'content-encoding': 'x-bogus' } }),
    xml('20 MB string', methodCall('version', [`<string>${'x'.repeat(20 * MB)}</string>`]), { huge: true }),
    xml('1,000,000 array items', methodCall('version', [`<array><data>${'<value><int>1</int></value>'.repeat(1_000_000)}</data></array>`]), { huge: true }),
    xml('40 MB (over the codec limit)', methodCall('version', [`<string>${'y'.repeat(40 * MB)}</string>`]), { huge: true }),
  ];
}

function jsonCases(db: string): NastyCase[] {
  const json = (name: string, text: string | Buffer, extra: Partial<NastyCase> = {}): NastyCase => ({
    name, family: 'jsonrpc', body: Buffer.isBuffer(text) ? text : Buffer.from(text), contentType: 'application/json', ...extra,
  });
  const rpc = (params: string) => `{"jsonrpc":"2.0","method":"call","id":1,"params":${params}}`;
  const executeKwJson = (method: string, args: string) => rpc(`{"service":"object","method":"execute_kw","args":["${db}",2,"admin","res.partner","${method}",${args}]}`);
  return [
    json('empty body', ''),
    json('junk', 'definitely not json {'),
    json('truncated', '{"jsonrpc":"2.0","params":{"service":"common"'),
    json('a bare string', '"call"'),
    json('a bare array', '[1,2,3]'),
    json('null', 'null'),
    json('params is a string', rpc('"x"')),
    json('params is an array', rpc('[1,2]')),
    json('arrays 100,000 deep', rpc(`{"service":"common","method":"version","args":${'['.repeat(100_000)}${']'.repeat(100_000)}}`)),
    json('objects 100,000 deep', rpc(`{"service":"common","method":"version","args":[${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}]}`)),
    json('deep domain', executeKwJson('search', `[${'['.repeat(20_000)}${']'.repeat(20_000)}]`)),
    json('deep kwargs', executeKwJson('search_read', `[[]],${'{"context":'.repeat(20_000)}{}${'}'.repeat(20_000)}`)),
    json('1,000,000 unclosed brackets', '['.repeat(1_000_000)),
    json('__proto__ and constructor keys', rpc(`{"service":"object","method":"execute_kw","__proto__":{"admin":true},"constructor":{"prototype":{"x":1}},"args":["${db}",2,"admin","res.partner","search",[[]],{"__proto__":{"limit":1},"context":{"__proto__":{"uid":1}}}]}`)),
    json('duplicate keys', rpc(`{"service":"common","service":"object","method":"version","method":"execute_kw"}`)),
    json('1e400', executeKwJson('read', '[[1e400]]')),
    json('-1e400', executeKwJson('search', '[[["id","=",-1e400]]]')),
    json('integer of 5,000 digits', executeKwJson('read', `[[${'9'.repeat(5_000)}]]`)),
    json('integer beyond 2^53', executeKwJson('read', '[[9007199254740993]]')),
    json('limit 1e308', executeKwJson('search', '[[]],{"limit":1e308,"offset":-1e308}')),
    json('NUL in a string', executeKwJson('search', '[[["name","ilike","a\\u0000b"]]]')),
    json('NUL as login', rpc(`{"service":"common","method":"login","args":["${db}","ad\\u0000min","x"]}`)),
    json('NUL as database', rpc('{"service":"common","method":"login","args":["hp\\u0000legacy","admin","admin"]}')),
    json('NUL in model name', rpc(`{"service":"object","method":"execute_kw","args":["${db}",2,"admin","res.\\u0000partner","search",[[]]]}`)),
    json('raw NUL bytes', Buffer.concat([Buffer.from(rpc('{"service":"common","method":"version"')), Buffer.from([0, 0]), Buffer.from('}')])),
    json('lone surrogate', executeKwJson('search', '[[["name","=","\\ud800"]]]')),
    json('invalid UTF-8', Buffer.concat([Buffer.from(rpc('{"service":"common","method":"login","args":["')), Buffer.from([0xc3, 0x28, 0xff, 0xed, 0xa0, 0x80]), Buffer.from('"]}')])),
    json('UTF-16 body', Buffer.from(`\ufeff${rpc('{"service":"common","method":"version"}')}`, 'utf16le')),
    json('unknown service', rpc('{"service":"nope","method":"x","args":[]}')),
    json('unknown method', rpc('{"service":"common","method":"no_such_method","args":[]}')),
    json('database management method', rpc(`{"service":"db","method":"drop","args":["admin","${db}"]}`)),
    json('unknown model method', executeKwJson('no_such_method', '[]')),
    json('private model method', executeKwJson('_read', '[[1],["name"]]')),
    json('call_kw fields of every type', rpc('{"model":["x"],"method":{"a":1},"args":"no","kwargs":[1]}')),
    json('XML sent as JSON', methodCall('version', []), { contentType: 'text/xml' }),
    json('no content type', rpc('{"service":"common","method":"version"}'), { contentType: '' }),
    json('charset=utf-16 declared', rpc('{"service":"common","method":"version"}'), { contentType: 'application/json; charset=utf-16' }),
    json('bogus gzip', 'not gzip', { headers: { 'content-encoding': 'gzip' } }),
    json('20 MB string', rpc(`{"service":"common","method":"login","args":["${db}","${'x'.repeat(20 * MB)}","x"]}`), { huge: true }),
    json('3,000,000 numbers', executeKwJson('search', `[[["id","in",[${Array.from({ length: 3_000_000 }, (_, i) => i).join(',')}]]]]`), { huge: true }),
    // Each copy of a duplicate id is answered (as in Odoo): ~310 MB of partners and images asked
    // for by 1 MB. The gateway refuses to write an answer that large (MemoryError).
    // The engine builds all 250,000 rows before the answer is refused (~20 s on two busy cores):
    // bounded here, not yet fast; the ORM's read path would have to refuse earlier.
    json('read amplification: 250,000 duplicate ids', executeKwJson('read', `[[${Array.from({ length: 250_000 }, (_, i) => 1 + (i % 50)).join(',')}]]`), { huge: true, timeLimitMs: 60_000 }),
    json('60 MB of spaces', `${' '.repeat(60 * MB)}{}`, { huge: true }),
  ];
}

/** JSON-2 and REST get the JSON corpus too (re-labelled), plus what is special to them. */
function json2Cases(db: string): NastyCase[] {
  return [
    ...jsonCases(db).map((c) => ({ ...c, family: 'json2' as const })),
    { name: 'json2: ids as deep arrays', family: 'json2', body: Buffer.from(`{"ids":${'['.repeat(50_000)}${']'.repeat(50_000)}}`), contentType: 'application/json' },
    { name: 'json2: NUL in domain', family: 'json2', body: Buffer.from('{"domain":[["name","=","\\u0000"]],"fields":["name"]}'), contentType: 'application/json' },
    { name: 'json2: context of 10,000 keys', family: 'json2', body: Buffer.from(JSON.stringify({ context: Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`k${i}`, i])) })), contentType: 'application/json' },
  ];
}

function restCases(db: string): NastyCase[] {
  return [
    ...jsonCases(db).map((c) => ({ ...c, family: 'rest' as const })),
    { name: 'rest: body over 1 MB', family: 'rest', body: Buffer.from(`{"name":"${'n'.repeat(2 * MB)}","category":"mental","price":"1"}`), contentType: 'application/json', huge: true },
    { name: 'rest: price as 5,000 digits', family: 'rest', body: Buffer.from(`{"name":"x","category":"mental","price":${'9'.repeat(5_000)}}`), contentType: 'application/json' },
    { name: 'rest: NUL in name', family: 'rest', body: Buffer.from('{"name":"a\\u0000b","category":"mental","price":"1"}'), contentType: 'application/json' },
    { name: 'rest: charset=latin1 declared', family: 'rest', body: Buffer.from('{"name":"\xe9","category":"mental","price":"1"}', 'latin1'), contentType: 'application/json; charset=latin1' },
    { name: 'rest: unknown charset', family: 'rest', body: Buffer.from('{}'), contentType: 'application/json; charset=x-bogus' },
  ];
}

export function nastyCorpus(db: string): NastyCase[] {
  return [...xmlCases(db), ...jsonCases(db), ...json2Cases(db), ...restCases(db)];
}
