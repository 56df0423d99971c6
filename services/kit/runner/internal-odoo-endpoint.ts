import express, { Router } from 'express';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { OdooError } from '../../../odoo-bridge/errors.ts';
import { asOdooError } from '../../../odoo-bridge/http/odoo-json-errors.ts';
import type { ModelCaller } from '../../../odoo-bridge/orm/index.ts';
import { decodeCall, encodeAnswer } from '../../../odoo-bridge/routing/remote-call-codec.ts';
import type { CallHandler } from '../../../odoo-bridge/call.ts';
import { INTERNAL_SIGNATURE_HEADER, MIN_INTERNAL_SECRET_LENGTH, verifyInternalRequest } from '../http/internal-signature.ts';
import { KitConfigError } from '../config.ts';
import { createServiceEngine, hasOdooFace } from '../odoo/service-face.ts';
import type { ServiceDefinition } from '../define-service.ts';

/** Where the gateway posts the Odoo calls of this service's modules (distributed mode). */
export const INTERNAL_ODOO_CALL_PATH = '/internal/odoo/call';

/** Largest call body accepted (an import's rows, a write of a large binary). */
const BODY_LIMIT = '64mb';

/** The settings of the internal endpoint, read like the kit's others (services/kit/config.ts). */
export interface InternalCallSettings {
  /** FICUS_INTERNAL_SECRET: shared by the gateway and every service process; unset turns the endpoint off. */
  secret: string | undefined;
  /** FICUS_ODOO_DB: the database name Odoo clients use; the only one this endpoint answers for. */
  odooDatabaseName: string;
}

export function loadInternalCallSettings(env: NodeJS.ProcessEnv = process.env): InternalCallSettings {
  const secret = env.FICUS_INTERNAL_SECRET || undefined;
  if (secret !== undefined && secret.length < MIN_INTERNAL_SECRET_LENGTH) {
    throw new KitConfigError('FICUS_INTERNAL_SECRET', `is ${secret.length} characters; use at least ${MIN_INTERNAL_SECRET_LENGTH} random ones (e.g. \`openssl rand -hex 32\`)`);
  }
  return { secret, odooDatabaseName: env.FICUS_ODOO_DB || 'hp_legacy' };
}

export interface InternalOdooEndpointOptions {
  service: ServiceDefinition<any>;
  settings: InternalCallSettings & { secret: string };
  pool: pg.Pool;
  legacyPool?: pg.Pool;
  logger: Logger;
  metrics: Registry;
  /** Other modules' models, as a behaviour of this service reaches them (the gateway's dispatch); absent: such behaviours refuse. */
  callModel?: ModelCaller;
}

/**
 * The service process's half of remote routing: the same ORM-engine call the gateway runs in
 * embedded mode (createServiceEngine over this service's database, its behaviours and record
 * rules), for a call the gateway signed. The uid is the one the gateway authenticated; anything
 * unsigned or signed with another secret is refused before it is parsed. Odoo exceptions travel
 * back as such (the gateway answers them in the client's protocol).
 */
export function internalOdooEndpoint(options: InternalOdooEndpointOptions): Router | undefined {
  const { service, settings, logger } = options;
  if (!hasOdooFace(service)) return undefined;
  const engine = createServiceEngine(service, {
    name: settings.odooDatabaseName, pool: options.pool, logger, metrics: options.metrics,
    ...(options.legacyPool ? { legacyPool: options.legacyPool } : {}), ...(options.callModel ? { callModel: options.callModel } : {}),
  });
  const router = Router();
  router.post(INTERNAL_ODOO_CALL_PATH, express.raw({ type: () => true, limit: BODY_LIMIT }), (req, res) => {
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (!verifyInternalRequest(settings.secret, req.get(INTERNAL_SIGNATURE_HEADER), 'POST', INTERNAL_ODOO_CALL_PATH, body)) {
      logger.warn({ address: req.socket.remoteAddress }, 'internal Odoo call refused: missing or wrong signature');
      res.status(401).json({ refused: 'signature' });
      return;
    }
    void answer(engine.call, settings.odooDatabaseName, body, logger).then(
      (text) => res.status(200).type('application/json').send(text),
      () => res.status(500).json({ failed: true }),
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
    // What the gateway would make of it in embedded mode: an Odoo exception as such, anything else
    // logged here under a reference and answered as a generic server error carrying only that.
    return encodeAnswer({ error: asOdooError(error, logger.child({ model: request.model, method: request.method })) });
  }
}
