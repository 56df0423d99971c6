import express, { Router } from 'express';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { asOdooError, decodeAnswer, decodeCall, encodeAnswer, encodeCall, OdooError, type CallHandler, type ModelCaller } from '../../../odoo-bridge/orm/index.ts';
import { INTERNAL_SIGNATURE_HEADER, MIN_INTERNAL_SECRET_LENGTH, signInternalRequest, verifyInternalRequest } from '../http/internal-signature.ts';
import { KitConfigError } from '../config.ts';
import type { AccessChangeFeed } from '../access/access-change-feed.ts';
import { createServiceEngine, hasOdooFace } from '../odoo/service-face.ts';
import type { ServiceDefinition } from '../define-service.ts';

/** Where a process answers Odoo calls signed by another Ficus process (a service: the gateway's; the gateway: a service's behaviours'). */
export const INTERNAL_ODOO_CALL_PATH = '/internal/odoo/call';

/** Largest call body accepted (an import's rows, a write of a large binary). */
const BODY_LIMIT = '64mb';

/** The settings of internal calls, read like the kit's others (services/kit/config.ts). */
export interface InternalCallSettings {
  /** FICUS_INTERNAL_SECRET: shared by the gateway and every service process; unset turns the endpoint off. */
  secret: string | undefined;
  /** FICUS_ODOO_DB: the database name Odoo clients use; the only one this endpoint answers for. */
  odooDatabaseName: string;
  /** FICUS_GATEWAY_URL: where a service's behaviours reach other modules' models (the gateway's dispatch); unset: such behaviours refuse. */
  gatewayUrl: string | undefined;
}

export function loadInternalCallSettings(env: NodeJS.ProcessEnv = process.env): InternalCallSettings {
  const secret = env.FICUS_INTERNAL_SECRET || undefined;
  if (secret !== undefined && secret.length < MIN_INTERNAL_SECRET_LENGTH) {
    throw new KitConfigError('FICUS_INTERNAL_SECRET', `is ${secret.length} characters; use at least ${MIN_INTERNAL_SECRET_LENGTH} random ones (e.g. \`openssl rand -hex 32\`)`);
  }
  const gatewayUrl = env.FICUS_GATEWAY_URL || undefined;
  if (gatewayUrl !== undefined) {
    try {
      new URL(gatewayUrl);
    } catch {
      throw new KitConfigError('FICUS_GATEWAY_URL', `${JSON.stringify(gatewayUrl)} is not a URL`);
    }
    if (!secret) throw new KitConfigError('FICUS_INTERNAL_SECRET', 'FICUS_GATEWAY_URL needs the secret the gateway checks calls with');
  }
  return { secret, odooDatabaseName: env.FICUS_ODOO_DB || 'hp_legacy', gatewayUrl };
}

/**
 * Answers Odoo calls another Ficus process signed (services/kit/http/internal-signature.ts): the
 * uid inside the signed body is the one the caller authenticated; anything unsigned or signed with
 * another secret is refused before it is parsed. Odoo exceptions travel back as such (the caller
 * answers them in its client's protocol); anything else is logged here under a reference and
 * answered as the generic server error the gateway would give in embedded mode.
 */
export function signedOdooCallRouter(options: { secret: string; odooDatabaseName: string; call: CallHandler; logger: Logger }): Router {
  const { secret, odooDatabaseName, logger } = options;
  const router = Router();
  router.post(INTERNAL_ODOO_CALL_PATH, express.raw({ type: () => true, limit: BODY_LIMIT }), (req, res) => {
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (!verifyInternalRequest(secret, req.get(INTERNAL_SIGNATURE_HEADER), 'POST', INTERNAL_ODOO_CALL_PATH, body)) {
      logger.warn({ address: req.socket.remoteAddress }, 'internal Odoo call refused: missing or wrong signature');
      res.status(401).json({ refused: 'signature' });
      return;
    }
    void answer(options.call, odooDatabaseName, body, logger).then(
      (text) => res.status(200).type('application/json').send(text),
      () => res.status(400).json({ refused: 'not an Odoo call' }),
    );
  });
  return router;
}

