/**
 * Non-stored computed fields Ficus computes itself. Their Python compute is not in the
 * database, so each one here is a deliberate re-implementation; every other non-stored,
 * non-related field is refused with a clear error when asked for by name, and left out of
 * "all fields" reads (returning a made-up False would be a wrong answer, not a missing one).
 *
 * | field                    | value                                                  |
 * |--------------------------|--------------------------------------------------------|
 * | `<any>.display_name`     | see display-name.ts                                    |
 * | `res.partner.company_type` | `'company'` if `is_company` else `'person'`          |
 * | `res.country.image_url`  | `/base/static/img/country_flags/<code>.png`            |
 * | `res.users.password`     | `''` (Odoo never reads passwords back)                 |
 * | `res.users.new_password` | `''`                                                   |
 * | `uom.uom.factor_inv`     | `1 / factor` (0 when factor is 0)                      |
 * | `uom.uom.ratio`          | 1 (reference), factor_inv (bigger), factor (smaller)   |
 * | `res.company` address    | the company partner's street, street2, zip, city, state_id, country_id (`_compute_address`) |
 * | related, non-stored      | resolved through the related path (read-records.ts)    |
 * | `_inherits` fields       | read on the parent record (read-records.ts)            |
 */
export interface ComputedField {
  /** Stored fields of the same model the value is computed from. */
  readonly dependsOn: readonly string[];
  compute(row: Record<string, unknown>): unknown;
}

export const COMPUTED_FIELDS: Record<string, ComputedField> = {
  'res.partner.company_type': { dependsOn: ['is_company'], compute: (r) => (r.is_company ? 'company' : 'person') },
  'res.country.image_url': {
    dependsOn: ['code'],
    compute: (r) => (r.code ? `/base/static/img/country_flags/${String(r.code).toLowerCase()}.png` : false),
  },
  'res.users.password': { dependsOn: [], compute: () => '' },
  'res.users.new_password': { dependsOn: [], compute: () => '' },
  'uom.uom.factor_inv': { dependsOn: ['factor'], compute: (r) => (r.factor ? 1 / Number(r.factor) : 0) },
  'uom.uom.ratio': {
    dependsOn: ['factor', 'uom_type'],
    compute: (r) => (r.uom_type === 'reference' ? 1 : r.uom_type === 'bigger' ? (r.factor ? 1 / Number(r.factor) : 0) : Number(r.factor ?? 0)),
  },
};

/**
 * Non-stored computed fields whose compute is a plain copy through a many2one: read exactly
 * like related fields (`res.company._compute_address` copies its partner's address).
 */
export const COMPUTED_AS_RELATED: Record<string, string> = Object.fromEntries(
  ['street', 'street2', 'zip', 'city', 'state_id', 'country_id'].map((f) => [`res.company.${f}`, `partner_id.${f}`]),
);

export function computedField(model: string, field: string): ComputedField | undefined {
  return COMPUTED_FIELDS[`${model}.${field}`];
}
