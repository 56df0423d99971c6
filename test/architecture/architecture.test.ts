import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../support/ficus-process.ts';
import { checkArchitecture, formatCycle, formatViolation, type SourceFile } from './check-architecture.ts';
import { projectSources } from './project-sources.ts';

/** Checks an in-memory file set: `{ path: source }`. */
function check(files: Record<string, string>) {
  const report = checkArchitecture(Object.entries(files).map(([path, source]): SourceFile => ({ path, source })));
  return { violations: report.violations.map(formatViolation), rules: report.violations.map((v) => v.rule), cycles: report.cycles };
}

describe('the project keeps DESIGN.md section 3 (layers, front doors, harnesses)', () => {
  const sources = projectSources(PROJECT_ROOT);

  it('reads the whole tree', () => {
    const paths = new Set(sources.map((s) => s.path));
    expect(sources.length).toBeGreaterThan(300);
    for (const known of ['platform/logger.ts', 'cli/ficus.ts', 'odoo-bridge/orm/index.ts', 'services/kit/index.ts', 'bench/drill/run-drill.ts', 'test/support/databases.ts']) {
      expect(paths.has(known), known).toBe(true);
    }
  });

  it('no import breaks a rule (each line: file:line → import (where it lands): the rule)', () => {
    expect(checkArchitecture(sources).violations.map(formatViolation)).toEqual([]);
  });

  it('no import cycles', () => {
    expect(checkArchitecture(sources).cycles.map(formatCycle)).toEqual([]);
  });
});

