/**
 * The body Odoo 18 stores on a notification `mail.mail`: QWeb's rendering of
 * `mail.mail_notification_layout` (addons/mail/data/mail_templates_email_layouts.xml, with its
 * `mail.notification_preview` header) around the message body, for one recipients group.
 *
 * Written from the template's arch as Odoo's QWeb renders it (checked byte for byte against the
 * mails a real Odoo 18 stored, fixtures/odoo-mail-notify): static text kept as written; an element
 * with `t-if` that does not render drops the indentation before it with it; `t-out` escapes as
 * markupsafe does, and prints nothing for False/None; the `o_signature` `<t>` keeps its text.
 * `mail.mail_notification_light` too (renderLightLayout); other layouts are refused by the callers.
 */

export interface CompanyFacts {
  name: string | null;
  phone: string | null;
  email: string | null;
  website: string | null;
  secondaryColor: string | null;
}

export interface LayoutValues {
  lang: string;
  /** The stored (sanitized) `mail.message` body: markup, printed as it is. */
  body: string;
  /** `message.preview` (plain text, escaped when printed). */
  preview: string;
  /** The subtype is internal (notes): the red "Internal communication" banner. */
  subtypeInternal: boolean;
  /** `subtitles`: [record_name] (a False name prints nothing but keeps the cell). */
  recordName: string | false;
  /** The recipients group's main button (internal users on a document), null when it has none. */
  buttonAccess: { url: string; title: string } | null;
  /** Markup (a user's signature or `<p>-- <br/>name</p>`), shown when signing and not empty HTML. */
  signature: string;
  emailAddSignature: boolean;
  company: CompanyFacts;
}

/** `markupsafe.escape` of a text value (what `t-out`/`t-att` print for non-markup values). */
export function escapeMarkup(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&#34;').replace(/'/g, '&#39;');
}

