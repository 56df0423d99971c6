import { BehaviourRegistry } from '../behaviour-registry.ts';
import { registerResPartner } from './res-partner.ts';
import { registerResUsers } from './res-users.ts';
import { registerCoreConstraintChecks } from './core-constraint-checks.ts';
import { registerResCountryAndCurrency } from './res-country-currency.ts';
import { registerProductTemplate } from './product-template.ts';
import { registerPartnerSalesperson } from './res-partner-salesperson.ts';

/**
 * Python behaviour of Odoo's own models that Ficus re-implements (base addon). Services add
 * theirs on top: `coreBehaviours().register('hp.service.order', { … })`.
 */
export function coreBehaviours(): BehaviourRegistry {
  const behaviours = new BehaviourRegistry();
  registerResPartner(behaviours);
  registerResUsers(behaviours);
  registerCoreConstraintChecks(behaviours);
  registerResCountryAndCurrency(behaviours);
  registerProductTemplate(behaviours);
  registerPartnerSalesperson(behaviours);
  return behaviours;
}
