import type { PlanReport, StatusReport, StepResult } from './controller.ts';

const mark = (ok: boolean) => (ok ? 'ok  ' : 'FAIL');

/** `ficus migrate status` for a terminal. */
export function renderStatus(s: StatusReport): string {
  const lines: string[] = [];
  const p = s.phase;
  lines.push(`${s.module} ${s.title} → service ${s.service}`);
  lines.push(`  phase: ${p.phase}${p.phase === 'canary' ? ` (${p.canaryPercent} % of users)` : ''}${p.freeze ? `, writes FROZEN until ${p.freeze.until.toISOString()}` : ''}`);
  for (const note of s.recovered) lines.push(`  recovered: ${note}`);
  lines.push('  sync:');
  for (const g of [s.sync.backfill, s.sync.forwardLag, s.sync.reverseLag]) lines.push(`    ${mark(g.ok)} ${g.gate}: ${g.detail}`);
  if (s.sync.pendingCommands !== null) lines.push(`    legacy writes waiting as commands: ${s.sync.pendingCommands}`);
  lines.push('  shadow (model.method: matched / unmatched / failed):');
  if (!s.shadow.length) lines.push('    no comparisons yet');
  for (const row of s.shadow) {
    const total = row.matched + row.unmatched + row.failed;
    lines.push(`    ${row.call}: ${row.matched} / ${row.unmatched} / ${row.failed}  (${total ? ((100 * row.matched) / total).toFixed(2) : '0.00'} % matched)`);
    if (row.lastDiff && (row.unmatched || row.failed)) lines.push(`      last difference ${row.lastDiffAt?.toISOString() ?? ''}: ${JSON.stringify((row.lastDiff as { differences?: unknown }).differences ?? row.lastDiff)}`);
  }
  lines.push('  cutovers and rollbacks (latest first):');
  if (!s.cutovers.length) lines.push('    none');
  for (const c of s.cutovers) {
    lines.push(`    #${c.id} ${c.kind} ${c.from} → ${c.to}: ${c.state}${c.freezeMs !== null ? `, writes held ${c.freezeMs} ms` : ''}`);
    if (c.outcome) lines.push(`      ${c.outcome}`);
    lines.push(`      steps: ${c.steps.map((x) => x.step).join(' → ')}`);
  }
  lines.push('  transitions (latest first):');
  for (const t of s.transitions) {
    lines.push(`    ${t.at.toISOString()} ${t.step}: ${t.from} → ${t.to}${t.canaryPercent ? ` ${t.canaryPercent} %` : ''} by ${t.actor}${t.forced ? ' FORCED' : ''}${t.reason ? ` — "${t.reason}"` : ''}`);
  }
  return lines.join('\n') + '\n';
}

export function renderStep(r: StepResult): string {
  const lines = [r.message];
  for (const g of r.gates) lines.push(`  ${mark(g.ok)} ${g.gate}: ${g.detail}`);
  if (r.cutover) lines.push(`  steps: ${r.cutover.steps.join(' → ')}`);
  return lines.join('\n') + '\n';
}

export function renderPlan(p: PlanReport): string {
  const lines = [`${p.module} (${p.technicalName}) → service ${p.service}`, '  models → tables:'];
  for (const m of p.models) lines.push(`    ${m.model} → ${m.table}`);
  lines.push(`  tables: ${p.tables.join(', ')}`);
  lines.push('  references out of the module:', ...(p.referencesOut.length ? p.referencesOut.map((r) => `    ${r}`) : ['    none']));
  lines.push('  references into the module:', ...(p.referencesIn.length ? p.referencesIn.map((r) => `    ${r}`) : ['    none']));
  lines.push('  legacy business methods:', ...p.businessMethods.map((m) => `    ${m.provided ? 'provided' : 'MISSING '} ${m.method}`));
  return lines.join('\n') + '\n';
}
