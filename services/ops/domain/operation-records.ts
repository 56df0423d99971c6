import type { RulesSql } from '../../kit/index.ts';
import type { OperationState, OperationType } from '../db/tables.ts';
import type { SqlRunner } from '../db/sql-runner.ts';
import type { OperationAction, OperationFacts } from './operations.ts';
import { OPERATION_TRANSITIONS } from './operations.ts';
import { OpsRefused } from './ops-refusal.ts';

/**
 * hp.operation's rows as the rules and REST read and write them, on whichever database holds
 * M17 now (svc_ops or the monolith: same table, same columns). No access checks here: the
 * caller's store did them.
 */

/** An operation as REST shows it. Datetimes RFC 3339 UTC (Odoo stores naive UTC). */
export interface OperationResource {
  id: number;
  name: string;
  operationType: OperationType;
  target: string | null;
  state: OperationState;
  scheduledAt: string | null;
  operatorId: number | null;
  createdAt: string | null;
  updatedAt: string | null;
}

interface OperationRow {
  id: number; name: string; operation_type: OperationType; target: string | null; state: OperationState;
  scheduled_at: string | null; operator_id: number | null; created_at: string | null; updated_at: string | null;
}

const utc = (column: string) => `to_char(${column}, 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`;
const COLUMNS = `o.id, o.name, o.operation_type, o.target, o.state, ${utc('o.scheduled_at')} AS scheduled_at, o.operator_id,
  ${utc('o.create_date')} AS created_at, ${utc('o.write_date')} AS updated_at`;

const resourceOf = (r: OperationRow): OperationResource => ({
  id: r.id, name: r.name, operationType: r.operation_type, target: r.target, state: r.state,
  scheduledAt: r.scheduled_at, operatorId: r.operator_id, createdAt: r.created_at, updatedAt: r.updated_at,
});

export async function readOperationFacts(run: SqlRunner, ids: readonly number[]): Promise<Map<number, OperationFacts>> {
  const rows = await run.raw<OperationFacts>('SELECT id, state FROM operations WHERE id = ANY($1::int4[])', [[...new Set(ids)]]);
  return new Map(rows.map((r) => [r.id, r]));
}

export interface NewOperation {
  name: string;
  operationType: OperationType;
  target: string | null;
  /** Odoo's naive UTC `YYYY-MM-DD HH:MM:SS`, or null. */
  scheduledAt: string | null;
  operatorId: number | null;
}

/** hp.operation's create as the engine would write it: state draft (the field's default), the audit columns of `uid`. */
export async function insertOperation(run: SqlRunner, vals: NewOperation, uid: number): Promise<number> {
  const [row] = await run.raw<{ id: number }>(
    `INSERT INTO operations (name, operation_type, target, state, scheduled_at, operator_id, create_uid, write_uid, create_date, write_date)
     VALUES ($1, $2, $3, 'draft', $4, $5, $6, $6, (now() at time zone 'UTC'), (now() at time zone 'UTC')) RETURNING id`,
    [vals.name, vals.operationType, vals.target, vals.scheduledAt, vals.operatorId, uid],
  );
  return row!.id;
}

/**
 * The write of an action, guarded: one UPDATE of the operations still in a state the action
 * allows. Odoo would retry a serialization failure and then find the operation moved on, so one
 * another request moved in between is refused with the addon's text, nothing written.
 */
export async function writeOperationState(run: SqlRunner, operations: readonly OperationFacts[], action: OperationAction, uid: number): Promise<void> {
  if (!operations.length) return;
  const ids = operations.map((op) => op.id);
  const transition = OPERATION_TRANSITIONS[action];
  const guard = action === 'schedule' ? `state = 'draft'` : action === 'done' ? `state = 'scheduled'` : `state <> 'done'`;
  const changed = await run.raw<{ id: number }>(
    `UPDATE operations SET state = $2, write_uid = $3, write_date = (now() at time zone 'UTC') WHERE id = ANY($1::int4[]) AND ${guard} RETURNING id`,
    [ids, transition.to, uid],
  );
  if (changed.length !== ids.length) throw new OpsRefused('state', transition.refusal);
}

export async function readOperationResource(run: SqlRunner, id: number): Promise<OperationResource | undefined> {
  const [row] = await run.raw<OperationRow>(`SELECT ${COLUMNS} FROM operations o WHERE o.id = $1`, [id]);
  return row && resourceOf(row);
}

export interface OperationFilter {
  state?: OperationState;
  operationType?: OperationType;
  operatorId?: number;
  limit: number;
  offset: number;
  /** The caller's read rules over alias `o`, placeholders after the filter's three (the kit's rulesSql). */
  visible?: RulesSql;
}

/** A page of operations in hp.operation's `_order` (scheduled_at desc, id desc; Odoo puts NULLs first on desc, as PostgreSQL does). */
export async function listOperationResources(run: SqlRunner, filter: OperationFilter): Promise<{ items: OperationResource[]; total: number; limit: number; offset: number }> {
  const rules = filter.visible ? ` AND (${filter.visible.sql})` : '';
  const where = `($1::varchar IS NULL OR o.state = $1) AND ($2::varchar IS NULL OR o.operation_type = $2) AND ($3::int4 IS NULL OR o.operator_id = $3)${rules}`;
  const values = [filter.state ?? null, filter.operationType ?? null, filter.operatorId ?? null, ...(filter.visible?.parameters ?? [])];
  const [rows, count] = await Promise.all([
    run.raw<OperationRow>(`SELECT ${COLUMNS} FROM operations o WHERE ${where} ORDER BY o.scheduled_at DESC, o.id DESC LIMIT $${values.length + 1} OFFSET $${values.length + 2}`, [...values, filter.limit, filter.offset]),
    run.raw<{ n: number }>(`SELECT count(*)::int AS n FROM operations o WHERE ${where}`, values),
  ]);
  return { items: rows.map(resourceOf), total: count[0]!.n, limit: filter.limit, offset: filter.offset };
}
