import { AiRefused } from './generation-refusal.ts';
import type { HealthReading } from './series-readings.ts';

/**
 * Whose health data a caller may have analysed, and how it is read: always where it lives (the
 * user service's hp.health.record, M02) and always AS THE CALLER, so the record rules of that
 * module decide what comes back. The ai service adds one rule of its own on top: a coach gets
 * the analysis of a member only while serving them (a service order of that member assigned to
 * the coach, read as the coach), though hp_personal lets coaches read every health record.
 * Everyone else (another member, a coach serving nobody by that name) is refused before any read.
 */
export type ReaderRelation = 'self' | 'operator' | 'coach';

/** What the ai service asks of the modules that own a member's data, on behalf of one caller. */
export interface MemberDataPorts {
  /** hp.health.record rows of `memberId` measured in [from, to), read as `uid` (its record rules apply). */
  healthRecords(uid: number, memberId: number, from: Date, to: Date): Promise<HealthReading[]>;
  /** Whether a service order of `memberId` is assigned to `coachId` (assigned, in service or completed), read as the coach. */
  coachServes(coachId: number, memberId: number): Promise<boolean>;
}

export interface Caller {
  uid: number;
  isOperator: boolean;
  isCoach: boolean;
}

export const SERVED_ORDER_STATES = ['assigned', 'in_service', 'completed'] as const;

export async function readerRelation(caller: Caller, memberId: number, ports: Pick<MemberDataPorts, 'coachServes'>): Promise<ReaderRelation> {
  if (caller.uid === memberId) return 'self';
  if (caller.isOperator) return 'operator';
  if (caller.isCoach && (await ports.coachServes(caller.uid, memberId))) return 'coach';
  throw new AiRefused('access', caller.isCoach
    ? `Coach ${caller.uid} serves no order of member ${memberId}: their health data is not analysed for this coach.`
    : `Only the member, a coach serving them or an operator may have member ${memberId}'s health data analysed.`);
}

/**
 * The member's readings as the caller's read returned them, keeping only the member's own rows:
 * the read already asks for user_id = member, so anything else would be a fault in a port; it is
 * dropped, never analysed.
 */
export async function memberReadings(ports: MemberDataPorts, uid: number, memberId: number, from: Date, to: Date): Promise<HealthReading[]> {
  const rows = await ports.healthRecords(uid, memberId, from, to);
  return rows.filter((r) => r.userId === memberId);
}
