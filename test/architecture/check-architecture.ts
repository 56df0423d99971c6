import path from 'node:path';
import { scanModuleReferences } from './import-scanner.ts';
import { ORM_FRONT_DOOR, placeOf, SERVICE_FRONT_DOORS, type Place } from './layers.ts';

/** A source file: its path relative to the project root (`/`-separated) and its text. */
export interface SourceFile {
  path: string;
  source: string;
}

/** One import that breaks a rule: which file, which line, what it wrote, where that lands. */
export interface ImportViolation {
  file: string;
  line: number;
  specifier: string;
  target: string;
  rule: string;
}

export interface ArchitectureReport {
  violations: ImportViolation[];
  /** Each import cycle as the path of files it runs through, ending where it started. */
  cycles: string[][];
}

/** Checks every import of `files` against DESIGN.md section 3 (see layers.ts) and finds import cycles. */
export function checkArchitecture(files: readonly SourceFile[]): ArchitectureReport {
  const known = new Set(files.map((f) => f.path));
  const violations: ImportViolation[] = [];
  const edges = new Map<string, Set<string>>();
  for (const file of files) {
    const from = placeOf(file.path);
    if (from.kind === 'unplaced') {
      violations.push({ file: file.path, line: 0, specifier: '', target: '', rule: `top-level folder ${from.folder}/ has no place in the layers (test/architecture/layers.ts)` });
    }
    const targets = new Set<string>();
    for (const reference of scanModuleReferences(file.source)) {
      const target = resolveSpecifier(file.path, reference.specifier, known);
      if (!target) continue;
      if (known.has(target)) targets.add(target);
      const rule = ruleBrokenBy(from, target, placeOf(target));
      if (rule) violations.push({ file: file.path, line: reference.line, specifier: reference.specifier, target, rule });
    }
    edges.set(file.path, targets);
  }
  return { violations, cycles: findCycles(edges) };
}

export function formatViolation(v: ImportViolation): string {
  if (!v.specifier) return `${v.file}: ${v.rule}`;
  return `${v.file}:${v.line} → '${v.specifier}' (${v.target}): ${v.rule}`;
}

export function formatCycle(cycle: readonly string[]): string {
  return `import cycle: ${cycle.join(' → ')}`;
}

/** The project file a relative specifier names; undefined for packages and `node:` modules. */
export function resolveSpecifier(from: string, specifier: string, known: ReadonlySet<string>): string | undefined {
  if (!specifier.startsWith('./') && !specifier.startsWith('../')) return undefined;
  const joined = path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier));
  if (joined.startsWith('../')) return undefined;
  if (known.has(joined)) return joined;
  for (const candidate of [`${joined}.ts`, `${joined}/index.ts`]) if (known.has(candidate)) return candidate;
  return joined;
}

function ruleBrokenBy(from: Place, target: string, to: Place): string | undefined {
  if (from.kind === 'tooling' || from.kind === 'unplaced' || to.kind === 'tooling' || to.kind === 'unplaced') return undefined;
  if (from.kind === 'harness') {
    return from.unit === 'bench' && to.kind === 'harness' && to.unit === 'test'
      ? 'bench/ never imports test/ (helpers both use live in bench/support/)'
      : undefined;
  }
  if (to.kind === 'harness') return `production code never imports ${to.unit}/`;
  if (to.unit === from.unit) return undefined;
  if (to.rank > from.rank) return `arrows only point down: ${from.unit}/ (${from.layer}) may not import ${to.unit}/ (${to.layer})`;
  if (to.rank === from.rank) {
    return from.layer === 'service' ? 'a service never imports another service' : `${from.unit}/ and ${to.unit}/ are peers (${from.layer}): neither imports the other`;
  }
  if (from.layer === 'service' && !(SERVICE_FRONT_DOORS as readonly string[]).includes(target) && !target.startsWith('schemas/')) {
    return `a service imports only ${SERVICE_FRONT_DOORS.join(' and ')} from outside its folder`;
  }
  if (from.layer === 'kit' && to.unit === 'odoo-bridge' && target !== ORM_FRONT_DOOR) {
    return `services/ reaches odoo-bridge/ only through the ORM front door ${ORM_FRONT_DOOR}`;
  }
  if (to.layer === 'service' && from.layer !== 'catalogue') {
    return 'outside services/, a service is reached only through the catalogue (a file directly in services/)';
  }
  if (from.layer === 'catalogue' && to.layer === 'service' && !/^services\/[^/]+\/index\.ts$/.test(target)) {
    return `the catalogue imports only each service's definition, services/<name>/index.ts (not ${target})`;
  }
  return undefined;
}

/**
 * The import cycles of a graph: for every strongly connected component, the shortest cycle
 * through each of its files, without repeats. A component with several loops shows each.
 */
export function findCycles(edges: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
  const cycles = new Map<string, string[]>();
  for (const component of stronglyConnectedComponents(edges)) {
    const members = new Set(component);
    const selfLoop = component.length === 1 && edges.get(component[0]!)?.has(component[0]!);
    if (component.length === 1 && !selfLoop) continue;
    for (const start of [...component].sort()) {
      const cycle = shortestCycleThrough(start, edges, members);
      if (!cycle) continue;
      const ring = cycle.slice(0, -1);
      const first = ring.indexOf([...ring].sort()[0]!);
      const canonical = [...ring.slice(first), ...ring.slice(0, first), ring[first]!];
      cycles.set(canonical.join('\n'), canonical);
    }
  }
  return [...cycles.values()].sort((a, b) => a.length - b.length || a.join().localeCompare(b.join()));
}

function shortestCycleThrough(start: string, edges: ReadonlyMap<string, ReadonlySet<string>>, members: ReadonlySet<string>): string[] | undefined {
  const cameFrom = new Map<string, string>();
  const queue = [start];
  for (let head = 0; head < queue.length; head++) {
    const node = queue[head]!;
    for (const next of edges.get(node) ?? []) {
      if (!members.has(next)) continue;
      if (next === start) {
        const between: string[] = [];
        for (let at = node; at !== start; at = cameFrom.get(at)!) between.unshift(at);
        return [start, ...between, start];
      }
      if (!cameFrom.has(next)) {
        cameFrom.set(next, node);
        queue.push(next);
      }
    }
  }
  return undefined;
}

/** Tarjan's algorithm, iterative (a deep import chain must not overflow the stack). */
function stronglyConnectedComponents(edges: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let counter = 0;
  for (const root of edges.keys()) {
    if (index.has(root)) continue;
    const work: { node: string; next: Iterator<string> }[] = [];
    const enter = (node: string) => {
      index.set(node, counter);
      low.set(node, counter++);
      stack.push(node);
      onStack.add(node);
      work.push({ node, next: (edges.get(node) ?? new Set<string>()).values() });
    };
    enter(root);
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const step = frame.next.next();
      if (!step.done) {
        const child = step.value;
        if (!index.has(child)) enter(child);
        else if (onStack.has(child)) low.set(frame.node, Math.min(low.get(frame.node)!, index.get(child)!));
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.node, Math.min(low.get(parent.node)!, low.get(frame.node)!));
      if (low.get(frame.node) === index.get(frame.node)) {
        const component: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.node);
        components.push(component);
      }
    }
  }
  return components;
}
