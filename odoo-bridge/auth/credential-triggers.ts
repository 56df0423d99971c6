import type pg from 'pg';
import { notifyTriggersInPlace, type NotifyTriggerSet } from '../../platform/notify-triggers.ts';

/** The channel the legacy database NOTIFYs when a user's credentials may have changed. */
export const CREDENTIALS_CHANNEL = 'ficus_credentials';

/**
 * The payload is the user id whose credentials may have changed, or `*` (every user: a
 * TRUNCATE). Any UPDATE of a `res_users` row counts, not only of the columns read at login
 * (password, active, totp_secret): a column auth_totp adds later is covered without a new
 * trigger, and writes to res_users are rare next to RPC calls. An API key's row changing or
 * going away (revocation) is a change of its owner's credentials; a new key is not (nothing
 * remembered can depend on a key that did not exist). pg_notify folds duplicate payloads within
 * one transaction, so a mass update sends each id once, at commit.
 */
const FUNCTION_SOURCE = `
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    PERFORM pg_notify('${CREDENTIALS_CHANNEL}', '*');
  ELSIF TG_TABLE_NAME = 'res_users' THEN
    PERFORM pg_notify('${CREDENTIALS_CHANNEL}', OLD.id::text);
  ELSE
    PERFORM pg_notify('${CREDENTIALS_CHANNEL}', OLD.user_id::text);
    IF TG_OP = 'UPDATE' AND NEW.user_id IS DISTINCT FROM OLD.user_id THEN
      PERFORM pg_notify('${CREDENTIALS_CHANNEL}', NEW.user_id::text);
    END IF;
  END IF;
  RETURN NULL;
END`;

/**
 * Makes the legacy database NOTIFY on CREDENTIALS_CHANNEL when a user's password, activity,
 * second factor or API keys change, whoever changes them (the monolith, Ficus, psql).
 *
 * This is the one thing Ficus adds to the legacy schema besides CDC's publication and slot: a
 * function and four triggers, which change nothing Odoo reads or writes, left as CREATE TRIGGER
 * makes them. Installing takes CREATE TRIGGER's lock on the two tables (platform/notify-triggers.ts).
 */
export const CREDENTIAL_TRIGGERS: NotifyTriggerSet = {
  channel: CREDENTIALS_CHANNEL,
  functionName: 'ficus_credentials_changed',
  functionSource: FUNCTION_SOURCE,
  triggers: [
    { name: 'ficus_credentials_changed', table: 'res_users', events: 'UPDATE OR DELETE', level: 'FOR EACH ROW' },
    { name: 'ficus_credentials_changed', table: 'res_users_apikeys', events: 'UPDATE OR DELETE', level: 'FOR EACH ROW' },
    { name: 'ficus_credentials_truncated', table: 'res_users', events: 'TRUNCATE', level: 'FOR EACH STATEMENT' },
    { name: 'ficus_credentials_truncated', table: 'res_users_apikeys', events: 'TRUNCATE', level: 'FOR EACH STATEMENT' },
  ],
  installLock: 0x66696375, // "ficu"
  alwaysEnabled: false,
};

/** Whether the function and the triggers are there, as this version installs them. */
export const triggersInPlace = (db: Pick<pg.Pool, 'query'> | Pick<pg.Client, 'query'>): Promise<boolean> => notifyTriggersInPlace(db, CREDENTIAL_TRIGGERS);
