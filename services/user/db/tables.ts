import type { Generated } from 'kysely';

/** Legacy timestamps: `timestamp without time zone`, UTC (the monolith's convention). */
type LegacyTimestamp = string | Date;
/** Legacy dates: `date`. */
type LegacyDate = string | Date;

export type HealthRecordType = 'steps' | 'heart_rate' | 'blood_pressure' | 'blood_glucose' | 'weight' | 'sleep_hours';
export type DeviceType = 'watch' | 'band' | 'scale' | 'glucometer' | 'bp_monitor';
export type GoalType = 'steps' | 'weight' | 'sleep' | 'glucose';
export type GoalState = 'active' | 'achieved' | 'abandoned';
export type AssessmentType = 'general' | 'diabetes' | 'cardio' | 'sleep';
export type RiskLevel = 'low' | 'medium' | 'high';

/** M02's tables (hp_personal), under their legacy names and columns, the same in svc_user and in the monolith. */
export interface UserLegacyTables {
  health_records: {
    id: Generated<number>;
    user_id: number;
    device_binding_id: number | null;
    create_uid: number | null;
    write_uid: number | null;
    record_type: HealthRecordType;
    unit: string | null;
    source: 'manual' | 'device' | 'coach' | null;
    note: string | null;
    measured_at: LegacyTimestamp;
    create_date: LegacyTimestamp | null;
    write_date: LegacyTimestamp | null;
    value: number | null;
    value2: number | null;
  };
  device_bindings: {
    id: Generated<number>;
    user_id: number;
    create_uid: number | null;
    write_uid: number | null;
    device_type: DeviceType;
    vendor: string | null;
    serial: string | null;
    active: boolean | null;
    bound_at: LegacyTimestamp | null;
    last_sync_at: LegacyTimestamp | null;
    create_date: LegacyTimestamp | null;
    write_date: LegacyTimestamp | null;
  };
  health_goals: {
    id: Generated<number>;
    user_id: number;
    create_uid: number | null;
    write_uid: number | null;
    goal_type: GoalType;
    state: GoalState;
    start_date: LegacyDate | null;
    end_date: LegacyDate | null;
    create_date: LegacyTimestamp | null;
    write_date: LegacyTimestamp | null;
    target_value: number | null;
    current_value: number | null;
    progress: number | null;
  };
  assessments: {
    id: Generated<number>;
    user_id: number;
    coach_id: number | null;
    score: number | null;
    create_uid: number | null;
    write_uid: number | null;
    assessment_type: AssessmentType;
    risk_level: RiskLevel | null;
    answers: unknown;
    summary: string | null;
    assessed_at: LegacyTimestamp | null;
    create_date: LegacyTimestamp | null;
    write_date: LegacyTimestamp | null;
  };
}

/** Everything svc_user holds that the user service's code queries (own tables join here as they are added). */
export type UserDatabase = UserLegacyTables;
