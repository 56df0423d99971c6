import type pg from 'pg';
import { startHealthDataStack, type HealthDataStack, type UserOwner } from './health-data-stack.ts';

export { USER_TABLES, type UserOwner } from './health-data-stack.ts';

/** The user service's REST stack (health-data-stack.ts) with M02's owner fixed for the whole file, and the database holding its rows. */
export interface DeviceRestStack extends Omit<HealthDataStack, 'home' | 'setOwner'> {
  /** The database holding M02's rows now. */
  home: pg.Pool;
}

export async function startDeviceRestStack(options: { owner: UserOwner }): Promise<DeviceRestStack> {
  const stack = await startHealthDataStack(options);
  return { ...stack, home: stack.home(options.owner) };
}

// Users of the legacy database (its README): members 6…245, coaches 246…285, operator 302, admin 2.
export const MEMBER = 6;
export const OTHER_MEMBER = 7;
export const COACH = 246;
export const OPERATOR = 302;
export const ADMIN = 2;
