import type { CallFigures } from './call-recorder.ts';
import type { ServiceLoadOptions } from './paced-load.ts';
import type { ReadBackFigures, StaleRead } from './read-backs.ts';

export type { StaleRead };

/** The biz drill load's options and report (biz-load.ts runs it; biz-rest-calls.ts and the checks read them). */
export interface BizLoadOptions extends ServiceLoadOptions {
  /** Operators operator002… (operator001 is also an admin), alternately over XML-RPC and JSON-RPC. */
  operators: number;
}

export const BIZ_CHANNELS = ['xmlrpc', 'jsonrpc', 'rest'] as const;
export type BizChannel = (typeof BIZ_CHANNELS)[number];

export type StreamState = 'scheduled' | 'live' | 'ended';

/** A live stream as the last accepted write left it: what both sides must hold at the end. */
export interface TrackedStream {
  id: number;
  hostId: number;
  title: string;
  /** The key the client sent, or the one the answer showed (REST signs its URLs with one it makes); null when none was sent over RPC. */
  streamKey: string | null;
  state: StreamState;
  viewerPeak: number;
  via: string;
}

/** A community group a coach created in the drill (its members are the drill's only). */
export interface TrackedGroup {
  id: number;
  ownerId: number;
  name: string;
  via: string;
}

export type MembershipState = 'active' | 'left' | 'banned';

/** A membership (hp.community.member) as the last accepted write left it. */
export interface TrackedMembership {
  id: number;
  groupId: number;
  userId: number;
  state: MembershipState;
  via: string;
}

export interface BizLoadReport extends CallFigures<BizChannel>, ReadBackFigures {
  streams: TrackedStream[];
  groups: TrackedGroup[];
  memberships: TrackedMembership[];
  /** Answers the drill asks for on purpose (a stream put live twice, a second join of a group): the addon's error, not a failure. */
  refusals: { method: string; message: string }[];
  /** The REST calls the load made (method and route), whichever routes the service had. */
  restRoutesUsed: string[];
  memberIds: number[];
  coachIds: number[];
}
