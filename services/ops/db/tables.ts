import type { Generated } from 'kysely';

/** Legacy timestamps: `timestamp without time zone`, UTC (the monolith's convention). */
type LegacyTimestamp = string | Date;
/** Legacy dates: `date`. */
type LegacyDate = string | Date;
type Audit = {
  create_uid: number | null;
  write_uid: number | null;
  create_date: LegacyTimestamp | null;
  write_date: LegacyTimestamp | null;
};

export type CertificationLevel = 'junior' | 'senior' | 'expert';
export type CertificationState = 'valid' | 'expired' | 'revoked';
export type OperationType = 'banner' | 'campaign' | 'announcement' | 'review';
export type OperationState = 'draft' | 'scheduled' | 'done' | 'cancelled';
export type NotificationChannel = 'app' | 'sms' | 'email';
export type RiskSeverity = 'low' | 'medium' | 'high';
export type RiskAlertState = 'open' | 'investigating' | 'resolved' | 'false_positive';

/** The tables of M05, M17 and M18, under their legacy names and columns, the same in svc_ops and in the monolith. */
export interface OpsLegacyTables {
  ratings: Audit & {
    id: Generated<number>;
    coach_id: number;
    order_id: number | null;
    rater_id: number | null;
    /** 1 … 5 (CHECK ratings_score_range). */
    score: number;
    comment: string | null;
  };
  certifications: Audit & {
    id: Generated<number>;
    coach_id: number;
    level: CertificationLevel;
    state: CertificationState;
    certified_on: LegacyDate | null;
    expires_on: LegacyDate | null;
  };
  operations: Audit & {
    id: Generated<number>;
    operator_id: number | null;
    name: string;
    operation_type: OperationType;
    target: string | null;
    state: OperationState;
    scheduled_at: LegacyTimestamp | null;
  };
  notifications: Audit & {
    id: Generated<number>;
    user_id: number;
    channel: NotificationChannel;
    title: string;
    body: string | null;
    is_read: boolean | null;
    sent_at: LegacyTimestamp | null;
  };
  risk_rules: Audit & {
    id: Generated<number>;
    name: string;
    code: string;
    /** The Odoo model the rule watches, e.g. 'hp.payment'. */
    model_name: string;
    severity: RiskSeverity;
    /** An Odoo domain as Python literal text, e.g. "[('amount', '>', 5000)]". */
    condition: string | null;
    active: boolean | null;
  };
  risk_alerts: Audit & {
    id: Generated<number>;
    rule_id: number | null;
    user_id: number | null;
    res_model: string | null;
    res_id: number | null;
    severity: RiskSeverity;
    state: RiskAlertState;
    detected_at: LegacyTimestamp | null;
  };
  audit_logs: Audit & {
    id: Generated<number>;
    user_id: number | null;
    action: string;
    res_model: string | null;
    res_id: number | null;
    ip: string | null;
    at: LegacyTimestamp | null;
    details: unknown;
  };
}

/** Everything svc_ops holds that the ops service's code queries (own tables join here as they are added). */
export type OpsDatabase = OpsLegacyTables & OpsCoachRatingTables;

/** Migration 0002: what completed services change in ops (domain/coach-rating-completions.ts), svc_ops only. */
export interface OpsCoachRatingTables {
  coach_rating_stats: {
    coach_id: number;
    completed_services: Generated<number>;
    ratings_count: Generated<number>;
    ratings_sum: Generated<number>;
    rating_avg: Generated<string>;
    last_completed_at: Date | null;
    updated_at: Generated<Date>;
  };
  coach_rating_completions: {
    order_id: number;
    coach_id: number;
    event_id: string;
    completed_at: Date;
    recorded_at: Generated<Date>;
  };
}
