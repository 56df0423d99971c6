import type { EventType } from '../kit/index.ts';

/** What auth publishes: a new member (for the user, ops and dynamic services). It consumes nothing. */
export const AUTH_PUBLISHES = ['user_registered'] as const satisfies readonly EventType[];
