import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { problems, type PlatformPorts } from '../../kit/index.ts';

/**
 * Request budgets of the public /auth/* endpoints, on top of the login cooldown (which counts
 * failures only): every request spends from its client address's budget, and a login attempt
 * also from the login's, so neither one address nor a botnet aimed at one account gets more.
 * 120 per minute per address leaves room for a carrier NAT's many users; 20 per minute per login
 * is more than any person types. Held in this process's memory: in `ficus start` that is the
 * whole platform (see MIGRATION.md for the distributed case).
 */
export const AUTH_RATE_LIMITS = {
  perAddress: { points: 120, duration: 60 },
  perLogin: { points: 20, duration: 60 },
} as const;

interface Limiters {
  perAddress: RateLimiterMemory;
  perLogin: RateLimiterMemory;
}

// One set per running service (its platform ports), so two Ficus instances in one test process do not share budgets.
const limitersOf = new WeakMap<PlatformPorts, Limiters>();

function limiters(platform: PlatformPorts): Limiters {
  let found = limitersOf.get(platform);
  if (!found) {
    found = {
      perAddress: new RateLimiterMemory({ keyPrefix: 'auth-address', ...AUTH_RATE_LIMITS.perAddress }),
      perLogin: new RateLimiterMemory({ keyPrefix: 'auth-login', ...AUTH_RATE_LIMITS.perLogin }),
    };
    limitersOf.set(platform, found);
  }
  return found;
}

/** Spends one request of the address's budget (and the login's, when given); a 429 with Retry-After when one is spent. */
export async function spendAuthBudget(platform: PlatformPorts, clientAddress: string, login?: string): Promise<void> {
  const { perAddress, perLogin } = limiters(platform);
  try {
    await perAddress.consume(clientAddress);
    if (login !== undefined) await perLogin.consume(login.slice(0, 256));
  } catch (refusal) {
    if (refusal instanceof RateLimiterRes) throw problems.tooManyRequests('too many requests to /auth; wait before trying again', refusal.msBeforeNext / 1000);
    throw refusal;
  }
}
