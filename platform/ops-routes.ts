import { Router } from 'express';
import type { Registry } from 'prom-client';

/** Something that can say whether one dependency is usable right now. */
export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

const CHECK_TIMEOUT_MS = 2000;

/**
 * Liveness, readiness and Prometheus metrics on the gateway port. `/healthz` says the process
 * answers; `/readyz` says every dependency answers (each check has a deadline, so a hung
 * database makes readiness fail instead of hang).
 */
export function opsRoutes(metrics: Registry, readiness: ReadinessCheck[]): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const results = await Promise.all(
      readiness.map(async ({ name, check }) => {
        try {
          await withDeadline(check(), CHECK_TIMEOUT_MS);
          return { name, ok: true as const };
        } catch (error) {
          return { name, ok: false as const, reason: (error as Error).message };
        }
      }),
    );
    const ready = results.every((r) => r.ok);
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', checks: results });
  });
  router.get('/metrics', async (_req, res) => {
    res.type(metrics.contentType).send(await metrics.metrics());
  });
  return router;
}

function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
