import type { CallContext } from '../../call-context.ts';
import { vouchReadable } from '../../read/read-env.ts';
import { readRecords } from '../../read/read-records.ts';
import type { ModelInfo } from '../../registry/types.ts';
import { PythonFloat } from '../../../wire/xmlrpc/values.ts';
import type { BehaviourRegistry, Vals } from '../behaviour-registry.ts';
import { updateRecords } from '../record-writes.ts';
import { ident } from '../write-env.ts';

/**
 * res.partner's `_fields_sync` (odoo/addons/base/models/res_partner.py, 18.0): after create and
 * after write, commercial fields and address fields behave as if they were related to the parent.
 * - From the parent: a new `parent_id` copies the commercial entity's commercial fields onto the
 *   partner and down its children (`_commercial_sync_from_company`); a contact-type partner with
 *   a parent takes the parent's whole address when the parent has any address field set
 *   (`onchange_parent_id` + `update_address`).
 * - To the children: a commercial entity's written commercial fields go down to its non-company
 *   descendants (`_commercial_sync_to_children`); written address fields go to its active
 *   contact-type children (`update_address`, a plain write that does not sync further).
 * - `_handle_first_contact_creation`: the first contact created with an address under a company
 *   (or a root partner) that has none gives the parent its address.
 * Also from Partner.create/write: a truthy `parent_id` clears `company_name`, and the non-stored
 * `company_type` writes `is_company` through its inverse (`_write_company_type`), after any
 * `is_company` of the same vals as inverses run after the write.
 * Every sync write is a sudo write (the methods run on `self.sudo()`).
 */

/** ADDRESS_FIELDS, plus base_address_extended's street parts when that module is installed. */
const ADDRESS_FIELDS = ['street', 'street2', 'zip', 'city', 'state_id', 'country_id', 'street_name', 'street_number', 'street_number2'];

/**
 * `_commercial_fields()`: base's, then the overrides of product and account (product adds
 * property_product_pricelist, a non-stored compute whose inverse Ficus does not run: left out).
 */
const COMMERCIAL_FIELDS = [
  'vat', 'company_registry', 'industry_id',
  'debit_limit', 'property_account_payable_id', 'property_account_receivable_id', 'property_account_position_id',
  'property_payment_term_id', 'property_supplier_payment_term_id', 'credit_limit',
];

/** The listed fields the database has, as stored columns or company-dependent values. */
function present(model: ModelInfo, names: readonly string[]): string[] {
  return names.filter((name) => {
    const field = model.fields.get(name);
    return !!field && (field.store || field.companyDependent);
  });
}

const truthy = (value: unknown) => value !== false && value !== null && value !== undefined && value !== 0 && value !== '';

/** Writes done by `update_address` (Partner's `super().write`): they do not sync again. */
const addressWrites = new WeakSet<Vals>();

interface PartnerRow {
  parent_id: number | null;
  type: string | null;
  commercial_partner_id: number | null;
  is_company: boolean | null;
}

async function partnerRow(ctx: CallContext, id: number): Promise<PartnerRow | undefined> {
  const { rows } = await ctx.db.query<PartnerRow>('SELECT parent_id, type, commercial_partner_id, is_company FROM res_partner WHERE id = $1', [id]);
  return rows[0];
}

/** `child_ids` (domain active = True) of a partner, in id order, with what the syncs filter on. */
async function activeChildren(ctx: CallContext, id: number): Promise<{ id: number; type: string | null; is_company: boolean | null }[]> {
  const { rows } = await ctx.db.query<{ id: number; type: string | null; is_company: boolean | null }>(
    'SELECT id, type, is_company FROM res_partner WHERE parent_id = $1 AND active ORDER BY id',
    [id],
  );
  return rows;
}

/**
 * The company-dependent fields among `names` the partner holds a value of its own for, in the
 * user's company. Odoo's write of a company-dependent field drops the companies whose value equals
 * their fallback (models.py `_write`, ir_default.py `_get_field_column_fallbacks`), so syncing a
 * parent's fallback value stores nothing on the child: only values of the parent's own are written.
 */
