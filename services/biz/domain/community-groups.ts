import type { NewEvent } from '../../kit/index.ts';
import type { SqlRunner } from '../db/sql-runner.ts';
import type { CommunityPrivacy } from '../db/tables.ts';
import type { BizEventSink } from './biz-events.ts';
import { BizRefused } from './biz-refusal.ts';

/** A new group as it is announced: its id, owner (or, for a group created without one, its creator), name and privacy. */
export interface CreatedGroup {
  id: number;
  owner_id: number | null;
  create_uid: number | null;
  name: string;
  privacy: CommunityPrivacy;
}

/**
 * community_created, keyed by the group. A group created without an owner (Odoo allows it) is
 * announced with its creator as owner, the user its growth belongs to; one with an empty name
 * (Odoo's required Char accepts '') cannot be announced under the contract and yields none.
 */
export function communityCreatedEvent(group: CreatedGroup): NewEvent<'community_created'> | undefined {
  const ownerId = group.owner_id ?? group.create_uid;
  if (!ownerId || !group.name) return undefined;
  return {
    type: 'community_created',
    subject: `hp.community.group/${group.id}`,
    key: `hp.community.group/${group.id}`,
    data: { groupId: group.id, ownerId, name: group.name, privacy: group.privacy },
  };
}

/** Announces the groups `ids` (just created, in the caller's transaction): community_created each. */
export async function announceCreatedGroups(sql: SqlRunner, events: BizEventSink, ids: readonly number[]): Promise<void> {
  if (!ids.length) return;
  const rows = await sql.raw<CreatedGroup>('SELECT id, owner_id, create_uid, name, privacy FROM community_groups WHERE id = ANY($1::int4[]) ORDER BY id', [[...ids]]);
  await events.publish(rows.flatMap((row) => communityCreatedEvent(row) ?? []));
}

/** A group to create where no ORM runs (REST). */
export interface NewGroup {
  name: string;
  description: string | null;
  privacy: CommunityPrivacy;
  /** A decimal string, rounded to the currency's digits as a Monetary field stores it. */
  fee: string | null;
  ownerId: number;
}

/**
 * hp.community.group create where no ORM runs (REST): the model's defaults (currency: the
 * creator's company's), the fee rounded to the currency's decimal places as Odoo's Monetary
 * stores it, member_count 0 (a new group has no members), then community_created.
 */
export async function createGroup(sql: SqlRunner, events: BizEventSink, uid: number, group: NewGroup): Promise<number> {
  const currency = await sql.raw<{ currency_id: number; decimal_places: number | null }>(
    `SELECT c.currency_id, cur.decimal_places FROM res_company c JOIN res_currency cur ON cur.id = c.currency_id
      WHERE c.id = (SELECT company_id FROM res_users WHERE id = $1)`,
    [uid],
  );
  if (!currency[0]) throw new BizRefused('invalid', `User ${uid} has no company currency.`);
  const inserted = await sql.raw<CreatedGroup>(
    `INSERT INTO community_groups (name, description, privacy, fee, currency_id, owner_id, member_count, create_uid, write_uid, create_date, write_date)
     VALUES ($1, $2, $3, round($4::numeric, $5::int), $6, $7, 0, $8, $8, (now() at time zone 'UTC'), (now() at time zone 'UTC'))
     RETURNING id, owner_id, create_uid, name, privacy`,
    [group.name, group.description, group.privacy, group.fee, currency[0].decimal_places ?? 2, currency[0].currency_id, group.ownerId, uid],
  );
  const created = inserted[0]!;
  await events.publish(communityCreatedEvent(created) ? [communityCreatedEvent(created)!] : []);
  return created.id;
}
