import { defineRoute, problems } from '../../kit/index.ts';
import { growthHome } from '../db/ops-home.ts';
import { onKysely } from '../db/sql-runner.ts';
import type { CertificationState, OpsDatabase } from '../db/tables.ts';
import { coachCertifications, readCertification, sqlCertificationWriter } from '../domain/certification-records.ts';
import { revokeCertifications } from '../domain/certifications.ts';
import { checkRecords, readerOfHome, rulesSql, writeInHome } from './rest-access.ts';

const CERTIFICATION_MODEL = 'hp.certification';
const TABLE = 'certifications';
const LABEL = 'certification';

/** GET /ops/coaches/{id}/certifications: a coach's certifications, to anyone Odoo lets read hp.certification (members and up; hp_growth has no record rules). */
export const listCoachCertifications = defineRoute<OpsDatabase, unknown, { state?: CertificationState; limit: number; offset: number }, { id: number }>({
  method: 'get',
  path: '/ops/coaches/:id/certifications',
  summary: "A coach's certifications, newest first (hp.certification's order)",
  auth: 'bearer',
  params: 'rest/ops/coach-params.json',
  query: 'rest/ops/certification-query.json',
  responses: { 200: 'rest/ops/certification-list.json' },
  async handler(ctx) {
    const access = ctx.access!;
    await access.check(CERTIFICATION_MODEL, 'read');
    const rows = await readerOfHome(growthHome, ctx);
    const page = await coachCertifications(onKysely(rows), {
      visible: await rulesSql(access, rows, CERTIFICATION_MODEL, 'read', 'c', 2),
      coachId: ctx.params.id, ...(ctx.query.state ? { state: ctx.query.state } : {}), limit: ctx.query.limit, offset: ctx.query.offset,
    });
    return { status: 200, body: page };
  },
});

/** GET /ops/certifications/{id}: one certification (read right, as above). */
export const getCertification = defineRoute<OpsDatabase, unknown, unknown, { id: number }>({
  method: 'get',
  path: '/ops/certifications/:id',
  summary: 'A certification',
  auth: 'bearer',
  params: 'rest/ops/certification-params.json',
  responses: { 200: 'rest/ops/certification.json' },
  async handler(ctx) {
    const rows = await readerOfHome(growthHome, ctx);
    await checkRecords(ctx.access!, rows, CERTIFICATION_MODEL, TABLE, 'read', [ctx.params.id], LABEL);
    const certification = await readCertification(onKysely(rows), ctx.params.id);
    if (!certification) throw problems.notFound(`certification ${ctx.params.id} does not exist`);
    return { status: 200, body: certification };
  },
});

/**
 * POST /ops/certifications/{id}/revoke: hp.certification.action_revoke, the same domain function
 * RPC runs (`write({'state': 'revoked'})`): whoever may write certifications (operators, admins;
 * members 403), on any state, again no error; 404 for none.
 */
export const revokeCertification = defineRoute<OpsDatabase, unknown, unknown, { id: number }>({
  method: 'post',
  path: '/ops/certifications/:id/revoke',
  summary: 'Revoke a certification (hp.certification.action_revoke)',
  auth: 'bearer',
  idempotency: 'optional',
  params: 'rest/ops/certification-params.json',
  responses: { 200: 'rest/ops/certification.json' },
  async handler(ctx) {
    const access = ctx.access!;
    await access.check(CERTIFICATION_MODEL, 'write');
    const certification = await writeInHome(growthHome, ctx, async (db) => {
      const sql = onKysely(db);
      if (!(await readCertification(sql, ctx.params.id))) return undefined;
      await checkRecords(access, db, CERTIFICATION_MODEL, TABLE, 'write', [ctx.params.id], LABEL);
      await revokeCertifications(sqlCertificationWriter(sql, access.uid), [ctx.params.id]);
      return readCertification(sql, ctx.params.id);
    });
    if (!certification) throw problems.notFound(`certification ${ctx.params.id} does not exist`);
    return { status: 200, body: certification };
  },
});

export const CERTIFICATION_ROUTES = [listCoachCertifications, getCertification, revokeCertification];
