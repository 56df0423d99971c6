import { sql, type Kysely } from 'kysely';
import { odooNow } from '../../../odoo-bridge/orm/index.ts';
import { defineRoute, problems, type AccessPort } from '../../kit/index.ts';
import { operationsHome } from '../db/ops-home.ts';
import { onKysely } from '../db/sql-runner.ts';
import type { OperationState, OperationType, OpsDatabase } from '../db/tables.ts';
import { insertOperation, listOperationResources, readOperationFacts, readOperationResource, writeOperationState } from '../domain/operation-records.ts';
import { OPERATION_METHODS, runOperationAction, type OperationAction, type OperationStore } from '../domain/operations.ts';
import { asProblems, checkRecords, readerOfHome, rulesSql, writeInHome } from './rest-access.ts';

export const OPERATION_MODEL = 'hp.operation';
const TABLE = 'operations';
const LABEL = 'operation';

interface OperationCreate { name: string; operationType: OperationType; target?: string | null; scheduledAt?: string | null; operatorId?: number | null }
interface OperationQuery { state?: OperationState; operation_type?: OperationType; operator_id?: number; limit: number; offset: number }

/**
 * The domain's OperationStore on a REST request, checking what the ORM engine checks over RPC:
 * reading `self` needs the read ACL and rules (404 for an operation that does not exist or is
 * hidden), the write the write ACL and rules (403, Odoo's AccessError text). The write is one
 * guarded UPDATE, so a concurrent move is refused, never overwritten.
 */
function restOperationStore(rows: Kysely<any>, access: AccessPort): OperationStore {
  const run = onKysely(rows);
  return {
    async read(ids) {
      await checkRecords(access, rows, OPERATION_MODEL, TABLE, 'read', ids, LABEL);
      return readOperationFacts(run, ids);
    },
    async write(operations, transition) {
      await checkRecords(access, rows, OPERATION_MODEL, TABLE, 'write', operations.map((op) => op.id), LABEL);
      await writeOperationState(run, operations, transition.action, access.uid);
    },
  };
}

/**
 * POST /ops/operations: hp.operation's create over REST, for those its ACL lets create
 * (operators, administrators; a member has no access: 403 with Odoo's AccessError text): state
 * draft (the field's default), the operator the caller unless named. 201 with a Location.
 */
export const createOperationRoute = defineRoute<OpsDatabase, OperationCreate>({
  method: 'post',
  path: '/ops/operations',
  summary: 'Create a platform operation (banner, campaign, announcement, content review) in draft (operators and administrators)',
  auth: 'bearer',
  idempotency: 'optional',
  body: 'rest/ops/operation-create.json',
  responses: { 201: 'rest/ops/operation.json' },
  async handler(ctx) {
    const { body } = ctx;
    const access = ctx.access!;
    await access.check(OPERATION_MODEL, 'create');
    const operatorId = body.operatorId === undefined ? access.uid : body.operatorId;
    return writeInHome(operationsHome, ctx, async (rows) => {
      if (operatorId !== null) {
        const { rows: found } = await sql<{ id: number }>`SELECT id FROM res_users WHERE id = ${operatorId}`.execute(rows);
        if (!found.length) throw problems.unprocessable(`user ${operatorId} does not exist`);
      }
      const run = onKysely(rows);
      const id = await insertOperation(run, {
        name: body.name, operationType: body.operationType, target: body.target ?? null,
        scheduledAt: body.scheduledAt ? odooNow(new Date(body.scheduledAt)) : null, operatorId,
      }, access.uid);
      await checkRecords(access, rows, OPERATION_MODEL, TABLE, 'create', [id], LABEL);
      return { status: 201, body: (await readOperationResource(run, id))!, headers: { location: `/ops/operations/${id}` } };
    });
  },
});

/** GET /ops/operations: operators and administrators (members have no read ACL: 403), by state, type and operator, in hp.operation's order. */
export const listOperationsRoute = defineRoute<OpsDatabase, unknown, OperationQuery>({
  method: 'get',
  path: '/ops/operations',
  summary: 'List platform operations by state, type and operator, newest scheduled first (operators and administrators)',
  auth: 'bearer',
  query: 'rest/ops/operation-query.json',
  responses: { 200: 'rest/ops/operation-list.json' },
  async handler(ctx) {
    const { query } = ctx;
    const access = ctx.access!;
    await access.check(OPERATION_MODEL, 'read');
    const rows = await readerOfHome(operationsHome, ctx);
    const page = await listOperationResources(onKysely(rows), {
      visible: await rulesSql(access, rows, OPERATION_MODEL, 'read', 'o', 3),
      ...(query.state ? { state: query.state } : {}), ...(query.operation_type ? { operationType: query.operation_type } : {}),
      ...(query.operator_id ? { operatorId: query.operator_id } : {}), limit: query.limit, offset: query.offset,
    });
    return { status: 200, body: page };
  },
});

/** GET /ops/operations/{id}. */
export const getOperationRoute = defineRoute<OpsDatabase, unknown, unknown, { id: number }>({
  method: 'get',
  path: '/ops/operations/:id',
  summary: 'Read one platform operation (operators and administrators)',
  auth: 'bearer',
  params: 'rest/ops/operation-params.json',
  responses: { 200: 'rest/ops/operation.json' },
  async handler(ctx) {
    const rows = await readerOfHome(operationsHome, ctx);
    await checkRecords(ctx.access!, rows, OPERATION_MODEL, TABLE, 'read', [ctx.params.id], LABEL);
    const operation = await readOperationResource(onKysely(rows), ctx.params.id);
    if (!operation) throw problems.notFound(`operation ${ctx.params.id} does not exist`);
    return { status: 200, body: operation };
  },
});

/** The actions over REST: the domain function the Odoo method runs, on M17's home, answered with the operation. */
function actionRoute(action: OperationAction) {
  return defineRoute<OpsDatabase, unknown, unknown, { id: number }>({
    method: 'post',
    path: `/ops/operations/:id/${action}`,
    summary: `hp.operation.${OPERATION_METHODS[action]} (operators and administrators); 409 with the addon's text when the operation is in the wrong state`,
    auth: 'bearer',
    idempotency: 'optional',
    params: 'rest/ops/operation-params.json',
    responses: { 200: 'rest/ops/operation.json' },
    async handler(ctx) {
      const access = ctx.access!;
      return writeInHome(operationsHome, ctx, async (rows) => {
        await asProblems(runOperationAction(restOperationStore(rows, access), action, [ctx.params.id]));
        return { status: 200, body: (await readOperationResource(onKysely(rows), ctx.params.id))! };
      });
    },
  });
}

/** POST /ops/operations/{id}/schedule: draft → scheduled ("Only draft operations can be scheduled." 409 otherwise). */
export const scheduleOperationRoute = actionRoute('schedule');
/** POST /ops/operations/{id}/done: scheduled → done ("Only scheduled operations can be done." 409 otherwise). */
export const doneOperationRoute = actionRoute('done');
/** POST /ops/operations/{id}/cancel: anything but done → cancelled ("Done operations cannot be cancelled." 409 otherwise). */
export const cancelOperationRoute = actionRoute('cancel');

export const OPERATION_ROUTES = [listOperationsRoute, createOperationRoute, getOperationRoute, scheduleOperationRoute, doneOperationRoute, cancelOperationRoute];
