import { missingBehaviour, OdooError, type OdooExceptionName } from '../../../errors.ts';
import type { CallContext } from '../../call-context.ts';
import type { Vals } from '../behaviour-registry.ts';
import { imageSize } from './image-size.ts';
import { pythonGuessType } from './python-mimetypes.ts';
import { configParameter } from './xmlid.ts';

const MODEL = 'ir.attachment';

/**
 * `base64.b64decode(s)` (non-validating, as ir.attachment decodes `datas`): characters outside
 * the alphabet are skipped, what follows the padding is ignored; a data length one more than a
 * multiple of four, or missing padding, is binascii's error.
 */
export function pythonB64decode(value: unknown): Buffer {
  if (Buffer.isBuffer(value)) return pythonB64decode(value.toString('latin1'));
  if (typeof value !== 'string') throw missingBehaviour(MODEL, `datas given as ${typeof value}`);
  const clean = value.replace(/[^A-Za-z0-9+/=]/g, '');
  const pad = clean.indexOf('=');
  const data = pad < 0 ? clean : clean.slice(0, pad);
  const padding = pad < 0 ? 0 : /^=*/.exec(clean.slice(pad))![0].length;
  if (data.length % 4 === 1) throw binasciiError(`Invalid base64-encoded string: number of data characters (${data.length}) cannot be 1 more than a multiple of 4`);
  if (data.length % 4 && padding < 4 - (data.length % 4)) throw binasciiError('Incorrect padding');
  return Buffer.from(data, 'base64');
}

/** binascii.Error, which no Odoo handler turns into its own exception: RPC answers it by its Python name. */
function binasciiError(message: string): OdooError {
  return new OdooError('binascii.Error' as OdooExceptionName, message);
}

/** `raw` as the create receives it: a str is encoded to UTF-8 (`raw.encode()`), bytes stay bytes. */
export function rawBytes(value: unknown): Buffer {
  if (Buffer.isBuffer(value)) return value;
  if (typeof value === 'string') return Buffer.from(value, 'utf8');
  throw missingBehaviour(MODEL, `raw given as ${typeof value}`);
}

/**
 * ir.attachment `_compute_mimetype(values)`: the given mimetype, else the name's or the url's
 * extension (Python's mimetypes), else — when that left nothing or application/octet-stream —
 * the content's signature; lower-cased, application/octet-stream when all fail.
 */
export function computeMimetype(values: Vals): string {
  let mimetype: string | null = null;
  if (values.mimetype) mimetype = String(values.mimetype);
  if (!mimetype && values.name) mimetype = pythonGuessType(String(values.name));
  if (!mimetype && values.url) mimetype = pythonGuessType(String(values.url).split('?')[0]!);
  if (!mimetype || mimetype === 'application/octet-stream') {
    const content = values.raw ? rawBytes(values.raw) : values.datas ? pythonB64decode(values.datas) : null;
    if (content?.length) mimetype = guessMimetype(content);
  }
  return mimetype ? mimetype.toLowerCase() : 'application/octet-stream';
}

/**
 * `odoo.tools.mimetypes.guess_mimetype` as the oracle runs it: with python-magic installed Odoo asks
 * libmagic about the first 1024 bytes. Ficus answers the signatures libmagic and Odoo's own table
 * agree on (a PNG with its IHDR, JPEG, GIF, PDF) and plain prose (text/plain); anything else
 * (markup, JSON, scripts, archives, office files: libmagic's many text and container heuristics)
 * is refused rather than typed differently.
 */
