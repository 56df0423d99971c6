/**
 * Non-stored computed fields whose compute is a plain copy through a many2one: read exactly
 * like related fields (`res.company._compute_address` copies its partner's address).
 */
export const COMPUTED_AS_RELATED: Record<string, string> = Object.fromEntries(
  ['street', 'street2', 'zip', 'city', 'state_id', 'country_id'].map((f) => [`res.company.${f}`, `partner_id.${f}`]),
);
