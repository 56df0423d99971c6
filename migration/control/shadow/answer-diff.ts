import { HEALTH_FIELD_NAMES, SECRET_FIELD_NAMES } from '../../../platform/redaction.ts';

const HIDDEN = new Set<string>([...HEALTH_FIELD_NAMES, ...SECRET_FIELD_NAMES]);

export interface AnswerDifference {
  path: string;
  legacy: unknown;
  service: unknown;
}

/**
 * Where two Odoo answers differ, as paths (`[3].seen`), at most `limit` of them. Values of
 * health and secret fields are never copied into a difference (platform/redaction.ts): a
 * shadow diff goes to metrics, logs and `ficus migrate status`.
 */
export function diffAnswers(legacy: unknown, service: unknown, limit = 10): AnswerDifference[] {
  const out: AnswerDifference[] = [];
  walk(legacy, service, '', null, out, limit);
  return out;
}

function shown(value: unknown, field: string | null): unknown {
  if (field && HIDDEN.has(field)) return '[redacted]';
  if (value && typeof value === 'object') return Array.isArray(value) ? `[array of ${value.length}]` : '[object]';
  return value;
}

function walk(a: unknown, b: unknown, path: string, field: string | null, out: AnswerDifference[], limit: number): void {
  if (out.length >= limit) return;
  if (Object.is(a, b)) return;
  if (typeof a === 'number' && typeof b === 'number' && Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a))) return;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) out.push({ path: `${path}.length`, legacy: a.length, service: b.length });
    for (let i = 0; i < Math.min(a.length, b.length); i++) walk(a[i], b[i], `${path}[${i}]`, field, out, limit);
    return;
  }
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const key of [...keys].sort()) walk((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], path ? `${path}.${key}` : key, key, out, limit);
    return;
  }
  out.push({ path: path || '(answer)', legacy: shown(a, field), service: shown(b, field) });
}
