import { defineRoute, problems } from '../../kit/index.ts';
import { communityHome } from '../db/biz-home.ts';
import { onKysely } from '../db/sql-runner.ts';
import type { BizDatabase, CommunityPrivacy } from '../db/tables.ts';
import { createGroup } from '../domain/community-groups.ts';
import { assertGroupReadable, GROUP_MODEL, GROUP_TABLE } from './communities-access.ts';
import { listGroupResources, readGroupResource, type GroupFilters } from './communities-resource.ts';
import { asProblems, checkRecords, readerOfHome, restEventSink, writeInHome } from './rest-access.ts';

/**
 * GET /communities/groups: the groups the caller may read (hp.community.group's read ACL: every
 * platform user reads every group, private ones included, as over RPC), filtered, in the model's
 * order, paginated.
 */
export const listCommunityGroups = defineRoute<BizDatabase, unknown, GroupFilters>({
  method: 'get',
  path: '/communities/groups',
  summary: 'List community groups, filtered by privacy, owner, member or name, in name order',
  auth: 'bearer',
  query: 'rest/biz/community-group-query.json',
  responses: { 200: 'rest/biz/community-group-list.json' },
  async handler(ctx) {
    const { query, access } = ctx;
    await access!.check(GROUP_MODEL, 'read');
    const page = await listGroupResources(await readerOfHome(communityHome, ctx), await access!.rules(GROUP_MODEL, 'read', 'g'), query);
    return { status: 200, body: { ...page, limit: query.limit, offset: query.offset } };
  },
});

/**
 * POST /communities/groups: a group owned by the caller (hp.community.group create: coaches,
 * merchants and admins hold the create ACL, members get 403 with Odoo's AccessError text), with
 * the model's defaults (public, the company currency), no members yet; community_created is
 * published in the same transaction. 201 with a Location that GET answers.
 */
export const createCommunityGroup = defineRoute<BizDatabase, { name: string; description?: string; privacy?: CommunityPrivacy; fee?: string }>({
  method: 'post',
  path: '/communities/groups',
  summary: 'Create a community group owned by the caller (coaches, merchants, admins); Idempotency-Key required',
  auth: 'bearer',
  idempotency: 'required',
  body: 'rest/biz/community-group-create.json',
  responses: { 201: 'rest/biz/community-group.json' },
  async handler(ctx) {
    const { body, access } = ctx;
    await access!.check(GROUP_MODEL, 'create');
    return writeInHome(communityHome, ctx, async (rows) => {
      const id = await asProblems(createGroup(onKysely(rows), restEventSink(ctx), access!.uid, {
        name: body.name, description: body.description ?? null, privacy: body.privacy ?? 'public', fee: body.fee ?? null, ownerId: access!.uid,
      }));
      await checkRecords(access!, rows, GROUP_MODEL, GROUP_TABLE, 'create', [id], 'community group');
      return { status: 201, body: (await readGroupResource(rows, id))!, headers: { location: `/communities/groups/${id}` } };
    });
  },
});

/** GET /communities/groups/{id}: one group the caller may read (404 otherwise, as for an id that does not exist). */
export const getCommunityGroup = defineRoute<BizDatabase, unknown, unknown, { id: number }>({
  method: 'get',
  path: '/communities/groups/:id',
  summary: 'Read one community group',
  auth: 'bearer',
  params: 'rest/biz/community-group-params.json',
  responses: { 200: 'rest/biz/community-group.json' },
  async handler(ctx) {
    const { params, access } = ctx;
    const rows = await readerOfHome(communityHome, ctx);
    await assertGroupReadable(access!, rows, params.id);
    const group = await readGroupResource(rows, params.id);
    if (!group) throw problems.notFound(`community group ${params.id} does not exist`);
    return { status: 200, body: group };
  },
});

export const COMMUNITY_GROUP_ROUTES = [listCommunityGroups, createCommunityGroup, getCommunityGroup];