async function ownCompanyValues(ctx: CallContext, model: ModelInfo, id: number, names: readonly string[]): Promise<Set<string>> {
  const company = String(ctx.access.companyId ?? '');
  const own = new Set<string>();
  for (const name of names) {
    const field = model.fields.get(name)!;
    if (!field.companyDependent || field.columnType !== 'jsonb' || !field.column) continue;
    const { rows } = await ctx.db.query<{ held: boolean }>(
      `SELECT jsonb_typeof(${ident(field.column)}->$2) <> 'null' AS held FROM res_partner WHERE id = $1`,
      [id, company],
    );
    if (rows[0]?.held) own.add(name);
  }
  return own;
}

/** `_update_fields_values(fields)`: a partner's values as write() takes them (many2one id, many2many (6, 0, ids)), read as superuser. */
async function fieldsValues(ctx: CallContext, model: ModelInfo, id: number, requested: readonly string[]): Promise<Vals> {
  const own = await ownCompanyValues(ctx, model, id, requested);
  return readValues(ctx, model, id, requested.filter((name) => !model.fields.get(name)!.companyDependent || own.has(name)));
}

/**
 * `records.write(vals)` of the sync, record by record: Odoo's write stores only the values that
 * differ from a record's current ones (fields.py `Field.write`: `cache.get_records_different_from`),
 * so a NULL column read as 0.0 stays NULL when 0.0 is synced onto it.
 */
async function writeChanged(ctx: CallContext, behaviours: BehaviourRegistry, model: ModelInfo, ids: number[], vals: Vals, extra?: (vals: Vals) => void): Promise<void> {
  const currentById = await readValuesOf(ctx, model, ids, Object.keys(vals));
  for (const id of ids) {
    const current = currentById.get(id) ?? {};
    const changed: Vals = {};
    for (const [name, value] of Object.entries(vals)) if (!sameValue(current[name], value)) changed[name] = value;
    if (!Object.keys(changed).length) continue;
    extra?.(changed);
    await updateRecords({ ctx, behaviours }, model, [id], changed, { checkAccess: false });
  }
}

function sameValue(a: unknown, b: unknown): boolean {
  const norm = (v: unknown): unknown => (v === null || v === undefined || v === false ? false : Array.isArray(v) ? JSON.stringify(v) : v);
  return norm(a) === norm(b);
}

async function readValues(ctx: CallContext, model: ModelInfo, id: number, names: readonly string[]): Promise<Vals> {
  return (await readValuesOf(ctx, model, [id], names)).get(id) ?? {};
}

/** The records' current values of `names` in write() format, by id, in one read. */
async function readValuesOf(ctx: CallContext, model: ModelInfo, ids: readonly number[], names: readonly string[]): Promise<Map<number, Vals>> {
  const byId = new Map<number, Vals>();
  if (!names.length || !ids.length) return byId;
  const records = await readRecords(ctx.readEnv({ sudo: true }), model, { kind: 'ids', ids: vouchReadable([...ids]) }, names, ctx.readOptions(null));
  for (const record of records) {
    const values: Vals = {};
    for (const name of names) {
      if (!(name in record)) continue;
      // A float field reads as the wire's PythonFloat marker; write() takes the number.
      const read = record[name];
      const value = read instanceof PythonFloat ? read.value : read;
      values[name] = model.fields.get(name)!.type === 'many2many' ? [[6, 0, Array.isArray(value) ? value : []]] : value;
    }
    byId.set(record.id as number, values);
  }
  return byId;
}

