import { ENCODINGS_MAP, SUFFIX_MAP, STRICT_TYPES_MAP } from './python-mimetypes.generated.ts';

/**
 * Python's `mimetypes.guess_type(url)[0]` (strict), as Odoo's ir.attachment `_compute_mimetype`
 * asks it of an attachment's name or url: a `data:` url says its own type; otherwise the last
 * extension (after unfolding .tgz-like suffixes and dropping a case-sensitive compression suffix
 * such as .gz) looked up lower-cased in the table Python builds from its own map and /etc/mime.types
 * (python-mimetypes.generated.ts). null when nothing is known.
 */
export function pythonGuessType(url: string): string | null {
  let rest = url;
  // urllib.parse._splittype: "scheme:rest" when the part before the first ':' holds no '/'.
  const typed = /^([^/:]+):([\s\S]*)$/.exec(rest);
  if (typed) {
    rest = typed[2]!;
    if (typed[1]!.toLowerCase() === 'data') return dataUrlType(rest);
  }
  let [base, ext] = splitext(rest);
  while (Object.hasOwn(SUFFIX_MAP, ext.toLowerCase())) [base, ext] = splitext(base + SUFFIX_MAP[ext.toLowerCase()]!);
  if (Object.hasOwn(ENCODINGS_MAP, ext)) [base, ext] = splitext(base);
  const lower = ext.toLowerCase();
  return Object.hasOwn(STRICT_TYPES_MAP, lower) ? STRICT_TYPES_MAP[lower]! : null;
}

/** `data:[type][;params],data`: the type, text/plain when it is no type/subtype; null for a url without a comma. */
function dataUrlType(rest: string): string | null {
  const comma = rest.indexOf(',');
  if (comma < 0) return null;
  const semi = rest.slice(0, comma).indexOf(';');
  const type = semi >= 0 ? rest.slice(0, semi) : rest.slice(0, comma);
  return type.includes('=') || !type.includes('/') ? 'text/plain' : type;
}

/** posixpath.splitext: the last dot after the last '/', unless only dots precede it in the file name (".bashrc"). */
export function splitext(path: string): [string, string] {
  const sep = path.lastIndexOf('/');
  const dot = path.lastIndexOf('.');
  if (dot > sep) {
    for (let i = sep + 1; i < dot; i++) if (path[i] !== '.') return [path.slice(0, dot), path.slice(dot)];
  }
  return [path, ''];
}
