import type { RouteDefinition } from '../../kit/index.ts';
import type { AuthDatabase } from '../db/tables.ts';
import { userPermissionsRoute } from './permissions.ts';
import { register } from './register.ts';
import { login, logout, refresh } from './sessions.ts';
import { verify } from './verify.ts';

/** Auth's REST API, in the order the OpenAPI document lists it. */
export const AUTH_ROUTES: RouteDefinition<AuthDatabase>[] = [login, refresh, logout, register, verify, userPermissionsRoute];

/** Paths outside /auth/ that auth answers (the platform design names them so). */
export const AUTH_SHARED_PATHS = ['/users/:id/permissions'] as const;
