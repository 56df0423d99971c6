import type { PlanReport, StatusReport, StepResult } from './controller.ts';
import { describeClasses, describeSample, describeUnexplained } from './shadow/shadow-summary.ts';
import { UNEXPLAINED_CLASSES } from './shadow/shadow-stats.ts';
import { syncExpected, type ModuleOverview } from './status-overview.ts';

const mark = (ok: boolean) => (ok ? 'ok  ' : 'FAIL');

/** `ficus migrate status` without a module: one line per module of the monolith. */
export function renderOverview(rows: readonly ModuleOverview[]): string {
  const header = ['code', 'addon', 'service', 'phase', 'sync', 'shadow match', 'last transition'];
  const cells = rows.map((r) => [
    r.code,
    r.addon,
    r.serviceBuilt ? r.service : `${r.service} (planned)`,
    `${r.phase}${r.phase === 'canary' ? ` ${r.canaryPercent} %` : ''}${r.frozen ? ' FROZEN' : ''}`,
    r.sync,
    r.shadowMatch
      ? `${((100 * r.shadowMatch.matched) / r.shadowMatch.total).toFixed(2)} % of ${r.shadowMatch.total.toLocaleString('en-US')}${r.shadowMatch.unexplained ? `, ${r.shadowMatch.unexplained.toLocaleString('en-US')} unexplained` : ''}`
      : '—',
    r.lastTransition ? `${r.lastTransition.at.toISOString().slice(0, 16).replace('T', ' ')} ${r.lastTransition.step} by ${r.lastTransition.actor}` : '—',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((v, i) => (i === c.length - 1 ? v : v.padEnd(widths[i]!))).join('  ').trimEnd();
  const legacy = rows.filter((r) => r.phase === 'legacy').length;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line), '', `${rows.length} modules: ${legacy} in legacy, ${rows.length - legacy} moving or moved. Details: ficus migrate status <code>`].join('\n') + '\n';
}

/** `ficus migrate status` for a terminal. */
export function renderStatus(s: StatusReport): string {
  const lines: string[] = [];
  const p = s.phase;
  lines.push(`${s.module} ${s.title} → service ${s.service}`);
  lines.push(`  phase: ${p.phase}${p.phase === 'canary' ? ` (${p.canaryPercent} % of users)` : ''}${p.freeze ? `, writes FROZEN until ${p.freeze.until.toISOString()}` : ''}`);
  for (const note of s.recovered) lines.push(`  recovered: ${note}`);
  lines.push('  sync:');
  // A sync the phase does not need yet is shown as such, not as a failure (a module in legacy has no slots).
  const kinds = ['backfill', 'forward', 'reverse'] as const;
  [s.sync.backfill, s.sync.forwardLag, s.sync.reverseLag].forEach((g, i) => {
    if (g.ok || syncExpected(kinds[i]!, p.phase)) lines.push(`    ${mark(g.ok)} ${g.gate}: ${g.detail}`);
    else lines.push(`    -    ${g.gate}: not needed while ${p.phase}${kinds[i] === 'reverse' ? ' (starts with the cutover)' : ' (starts with `ficus migrate backfill`)'}`);
  });
  if (s.sync.pendingCommands !== null) lines.push(`    legacy writes waiting as commands: ${s.sync.pendingCommands}`);
  // A comparison counts against the service only when time does not explain it (shadow-comparer.ts).
  lines.push('  shadow (model.method: compared, by class; timing = legacy itself changed between the answers):');
  if (!s.shadow.length) lines.push('    no comparisons yet');
  for (const row of s.shadow) {
    const agree = row.compared ? ((100 * (row.compared - row.unexplained)) / row.compared).toFixed(2) : '0.00';
    lines.push(`    ${row.call}: ${row.compared.toLocaleString('en-US')} compared, ${agree} % agree — ${describeClasses(row.counts)}`);
    if (row.unexplained) lines.push(`      unexplained: ${describeUnexplained(row)}`);
    if (row.notCompared.behind || row.notCompared.skipped) lines.push(`      not compared: ${row.notCompared.behind.toLocaleString('en-US')} with the service copy too far behind, ${row.notCompared.skipped.toLocaleString('en-US')} skipped (comparer full)`);
    for (const c of UNEXPLAINED_CLASSES) {
      const sample = row.samples[c];
      if (row.counts[c] && sample) lines.push(`      last ${c} difference ${sample.at ?? ''}: ${describeSample(sample)}`);
    }
    if (row.counts.timing && row.samples.timing) lines.push(`      a timing sample: ${describeSample(row.samples.timing, 2)}`);
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
