import { spawnSync } from 'node:child_process';
import { PythonFloat, XmlRpcBinary } from '../../../../odoo-bridge/wire/xmlrpc/index.ts';

/**
 * Runs CPython's own `xmlrpc.client` (with Odoo 18's OdooMarshaller overrides re-declared) on a
 * batch of jobs in one process, as the reference for byte-exact output and for decoding.
 *
 * Values cross as tagged JSON so nothing is lost: {"$f": "1.5"} a float, {"$b": base64} a Binary,
 * {"$o": [[key, value], ...]} a dict in order; plain JSON integers are Python ints.
 */

const SCRIPT = String.raw`
import sys, json, base64, datetime, xmlrpc.client as x

CONTROL_CHARACTERS = dict.fromkeys(set(range(32)) - {9, 10, 13})

class OdooMarshaller(x.Marshaller):
    dispatch = dict(x.Marshaller.dispatch)
    def dump_unicode(self, value, write):
        return super().dump_unicode(value.translate(CONTROL_CHARACTERS), write)
    dispatch[str] = dump_unicode

def dec(v):
    if isinstance(v, list): return [dec(i) for i in v]
    if isinstance(v, dict):
        if '$f' in v: return float(v['$f'])
        if '$b' in v: return x.Binary(base64.b64decode(v['$b']))
        if '$o' in v: return {k: dec(i) for k, i in v['$o']}
        if '$none' in v: return None
    return v

def enc(v):
    if isinstance(v, bool) or v is None or isinstance(v, str): return v
    if isinstance(v, int): return v
    if isinstance(v, float): return {'$f': repr(v)}
    if isinstance(v, list) or isinstance(v, tuple): return [enc(i) for i in v]
    if isinstance(v, dict): return {'$o': [[k, enc(i)] for k, i in v.items()]}
    if isinstance(v, x.Binary): return {'$b': base64.b64encode(v.data).decode()}
    if isinstance(v, datetime.datetime): return {'$dt': v.isoformat(' ')}
    raise TypeError('unexpected %r' % type(v))

def run(job):
    kind = job['kind']
    try:
        if kind == 'response':
            body = OdooMarshaller(allow_none=False).dumps((dec(job['value']),))
            return '<?xml version="1.0"?>\n<methodResponse>\n%s\n</methodResponse>\n' % body
        if kind == 'fault':
            body = OdooMarshaller(allow_none=False).dumps(x.Fault(job['code'], job['string']))
            return '<?xml version="1.0"?>\n<methodResponse>\n%s\n</methodResponse>\n' % body
        if kind == 'call':
            body = OdooMarshaller(allow_none=True).dumps(tuple(dec(job['params'])))
            return "<?xml version='1.0'?>\n<methodCall>\n<methodName>%s</methodName>\n%s</methodCall>\n" % (job['method'], body)
        if kind == 'loads':
            params, method = x.loads(job['xml'].encode('utf-8'), use_datetime=True)
            return {'method': method, 'params': enc(list(params))}
        if kind == 'repr':
            return repr(float(job['text']))
        if kind == 'int':
            return int(job['text'])
        if kind == 'float':
            return {'$f': repr(float(job['text']))}
        raise ValueError(kind)
    except Exception as e:
        return {'$error': type(e).__name__, 'message': str(e)}

jobs = json.load(sys.stdin)
json.dump([run(j) for j in jobs], sys.stdout)
`;

export type OracleJob =
  | { kind: 'response'; value: unknown }
  | { kind: 'fault'; code: number | string; string: string }
  | { kind: 'call'; method: string; params: unknown[] }
  | { kind: 'loads'; xml: string }
  | { kind: 'repr' | 'int' | 'float'; text: string };

export interface OracleError {
  $error: string;
  message: string;
}

export const isOracleError = (value: unknown): value is OracleError =>
  typeof value === 'object' && value !== null && '$error' in value;

export function runPython(jobs: OracleJob[]): unknown[] {
  const encoded = JSON.stringify(jobs.map((job) => ('value' in job ? { ...job, value: toTagged(job.value) } : 'params' in job ? { ...job, params: toTagged(job.params) } : job)));
  const result = spawnSync('python3', ['-c', SCRIPT], { input: encoded, encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`python3 failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as unknown[];
}

export const pythonAvailable = (): boolean => spawnSync('python3', ['--version']).status === 0;

/** JS value → tagged JSON, following the serializer's own reading of JS numbers. */
export function toTagged(value: unknown): unknown {
  if (value === null || value === undefined) return { $none: true };
  if (typeof value === 'number') {
    const isInt32 = Number.isInteger(value) && value >= -(2 ** 31) && value <= 2 ** 31 - 1;
    return isInt32 ? value : { $f: floatText(value) };
  }
  if (value instanceof PythonFloat) return { $f: floatText(value.value) };
  if (value instanceof XmlRpcBinary) return { $b: value.base64 };
  if (Array.isArray(value)) return value.map(toTagged);
  if (value instanceof Map) return { $o: [...value.entries()].map(([k, v]) => [k, toTagged(v)]) };
  if (typeof value === 'object') return { $o: Object.entries(value).map(([k, v]) => [k, toTagged(v)]) };
  return value;
}

const floatText = (n: number) => (Object.is(n, -0) ? '-0.0' : String(n));

/** Tagged JSON from Python → the values `parseMethodCall` yields. */
export function fromTagged(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(fromTagged);
  if (typeof value === 'object' && value !== null) {
    if ('$f' in value) return Number((value as { $f: string }).$f.replace('inf', 'Infinity').replace('nan', 'NaN'));
    if ('$b' in value) return new XmlRpcBinary((value as { $b: string }).$b);
    if ('$dt' in value) return (value as { $dt: string }).$dt;
    if ('$o' in value) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of (value as { $o: [string, unknown][] }).$o) {
        Object.defineProperty(out, k, { value: fromTagged(v), enumerable: true, writable: true, configurable: true });
      }
      return out;
    }
  }
  return value;
}
