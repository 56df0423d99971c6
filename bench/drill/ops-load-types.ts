import type { CallFigures } from './call-recorder.ts';
import type { ServiceLoadOptions } from './paced-load.ts';
import type { ReadBackFigures, StaleRead } from './read-backs.ts';

export type { StaleRead };

/** The ops drill load's options and report (ops-load.ts runs it; ops-rest-calls.ts and the checks read them). */
export interface OpsLoadOptions extends ServiceLoadOptions {
  /** Operators operator002… (operator001 is also an admin), alternately over XML-RPC and JSON-RPC. */
  operators: number;
}

export const OPS_CHANNELS = ['xmlrpc', 'jsonrpc', 'rest'] as const;
export type OpsChannel = (typeof OPS_CHANNELS)[number];

/** A rating a client was told it created: once, with these values, on both sides; its coach's stored average counts it. */
export interface TrackedRating {
  id: number;
  coachId: number;
  raterId: number;
  score: number;
  /** When the create was answered (epoch ms): a scan started later must alert it if a rule matches it. */
  answeredAt: number;
  via: string;
}

/** A notification as the last accepted write left it. */
export interface TrackedNotification {
  id: number;
  userId: number;
  title: string;
  isRead: boolean;
  via: string;
}

export type OperationState = 'draft' | 'scheduled' | 'done' | 'cancelled';

/** An operation as the last accepted write left it. */
export interface TrackedOperation {
  id: number;
  operatorId: number;
  name: string;
  state: OperationState;
  via: string;
}

/**
 * A risk rule the drill created on hp.rating: `[('coach_id', '=', coachId), ('score', '<=', maxScore)]`.
 * Its scans' answers (alerts created) and when the last one answered started.
 */
export interface TrackedRule {
  id: number;
  code: string;
  coachId: number;
  maxScore: number;
  scans: number[];
  lastScanStartedAt: number | null;
  via: string;
}

export type AlertState = 'open' | 'investigating' | 'resolved' | 'false_positive';

/** An alert an operator acted on, as its last accepted action left it. */
export interface TrackedAlert {
  id: number;
  ruleId: number;
  state: AlertState;
  via: string;
}

export interface OpsLoadReport extends CallFigures<OpsChannel>, ReadBackFigures {
  ratings: TrackedRating[];
  notifications: TrackedNotification[];
  operations: TrackedOperation[];
  rules: TrackedRule[];
  alerts: TrackedAlert[];
  /** Each drill coach's ratings before the load (count and sum of scores): what the stored average starts from. */
  coachRatingsBefore: Record<string, { n: number; sum: number }>;
  /** Reads of a coach's coach_rating_avg right after a rating of theirs was answered, and those that did not show it. */
  averageReads: number;
  /** Answers the drill asks for on purpose (an operation done twice, cancelled once done): the addon's UserError, not a failure. */
  refusals: { method: string; message: string }[];
  /** The REST calls the load made (method and route), whichever routes the service had. */
  restRoutesUsed: string[];
  memberIds: number[];
  coachIds: number[];
  operatorIds: number[];
}
