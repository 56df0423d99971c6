import type pg from 'pg';
import { defineRoute, problems } from '../../kit/index.ts';
import type { AuthDatabase } from '../db/tables.ts';
import { memberRegistrar, RegistrationRefused, type MemberRegistrar, type RegistrationInput } from '../domain/register-member.ts';
import { monolith } from './monolith.ts';
import { spendAuthBudget } from './rate-limits.ts';

const registrars = new WeakMap<pg.Pool, MemberRegistrar>();

function registrarFor(pool: pg.Pool): MemberRegistrar {
  let registrar = registrars.get(pool);
  if (!registrar) {
    registrar = memberRegistrar(pool);
    registrars.set(pool, registrar);
  }
  return registrar;
}

/**
 * POST /auth/register: a new platform member, created in the monolith exactly as Odoo's
 * res.users.create creates one (so XML-RPC, JSON-RPC and the web login accept them at once,
 * through Ficus and through Odoo), announced as `user_registered`. The answer's Location is the
 * member's permissions, readable with the token of their first login.
 */
export const register = defineRoute<AuthDatabase, RegistrationInput>({
  method: 'post',
  path: '/auth/register',
  summary: 'Register a platform member (res.users + res.partner, group Member) who can then sign in on every protocol',
  auth: 'public',
  body: 'rest/auth/register.json',
  responses: { 201: 'rest/auth/registered.json' },
  idempotency: 'optional',
  async handler(ctx) {
    await spendAuthBudget(ctx.platform, ctx.clientAddress);
    let member;
    try {
      member = await registrarFor(monolith(ctx.legacyPool)).register(ctx.body);
    } catch (error) {
      if (error instanceof RegistrationRefused) {
        throw error.reason === 'login_taken'
          ? problems.conflict(error.message, 'https://ficus.dev/problems/login-taken')
          : problems.unprocessable(error.message, `https://ficus.dev/problems/${error.reason.replace(/_/g, '-')}`);
      }
      throw error;
    }
    await ctx.bus.publish(ctx.db, {
      type: 'user_registered',
      subject: `res.users/${member.userId}`,
      data: { userId: member.userId, partnerId: member.partnerId, userType: 'member', registeredAt: new Date().toISOString() },
    });
    ctx.log.info({ uid: member.userId }, 'member registered');
    return {
      status: 201,
      body: { id: member.userId, login: member.login, partnerId: member.partnerId },
      headers: { location: `/users/${member.userId}/permissions` },
    };
  },
});
