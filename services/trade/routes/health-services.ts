import { assertServiceOwns, defineRoute, problems } from '../../kit/index.ts';
import type { TradeDatabase } from '../db/database.ts';
import { COMPANY_CURRENCY, DEFAULT_DURATION_MINUTES, priceOf, type HealthService, type ServiceCategory } from '../domain/health-service.ts';

interface ListQuery {
  category?: ServiceCategory;
  limit: number;
  offset: number;
}

interface CreateBody {
  name: string;
  category: ServiceCategory;
  price: string;
  durationMinutes?: number;
}

/** GET /trade/health-services: the active catalogue, in hp.health.service's `_order` (category, name). */
export const listHealthServices = defineRoute<TradeDatabase, unknown, ListQuery>({
  method: 'get',
  path: '/trade/health-services',
  summary: 'List active health services (hp.health.service)',
  auth: 'public',
  query: 'rest/trade/health-service-query.json',
  responses: { 200: 'rest/trade/health-service-list.json' },
  async handler({ db, query, cache }) {
    const page = await cache.getOrLoad(`health-services:${query.category ?? '*'}:${query.limit}:${query.offset}`, 5_000, async () => {
      let select = db.selectFrom('health_services').where('active', '=', true);
      if (query.category) select = select.where('category', '=', query.category);
      const [rows, count] = await Promise.all([
        select.selectAll().orderBy('category').orderBy('name').orderBy('id').limit(query.limit).offset(query.offset).execute(),
        select.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
      ]);
      return { items: rows.map(toResource), total: Number(count.n) };
    });
    return { status: 200, body: page };
  },
});

/** POST /trade/health-services: a coach offers a service (hp.health.service create, coach_id = caller). */
export const createHealthService = defineRoute<TradeDatabase, CreateBody>({
  method: 'post',
  path: '/trade/health-services',
  summary: 'Offer a new health service as the calling coach',
  auth: 'bearer',
  body: 'rest/trade/health-service-create.json',
  responses: { 201: 'rest/trade/health-service.json' },
  async handler({ db, body, principal, access }) {
    await assertServiceOwns(db, 'trade', ['M04']);
    // hp_marketplace's ACL: coaches (and admins) create services; members and operators do not.
    await access!.check('hp.health.service', 'create');
    const now = new Date();
    const uid = principal!.userId;
    const row = await db
      .insertInto('health_services')
      .values({
        name: body.name,
        category: body.category,
        price: body.price,
        duration_minutes: body.durationMinutes ?? DEFAULT_DURATION_MINUTES,
        coach_id: uid,
        currency_id: COMPANY_CURRENCY.id,
        active: true,
        create_uid: uid,
        write_uid: uid,
        create_date: now,
        write_date: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    // Odoo checks the create rules on the new record, after the INSERT, in the same transaction.
    await access!.check('hp.health.service', 'create', [row.id], 'health service');
    return { status: 201, body: toResource(row), headers: { location: `/trade/health-services/${row.id}` } };
  },
});

/** GET /trade/health-services/:id, active or not (Odoo reads archived records by id too). */
export const getHealthService = defineRoute<TradeDatabase, unknown, unknown, { id: number }>({
  method: 'get',
  path: '/trade/health-services/:id',
  summary: 'Read one health service',
  auth: 'public',
  params: 'rest/trade/id-params.json',
  responses: { 200: 'rest/trade/health-service.json' },
  async handler({ db, params }) {
    const row = await db.selectFrom('health_services').selectAll().where('id', '=', params.id).executeTakeFirst();
    if (!row) throw problems.notFound(`health service ${params.id} does not exist`);
    return { status: 200, body: toResource(row) };
  },
});

function toResource(row: {
  id: number; name: string; category: string; coach_id: number | null; price: string | null; duration_minutes: number | null; active: boolean | null;
}): HealthService {
  return {
    id: row.id,
    name: row.name,
    category: row.category as ServiceCategory,
    coachId: row.coach_id,
    price: priceOf(row.price),
    currency: COMPANY_CURRENCY.code,
    durationMinutes: row.duration_minutes,
    active: row.active ?? false,
  };
}
