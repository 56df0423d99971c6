import type { CallFigures } from './call-recorder.ts';
import type { ServiceLoadOptions } from './paced-load.ts';
import type { ReadBackFigures, StaleRead } from './read-backs.ts';

export type { StaleRead };

/** The content drill load's options and report (content-load.ts runs it; content-rest-calls.ts and the checks read them). */
export type ContentLoadOptions = ServiceLoadOptions;

export const CONTENT_CHANNELS = ['xmlrpc', 'jsonrpc', 'rest'] as const;
export type ContentChannel = (typeof CONTENT_CHANNELS)[number];

/** A tag a coach created (M06: hp.content.tag), named by the run. */
export interface TrackedTag {
  id: number;
  name: string;
  via: string;
}

/** A knowledge content (M06) as the last accepted write left it; purchases are its buyers, one each. */
export interface TrackedContent {
  id: number;
  authorId: number;
  title: string;
  contentType: 'course' | 'article';
  /** Whole yuan: the purchase's amount defaults to it. */
  price: number;
  published: boolean;
  tagIds: number[];
  buyers: number[];
  via: string;
}

/** A purchase (M06: hp.content.purchase) a buyer was answered, once per (content, buyer). */
export interface TrackedPurchase {
  id: number;
  contentId: number;
  buyerId: number;
  /** Cents: the content's price when it was bought. */
  amountCents: number;
  via: string;
}

/** A community group a coach created on M08 (biz's, legacy in this drill): posts point at it across the cut. */
export interface TrackedGroup {
  id: number;
  name: string;
}

/** A community post (M11) as the last accepted write left it. */
export interface TrackedPost {
  id: number;
  authorId: number;
  title: string;
  groupId: number | null;
  state: 'published' | 'hidden';
  likes: number;
  via: string;
}

/** A comment (M11) on a drill post, perhaps a reply to another. */
export interface TrackedComment {
  id: number;
  postId: number;
  authorId: number;
  parentId: number | null;
  body: string;
  via: string;
}

/** A question (M12) with tags (M06's: the link across the cut), as the last accepted write left it. */
export interface TrackedQuestion {
  id: number;
  askerId: number;
  title: string;
  tagIds: number[];
  state: 'open' | 'answered' | 'closed';
  acceptedAnswerId: number | null;
  via: string;
}

/** An answer (M12) with the votes it was given. */
export interface TrackedAnswer {
  id: number;
  questionId: number;
  answererId: number;
  votes: number;
  via: string;
}

export interface ContentLoadReport extends CallFigures<ContentChannel>, ReadBackFigures {
  tags: TrackedTag[];
  contents: TrackedContent[];
  purchases: TrackedPurchase[];
  groups: TrackedGroup[];
  posts: TrackedPost[];
  comments: TrackedComment[];
  questions: TrackedQuestion[];
  answers: TrackedAnswer[];
  /** Reads of a stored count right after a write changed it (a content's purchase_count, a post's like_count, an answer's votes). */
  countReads: number;
  /** Answers the drill asks for on purpose (a content published twice, a purchase made twice, an answer accepted on a closed question): the addons' errors, not failures. */
  refusals: { method: string; message: string }[];
  restRoutesUsed: string[];
  /** The run's tag: the drill's tags, titles and bodies carry it. */
  runTag: string;
  memberIds: number[];
  coachIds: number[];
}
