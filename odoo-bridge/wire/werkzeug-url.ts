/** werkzeug 2.2 `url_quote_plus(value)` as `url_encode` applies it: UTF-8, spaces as `+`, only its always-safe bytes kept. */
export function werkzeugQuotePlus(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const char = String.fromCharCode(byte);
    if (char === ' ') out += '+';
    // `_always_safe`: unreserved characters and RFC 3986 sub-delims; `+` is quoted (the plus's unsafe).
    else if (/[A-Za-z0-9\-._~$!'()*,;]/.test(char)) out += char;
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** werkzeug `url_encode` of pairs, in their order. */
export function werkzeugUrlEncode(pairs: [string, string][]): string {
  return pairs.map(([key, value]) => `${werkzeugQuotePlus(key)}=${werkzeugQuotePlus(value)}`).join('&');
}
