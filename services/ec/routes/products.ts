import { defineRoute, problems } from '../../kit/index.ts';
import { mallHome } from '../db/ec-home.ts';
import type { EcDatabase, HealthCategory } from '../db/tables.ts';
import { listProducts, type ProductSort } from '../domain/product-catalogue.ts';
import { callerLang, readerOfHome } from './rest-access.ts';

const PRODUCT_MODEL = 'product.product';

interface ProductQuery {
  search?: string; health_category?: HealthCategory; min_price?: number; max_price?: number; in_stock?: boolean; sort: ProductSort; limit: number; offset: number;
}

/**
 * GET /products: the mall's catalogue, product variants as Odoo names them, with the health
 * category, lst_price and the stock over every warehouse; the caller's product.product read ACL
 * and record rules (company rules) decide what is listed, as a search over RPC would.
 */
export const listProductsRoute = defineRoute<EcDatabase, unknown, ProductQuery>({
  method: 'get',
  path: '/products',
  summary: 'The mall catalogue: product variants with health category, price (lst_price) and availability; search by name, filter by category, price and stock, sort and page',
  auth: 'bearer',
  query: 'rest/ec/product-query.json',
  responses: { 200: 'rest/ec/product-list.json' },
  async handler(ctx) {
    const { query } = ctx;
    const access = ctx.access!;
    await access.check(PRODUCT_MODEL, 'read');
    const rows = await readerOfHome(mallHome, ctx);
    const page = await listProducts(rows, await access.rules(PRODUCT_MODEL, 'read', 'pp'), {
      ...(query.search ? { search: query.search } : {}), ...(query.health_category ? { healthCategory: query.health_category } : {}),
      ...(query.min_price !== undefined ? { minPrice: query.min_price } : {}), ...(query.max_price !== undefined ? { maxPrice: query.max_price } : {}),
      ...(query.in_stock ? { inStock: true } : {}), sort: query.sort, limit: query.limit, offset: query.offset, lang: await callerLang(rows, access.uid),
    });
    return { status: 200, body: { ...page, limit: query.limit, offset: query.offset } };
  },
});

/** GET /products/{id}: one variant, when the caller may read it (404 as for an id that does not exist otherwise). */
export const getProductRoute = defineRoute<EcDatabase, unknown, unknown, { id: number }>({
  method: 'get',
  path: '/products/:id',
  summary: 'One product variant of the mall catalogue, with health category, price and availability',
  auth: 'bearer',
  params: 'rest/ec/product-params.json',
  responses: { 200: 'rest/ec/product.json' },
  async handler(ctx) {
    const access = ctx.access!;
    await access.check(PRODUCT_MODEL, 'read');
    const rows = await readerOfHome(mallHome, ctx);
    const page = await listProducts(rows, await access.rules(PRODUCT_MODEL, 'read', 'pp'), { ids: [ctx.params.id], sort: 'default', limit: 1, offset: 0, lang: await callerLang(rows, access.uid) });
    const product = page.items[0];
    if (!product) throw problems.notFound(`product ${ctx.params.id} does not exist`);
    return { status: 200, body: product };
  },
});

export const PRODUCT_ROUTES = [listProductsRoute, getProductRoute];