export function registerPartnerFieldsSync(behaviours: BehaviourRegistry): void {
  const model = (ctx: CallContext) => ctx.registry.model('res.partner')!;

  async function updateAddress(ctx: CallContext, ids: number[], vals: Vals): Promise<void> {
    const addressVals: Vals = {};
    for (const name of present(model(ctx), ADDRESS_FIELDS)) if (name in vals) addressVals[name] = vals[name];
    if (!ids.length || !Object.keys(addressVals).length) return;
    await writeChanged(ctx, behaviours, model(ctx), ids, addressVals, (changed) => addressWrites.add(changed));
  }

  async function commercialSyncToChildren(ctx: CallContext, id: number, fields: readonly string[]): Promise<void> {
    const row = await partnerRow(ctx, id);
    const syncVals = await fieldsValues(ctx, model(ctx), row?.commercial_partner_id ?? id, fields);
    const children = (await activeChildren(ctx, id)).filter((c) => !c.is_company).map((c) => c.id);
    for (const child of children) await commercialSyncToChildren(ctx, child, fields);
    if (Object.keys(syncVals).length) await writeChanged(ctx, behaviours, model(ctx), children, syncVals);
  }

  async function commercialSyncFromCompany(ctx: CallContext, id: number): Promise<void> {
    const row = await partnerRow(ctx, id);
    if (!row?.commercial_partner_id || row.commercial_partner_id === id) return;
    const fields = present(model(ctx), COMMERCIAL_FIELDS);
    const syncVals = await fieldsValues(ctx, model(ctx), row.commercial_partner_id, fields);
    if (Object.keys(syncVals).length) await writeChanged(ctx, behaviours, model(ctx), [id], syncVals);
    await commercialSyncToChildren(ctx, id, fields);
  }

  /** `onchange_parent_id`'s address: the parent's address fields when at least one of them is set. */
  async function parentAddress(ctx: CallContext, parentId: number): Promise<Vals | null> {
    const values = await fieldsValues(ctx, model(ctx), parentId, present(model(ctx), ADDRESS_FIELDS));
    return Object.values(values).some(truthy) ? values : null;
  }

  async function childrenSync(ctx: CallContext, id: number, values: Vals): Promise<void> {
    const children = await activeChildren(ctx, id);
    if (!children.length) return;
    const row = await partnerRow(ctx, id);
    if (row?.commercial_partner_id === id) {
      const written = present(model(ctx), COMMERCIAL_FIELDS).filter((name) => name in values);
      await commercialSyncToChildren(ctx, id, written);
    }
    if (present(model(ctx), ADDRESS_FIELDS).some((name) => name in values)) {
      await updateAddress(ctx, children.filter((c) => c.type === 'contact').map((c) => c.id), values);
    }
  }

  async function fieldsSync(ctx: CallContext, id: number, values: Vals): Promise<void> {
    if (truthy(values.parent_id) || values.type === 'contact') {
      if (truthy(values.parent_id)) await commercialSyncFromCompany(ctx, id);
      const row = await partnerRow(ctx, id);
      if (row?.parent_id && row.type === 'contact') {
        const address = await parentAddress(ctx, row.parent_id);
        if (address) await updateAddress(ctx, [id], address);
      }
    }
    await childrenSync(ctx, id, values);
  }

  async function handleFirstContactCreation(ctx: CallContext, id: number): Promise<void> {
    const row = await partnerRow(ctx, id);
    if (!row?.parent_id) return;
    const parent = await partnerRow(ctx, row.parent_id);
    if (!parent || !(parent.is_company || !parent.parent_id)) return;
    const fields = present(model(ctx), ADDRESS_FIELDS);
    const own = await fieldsValues(ctx, model(ctx), id, fields);
    if (!Object.values(own).some(truthy)) return;
    if (Object.values(await fieldsValues(ctx, model(ctx), row.parent_id, fields)).some(truthy)) return;
    if ((await activeChildren(ctx, row.parent_id)).length !== 1) return;
    await updateAddress(ctx, [row.parent_id], own);
  }

  function partnerVals(vals: Vals): void {
    if (truthy(vals.parent_id)) vals.company_name = false;
    if ('company_type' in vals) vals.is_company = vals.company_type === 'company';
  }

  behaviours.register('res.partner', {
    beforeCreate(_ctx, valsList) {
      valsList.forEach(partnerVals);
    },
    beforeWrite(_ctx, _ids, vals) {
      partnerVals(vals);
    },
    async afterSuperCreate(ctx, ids, valsList) {
      for (const [i, id] of ids.entries()) {
        await fieldsSync(ctx, id, valsList[i] ?? {});
        await handleFirstContactCreation(ctx, id);
      }
    },
    async afterWrite(ctx, ids, vals) {
      if (addressWrites.has(vals)) return;
      for (const id of ids) await fieldsSync(ctx, id, vals);
    },
  });
}