async function answer(call: CallHandler, database: string, body: Buffer, logger: Logger): Promise<string> {
  let request;
  try {
    request = decodeCall(JSON.parse(body.toString('utf8')));
  } catch (error) {
    logger.error({ err: error }, 'internal Odoo call could not be read');
    throw error;
  }
  if (request.database !== database) {
    return encodeAnswer({ error: new OdooError('odoo.exceptions.AccessDenied', `database ${JSON.stringify(request.database)} is not served here`) });
  }
  try {
    return encodeAnswer({ result: await call(request) });
  } catch (error) {
    return encodeAnswer({ error: asOdooError(error, logger.child({ model: request.model, method: request.method })) });
  }
}

export interface InternalOdooEndpointOptions {
  service: ServiceDefinition<any>;
  settings: InternalCallSettings & { secret: string };
  pool: pg.Pool;
  legacyPool?: pg.Pool;
  /** The service database's access-change feed (the runtime's): the engine's access caches follow it as the gateway's do. */
  accessChanges?: AccessChangeFeed;
  logger: Logger;
  metrics: Registry;
}

/**
 * The service process's half of remote routing (distributed mode): the same ORM-engine call the
 * gateway runs in embedded mode (createServiceEngine over this service's database, its behaviours
 * and record rules), for calls the gateway signed. A behaviour reaching another module's model
 * (finance's hp.payment.action_succeed marks the paid order paid) goes back to the gateway's
 * dispatch, signed the same way, when FICUS_GATEWAY_URL is set.
 */
export function internalOdooEndpoint(options: InternalOdooEndpointOptions): Router | undefined {
  const { service, settings, logger } = options;
  if (!hasOdooFace(service)) return undefined;
  const callModel = settings.gatewayUrl ? gatewayModelCaller(settings.gatewayUrl, settings.secret, settings.odooDatabaseName) : undefined;
  const engine = createServiceEngine(service, {
    name: settings.odooDatabaseName, pool: options.pool, logger, metrics: options.metrics,
    ...(options.legacyPool ? { legacyPool: options.legacyPool } : {}), ...(callModel ? { callModel } : {}),
    ...(options.accessChanges ? { accessChanges: options.accessChanges } : {}),
  });
  return signedOdooCallRouter({ secret: settings.secret, odooDatabaseName: settings.odooDatabaseName, call: engine.call, logger });
}

/** How long a behaviour's call to the gateway may take. */
const GATEWAY_CALL_TIMEOUT_MS = 30_000;

/**
 * A behaviour's way to other modules' models from a service process: the call, signed, to the
 * gateway's internal endpoint, which runs it through its phase-aware dispatch as it runs a
 * behaviour's call in embedded mode. Not resent: the gateway's dispatch has its own retry rules.
 */
export function gatewayModelCaller(gatewayUrl: string, secret: string, database: string): ModelCaller {
  const url = new URL(INTERNAL_ODOO_CALL_PATH, gatewayUrl).toString();
  return async (ctx, model, method, args, kwargs = {}) => {
    const body = encodeCall({ database, uid: ctx.uid, model, method, args, kwargs: { ...kwargs, context: ctx.context } });
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST', body, signal: AbortSignal.timeout(GATEWAY_CALL_TIMEOUT_MS),
        headers: { 'content-type': 'application/json', [INTERNAL_SIGNATURE_HEADER]: signInternalRequest(secret, 'POST', INTERNAL_ODOO_CALL_PATH, body) },
      });
    } catch {
      throw new OdooError('werkzeug.exceptions.ServiceUnavailable', `503 Service Unavailable: ${model}.${method} could not be reached through the gateway. Please try again later.`);
    }
    if (response.status !== 200) throw new Error(`the gateway answered ${response.status} to an internal Odoo call (${response.status === 401 ? 'FICUS_INTERNAL_SECRET differs' : 'see its log'})`);
    return decodeAnswer(await response.text());
  };
}
