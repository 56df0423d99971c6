import { decodeBody } from './decode-body.ts';
import { XmlRpcParseError } from './errors.ts';
import { decodeScalar, isScalarTag, type ScalarTag } from './scalar-values.ts';
import { tokenizeXml } from './xml-tokenizer.ts';

/**
 * Decodes an XML-RPC `<methodCall>` as Odoo 18 does with
 * `xmlrpc.client.loads(body, use_datetime=True)`:
 *
 * - `<int> <i4> <i8> <i1> <i2> <biginteger>` → number, `<boolean>` → boolean,
 *   `<double> <float> <bigdecimal>` → number, `<string>` and an untyped `<value>text</value>` →
 *   string, `<value/>` → `""`, `<nil/>` → null, `<array>` → array, `<struct>` → plain object
 *   (duplicate names: the last wins), `<dateTime.iso8601>` → `"YYYY-MM-DD HH:MM:SS"`,
 *   `<base64>` → `XmlRpcBinary`. A namespace prefix on a tag is ignored (`<ex:nil/>`), as Python does.
 * - Line breaks in text are normalised to `\n` by the XML rules, so a literal CR arrives as LF.
 *
 * Python's unmarshaller does not check document structure; this one does, and refuses what
 * Python would have decoded into nonsense (a member without a name, text beside a typed value,
 * unknown elements, a missing `<methodName>`). Also refused: DOCTYPE (so no DTD or external
 * entity is ever read), bodies over `maxBytes`, array/struct nesting over `maxDepth`. Every
 * refusal is an `XmlRpcParseError`; parsing is a single linear pass, so time stays bounded.
 */

export interface ParsedMethodCall {
  methodName: string;
  params: unknown[];
}

export interface ParseOptions {
  /** Largest accepted body, in bytes (UTF-16 code units for a string body). */
  maxBytes?: number;
  /** Deepest accepted nesting of arrays and structs. */
  maxDepth?: number;
}

export const DEFAULT_MAX_BYTES = 32 * 1024 * 1024;
export const DEFAULT_MAX_DEPTH = 100;

/** One open element and what has been collected inside it so far (a class: one shape, fast). */
class Frame {
  text = '';
  /** value, param, array, member: the child's result. */
  result: unknown = undefined;
  hasResult = false;
  /** member: the name. */
  name: string | undefined = undefined;
  /** params, data: the values so far. */
  items: unknown[] | undefined = undefined;
  struct: Record<string, unknown> | undefined = undefined;
  /** methodCall: which of methodName/params were seen. */
  seen: string[] | undefined = undefined;

  constructor(readonly tag: string) {
    if (tag === 'params' || tag === 'data') this.items = [];
    else if (tag === 'struct') this.struct = {};
    else if (tag === 'methodCall') this.seen = [];
  }
}

const XML_WHITESPACE = /^[\x20\t\r\n]*$/;

/** Whether `parent` may hold a `child` element now. */
function mayContain(parent: Frame, child: string): boolean {
  switch (parent.tag) {
    case 'methodCall':
      return (child === 'methodName' || child === 'params') && !parent.seen!.includes(child);
    case 'params':
      return child === 'param';
    case 'param':
      return child === 'value' && !parent.hasResult;
    case 'value':
      return (isScalarTag(child) || child === 'array' || child === 'struct') && !parent.hasResult;
    case 'array':
      return child === 'data' && !parent.hasResult;
    case 'data':
      return child === 'value';
    case 'struct':
      return child === 'member';
    case 'member':
      return child === 'name' ? parent.name === undefined : child === 'value' && parent.name !== undefined && !parent.hasResult;
    default:
      return false;
  }
}

/** Elements whose character data is content (all others may only hold whitespace between children). */
const holdsText = (frame: Frame) =>
  frame.tag === 'value' ? !frame.hasResult : frame.tag === 'methodName' || frame.tag === 'name' || isScalarTag(frame.tag);

