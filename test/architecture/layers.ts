/**
 * DESIGN.md section 3, as data: which folder belongs to which layer. Arrows only point down:
 * a production file imports files of its own unit or of a lower layer, never of a peer unit
 * of its own layer or of a higher one.
 *
 *   rank 0  platform/                   logger, redaction, metrics, HTTP server, database helpers, backoff
 *           schemas/                    JSON Schemas (data every layer may read)
 *   rank 1  cdc/, odoo-bridge/          peers: neither imports the other
 *   rank 2  services/kit/
 *   rank 3  services/<name>/            peers: a service never imports another service
 *   rank 4  services/<file>.ts          the one catalogue of services (e.g. services/catalog.ts)
 *   rank 5  migration/
 *   rank 6  runtime/
 *   rank 7  cli/
 *   rank 8  bin/                        the `ficus` launcher
 *
 * Beside the layers: `bench/` (load and drill harnesses) and `test/` (suites and their
 * helpers). No production file imports either; `test/` may import `bench/`, never the reverse.
 * Files at the top level (vitest.config.ts) are tooling and unchecked.
 */
export type Place =
  | { kind: 'layer'; layer: LayerName; rank: number; unit: string }
  | { kind: 'harness'; unit: 'bench' | 'test' }
  | { kind: 'tooling' }
  | { kind: 'unplaced'; folder: string };

export type LayerName = 'platform' | 'engine' | 'kit' | 'service' | 'catalogue' | 'migration' | 'runtime' | 'cli' | 'launcher';

const TOP_LEVEL: Record<string, { layer: LayerName; rank: number }> = {
  platform: { layer: 'platform', rank: 0 },
  schemas: { layer: 'platform', rank: 0 },
  cdc: { layer: 'engine', rank: 1 },
  'odoo-bridge': { layer: 'engine', rank: 1 },
  migration: { layer: 'migration', rank: 5 },
  runtime: { layer: 'runtime', rank: 6 },
  cli: { layer: 'cli', rank: 7 },
  bin: { layer: 'launcher', rank: 8 },
};

/** The only files of other folders a service may import (SERVICES.md "Through front doors only"). */
export const SERVICE_FRONT_DOORS = ['services/kit/index.ts', 'odoo-bridge/orm/index.ts'] as const;

/** The ORM engine's public entry point: the kit and the services reach odoo-bridge/ only through it. */
export const ORM_FRONT_DOOR = 'odoo-bridge/orm/index.ts';

/** Where a file (path relative to the project root, `/`-separated) sits in the layers. */
export function placeOf(file: string): Place {
  const parts = file.split('/');
  if (parts.length === 1) return { kind: 'tooling' };
  const top = parts[0]!;
  if (top === 'bench' || top === 'test') return { kind: 'harness', unit: top };
  if (top === 'services') {
    if (parts.length === 2) return { kind: 'layer', layer: 'catalogue', rank: 4, unit: 'services/(catalogue)' };
    if (parts[1] === 'kit') return { kind: 'layer', layer: 'kit', rank: 2, unit: 'services/kit' };
    return { kind: 'layer', layer: 'service', rank: 3, unit: `services/${parts[1]}` };
  }
  const entry = TOP_LEVEL[top];
  return entry ? { kind: 'layer', ...entry, unit: top } : { kind: 'unplaced', folder: top };
}
