import type { ShadowDifference } from './noise-aware-diff.ts';
import { SHADOW_CLASSES, UNEXPLAINED_CLASSES, type ShadowClass, type ShadowSample, type ShadowStatRow } from './shadow-stats.ts';

const n = (x: number) => x.toLocaleString('en-US');

/** `match 1,000 · timing 230 · value 4 · missing 0 · extra 0 · error 0` */
export function describeClasses(counts: Record<ShadowClass, number>): string {
  return SHADOW_CLASSES.map((c) => `${c} ${n(counts[c])}`).join(' · ');
}

/** The unexplained classes of one call, with the fields that differed: `value 4 (summary 4); missing 1`. */
export function describeUnexplained(row: ShadowStatRow): string {
  return UNEXPLAINED_CLASSES.filter((c) => row.counts[c] > 0)
    .map((c) => (c === 'value' && row.fields.length ? `value ${n(row.counts.value)} (${row.fields.map((f) => `${f.field} ${n(f.count)}`).join(', ')})` : `${c} ${n(row.counts[c])}`))
    .join('; ');
}

/** A sample's differences on one line: `[id=4650].summary: legacy "a" → service "b"`. */
export function describeSample(sample: ShadowSample, max = 3): string {
  const shown = sample.differences.slice(0, max).map(describeDifference);
  const more = sample.differences.length > max ? ` (+${sample.differences.length - max} more)` : '';
  return `${sample.note ? `${sample.note}${shown.length ? ': ' : ''}` : ''}${shown.join('; ')}${more}`;
}

function describeDifference(d: Partial<ShadowDifference> & { path: string; legacy: unknown; service: unknown }): string {
  if (d.kind === 'missing') return `${d.path}: row missing in the service`;
  if (d.kind === 'extra') return `${d.path}: row only in the service`;
  return `${d.path}: legacy ${JSON.stringify(d.legacy)} → service ${JSON.stringify(d.service)}`;
}
