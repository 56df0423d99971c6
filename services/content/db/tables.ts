import type { Generated } from 'kysely';

/** Legacy timestamps: `timestamp without time zone`, UTC (the monolith's convention). */
type LegacyTimestamp = string | Date;
/** Monetary and other `numeric` columns: pg returns them as strings, to keep every digit. */
type LegacyNumeric = string | number;
type Audit = {
  create_uid: number | null;
  write_uid: number | null;
  create_date: LegacyTimestamp | null;
  write_date: LegacyTimestamp | null;
};

export type ContentType = 'course' | 'article' | 'audio' | 'video';
export type PostState = 'published' | 'hidden' | 'deleted';
export type QuestionState = 'open' | 'answered' | 'closed';

/** The tables of M06, M11 and M12, under their legacy names and columns, the same in svc_content and in the monolith. */
export interface ContentLegacyTables {
  content_tags: Audit & {
    id: Generated<number>;
    /** unique (content_tags_name_uniq). */
    name: string;
  };
  knowledge_contents: Audit & {
    id: Generated<number>;
    author_id: number | null;
    currency_id: number;
    /** count(content_purchases of this content), stored. */
    purchase_count: number | null;
    title: string;
    content_type: ContentType;
    /** fields.Html: sanitised on write. */
    body: string | null;
    price: LegacyNumeric | null;
    published: boolean | null;
    published_at: LegacyTimestamp | null;
  };
  knowledge_content_tag_rel: { content_id: number; tag_id: number };
  content_purchases: Audit & {
    id: Generated<number>;
    content_id: number;
    buyer_id: number;
    currency_id: number;
    /** Defaults to the content's price. */
    amount: LegacyNumeric | null;
    purchased_at: LegacyTimestamp | null;
  };
  community_posts: Audit & {
    id: Generated<number>;
    author_id: number;
    /** hp.community.group (M08, biz). */
    group_id: number | null;
    like_count: number | null;
    title: string;
    state: PostState;
    body: string | null;
  };
  comments: Audit & {
    id: Generated<number>;
    post_id: number;
    author_id: number | null;
    parent_id: number | null;
    body: string | null;
  };
  qa_questions: Audit & {
    id: Generated<number>;
    asker_id: number;
    bounty_points: number | null;
    accepted_answer_id: number | null;
    title: string;
    state: QuestionState;
    body: string | null;
  };
  qa_question_tag_rel: { question_id: number; tag_id: number };
  qa_answers: Audit & {
    id: Generated<number>;
    question_id: number;
    answerer_id: number | null;
    votes: number | null;
    body: string | null;
  };
}

/** Everything svc_content holds that the content service's code queries (own tables join here as they are added). */
export type ContentDatabase = ContentLegacyTables;
