import { hostname } from 'node:os';
import { domainToASCII } from 'node:url';
import { emailSplit, emailNormalize } from './email-address.ts';

/**
 * The string helpers of odoo/tools/mail.py that mail.thread uses to fill `mail_message`:
 * `formataddr`, `email_normalize_all`, `generate_tracking_message_id`, and res.partner's
 * `email_formatted` (odoo/addons/base/models/res_partner.py `_compute_email_formatted`).
 */

/**
 * `tools.formataddr((name, address), charset='utf-8')`: `"Name" <local@domain>`, the bare address
 * without a name. Only a name or domain the charset cannot encode is rewritten (base64 name,
 * IDNA domain): with the default utf-8, which every caller in mail/base uses, a non-ASCII name
 * stays as it is (`"周俊杰" <merchant001@hp.example>`); 'ascii' is ir.mail_server's, for sending.
 */
export function formataddr(name: string | false | null, address: string, charset: 'utf-8' | 'ascii' = 'utf-8'): string {
  const at = address.lastIndexOf('@');
  const local = at >= 0 ? address.slice(0, at) : '';
  let domain = at >= 0 ? address.slice(at + 1) : address;
  // eslint-disable-next-line no-control-regex
  const encodable = (text: string) => charset === 'utf-8' || /^[\x00-\x7f]*$/.test(text);
  if (!encodable(domain)) domain = domainToASCII(domain) || domain;
  if (name) {
    if (!encodable(name)) return `=?utf-8?b?${Buffer.from(name, 'utf8').toString('base64')}?= <${local}@${domain}>`;
    return `"${name.replace(/[\\"]/g, (c) => `\\${c}`)}" <${local}@${domain}>`;
  }
  return `${local}@${domain}`;
}

/** `tools.email_normalize_all`: every address found, normalized. */
export function emailNormalizeAll(text: string | null | undefined): string[] {
  return emailSplit(text ?? '').map((e) => emailNormalize(e)).filter((e): e is string => !!e);
}

/** res.partner `email_formatted`: `"Name" <normalized emails>`, the raw email when none normalizes, False without email. */
export function partnerEmailFormatted(name: string | null, email: string | null): string | false {
  const normalized = emailNormalizeAll(email);
  if (normalized.length) return formataddr(name || 'False', normalized.join(','));
  if (email) return formataddr(name || 'False', email);
  return false;
}

/** `tools.mail.generate_tracking_message_id(res_id)`: `<random.time-openerp-res_id@host>`. */
export function generateTrackingMessageId(resId: string): string {
  const random = Math.random().toFixed(15).slice(2);
  const time = (Date.now() / 1000).toFixed(15);
  return `<${random}.${time}-openerp-${resId}@${hostname()}>`;
}

/** `markupsafe.escape`, then what an Html field stores for plain text (html_sanitize wraps it in a paragraph). */
export function htmlBodyOf(text: string): string {
  if (!text) return '';
  const escaped = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&#34;').replace(/'/g, '&#39;');
  return `<p>${escaped}</p>`;
}
