import { sql, type Kysely } from 'kysely';
import { defineRoute, problems, type RouteResult } from '../../kit/index.ts';
import type { FinanceDatabase } from '../db/tables.ts';
import { settlementReport, settlementReportCsv } from '../domain/settlement-reports.ts';
import { confirmSettlements, paySettlements } from '../domain/settlements.ts';
import { asProblems, checkRecords, readerOfHome, restSettlementStore, writeInHome } from './rest-access.ts';

interface SettlementRow { id: number; payee_id: number; period_start: string; period_end: string; currency: string | null; gross: string | null; fee: string | null; net: string | null; state: string }

async function readSettlement(db: Kysely<any>, id: number) {
  const { rows } = await sql<SettlementRow>`
    SELECT s.id, s.payee_id, to_char(s.period_start, 'YYYY-MM-DD') AS period_start, to_char(s.period_end, 'YYYY-MM-DD') AS period_end, c.name AS currency,
           s.gross::text AS gross, s.fee::text AS fee, s.net::text AS net, s.state
      FROM settlements s LEFT JOIN res_currency c ON c.id = s.currency_id WHERE s.id = ${id}`.execute(db);
  const r = rows[0];
  return r && { id: r.id, payeeId: r.payee_id, periodStart: r.period_start, periodEnd: r.period_end, currency: r.currency ?? '', gross: r.gross ?? '0', fee: r.fee ?? '0', net: r.net ?? '0', state: r.state };
}

/** GET /settlements/{id}: one settlement when the caller's read rules include it (payees their own, operators all). */
export const getSettlement = defineRoute<FinanceDatabase, unknown, unknown, { id: number }>({
  method: 'get',
  path: '/settlements/:id',
  summary: 'Read one settlement (coaches and merchants their own, operators all)',
  auth: 'bearer',
  params: 'rest/finance/id-params.json',
  responses: { 200: 'rest/finance/settlement.json' },
  async handler(ctx) {
    const { params, access } = ctx;
    const rows = await readerOfHome(ctx);
    await checkRecords(access!, rows, 'hp.settlement', 'settlements', 'read', [params.id], 'settlement');
    const settlement = await readSettlement(rows, params.id);
    if (!settlement) throw problems.notFound(`settlement ${params.id} does not exist`);
    return { status: 200, body: settlement };
  },
});

const transition = (action: 'confirm' | 'pay', run: typeof confirmSettlements, summary: string) =>
  defineRoute<FinanceDatabase, unknown, unknown, { id: number }>({
    method: 'post',
    path: `/settlements/:id/${action}`,
    summary,
    auth: 'bearer',
    params: 'rest/finance/id-params.json',
    responses: { 200: 'rest/finance/settlement.json' },
    async handler(ctx) {
      const { params, access } = ctx;
      return writeInHome(ctx, async (rows) => {
        await asProblems(run(restSettlementStore(rows, access!), [params.id]));
        return { status: 200, body: (await readSettlement(rows, params.id))! };
      });
    },
  });

/**
 * POST /settlements/{id}/confirm and /pay: hp.settlement.action_confirm / action_pay
 * (domain/settlements.ts), for holders of hp.settlement's write right (operators and admins;
 * payees only read): the wrong state is 409 with the addon's text ("Only draft settlements can
 * be confirmed." / "Only confirmed settlements can be paid."), checked before the write right as
 * in Python, so a payee asking about their own settlement in the wrong state learns the state.
 */
export const confirmSettlement = transition('confirm', confirmSettlements, 'Confirm a draft settlement (hp.settlement.action_confirm; operators)');
export const paySettlement = transition('pay', paySettlements, 'Mark a confirmed settlement paid (hp.settlement.action_pay; operators)');

interface ReportQuery { period_start?: string; period_end?: string; payee?: number; state?: 'draft' | 'confirmed' | 'paid'; format?: 'json' | 'csv' }

/**
 * GET /settlements/reports: settlements summed per period and payee (gross, fee, net = gross −
 * fee, count), over the settlements the caller's read rules include: a coach or merchant their
 * own (hp.settlement's payee rule), operators everyone's; members hold no right on hp.settlement
 * (403). JSON by default; CSV (RFC 4180) with `?format=csv` or an Accept that prefers text/csv.
 */
export const settlementReports = defineRoute<FinanceDatabase, unknown, ReportQuery>({
  method: 'get',
  path: '/settlements/reports',
  summary: 'Settlements summed per period and payee (gross, fee, net, count), as JSON or CSV (?format=csv or Accept: text/csv); payees see their own, operators all',
  auth: 'bearer',
  query: 'rest/finance/settlement-report-query.json',
  responses: { 200: 'rest/finance/settlement-report.json' },
  textResponses: { 200: 'text/csv' },
  async handler(ctx): Promise<RouteResult> {
    const { query, access, header } = ctx;
    await access!.check('hp.settlement', 'read');
    const report = await settlementReport(await readerOfHome(ctx), await access!.rules('hp.settlement', 'read', 's'), {
      ...(query.period_start ? { periodStart: query.period_start } : {}), ...(query.period_end ? { periodEnd: query.period_end } : {}),
      ...(query.payee ? { payeeId: query.payee } : {}), ...(query.state ? { state: query.state } : {}),
    });
    const csv = query.format ? query.format === 'csv' : prefersCsv(header('accept'));
    if (!csv) return { status: 200, body: report, headers: { vary: 'Accept' } };
    return { status: 200, text: settlementReportCsv(report.rows), headers: { vary: 'Accept', 'content-disposition': 'attachment; filename="settlements.csv"' } };
  },
});

/**
 * Whether an Accept header ranks text/csv above application/json (RFC 9110 §12.5.1: each type
 * takes the q of the most specific range matching it; q=0 means "not acceptable"). Absent, or
 * equal (e.g. Accept: any type): JSON.
 */
export function prefersCsv(accept: string | undefined): boolean {
  if (!accept) return false;
  const ranges = accept.split(',').map((part) => {
    const [range = '', ...params] = part.trim().toLowerCase().split(';').map((p) => p.trim());
    const q = Number(params.find((p) => p.startsWith('q='))?.slice(2) ?? '1');
    return { range, q: Number.isFinite(q) ? q : 0 };
  });
  const quality = (type: string) => {
    const family = `${type.split('/')[0]}/*`;
    const match = ranges.find((r) => r.range === type) ?? ranges.find((r) => r.range === family) ?? ranges.find((r) => r.range === '*/*');
    return match?.q ?? 0;
  };
  const csv = quality('text/csv');
  return csv > 0 && csv > quality('application/json');
}
