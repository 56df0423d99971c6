import type pg from 'pg';
import type { ContentDatabase } from '../../../services/content/db/tables.ts';
import content from '../../../services/content/index.ts';
import type { ModuleOwner } from '../../support/service-rest-stack.ts';
import { odooErrorOf, startServiceSides, type ServiceSides } from '../../support/service-sides.ts';

export { plainMembers, userOfGroup } from './knowledge-sides.ts';
export { odooErrorOf };

/** M11's and M12's tables, and M06's tags the questions name. */
export const COMMUNITY_QA_TABLES = ['content_tags', 'community_posts', 'comments', 'qa_questions', 'qa_question_tag_rel', 'qa_answers'] as const;

/**
 * Both sides of M11's and M12's cut on one pair of databases: content's REST runtime (svc_content
 * after a backfill; `setOwner` says where the rows live), Odoo RPC on each side: `legacyRpc` (the
 * migration runtime's dispatch over the monolith with content's legacy behaviours) and
 * `serviceRpc` (content's own engine over svc_content, as the gateway answers after cutover).
 */
export type CommunitySides = ServiceSides<ContentDatabase>;

export function startCommunitySides(owner: ModuleOwner = 'legacy'): Promise<CommunitySides> {
  return startServiceSides<ContentDatabase>({ definition: content, tables: COMMUNITY_QA_TABLES, owner, engineLegacyPool: true });
}

/** The events of `type` in svc_content's outbox, oldest first (their data). */
export async function outboxData(service: pg.Pool, type: string): Promise<any[]> {
  return (await service.query<{ payload: any }>('SELECT payload FROM outbox WHERE type = $1 ORDER BY seq', [type])).rows.map((r) => r.payload.data);
}

let keys = 0;
/** A fresh Idempotency-Key header. */
export const idem = (): Record<string, string> => ({ 'idempotency-key': `k2-${process.pid}-${(keys += 1)}` });