/** odoo.tools.mail.is_html_empty: nothing left once formatting tags (p, div, section, span, br, b, i, font) go, and no icon. */
export function isHtmlEmpty(html: string | null | undefined): boolean {
  if (!html) return true;
  const icon = /<\s*(i|span)\b(\s+[A-Za-z_-][A-Za-z0-9-_]*(\s*=\s*['"][^"']*['"])?)*\s*\bclass\s*=\s*["'][^"']*\b(fa|fab|fad|far|oi)\b/;
  const tag = /<\s*\/?(?:p|div|section|span|br|b|i|font)\b(?:(\s+[A-Za-z_-][A-Za-z0-9-_]*(\s*=\s*['"][^"']*['"]))*)(?:\s*>|\s*\/\s*>)/g;
  return !html.replace(tag, '').trim() && !icon.test(html);
}

/** The invisible characters the preview block pads itself with ("&#847; &#8203; " * 140). */
const PREVIEW_PADDING = '\u034f \u200b '.repeat(140);

export function renderNotificationLayout(v: LayoutValues): string {
  const esc = (x: string | false | null) => (x ? escapeMarkup(x) : '');
  const color = v.company.secondaryColor || '#875A7B';
  const button = v.buttonAccess;
  const out: string[] = [];
  out.push(`
<html lang="${esc(v.lang)}">
<head>
    <meta http-equiv="Content-Type" content="text/html charset=UTF-8"/>
</head>
<body style="font-family:Verdana, Arial,sans-serif; color: #454748;">

${previewBlock(v.preview, v.subtypeInternal)}
<div style="max-width: 900px; width: 100%;">`);
  if (button) {
    out.push(`
<div itemscope="itemscope" itemtype="http://schema.org/EmailMessage">
    <div itemprop="potentialAction" itemscope="itemscope" itemtype="http://schema.org/ViewAction">
        <link itemprop="target" href="${esc(button.url)}"/>
        <link itemprop="url" href="${esc(button.url)}"/>
        <meta itemprop="name" content="${esc(button.title)}"/>
    </div>
</div>`);
  }
  // `subtitles or has_button_access or not is_discussion`: subtitles is [record_name], never empty.
  out.push(`
<div summary="o_mail_notification" style="padding: 0px;">
    <table role="presentation" cellspacing="0" cellpadding="0" border="0" style="width: 100%; margin-top: 5px;">
        <tbody>
            <tr>
                <td valign="center" style="white-space:nowrap;">
                    <table cellspacing="0" cellpadding="0" border="0">
                        <tbody>
                            <tr>`);
  if (button) {
    out.push(`
                                <td style="${esc(`border-radius: 3px; text-align: center; background: ${color};`)}">
                                    <a style="font-size: 12px; color: #FFFFFF; display: block; padding: 8px 12px 11px; text-decoration: none !important; font-weight: bold;" href="${esc(button.url)}">
                                        ${esc(button.title)}
                                    </a>
                                </td>
                                <td>&nbsp;&nbsp;</td>`);
  }
  out.push(`
                                <td style="font-size: 12px;">
                                        <span style="font-weight:bold;">${esc(v.recordName)}</span>
                                </td>

                            </tr>
                        </tbody>
                    </table>
                </td>
            </tr>
            <tr>
                <td valign="center">
                    <hr width="100%" style="background-color:rgb(204,204,204);border:medium none;clear:both;display:block;font-size:0px;min-height:1px;line-height:0;margin: 10px 0px;"/>`);
  if (v.subtypeInternal) {
    out.push(`
                    <p style="background-color: #f2dede; padding: 5px; margin-bottom: 16px; font-size: 13px;">
                        <strong>Internal communication</strong>: Replying will post an internal note. Followers won't receive any email notification.
                    </p>`);
  }
  out.push(`
                </td>
            </tr>
        </tbody>
    </table>
</div>

<div style="font-size: 13px;">${v.body}</div>
`);
  if (v.emailAddSignature && !isHtmlEmpty(v.signature)) out.push(`\n    <div style="font-size: 13px;">${v.signature}</div>`);
  out.push(`


<div style="margin-top:16px;">
    <hr width="100%" style="background-color:rgb(204,204,204);border:medium none;clear:both;display:block;font-size:0px;min-height:1px;line-height:0; margin: 16px 0px 4px 0px;"/>
    <b style="font-size:11px;">${esc(v.company.name)}</b><br/>
    <p style="color: #999999; margin-top:2px; font-size:11px;">${companyContacts(v.company, '        ')}
    </p>
</div>
<div style="color: #555555; font-size:11px;">
    Powered by <a target="_blank" href="https://www.odoo.com?utm_source=db&amp;utm_medium=email" style="${esc(`color: ${color};`)}">Odoo</a>
    <span id="mail_unfollow">
        | <a href="/mail/unfollow" style="text-decoration:none; color:#555555;">Unfollow</a>
    </span>
</div>
</div>
</body></html>`);
  return out.join('');
}

/** The footer's "phone | email | website" lines, each `t-if` taking its indentation along. */
function companyContacts(company: CompanyFacts, indent: string): string {
  const esc = (x: string | false | null) => (x ? escapeMarkup(x) : '');
  const { email, phone, website } = company;
  let out = `\n${indent}${esc(phone)}`;
  if (email && phone) out += `\n${indent} |`;
  if (email) out += `\n${indent}<a style="text-decoration:none; color: #999999;" href="${esc(`mailto:${email}`)}">${esc(email)}</a>`;
  if (website && (phone || email)) out += `\n${indent} |`;
  if (website) out += `\n${indent}<a style="text-decoration:none; color: #999999;" href="${esc(website)}">${esc(website)}</a>`;
  return out;
}

/** The hidden preview block of `mail.notification_preview` (no tracking values: their messages are not rendered here). */
function previewBlock(preview: string, internal: boolean): string {
  return `<div style="display: none; max-height: 0px; overflow: hidden; color:#fff; font-size:0px; line-height:0px">${internal ? '\n    Internal communication: ' : ''}${escapeMarkup(preview)}
    
    ${PREVIEW_PADDING}
</div>`;
}

export interface LightLayoutValues {
  lang: string;
  body: string;
  preview: string;
  /** `model_description or 'document'`. */
  modelDescription: string | false;
  recordName: string | false;
  buttonAccess: { url: string; title: string } | null;
  company: CompanyFacts;
}

/**
 * `mail.mail_notification_light`: the compact layout (no signature, never the internal banner:
 * it sets subtype_internal False), the record name linked to the document for groups with access.
 * The company logo cell (a company not on the default logo) is not rendered: callers refuse it.
 */
export function renderLightLayout(v: LightLayoutValues): string {
  const esc = (x: string | false | null) => (x ? escapeMarkup(x) : '');
  const color = v.company.secondaryColor || '#875A7B';
  const name = esc(v.recordName ? v.recordName.replace(/\//g, '-') : '');
  const title = v.buttonAccess
    ? `
                        <a href="${esc(v.buttonAccess.url)}">
                            <span style="font-size: 20px; font-weight: bold;">
                                ${name}
                            </span>
                        </a>`
    : `
                        <span style="font-size: 20px; font-weight: bold;">
                            ${name}
                        </span>`;
  return `
<html lang="${esc(v.lang)}">
<head>
    <meta http-equiv="Content-Type" content="text/html charset=UTF-8"/>
</head>
<body>
${previewBlock(v.preview, false)}
<table role="presentation" border="0" cellpadding="0" cellspacing="0" style="padding-top: 16px; background-color: #F1F1F1; font-family:Verdana, Arial,sans-serif; color: #454748; width: 100%; border-collapse:separate;"><tr><td align="center">
<table role="presentation" border="0" cellpadding="0" cellspacing="0" width="590" style="padding: 24px; background-color: white; color: #454748; border-collapse:separate;">
<tbody>
    
    <tr>
        <td align="center" style="min-width: 590px;">
            <table role="presentation" border="0" cellpadding="0" cellspacing="0" width="100%" style="background-color: white; padding: 0; border-collapse:separate;">
                <tr><td valign="middle">
                    <span style="font-size: 10px;">Your ${esc(v.modelDescription || 'document')}</span>
                    <br/>${title}
                </td></tr>
                <tr><td colspan="2" style="text-align:center;">
                  <hr width="100%" style="background-color:rgb(204,204,204);border:medium none;clear:both;display:block;font-size:0px;min-height:1px;line-height:0; margin:4px 0px 32px 0px;"/>
                </td></tr>
            </table>
        </td>
    </tr>
    
    <tr>
        <td style="min-width: 590px;">
            ${v.body}
        </td>
    </tr>
    
    <tr>
        <td align="center" style="min-width: 590px; padding: 0 8px 0 8px; font-size:11px;">
            <hr width="100%" style="background-color:rgb(204,204,204);border:medium none;clear:both;display:block;font-size:0px;min-height:1px;line-height:0; margin: 16px 0px 4px 0px;"/>
            <b>${esc(v.company.name)}</b><br/>
            <div style="color: #999999;">${companyContacts(v.company, '                ')}
            </div>
        </td>
    </tr>
</tbody>
</table>
</td></tr>

<tr><td align="center" style="min-width: 590px;">
        Powered by <a target="_blank" href="https://www.odoo.com?utm_source=db&amp;utm_medium=email" style="${esc(`color: ${color};`)}">Odoo</a>
    <span id="mail_unfollow">
        | <a href="/mail/unfollow" style="text-decoration:none; color:#555555;">Unfollow</a>
    </span>
</td></tr>
</table>
</body>
</html>`;
}

/** mail.message `preview`: `textwrap.shorten(html_to_inner_content(body), 190)`. */
export function messagePreview(body: string): string {
  if (isHtmlEmpty(body)) return '';
  let text = body.replace(/<(div|p|br|tr)[^>]*>|\n/g, ' ').replace(/<.*?>/g, '').replace(/ {2,}|\t/g, ' ');
  text = unescapeHtml(text).trim();
  return shorten(text, 190);
}

/** Python's `html.unescape` for the entities a sanitized body carries (named basics and numeric references). */
function unescapeHtml(text: string): string {
  const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (whole, ref: string) => {
    if (ref.startsWith('#x') || ref.startsWith('#X')) return String.fromCodePoint(parseInt(ref.slice(2), 16));
    if (ref.startsWith('#')) return String.fromCodePoint(parseInt(ref.slice(1), 10));
    return named[ref] ?? whole;
  });
}

/** `textwrap.shorten(text, width)`: whitespace collapsed; too long, whole words kept then ' [...]'. */
function shorten(text: string, width: number): string {
  const words = text.split(/[\t\n\x0b\x0c\r ]+/).filter(Boolean);
  const joined = words.join(' ');
  if (joined.length <= width) return joined;
  const placeholder = ' [...]';
  let kept = '';
  for (const word of words) {
    const next = kept ? `${kept} ${word}` : word;
    if (next.length + placeholder.length > width) break;
    kept = next;
  }
  return kept ? `${kept}${placeholder}` : placeholder.trimStart();
}
