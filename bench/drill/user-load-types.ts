import type { CallFigures } from './call-recorder.ts';
import type { ServiceLoadOptions } from './paced-load.ts';
import type { ReadBackFigures, StaleRead } from './read-backs.ts';

export type { StaleRead };

/** The M02 drill load's options and report (user-load.ts runs it; user-rest-calls.ts and the checks read them). */
export type UserLoadOptions = ServiceLoadOptions;

export const CHANNELS = ['xmlrpc', 'jsonrpc', 'rest'] as const;
export type UserChannel = (typeof CHANNELS)[number];

/** A health record a client was told it created: it must exist once, with these values, on both sides. */
export interface CreatedRecord {
  id: number;
  userId: number;
  recordType: string;
  value: number;
  value2: number | null;
  deviceBindingId: number | null;
  via: string;
}

/** A goal as the last accepted write left it: what both sides must hold at the end. */
export interface TrackedGoal {
  id: number;
  userId: number;
  goalType: string;
  target: number;
  current: number;
  state: 'active' | 'achieved' | 'abandoned';
  via: string;
}

export interface TrackedBinding {
  id: number;
  userId: number;
  deviceType: string;
  serial: string;
  active: boolean;
  via: string;
}

export interface TrackedAssessment {
  id: number;
  userId: number;
  coachId: number;
  score: number;
  via: string;
}

/** A reading a device sync stored (binding + record type + second is its natural key): exactly one row on each side. */
export interface SyncedReading {
  userId: number;
  bindingId: number;
  recordType: string;
  /** Odoo's UTC text, to the second. */
  measuredAt: string;
  value: number;
}

export interface UserLoadReport extends CallFigures<UserChannel>, ReadBackFigures {
  records: CreatedRecord[];
  syncedReadings: SyncedReading[];
  goals: TrackedGoal[];
  bindings: TrackedBinding[];
  assessments: TrackedAssessment[];
  /** Answers the drill asks for on purpose (progress on a goal no longer active): the addon's UserError, not a failure. */
  refusals: { method: string; message: string }[];
  /** The REST calls the load made (method and route), whichever routes the service had. */
  restRoutesUsed: string[];
  memberIds: number[];
  coachIds: number[];
}
