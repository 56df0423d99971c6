import { OFFLOAD_STATES } from './offload-book.ts';
import type { OffloadClassStatus, OffloadEvidence } from './offload-store.ts';

const n = (x: number) => x.toLocaleString('en-US');

/**
 * `ficus offload status`: per database a summary, then one line per class (id, call, fields
 * asked for, state, equal comparisons, differences, comparisons since promotion, who answered,
 * the last difference as paths) and its shape beneath it.
 */
export function renderOffloadStatus(classes: readonly OffloadClassStatus[]): string {
  if (!classes.length) return 'No class of read has been seen yet (read offload is off, or no legacy-phase read came through a gateway with FICUS_READ_OFFLOAD).\n';
  const out: string[] = [];
  for (const database of [...new Set(classes.map((c) => c.database))]) {
    const rows = classes.filter((c) => c.database === database);
    const byState = OFFLOAD_STATES.map((s) => `${n(rows.filter((c) => c.state === s).length)} ${s}`).join(', ');
    const byFicus = rows.reduce((sum, c) => sum + c.answeredByFicus, 0);
    const byOdoo = rows.reduce((sum, c) => sum + c.answeredByOdoo, 0);
    out.push(`${database}: ${n(rows.length)} classes (${byState}); offloadable reads answered by Ficus ${n(byFicus)}, by Odoo ${n(byOdoo)}`);
    const table = [
      ['class', 'call', 'fields', 'state', 'samples', 'diffs', 'since promotion', 'by Ficus', 'by Odoo', 'last difference'],
      ...rows.map((c) => [c.id, `${c.model}.${c.method}`, clip(c.fields, 40), c.state, `${n(c.matches + c.timings)}${c.timings ? ` (${n(c.timings)} timing)` : ''}`, n(c.differences), c.promotedAt ? n(c.verifiedSincePromotion) : '—', n(c.answeredByFicus), n(c.answeredByOdoo), describeEvidence(c.lastDifference)]),
    ];
    const widths = table[0]!.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
    const line = (r: string[]) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ').trimEnd();
    out.push(`  ${line(table[0]!)}`);
    rows.forEach((c, i) => {
      out.push(`  ${line(table[i + 1]!)}`);
      if (c.shape) out.push(`  ${' '.repeat(widths[0]!)}  ${c.shape}`);
    });
  }
  return `${out.join('\n')}\n`;
}

/** The paths that differed (never values), or why Ficus cannot answer the class. */
export function describeEvidence(evidence: OffloadEvidence | null, max = 2): string {
  if (!evidence) return '—';
  if ('reason' in evidence) return evidence.reason;
  const shown = evidence.differences.slice(0, max).map((d) => (d.kind === 'value' ? d.path : `${d.path} (${d.kind === 'missing' ? 'row missing in Ficus' : 'row only in Ficus'})`));
  const more = evidence.differences.length > max ? ` +${evidence.differences.length - max} more` : '';
  return `${evidence.phase === 'promoted' ? 'after promotion' : 'while learning'}: ${shown.join(', ')}${more}`;
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
