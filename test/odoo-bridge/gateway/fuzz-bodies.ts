import fc from 'fast-check';

/**
 * Random and malformed request bodies for the protocol fuzz test. Each generator mixes plain
 * garbage with near-valid requests (so the parsers, the argument binding and the ORM engine's
 * input checks all get exercised), plus a few pathological shapes: deep nesting, invalid UTF-8,
 * huge numbers and 10 MB bodies.
 */
export interface FuzzBody {
  body: Buffer;
  contentType: string;
}

const ADMIN = { uid: 2, password: 'admin' };
const MODELS = ['res.partner', 'hp.health.record', 'hp.service.order', 'res.users', 'no.such.model', '', 'ir.model'];
const METHODS = ['search_read', 'read', 'search', 'search_count', 'fields_get', 'name_search', 'read_group', 'create', 'write', 'unlink', '_private', 'no_such', 'copy', 'default_get'];

const smallJson = fc.jsonValue({ maxDepth: 4 });
const domainLike = fc.oneof(
  fc.constant([]),
  fc.array(fc.oneof(fc.constantFrom('&', '|', '!'), fc.tuple(fc.string(), fc.constantFrom('=', 'ilike', 'in', 'child_of', '=?', '<', 'bogus'), smallJson)), { maxLength: 5 }),
  smallJson,
);
const argsLike = fc.array(fc.oneof(domainLike, smallJson, fc.array(fc.integer()), fc.integer(), fc.constant(null)), { maxLength: 6 });
const kwargsLike = fc.oneof(
  fc.dictionary(fc.constantFrom('fields', 'limit', 'offset', 'order', 'context', 'domain', 'groupby', 'bogus'), smallJson, { maxKeys: 4 }),
  smallJson,
);

/** A string nested `depth` levels deep: `[[[…]]]` or `{"a":{"a":…}}`. */
function deepJson(depth: number, kind: 'array' | 'object'): string {
  return kind === 'array' ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
}

function tenMegabytes(prefix: string, suffix: string): string {
  return prefix + 'x'.repeat(10 * 1024 * 1024) + suffix;
}

const invalidUtf8 = fc.uint8Array({ minLength: 1, maxLength: 200 }).map((bytes) => Buffer.concat([Buffer.from('{"jsonrpc":"2.0","params":{"service":"common","method":"login","args":["'), Buffer.from(bytes), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"]}}')]));

export function jsonRpcBodies(db: string): fc.Arbitrary<FuzzBody> {
  const json = (value: unknown) => Buffer.from(JSON.stringify(value));
  const envelope = fc.record({
    service: fc.constantFrom('object', 'common', 'db', 'nope'),
    method: fc.constantFrom('execute_kw', 'execute', 'login', 'authenticate', 'version', 'list', 'drop', 'x'),
    model: fc.constantFrom(...MODELS),
    modelMethod: fc.constantFrom(...METHODS),
    args: argsLike,
    kwargs: kwargsLike,
    goodCredentials: fc.boolean(),
  }).map(({ service, method, model, modelMethod, args, kwargs, goodCredentials }) =>
    json({ jsonrpc: '2.0', method: 'call', id: 1, params: { service, method, args: [db, goodCredentials ? ADMIN.uid : 99, goodCredentials ? ADMIN.password : 'x', model, modelMethod, args, kwargs] } }),
  );
  return fc.oneof(
    { weight: 6, arbitrary: envelope },
    { weight: 2, arbitrary: fc.jsonValue().map(json) },
    { weight: 2, arbitrary: fc.string().map((text) => Buffer.from(text)) },
    { weight: 1, arbitrary: invalidUtf8 },
    { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 200_000 }).chain((depth) => fc.constantFrom('array', 'object').map((kind) => Buffer.from(`{"params":${deepJson(depth, kind as 'array')}}`))) },
    { weight: 1, arbitrary: fc.constantFrom('1e400', '-1e400', '123456789012345678901234567890', '9007199254740993').map((n) => Buffer.from(`{"params":{"service":"object","method":"execute_kw","args":["${db}",${n},"admin","res.partner","read",[[${n}]]]}}`)) },
  ).map((body) => ({ body, contentType: 'application/json' }));
}

export function callKwBodies(): fc.Arbitrary<FuzzBody> {
  const call = fc.record({ model: fc.constantFrom(...MODELS), method: fc.constantFrom(...METHODS), args: argsLike, kwargs: kwargsLike });
  return fc.oneof(
    { weight: 6, arbitrary: call.map((params) => Buffer.from(JSON.stringify({ jsonrpc: '2.0', method: 'call', id: 7, params }))) },
    { weight: 2, arbitrary: fc.jsonValue().map((value) => Buffer.from(JSON.stringify({ params: value }))) },
    { weight: 1, arbitrary: fc.string().map((text) => Buffer.from(text)) },
    { weight: 1, arbitrary: invalidUtf8 },
  ).map((body) => ({ body, contentType: 'application/json' }));
}

function xmlValue(value: unknown): string {
  if (value === null) return '<nil/>';
  if (typeof value === 'boolean') return `<boolean>${value ? 1 : 0}</boolean>`;
  if (typeof value === 'number') return Number.isInteger(value) ? `<int>${value}</int>` : `<double>${value}</double>`;
  if (typeof value === 'string') return `<string>${value.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</string>`;
  if (Array.isArray(value)) return `<array><data>${value.map((v) => `<value>${xmlValue(v)}</value>`).join('')}</data></array>`;
  return `<struct>${Object.entries(value as object).map(([k, v]) => `<member><name>${k}</name><value>${xmlValue(v)}</value></member>`).join('')}</struct>`;
}

export function xmlRpcBodies(db: string): fc.Arbitrary<FuzzBody> {
  const call = fc.record({ model: fc.constantFrom(...MODELS), method: fc.constantFrom(...METHODS), args: argsLike, kwargs: kwargsLike, good: fc.boolean() }).map(
    ({ model, method, args, kwargs, good }) =>
      `<?xml version="1.0"?><methodCall><methodName>execute_kw</methodName><params>${[db, good ? 2 : 5, good ? 'admin' : 'x', model, method, args, kwargs].map((p) => `<param><value>${xmlValue(p)}</value></param>`).join('')}</params></methodCall>`,
  );
  const mutated = fc.tuple(call, fc.nat(), fc.nat({ max: 20 }), fc.string({ maxLength: 5 })).map(([xml, at, drop, insert]) => {
    const cut = at % xml.length;
    return xml.slice(0, cut) + insert + xml.slice(cut + drop);
  });
  return fc.oneof(
    { weight: 5, arbitrary: call.map((x) => Buffer.from(x)) },
    { weight: 4, arbitrary: mutated.map((x) => Buffer.from(x)) },
    { weight: 2, arbitrary: fc.string().map((x) => Buffer.from(x)) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.concat([Buffer.from('<?xml version="1.0"?><methodCall><methodName>'), Buffer.from(b)])) },
    { weight: 1, arbitrary: fc.integer({ min: 200, max: 50_000 }).map((d) => Buffer.from(`<?xml version="1.0"?><methodCall><methodName>version</methodName><params><param>${'<value><array><data>'.repeat(d)}${'</data></array></value>'.repeat(d)}</param></params></methodCall>`)) },
    { weight: 1, arbitrary: fc.constantFrom('99999999999999999999999', 'abc', '', '-0', '1e5').map((n) => Buffer.from(`<?xml version="1.0"?><methodCall><methodName>execute_kw</methodName><params><param><value><string>${db}</string></value></param><param><value><int>${n}</int></value></param></params></methodCall>`)) },
    { weight: 1, arbitrary: fc.constant(Buffer.from('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]><methodCall><methodName>&b;</methodName></methodCall>')) },
  ).map((body) => ({ body, contentType: 'text/xml' }));
}

