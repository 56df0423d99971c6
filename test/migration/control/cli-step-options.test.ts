import { afterEach, describe, expect, it } from 'vitest';
import { stepOptionsOf } from '../../../cli/commands/migrate.ts';

describe('ficus migrate step options', () => {
  const before = process.env.FICUS_FREEZE_GRACE_MS;
  afterEach(() => {
    if (before === undefined) delete process.env.FICUS_FREEZE_GRACE_MS;
    else process.env.FICUS_FREEZE_GRACE_MS = before;
  });

  it("hold the service's REST writes with the freeze grace the gateways read (FICUS_FREEZE_GRACE_MS)", () => {
    process.env.FICUS_FREEZE_GRACE_MS = '900';
    expect(stepOptionsOf({}).freezeGraceMs).toBe(900);
    delete process.env.FICUS_FREEZE_GRACE_MS;
    expect(stepOptionsOf({}).freezeGraceMs).toBe(250);
  });

  it('carry the gate thresholds, force and reason as given', () => {
    const options = stepOptionsOf({ force: true, reason: 'drill', minMatchRate: 0.99, actor: 'ops' });
    expect(options).toMatchObject({ force: true, reason: 'drill', actor: 'ops', thresholds: { minMatchRate: 0.99 } });
  });
});
