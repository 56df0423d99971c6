import { credentialStampOf, defineRoute, problems } from '../../kit/index.ts';
import type { AuthDatabase } from '../db/tables.ts';
import { mayReadPermissionsOf, userGrants, userPermissions } from '../domain/user-permissions.ts';
import { monolith } from './monolith.ts';
import { permissionSources } from './permission-sources.ts';

/**
 * GET /users/{id}/permissions: a user's groups (implied ones marked), the hp.permission codes
 * they grant, and the model access rights they add up to. Members read their own; operators and
 * administrators anyone's. Another member's id gets the same 403 whether it exists or not.
 */
export const userPermissionsRoute = defineRoute<AuthDatabase, unknown, unknown, { id: number }>({
  method: 'get',
  path: '/users/:id/permissions',
  summary: 'A user\'s groups, permission codes and per-model access rights (own, or anyone\'s for operators)',
  auth: 'bearer',
  params: 'rest/auth/user-id-params.json',
  responses: { 200: 'rest/auth/permissions.json' },
  async handler(ctx) {
    const principal = ctx.principal!;
    if ((await credentialStampOf(monolith(ctx.legacyPool), principal.userId)) === undefined) throw problems.unauthorized('the token\'s user does not exist or is archived');
    const sources = await permissionSources(ctx);
    if (ctx.params.id !== principal.userId) {
      const viewer = await userGrants(sources, principal.userId);
      const groupXmlids = viewer?.groups.flatMap((g) => (g.xmlid ? [g.xmlid] : [])) ?? [];
      if (!mayReadPermissionsOf({ userId: principal.userId, groupXmlids }, ctx.params.id)) throw problems.forbidden('you may read only your own permissions');
    }
    const permissions = await userPermissions(sources, ctx.params.id);
    if (!permissions) throw problems.notFound(`user ${ctx.params.id} does not exist`);
    return { status: 200, body: permissions };
  },
});
