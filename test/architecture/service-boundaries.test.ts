import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../support/ficus-process.ts';
import { findViolations, serviceSourceFiles } from './service-boundaries.ts';

const servicesDir = path.join(PROJECT_ROOT, 'services');

describe('service boundaries (DESIGN.md section 3)', () => {
  it('no service imports another service', () => {
    expect(findViolations(servicesDir, serviceSourceFiles(servicesDir))).toEqual([]);
  });

  it('the check catches a cross-service import and allows the kit', () => {
    const files = [
      { path: path.join(servicesDir, 'trade/domain/order.ts'), source: `import { award } from '../../finance/domain/points.ts';\nimport { bus } from '../../kit/bus.ts';` },
      { path: path.join(servicesDir, 'ops/index.ts'), source: `const m = await import('../ai/index.ts');` },
    ];
    expect(findViolations(servicesDir, files).map((v) => v.importedService)).toEqual(['finance', 'ai']);
  });
});
