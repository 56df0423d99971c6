import type { ReconcileReport } from '../report-model.ts';
import { renderHtml } from './html.ts';
import { renderMarkdown } from './markdown.ts';
import { renderTerminal } from './terminal.ts';
import type { RenderContext } from './labels.ts';

export type { RenderContext } from './labels.ts';

export const REPORT_FORMATS = ['table', 'json', 'md', 'html'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export function renderReport(report: ReconcileReport, format: ReportFormat, context: RenderContext = {}): string {
  switch (format) {
    case 'table':
      return renderTerminal(report, context) + '\n';
    case 'json':
      return JSON.stringify({ ...report, ...(context.notCompared?.length ? { notCompared: context.notCompared } : {}), ...(context.rulesDisabled ? { rulesDisabled: true } : {}) }, null, 2) + '\n';
    case 'md':
      return renderMarkdown(report, context);
    case 'html':
      return renderHtml(report, context);
  }
}

export { renderHtml, renderMarkdown, renderTerminal };
