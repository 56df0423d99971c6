/** hp.health.service as the marketplace exposes it; legacy rules, free of HTTP and SQL. */
export const SERVICE_CATEGORIES = ['nutrition', 'fitness', 'chronic_care', 'mental', 'rehab'] as const;
export type ServiceCategory = (typeof SERVICE_CATEGORIES)[number];

/** The legacy company currency: res_currency id 6 is CNY in the monolith (README, notes on the SQL layer). */
export const COMPANY_CURRENCY = { id: 6, code: 'CNY' } as const;

/** Odoo's field default for duration_minutes. */
export const DEFAULT_DURATION_MINUTES = 60;

export interface HealthService {
  id: number;
  name: string;
  category: ServiceCategory;
  coachId: number | null;
  price: string;
  currency: string;
  durationMinutes: number | null;
  active: boolean;
}

/** Odoo stores an unset monetary field as NULL and shows it as 0.0. */
export function priceOf(value: string | null): string {
  return value ?? '0';
}

/**
 * hp.service.order's amount at create (`vals.setdefault('amount', service.price)`): a Monetary
 * field, a Python float, so 99.00 is stored as 99 and an unset price as 0, whichever edge creates
 * the order (Odoo RPC's create, REST's POST, the creation saga).
 */
export function orderAmount(given: string | number | null | undefined, servicePrice: string | null): number {
  return given === undefined || given === null ? (servicePrice === null ? 0 : Number(servicePrice)) : Number(given);
}
