/**
 * The address helpers of odoo/tools/mail.py that computes and mail rows share, with no imports of
 * their own (read-side computes and write-side mail both use them).
 */

/** `tools.email_normalize(text, strict=False)`: the first address found, local part lowercased when ASCII, domain lowercased. */
export function emailNormalize(text: string | null | undefined): string | false {
  const emails = emailSplit(text ?? '');
  if (!emails.length) return false;
  const email = emails[0]!;
  const at = email.lastIndexOf('@');
  const local = email.slice(0, at);
  const domain = email.slice(at);
  // eslint-disable-next-line no-control-regex
  return (/^[\x00-\x7f]*$/.test(local) ? local.toLowerCase() : local) + domain.toLowerCase();
}

/**
 * `tools.email_split`: the addresses of an address list (Python's `getaddresses`), keeping those
 * with an '@'; a bare "name email@x" pair is split on spaces (`_parse_based_on_spaces`).
 */
export function emailSplit(text: string): string[] {
  if (!text) return [];
  const out: string[] = [];
  for (const part of splitAddressList(text)) {
    const angle = /<([^<>]*)>/.exec(part);
    let email = (angle ? angle[1]! : part.replace(/"[^"]*"/g, '')).trim();
    if (!angle && email.includes(' ')) email = email.split(/\s+/).find((t) => t.includes('@')) ?? email;
    if (email && email.includes('@')) out.push(email);
  }
  if (out.some((e) => e.startsWith('@'))) {
    const found = text.match(/[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\.[a-zA-Z]{2,63}/g)?.filter((e) => !e.startsWith('@'));
    if (found?.length) return found;
  }
  return out;
}

/** Splits on commas outside quotes and angle brackets. */
function splitAddressList(text: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  let angle = 0;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch === '<') angle++;
    else if (!quoted && ch === '>') angle = Math.max(0, angle - 1);
    if (ch === ',' && !quoted && !angle) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts.map((p) => p.trim()).filter(Boolean);
}