describe('the checker catches planted violations', () => {
  it('a service importing engine internals or kit internals; the two front doors and its own folder are fine', () => {
    const { violations, rules } = check({
      'services/trade/odoo/methods.ts': [
        `import { updateRecords } from '../../../odoo-bridge/orm/write/update-records.ts';`,
        `import { consumer } from '../../kit/bus/consumer.ts';`,
        `import { defineService } from '../../kit/index.ts';`,
        `import { createFullOrmEngine, type CallContext } from '../../../odoo-bridge/orm/index.ts';`,
        `import { completeOrder } from '../domain/complete-order.ts';`,
        `import schema from '../../../schemas/rest/trade/order.json' with { type: 'json' };`,
      ].join('\n'),
    });
    expect(violations).toEqual([
      `services/trade/odoo/methods.ts:1 → '../../../odoo-bridge/orm/write/update-records.ts' (odoo-bridge/orm/write/update-records.ts): a service imports only services/kit/index.ts and odoo-bridge/orm/index.ts from outside its folder`,
      `services/trade/odoo/methods.ts:2 → '../../kit/bus/consumer.ts' (services/kit/bus/consumer.ts): a service imports only services/kit/index.ts and odoo-bridge/orm/index.ts from outside its folder`,
    ]);
    expect(rules).toHaveLength(2);
  });

  it('a service importing another service, statically or dynamically', () => {
    const { rules } = check({
      'services/trade/domain/order.ts': `import { award } from '../../finance/domain/points.ts';`,
      'services/ops/index.ts': `const ai = await import('../ai/index.ts');`,
    });
    expect(rules).toEqual(['a service never imports another service', 'a service never imports another service']);
  });

  it('upward imports, at every level', () => {
    const { violations } = check({
      'cdc/embedded/reader-process.ts': `import { createLogger } from '../../runtime/logger.ts';`,
      'migration/reconcile/table-plan.ts': `import { isHealthColumn } from '../../runtime/redaction.ts';`,
      'services/kit/db/provision.ts': `import { ensureDatabase } from '../../../runtime/ensure-database.ts';`,
      'services/kit/runner/serve.ts': `import { serviceCatalog } from '../../catalog.ts';`,
      'platform/logger.ts': `import type { Call } from '../odoo-bridge/call.ts';`,
      'runtime/start.ts': `import { program } from '../cli/ficus.ts';`,
    });
    expect(violations).toEqual([
      `cdc/embedded/reader-process.ts:1 → '../../runtime/logger.ts' (runtime/logger.ts): arrows only point down: cdc/ (engine) may not import runtime/ (runtime)`,
      `migration/reconcile/table-plan.ts:1 → '../../runtime/redaction.ts' (runtime/redaction.ts): arrows only point down: migration/ (migration) may not import runtime/ (runtime)`,
      `services/kit/db/provision.ts:1 → '../../../runtime/ensure-database.ts' (runtime/ensure-database.ts): arrows only point down: services/kit/ (kit) may not import runtime/ (runtime)`,
      `services/kit/runner/serve.ts:1 → '../../catalog.ts' (services/catalog.ts): arrows only point down: services/kit/ (kit) may not import services/(catalogue)/ (catalogue)`,
      `platform/logger.ts:1 → '../odoo-bridge/call.ts' (odoo-bridge/call.ts): arrows only point down: platform/ (platform) may not import odoo-bridge/ (engine)`,
      `runtime/start.ts:1 → '../cli/ficus.ts' (cli/ficus.ts): arrows only point down: runtime/ (runtime) may not import cli/ (cli)`,
    ]);
  });

  it('peers of one layer (cdc/ and odoo-bridge/) do not import each other', () => {
    const { rules } = check({ 'cdc/apply/applier.ts': `import { ident } from '../../odoo-bridge/orm/write/write-env.ts';` });
    expect(rules).toEqual(['cdc/ and odoo-bridge/ are peers (engine): neither imports the other']);
  });

  it('the kit reaches odoo-bridge/ only through the ORM front door', () => {
    const { rules } = check({
      'services/kit/runner/serve.ts': `import { listen } from '../../../odoo-bridge/http/http-server.ts';\nimport { coreBehaviours } from '../../../odoo-bridge/orm/index.ts';`,
    });
    expect(rules).toEqual(['services/ reaches odoo-bridge/ only through the ORM front door odoo-bridge/orm/index.ts']);
  });

  it('services are reached only through the catalogue, and the catalogue reads only their definitions', () => {
    const { violations } = check({
      'services/catalog.ts': `import trade from './trade/index.ts';\nimport { grabOrders } from './trade/routes/grab-orders.ts';`,
      'migration/control/service-bindings.ts': `import { createTradeOrmEngine } from '../../services/trade/odoo/engine.ts';`,
      'runtime/embedded-runner.ts': `import { SERVICES } from '../services/catalog.ts';`,
    });
    expect(violations).toEqual([
      `services/catalog.ts:2 → './trade/routes/grab-orders.ts' (services/trade/routes/grab-orders.ts): the catalogue imports only each service's definition, services/<name>/index.ts (not services/trade/routes/grab-orders.ts)`,
      `migration/control/service-bindings.ts:1 → '../../services/trade/odoo/engine.ts' (services/trade/odoo/engine.ts): outside services/, a service is reached only through the catalogue (a file directly in services/)`,
    ]);
  });

  it('a production file importing bench/ or test/, in any form; bench/ importing test/; test/ importing bench/ is fine', () => {
    const { violations } = check({
      'cli/commands/drill.ts': `const { runDrill } = await import('../../bench/drill/run-drill.ts');`,
      'migration/control/freeze-gate.ts': `import { freePort } from '../../test/support/free-port.ts';`,
      'runtime/load.ts': `const worker = new Worker(new URL('../bench/drill/feed-load-worker.mjs', import.meta.url));`,
      'bench/grab.ts': `import { serveForTest } from '../test/services/support/service-app.ts';`,
      'test/migration/control/feed-cutover.db.test.ts': `import { runDrill } from '../../../bench/drill/run-drill.ts';`,
    });
    expect(violations).toEqual([
      `cli/commands/drill.ts:1 → '../../bench/drill/run-drill.ts' (bench/drill/run-drill.ts): production code never imports bench/`,
      `migration/control/freeze-gate.ts:1 → '../../test/support/free-port.ts' (test/support/free-port.ts): production code never imports test/`,
      `runtime/load.ts:1 → '../bench/drill/feed-load-worker.mjs' (bench/drill/feed-load-worker.mjs): production code never imports bench/`,
      `bench/grab.ts:1 → '../test/services/support/service-app.ts' (test/services/support/service-app.ts): bench/ never imports test/ (helpers both use live in bench/support/)`,
    ]);
  });

  it('import cycles, each reported as the path it runs through (a dynamic import closes a cycle too)', () => {
    const { cycles, violations } = check({
      'odoo-bridge/orm/write/create-records.ts': `import { applyX2manyCommands } from './x2many-commands.ts';\nconst { updateRecords } = await import('./update-records.ts');`,
      'odoo-bridge/orm/write/update-records.ts': `import { castOf } from './create-records.ts';`,
      'odoo-bridge/orm/write/x2many-commands.ts': `import { createRecords } from './create-records.ts';`,
      'odoo-bridge/orm/read/display-name.ts': `import { readRecords } from './read-records.ts';`,
      'odoo-bridge/orm/read/read-records.ts': `import type { DisplayNames } from './fields.ts';`,
      'odoo-bridge/orm/read/fields.ts': `export type { X } from './display-name.ts';`,
      'odoo-bridge/orm/read/leaf.ts': `import { readRecords } from './read-records.ts';`,
    });
    expect(violations).toEqual([]);
    expect(cycles.map(formatCycle)).toEqual([
      'import cycle: odoo-bridge/orm/write/create-records.ts → odoo-bridge/orm/write/update-records.ts → odoo-bridge/orm/write/create-records.ts',
      'import cycle: odoo-bridge/orm/write/create-records.ts → odoo-bridge/orm/write/x2many-commands.ts → odoo-bridge/orm/write/create-records.ts',
      'import cycle: odoo-bridge/orm/read/display-name.ts → odoo-bridge/orm/read/read-records.ts → odoo-bridge/orm/read/fields.ts → odoo-bridge/orm/read/display-name.ts',
    ]);
  });

  it('a top-level folder with no place in the layers', () => {
    expect(check({ 'scripts/seed.ts': `import { quoteIdent } from '../platform/quote-ident.ts';` }).violations).toEqual([
      'scripts/seed.ts: top-level folder scripts/ has no place in the layers (test/architecture/layers.ts)',
    ]);
  });

  it('imports written in strings, templates and comments are not imports', () => {
    const { violations } = check({
      'services/trade/domain/notes.ts': [
        `// import { x } from '../../finance/domain/points.ts';`,
        `/* import('../../ai/index.ts') */`,
        "const text = `import { y } from '../../finance/index.ts'`;",
        `const quoted = "import z from '../../../bench/grab.ts'";`,
        `const pattern = /import\\('..\\/..\\/ops\\/index.ts'\\)/;`,
      ].join('\n'),
    });
    expect(violations).toEqual([]);
  });
});