const structureError = (message: string) => new XmlRpcParseError('xmlrpc.client.ResponseError', message);

export function parseMethodCall(body: Buffer | string, options: ParseOptions = {}): ParsedMethodCall {
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  const text = decodeBody(body, options.maxBytes ?? DEFAULT_MAX_BYTES);

  const stack: Frame[] = [];
  let containerDepth = 0;
  let methodName: string | undefined;
  let params: unknown[] | undefined;

  const onText = (chunk: string) => {
    const frame = stack[stack.length - 1];
    if (!frame) return; // whitespace around the root; the tokenizer refuses anything else there
    if (holdsText(frame)) {
      frame.text += chunk;
    } else if (!XML_WHITESPACE.test(chunk)) {
      throw structureError(`unexpected text inside <${frame.tag}>`);
    }
  };

  const onOpenTag = (name: string) => {
    const tag = localName(name);
    const parent = stack[stack.length - 1];
    if (!parent) {
      if (tag !== 'methodCall') throw structureError(`expected <methodCall>, got <${tag}>`);
    } else {
      if (!mayContain(parent, tag)) throw structureError(`unexpected <${tag}> inside <${parent.tag}>`);
      parent.seen?.push(tag);
      if (parent.tag === 'value') {
        if (parent.text !== '' && !XML_WHITESPACE.test(parent.text)) throw structureError('text beside a typed value');
        parent.text = '';
      }
    }
    if (tag === 'array' || tag === 'struct') {
      containerDepth += 1;
      if (containerDepth > maxDepth) throw structureError(`arrays and structs nested deeper than ${maxDepth}`);
    }
    stack.push(new Frame(tag));
  };

  const onCloseTag = () => {
    const frame = stack.pop()!;
    const parent = stack[stack.length - 1];
    switch (frame.tag) {
      case 'methodCall':
        if (methodName === undefined) throw structureError('missing <methodName>');
        return;
      case 'methodName':
        methodName = frame.text;
        return;
      case 'params':
        params = frame.items!;
        return;
      case 'param':
        if (!frame.hasResult) throw structureError('<param> without a <value>');
        parent!.items!.push(frame.result);
        return;
      case 'value': {
        // A value without a typed child is a string (Python's end_value → end_string).
        const value = frame.hasResult ? frame.result : frame.text;
        if (parent!.tag === 'data') parent!.items!.push(value);
        else setResult(parent!, value);
        return;
      }
      case 'data':
        setResult(parent!, frame.items!);
        return;
      case 'array':
        containerDepth -= 1;
        setResult(parent!, frame.hasResult ? frame.result : []);
        return;
      case 'struct':
        containerDepth -= 1;
        setResult(parent!, frame.struct!);
        return;
      case 'member':
        if (!frame.hasResult) throw structureError('<member> without a <name> and a <value>');
        setMember(parent!.struct!, frame.name!, frame.result);
        return;
      case 'name':
        parent!.name = frame.text;
        return;
      default:
        setResult(parent!, decodeScalar(frame.tag as ScalarTag, frame.text));
    }
  };

  tokenizeXml(text, { openTag: onOpenTag, closeTag: onCloseTag, text: onText });
  if (methodName === undefined) throw structureError('missing <methodCall>');
  return { methodName, params: params ?? [] };
}

function setResult(frame: Frame, value: unknown): void {
  frame.result = value;
  frame.hasResult = true;
}

/** Like `dict[key] = value`, also for keys such as `__proto__` that plain assignment would misread. */
function setMember(struct: Record<string, unknown>, key: string, value: unknown): void {
  if (key !== '__proto__') struct[key] = value;
  else Object.defineProperty(struct, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Python keeps only the part after the last colon of a tag name. */
function localName(name: string): string {
  if (!name.includes(':')) return name;
  const colon = name.lastIndexOf(':');
  return colon === -1 ? name : name.slice(colon + 1);
}
