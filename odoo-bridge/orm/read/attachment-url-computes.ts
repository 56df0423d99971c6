import { missingBehaviour } from '../../errors.ts';
import type { ComputedField } from './computed-field.ts';

/**
 * ir.attachment's URLs (html_editor/models/ir_attachment.py, Odoo 18), from the attachment's row:
 *
 * - `local_url`: its url, else `/web/image/<id>?unique=<checksum>` (a missing checksum prints False).
 * - `image_src`: False unless the mimetype is one the editor shows (SUPPORTED_IMAGE_MIMETYPES); a
 *   url attachment: its url when local (`/…`), else `/web/image/<id>-redirect/<quoted name>`; a
 *   file: its url with `unique=<checksum[:8]>` appended, else `/web/image/<id>-<checksum[:8]>/<quoted name>`.
 *   A file image without a checksum fails in Odoo (`False[:8]`): refused.
 */
const SUPPORTED_IMAGE_MIMETYPES = new Set(['image/gif', 'image/jpe', 'image/jpeg', 'image/jpg', 'image/png', 'image/svg+xml', 'image/webp']);

/** Python's `urllib.parse.quote(s)`: UTF-8, everything but letters, digits, `_.-~` and `/` percent-encoded in upper-case hex. */
export function pythonQuote(text: string): string {
  return [...Buffer.from(text, 'utf8')].map((byte) => (/[A-Za-z0-9_.\-~/]/.test(String.fromCharCode(byte)) ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`)).join('');
}

/** Python's `'%s' % value` of a char field's read value (False when empty). */
const pyStr = (value: unknown) => (value === null || value === undefined || value === false ? 'False' : String(value));

export const ATTACHMENT_URL_COMPUTED_FIELDS: Record<string, ComputedField> = {
  'ir.attachment.local_url': {
    dependsOn: ['url', 'checksum'],
    compute: (r) => (r.url ? r.url : `/web/image/${r.id}?unique=${pyStr(r.checksum)}`),
  },
  'ir.attachment.image_src': {
    dependsOn: ['mimetype', 'type', 'url', 'name', 'checksum'],
    compute: (r) => {
      if (!SUPPORTED_IMAGE_MIMETYPES.has(String(r.mimetype))) return false;
      const url = typeof r.url === 'string' ? r.url : '';
      if (r.type === 'url') return url.startsWith('/') ? url : `/web/image/${r.id}-redirect/${pythonQuote(String(r.name ?? ''))}`;
      if (!r.checksum) throw missingBehaviour('ir.attachment', 'the computed field image_src of an image without a checksum (Odoo fails on it)');
      const unique = String(r.checksum).slice(0, 8);
      if (url) return `${url}${url.includes('?') ? '&' : '?'}unique=${unique}`;
      return `/web/image/${r.id}-${unique}/${pythonQuote(String(r.name ?? ''))}`;
    },
  },
};
