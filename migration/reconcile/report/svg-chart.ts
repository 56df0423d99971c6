import type { DifferenceKind, TableResult } from '../types.ts';
import { firstKeyOf } from '../checksum-queries.ts';
import { count } from './labels.ts';

export const KIND_COLOURS: Record<DifferenceKind, string> = {
  'missing-in-target': '#d64545',
  'missing-in-source': '#e8a33d',
  different: '#3f6fd8',
};

const WIDTH = 720;
const HEIGHT = 160;
const PAD = { left: 44, right: 12, top: 12, bottom: 30 };
export const BINS = 60;

/**
 * Where along the primary key the differences of one table sit: stacked bars per key range
 * and difference kind. Clustered differences show as a tall bar, scattered ones as a spread.
 * A clean table gets a single green band, so every table has its chart.
 */
export function differenceChart(table: TableResult): string {
  const innerW = WIDTH - PAD.left - PAD.right;
  const innerH = HEIGHT - PAD.top - PAD.bottom;
  const range = table.keyRange ?? { min: 0, max: 0 };
  const span = Math.max(1, range.max - range.min + 1);
  const bins = Array.from({ length: BINS }, () => ({ 'missing-in-target': 0, 'missing-in-source': 0, different: 0 }) as Record<DifferenceKind, number>);
  for (const d of table.differences) {
    const key = Number(firstKeyOf(d.key));
    const i = Number.isFinite(key) ? binOf(range, span, key) : 0;
    bins[i]![d.kind] += 1;
  }
  const max = Math.max(1, ...bins.map((b) => b['missing-in-target'] + b['missing-in-source'] + b.different));
  const barW = innerW / BINS;
  const parts: string[] = [];
  const title = `Differences of ${table.table} along ${table.keyColumns.join(', ') || 'the key'}`;
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" aria-label="${esc(title)}" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}">`);
  parts.push(`<title>${esc(title)}</title>`);
  parts.push(`<rect x="${PAD.left}" y="${PAD.top}" width="${innerW}" height="${innerH}" fill="#f6f8fa" stroke="#d0d7de"/>`);
  if (!table.differences.length) {
    parts.push(`<rect x="${PAD.left}" y="${PAD.top + innerH - 10}" width="${innerW}" height="10" fill="#2da44e"><title>all rows match</title></rect>`);
    parts.push(`<text x="${PAD.left + innerW / 2}" y="${PAD.top + innerH / 2}" text-anchor="middle" class="muted">no differences</text>`);
  }
  bins.forEach((bin, i) => {
    let y = PAD.top + innerH;
    for (const kind of Object.keys(KIND_COLOURS) as DifferenceKind[]) {
      if (!bin[kind]) continue;
      const h = Math.max(1, (bin[kind] / max) * innerH);
      y -= h;
      parts.push(
        `<rect x="${(PAD.left + i * barW + 0.5).toFixed(1)}" y="${y.toFixed(1)}" width="${Math.max(1, barW - 1).toFixed(1)}" height="${h.toFixed(1)}" fill="${KIND_COLOURS[kind]}">` +
          `<title>${esc(`${table.keyRange ? `${binLabel(range, span, i)}: ` : ''}${count(bin[kind])} ${kind.replaceAll('-', ' ')}`)}</title></rect>`,
      );
    }
  });
  parts.push(`<text x="${PAD.left - 6}" y="${PAD.top + 10}" text-anchor="end" class="axis">${count(max)}</text>`);
  parts.push(`<text x="${PAD.left - 6}" y="${PAD.top + innerH}" text-anchor="end" class="axis">0</text>`);
  parts.push(`<text x="${PAD.left}" y="${HEIGHT - 10}" class="axis">${esc(String(range.min))}</text>`);
  parts.push(`<text x="${PAD.left + innerW}" y="${HEIGHT - 10}" text-anchor="end" class="axis">${esc(String(range.max))}</text>`);
  parts.push(`<text x="${PAD.left + innerW / 2}" y="${HEIGHT - 10}" text-anchor="middle" class="axis">${esc(table.keyColumns[0] ?? 'key')}</text>`);
  parts.push('</svg>');
  return parts.join('');
}

/** The bar a key is counted in. */
export function binOf(range: { min: number; max: number }, span: number, key: number): number {
  return Math.min(BINS - 1, Math.max(0, Math.floor(((key - range.min) * BINS) / span)));
}

/**
 * The keys bin `i` holds: exactly those k with floor((k − min) / span × BINS) = i, i.e. from
 * min + ⌈i·span/BINS⌉ to min + ⌈(i+1)·span/BINS⌉ − 1; the last bin also holds keys past max
 * (none, as max is the largest key) and the first those below min.
 */
export function binKeys(range: { min: number; max: number }, span: number, i: number): { lo: number; hi: number } {
  const lo = i === 0 ? range.min : range.min + Math.ceil((i * span) / BINS);
  const hi = i === BINS - 1 ? range.max : range.min + Math.ceil(((i + 1) * span) / BINS) - 1;
  return { lo, hi };
}

function binLabel(range: { min: number; max: number }, span: number, i: number): string {
  const { lo, hi } = binKeys(range, span, i);
  return lo === hi ? `key ${count(lo)}` : `keys ${count(lo)}–${count(hi)}`;
}

export function esc(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&#39;');
}
