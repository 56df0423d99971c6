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
