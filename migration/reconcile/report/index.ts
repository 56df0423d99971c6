import type { ReconcileReport } from '../report-model.ts';
import { renderHtml } from './html.ts';
import { renderMarkdown } from './markdown.ts';
import { renderTerminal } from './terminal.ts';

export const REPORT_FORMATS = ['table', 'json', 'md', 'html'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export function renderReport(report: ReconcileReport, format: ReportFormat): string {
  switch (format) {
    case 'table':
      return renderTerminal(report) + '\n';
    case 'json':
      return JSON.stringify(report, null, 2) + '\n';
    case 'md':
      return renderMarkdown(report);
    case 'html':
      return renderHtml(report);
  }
}

export { renderHtml, renderMarkdown, renderTerminal };
