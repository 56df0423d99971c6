import { XmlRpcParseError } from './errors.ts';

/**
 * Turns request bytes into text the way expat reads them: a UTF-16 byte-order mark wins, then the
 * XML declaration's `encoding`, else UTF-8. Expat's built-in encodings are supported (UTF-8,
 * UTF-16, ISO-8859-1, US-ASCII); others Python would map through its codecs are refused.
 * Invalid byte sequences are a parse error, as in expat.
 */

const DECLARED_ENCODING = /^<\?xml[\x20\t\r\n]+version[\x20\t\r\n]*=[\x20\t\r\n]*(?:"[^"]*"|'[^']*')[\x20\t\r\n]+encoding[\x20\t\r\n]*=[\x20\t\r\n]*(?:"([^"]*)"|'([^']*)')/;

const expatError = (message: string) => new XmlRpcParseError('xml.parsers.expat.ExpatError', message);

export function decodeBody(body: Buffer | string, maxBytes: number): string {
  if (typeof body === 'string') {
    if (body.length > maxBytes) throw tooLarge(maxBytes);
    return body.startsWith('\uFEFF') ? body.slice(1) : body;
  }
  if (body.length > maxBytes) throw tooLarge(maxBytes);

  if (body[0] === 0xff && body[1] === 0xfe) return decodeStrict('utf-16le', body.subarray(2));
  if (body[0] === 0xfe && body[1] === 0xff) return decodeStrict('utf-16be', body.subarray(2));

  const head = body.subarray(0, 200).toString('latin1');
  const declared = DECLARED_ENCODING.exec(head);
  const encoding = (declared?.[1] ?? declared?.[2] ?? 'utf-8').toLowerCase();
  switch (encoding) {
    case 'utf-8':
    case 'utf8':
      return decodeStrict('utf-8', body);
    case 'iso-8859-1':
    case 'latin-1':
    case 'latin1':
      // Not TextDecoder: its "iso-8859-1" label is really windows-1252.
      return body.toString('latin1');
    case 'us-ascii':
    case 'ascii':
      if (body.some((byte) => byte > 0x7f)) throw expatError('not well-formed (invalid token)');
      return body.toString('latin1');
    default:
      throw expatError(`unknown encoding: ${JSON.stringify(encoding)}`);
  }
}

function decodeStrict(encoding: 'utf-8' | 'utf-16le' | 'utf-16be', bytes: Uint8Array): string {
  try {
    // TextDecoder drops a UTF-8 byte-order mark itself.
    return new TextDecoder(encoding, { fatal: true }).decode(bytes);
  } catch {
    throw expatError('not well-formed (invalid token)');
  }
}

const tooLarge = (maxBytes: number) =>
  new XmlRpcParseError('xmlrpc.client.ResponseError', `request body exceeds ${maxBytes} bytes`);
