import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fieldGroups, hasGroups } from '../../../../odoo-bridge/orm/access/field-groups.ts';
import { loadRegistry } from '../../../../odoo-bridge/orm/registry/registry-cache.ts';
import type { Registry } from '../../../../odoo-bridge/orm/registry/types.ts';
import { legacyDatabase, odooRefDatabase, type TestDatabase } from '../../../support/databases.ts';

/**
 * The two halves of the rule on their own: which groups a field has once the installed modules
 * are loaded (fields.py `_get_attrs` merging, `setup_related` copying a target's groups), and
 * `res.users.has_groups` (negations, `base.group_no_one` only in debug mode).
 */
describe('has_groups', () => {
  const member = (...xmlids: string[]) => (xmlid: string) => xmlids.includes(xmlid);
  it.each([
    ['.', ['base.group_system'], false],
    ['base.group_system', ['base.group_system'], true],
    ['base.group_system', ['base.group_user'], false],
    ['account.group_account_invoice,account.group_account_readonly', ['account.group_account_readonly'], true],
    ['!base.group_portal', [], true],
    ['!base.group_portal', ['base.group_portal'], false],
    ['base.group_user,!base.group_system', ['base.group_user'], true],
    ['base.group_user,!base.group_system', ['base.group_user', 'base.group_system'], false],
    ['base.group_user,!base.group_system', [], false],
    [' base.group_user , !base.group_portal ', ['base.group_user'], true],
    // RPC has no debug session: group_no_one counts for nobody, either way round.
    ['base.group_no_one', ['base.group_no_one'], false],
    ['!base.group_no_one', ['base.group_no_one'], true],
    ['no_such.group', ['no_such.group_other'], false],
  ] as const)('%s for a member of %j: %s', (spec, groups, expected) => {
    expect(hasGroups(spec, member(...groups))).toBe(expected);
  });
});

describe('the groups of real fields', () => {
  let ref: TestDatabase;
  let legacy: TestDatabase;
  let refRegistry: Registry;
  let legacyRegistry: Registry;
  beforeAll(async () => {
    [ref, legacy] = await Promise.all([odooRefDatabase(), legacyDatabase()]);
    [refRegistry, legacyRegistry] = await Promise.all([
      loadRegistry({ name: 'odoo_ref', pool: ref.pool }),
      loadRegistry({ name: 'hp_legacy', pool: legacy.pool }),
    ]);
  }, 120_000);
  afterAll(async () => {
    await Promise.all([ref?.drop(), legacy?.drop()]);
  });

  const groupsOf = (registry: () => Registry, model: string, field: string) => {
    const m = registry().model(model)!;
    return fieldGroups(registry(), m, m.fields.get(field)!);
  };

  it.each([
    // Declared on the model itself.
    ['res.partner', 'signup_type', 'base.group_erp_manager'],
    ['ir.actions.server', 'code', 'base.group_system'],
    ['product.template', 'standard_price', 'base.group_user'],
    ['res.users', 'totp_secret', '.'],
    // Declared on a mixin the model inherits.
    ['sale.order', 'message_follower_ids', 'base.group_user'],
    ['res.partner', 'activity_user_id', 'base.group_user'],
    ['res.partner', 'phone_sanitized_blacklisted', 'base.group_user'],
    // `_inherits` fields take their parent field's.
    ['res.users', 'signup_type', 'base.group_erp_manager'],
    ['res.users', 'credit', 'account.group_account_invoice,account.group_account_readonly'],
    // No groups.
    ['res.partner', 'name', null],
    ['res.users', 'login', null],
    // Computed by Ficus like a related field, but a compute in Odoo: no groups copied.
    ['res.company', 'street', null],
  ] as const)('odoo_ref %s.%s: %s', (model, field, expected) => {
    expect(groupsOf(() => refRegistry, model, field)).toBe(expected);
  });

  it('follows the modules installed in each database: hp_legacy has no accounting, so no partner credit field, and the same signup_type', () => {
    expect(legacyRegistry.model('res.partner')!.fields.has('credit')).toBe(false);
    expect(groupsOf(() => legacyRegistry, 'res.partner', 'signup_type')).toBe('base.group_erp_manager');
    expect(groupsOf(() => legacyRegistry, 'hp.health.record', 'value')).toBe(null);
  });
});
