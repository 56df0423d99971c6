import { OdooError } from '../../../odoo-bridge/orm/index.ts';
import { problems, type OdooCalls } from '../../kit/index.ts';
import { AiRefused } from '../domain/generation-refusal.ts';
import { SERVED_ORDER_STATES, type MemberDataPorts } from '../domain/insight-access.ts';
import { HEALTH_RECORD_TYPES, type HealthReading, type HealthRecordType } from '../domain/series-readings.ts';

type Many2one = [number, string] | false;

/**
 * A number as the gateway's dispatch returns it: a float field comes wrapped (the wire's
 * PythonFloat, `{ value }`, so XML-RPC can say <double>), an integer plain, an unset value False.
 */
export function numberOf(value: unknown): number | null {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (value && typeof value === 'object' && typeof (value as { value?: unknown }).value === 'number') return (value as { value: number }).value;
  return null;
}

/** An Odoo datetime as the ORM reads and writes it: UTC, `YYYY-MM-DD HH:MM:SS`. */
export const odooDatetime = (at: Date) => at.toISOString().slice(0, 19).replace('T', ' ');
export const fromOdooDatetime = (text: string) => Date.parse(`${text.replace(' ', 'T')}Z`);

/**
 * A model call as `uid` makes it over Odoo RPC, wherever its module lives now (PlatformPorts.odoo:
 * the gateway's phase-aware dispatch, so the owner's record rules decide what comes back). An
 * AccessError is the caller's refusal (403); no gateway beside the service is 503.
 */
export function callAs(odoo: OdooCalls | null) {
  return async <T>(uid: number, model: string, method: string, args: unknown[], kwargs: Record<string, unknown> = {}): Promise<T> => {
    if (!odoo) throw problems.unavailable('No gateway runs beside the ai service: the member data it analyses is read as the caller through it (ficus start).');
    try {
      return (await odoo({ uid, model, method, args, kwargs })) as T;
    } catch (error) {
      if (error instanceof OdooError && /AccessError/.test(error.exceptionName)) throw new AiRefused('access', error.message);
      throw error;
    }
  };
}

/** The member data the ai service analyses, read through the gateway as the caller. */
export function memberDataThrough(odoo: OdooCalls | null): MemberDataPorts {
  const call = callAs(odoo);
  return {
    async healthRecords(uid, memberId, from, to) {
      const rows = await call<Array<{ id: number; user_id: Many2one; record_type: string; value: unknown; value2: unknown; unit: string | false; measured_at: string }>>(
        uid, 'hp.health.record', 'search_read',
        [[['user_id', '=', memberId], ['measured_at', '>=', odooDatetime(from)], ['measured_at', '<', odooDatetime(to)]], ['user_id', 'record_type', 'value', 'value2', 'unit', 'measured_at']],
        { order: 'measured_at asc, id asc' },
      );
      return rows
        .filter((r) => (HEALTH_RECORD_TYPES as readonly string[]).includes(r.record_type))
        .map((r): HealthReading => ({
          id: r.id, userId: r.user_id ? r.user_id[0] : 0, recordType: r.record_type as HealthRecordType,
          // fields.Float reads an unset value as 0.0 (False only for a missing column); value2 0.0 means "no second value".
          value: numberOf(r.value), value2: numberOf(r.value2),
          unit: r.unit || null, measuredAt: fromOdooDatetime(r.measured_at),
        }));
    },
    async coachServes(coachId, memberId) {
      const count = numberOf(await call<unknown>(coachId, 'hp.service.order', 'search_count', [[['customer_id', '=', memberId], ['health_worker_id', '=', coachId], ['state', 'in', [...SERVED_ORDER_STATES]]]]));
      return (count ?? 0) > 0;
    },
  };
}

/** The latest hp.assessment of `memberId` that `uid` may read (hp_personal: a coach the ones they run, operators all), read as `uid`. */
export function latestAssessmentThrough(odoo: OdooCalls | null) {
  const call = callAs(odoo);
  return async (uid: number, memberId: number): Promise<{ id: number; score: number | null; riskLevel: string | null; assessedAt: string | null } | null> => {
    const [row] = await call<Array<{ id: number; score: unknown; risk_level: string | false; assessed_at: string | false; user_id: Many2one }>>(
      uid, 'hp.assessment', 'search_read', [[['user_id', '=', memberId]], ['score', 'risk_level', 'assessed_at', 'user_id']], { order: 'assessed_at desc, id desc', limit: 1 },
    );
    if (!row || !row.user_id || row.user_id[0] !== memberId) return null;
    return { id: row.id, score: numberOf(row.score), riskLevel: row.risk_level || null, assessedAt: row.assessed_at || null };
  };
}
