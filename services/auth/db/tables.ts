import type { Generated } from 'kysely';

/** hp.auth.token (M01), under its legacy name and columns: the same rows on either side of the cut. */
export interface AuthTokensTable {
  id: Generated<number>;
  user_id: number;
  create_uid: number | null;
  write_uid: number | null;
  token_hash: string;
  scope: string | null;
  revoked: boolean | null;
  expires_at: string | null;
  last_used_at: string | null;
  create_date: string | null;
  write_date: string | null;
}

/** hp.permission (M01). */
export interface PermissionsTable {
  id: Generated<number>;
  create_uid: number | null;
  write_uid: number | null;
  name: string;
  code: string;
  description: string | null;
  create_date: string | null;
  write_date: string | null;
}

export interface PermissionGroupRelTable {
  permission_id: number;
  group_id: number;
}

/** Tables with a legacy twin: the rows live on whichever side owns M01 now (db/token-home.ts). */
export interface M01Tables {
  auth_tokens: AuthTokensTable;
  permissions: PermissionsTable;
  permission_group_rel: PermissionGroupRelTable;
}

/**
 * The auth service's own bookkeeping, never synced and invisible to Odoo: which refresh tokens
 * (auth_tokens rows) descend from one login, and which of them have been used up by a rotation.
 */
export interface RefreshSessionsTable {
  token_id: number;
  family: string;
  user_id: number;
  /** Set when the token was exchanged for its successor; presenting it again is a reuse. */
  rotated_at: Date | null;
  replaced_by: number | null;
  created_at: Generated<Date>;
}

export interface AuthDatabase extends M01Tables {
  refresh_sessions: RefreshSessionsTable;
}
