import { credentialStampOf, defineRoute, problems } from '../../kit/index.ts';
import type { AuthDatabase } from '../db/tables.ts';
import { userGrants } from '../domain/user-permissions.ts';
import { monolith } from './monolith.ts';
import { permissionSources } from './permission-sources.ts';

/**
 * GET /auth/verify: is this token good now (signature, expiry, session not ended: checked by the
 * kit before the handler, with this service as the session authority), is its user active with
 * the credentials it was issued under, and what may they do. Services that run apart ask this
 * (kit/auth/session-check.ts); gateways and apps may too.
 */
export const verify = defineRoute<AuthDatabase>({
  method: 'get',
  path: '/auth/verify',
  summary: 'Validate a bearer token and return its user, groups (implied ones included) and permission codes',
  auth: 'bearer',
  responses: { 200: 'rest/auth/verified.json' },
  async handler(ctx) {
    const principal = ctx.principal!;
    const stamp = await credentialStampOf(monolith(ctx.legacyPool), principal.userId);
    if (stamp === undefined) throw problems.unauthorized('the token\'s user does not exist or is archived');
    if (principal.credentialStamp !== undefined && principal.credentialStamp !== stamp) {
      throw problems.unauthorized('the token was issued before the user\'s credentials changed; sign in again');
    }
    const grants = await userGrants(await permissionSources(ctx), principal.userId);
    if (!grants) throw problems.unauthorized('the token\'s user does not exist or is archived');
    return {
      status: 200,
      headers: { 'cache-control': 'no-store' },
      body: {
        userId: principal.userId,
        login: grants.login,
        userType: grants.userType,
        groups: grants.groups.flatMap((g) => (g.xmlid ? [g.xmlid] : [])),
        permissionCodes: grants.permissionCodes,
        scopes: principal.scopes,
        expiresAt: new Date(principal.expiresAt * 1000).toISOString(),
        session: principal.session ?? null,
      },
    };
  },
});