export function json2Bodies(): fc.Arbitrary<FuzzBody & { path: string }> {
  return fc.record({
    // No '.' or '..' segments: HTTP clients normalise those away before sending.
    model: fc.constantFrom(...MODELS, 'res.users', 'a b', '%00'),
    method: fc.constantFrom(...METHODS, 'context_get'),
    body: fc.oneof(
      fc.dictionary(fc.constantFrom('ids', 'context', 'domain', 'fields', 'limit', 'vals', 'vals_list', 'name', 'bogus'), smallJson, { maxKeys: 4 }).map((b) => Buffer.from(JSON.stringify(b))),
      fc.jsonValue().map((b) => Buffer.from(JSON.stringify(b))),
      fc.string().map((b) => Buffer.from(b)),
      invalidUtf8,
    ),
  }).map(({ model, method, body }) => ({ path: `/json/2/${encodeURIComponent(model)}/${encodeURIComponent(method)}`, body, contentType: 'application/json' }));
}

/** The few 10 MB bodies each transport also gets. */
export const HUGE_BODIES = {
  jsonrpc: (): FuzzBody => ({ body: Buffer.from(tenMegabytes('{"jsonrpc":"2.0","params":{"service":"common","method":"version","args":["', '"]}}')), contentType: 'application/json' }),
  xmlrpc: (): FuzzBody => ({ body: Buffer.from(tenMegabytes('<?xml version="1.0"?><methodCall><methodName>version</methodName><params><param><value><string>', '</string></value></param></params></methodCall>')), contentType: 'text/xml' }),
};

/** REST bodies: near-valid resources of trade's routes, random JSON, and text that is not JSON. */
export function restBodies(): fc.Arbitrary<FuzzBody> {
  const field = fc.oneof(smallJson, fc.string(), fc.integer(), fc.double(), fc.constant(null));
  const resource = fc.dictionary(
    fc.constantFrom('name', 'category', 'price', 'serviceId', 'serviceOrderId', 'scheduledAt', 'status', 'note', 'coachId', 'bogus'),
    field,
    { maxKeys: 5 },
  );
  return fc.oneof(
    { weight: 4, arbitrary: resource.map((value) => Buffer.from(JSON.stringify(value))) },
    { weight: 2, arbitrary: fc.jsonValue().map((value) => Buffer.from(JSON.stringify(value))) },
    { weight: 2, arbitrary: fc.string().map((text) => Buffer.from(text)) },
    { weight: 1, arbitrary: invalidUtf8 },
  ).map((body) => ({ body, contentType: 'application/json' }));
}