export function guessMimetype(data: Buffer): string {
  if (data.subarray(0, 8).equals(Buffer.from('89504e470d0a1a0a', 'hex')) && data.subarray(12, 16).toString('latin1') === 'IHDR') return 'image/png';
  if (data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return 'image/jpeg';
  const head = data.subarray(0, 6).toString('latin1');
  if (head === 'GIF87a' || head === 'GIF89a') return 'image/gif';
  if (data.subarray(0, 5).toString('latin1') === '%PDF-') return 'application/pdf';
  if (isPlainProse(data)) return 'text/plain';
  throw missingBehaviour(MODEL, 'guessing the mimetype of content without a known extension (libmagic)');
}

/** Words every libmagic text rule leaves as text/plain: letters, digits, spaces and sentence punctuation, starting with no mail/news/source keyword. */
const PROSE = /^[A-Za-z0-9][A-Za-z0-9 ,.!?'\n-]*$/;
const MAGIC_FIRST_WORDS = /^(from|begin|diff|index|only|article|path|xref|received|relay|subject|return|newsgroups|message|date|via|module|program|function|package|import|class|def|library|use|newsgroup)\b/i;
function isPlainProse(data: Buffer): boolean {
  const text = data.subarray(0, 1024).toString('latin1');
  return PROSE.test(text) && !MAGIC_FIRST_WORDS.test(text);
}

/**
 * ir.attachment `_check_contents(values)`: the mimetype computed; markup types (html, xml, svg —
 * not Office's openxmlformats) stored as text/plain unless the user may write views
 * (`ir.ui.view` write right) and the context does not ask for plain xml; then the image
 * post-processing check.
 */
export async function checkContents(ctx: CallContext, values: Vals): Promise<Vals> {
  const mimetype = computeMimetype(values);
  values.mimetype = mimetype;
  const xmlLike = mimetype.includes('ht') || (mimetype.includes('xml') && !mimetype.startsWith('application/vnd.openxmlformats'));
  const views = ctx.registry.model('ir.ui.view');
  const forceText = xmlLike && (Boolean(ctx.context.attachments_mime_plainxml) || !views || !ctx.access.hasModel(views, 'write'));
  if (forceText) values.mimetype = 'text/plain';
  if (!ctx.context.image_no_postprocess) await checkImageNeedsNoResize(ctx, values);
  return values;
}

/**
 * `_postprocess_contents`: an image of a resizable type (`base.image_autoresize_extensions`) wider
 * or taller than `base.image_autoresize_max_px` is resized by PIL before it is stored. Ficus does
 * not re-encode images: such an upload is refused; smaller images, content PIL cannot open (Odoo
 * logs and keeps it), SVG and WEBP are stored as given.
 */
async function checkImageNeedsNoResize(ctx: CallContext, values: Vals): Promise<void> {
  const mimetype = String(values.mimetype);
  const [type, subtype] = [mimetype.split('/')[0], mimetype.slice(mimetype.indexOf('/') + 1)];
  const supported = ((await configParameter(ctx.db, 'base.image_autoresize_extensions')) || 'png,jpeg,bmp,tiff').split(',');
  if (type !== 'image' || !mimetype.includes('/') || !supported.includes(subtype)) return;
  if (!values.datas && !values.raw) return;
  const maxPx = (await configParameter(ctx.db, 'base.image_autoresize_max_px')) || '1920x1920';
  if (!pythonStr2bool(maxPx, true)) return;
  if (values.raw && !Buffer.isBuffer(values.raw)) throw missingBehaviour(MODEL, 'an image given as text in raw (PIL cannot open a str)');
  const data = values.raw ? (values.raw as Buffer) : pythonB64decode(values.datas);
  if (!data.length || data[0] === 0x3c || (data.subarray(0, 4).toString('latin1') === 'RIFF' && data.subarray(8, 15).toString('latin1') === 'WEBPVP8')) return;
  const size = imageSize(data);
  if (!size) {
    // PIL cannot identify it: Odoo logs "Post processing ignored" and stores the bytes as given.
    if (notAnImage(data)) return;
    throw missingBehaviour(MODEL, 'storing image content Ficus cannot measure (PIL would open or refuse it)');
  }
  const [nw, nh] = maxPx.split('x').map((n) => Number.parseInt(n, 10)) as [number, number];
  // A JPEG's EXIF orientation swaps width and height before Odoo compares: only a square bound ignores it.
  if (size.format === 'jpeg' && nw !== nh) throw missingBehaviour(MODEL, 'storing a JPEG under a non-square base.image_autoresize_max_px');
  if (size.width > nw || size.height > nh) throw missingBehaviour(MODEL, `resizing an uploaded image larger than ${maxPx} (PIL)`);
}

/**
 * Content no PIL plugin opens: printable text (ASCII or UTF-8, tabs and line ends) that does not
 * start like the few text-headed image formats PIL reads (XBM `#define`, XPM, NetPBM `P1`-`P7`,
 * FITS `SIMPLE`, IM `Image type`, PCX's 0x0A) — every other plugin wants binary magic bytes.
 */
function notAnImage(data: Buffer): boolean {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(data);
  } catch {
    return false;
  }
  if (/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/.test(text)) return false;
  return !/^(#define|\/\* XPM \*\/|P[1-7]|SIMPLE|Image type|\n)/.test(text);
}

/** tools.str2bool with a default. */
function pythonStr2bool(s: string, fallback: boolean): boolean {
  const lower = s.toLowerCase();
  if (['y', 'yes', '1', 'true', 't', 'on'].includes(lower)) return true;
  if (['n', 'no', '0', 'false', 'f', 'off'].includes(lower)) return false;
  return fallback;
}

/**
 * ir.attachment `_index`: the type part of the mimetype; for text, the runs of four or more
 * printable ASCII characters, one per line (the unix `strings`); false without a mimetype.
 */
export function indexContent(data: Buffer, mimetype: string | null | undefined): string | false {
  if (!mimetype) return false;
  const type = mimetype.split('/')[0]!;
  if (type !== 'text') return type;
  return (data.toString('latin1').match(/[\x20-\x7e]{4,}/g) ?? []).join('\n');
}
