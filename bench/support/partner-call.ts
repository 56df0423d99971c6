/** The call both ORM and gateway benchmarks measure: 80 partners, 6 fields (two many2ones), a 3-leaf domain. */
export const PARTNER_CALL = {
  model: 'res.partner',
  method: 'search_read',
  args: [['&', ['active', '=', true], '|', ['phone', 'ilike', '+86'], ['city', '!=', false]]],
  kwargs: { fields: ['name', 'email', 'phone', 'city', 'country_id', 'company_id'], limit: 80, order: 'id' },
};
