import { BehaviourRegistry } from '../behaviour-registry.ts';
import { registerResPartner } from './res-partner.ts';
import { registerResUsers } from './res-users.ts';
import { registerResUsersHasGroup } from './res-users-has-group.ts';
import { registerCoreConstraintChecks } from './core-constraint-checks.ts';
import { registerResCountryAndCurrency } from './res-country-currency.ts';
import { registerProductTemplate } from './product-template.ts';
import { registerPartnerSalesperson } from './res-partner-salesperson.ts';
import { registerPartnerFieldsSync } from './res-partner-fields-sync.ts';
import { registerProductVariantPrice } from './product-variant-price.ts';
import { registerResPartnerBank } from './res-partner-bank.ts';
import { registerSale } from '../sale/sale-behaviours.ts';
import { registerAccountTax } from '../account/account-tax.ts';
import { registerIrConfigParameter } from './ir-config-parameter.ts';
import { registerIrDefault } from './ir-default.ts';
import { registerOndeleteGuards } from './ondelete-guards.ts';
import { registerUom } from './uom.ts';
import { registerCurrencyAccounting } from './res-currency-accounting.ts';
import { registerLangAndPricelistChecks } from './res-lang-pricelist.ts';
import { registerProductCategory } from './product-category.ts';
import { registerResCompany } from '../company/res-company.ts';
import { registerIrAttachment } from './ir-attachment.ts';
import { registerUtm } from '../utm/utm-behaviours.ts';

/**
 * Python behaviour of Odoo's own models that Ficus re-implements (base addon). Services add
 * theirs on top: `coreBehaviours().register('hp.service.order', { … })`.
 */
export function coreBehaviours(): BehaviourRegistry {
  const behaviours = new BehaviourRegistry();
  registerResPartner(behaviours);
  registerResUsers(behaviours);
  registerResUsersHasGroup(behaviours);
  registerCoreConstraintChecks(behaviours);
  registerResCountryAndCurrency(behaviours);
  registerProductTemplate(behaviours);
  registerPartnerSalesperson(behaviours);
  registerPartnerFieldsSync(behaviours);
  registerProductVariantPrice(behaviours);
  registerResPartnerBank(behaviours);
  registerIrConfigParameter(behaviours);
  registerIrDefault(behaviours);
  registerOndeleteGuards(behaviours);
  registerUom(behaviours);
  registerUtm(behaviours);
  registerCurrencyAccounting(behaviours);
  registerLangAndPricelistChecks(behaviours);
  registerProductCategory(behaviours);
  registerResCompany(behaviours);
  registerIrAttachment(behaviours);
  registerSale(behaviours);
  registerAccountTax(behaviours);
  return behaviours;
}
