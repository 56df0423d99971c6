import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

export const SERVICE_NAMES = ['auth', 'user', 'dynamic', 'trade', 'content', 'biz', 'ec', 'finance', 'ops', 'ai'] as const;

export interface BoundaryViolation {
  file: string;
  specifier: string;
  importedService: string;
}

const IMPORT_PATTERN = /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

/**
 * DESIGN.md section 3: a service never imports another service. Resolves every relative
 * import of a file under services/<name>/ and reports those landing in another service's folder
 * (services/kit is shared and allowed).
 */
export function findViolations(servicesDir: string, files: { path: string; source: string }[]): BoundaryViolation[] {
  const violations: BoundaryViolation[] = [];
  for (const file of files) {
    const owner = path.relative(servicesDir, file.path).split(path.sep)[0];
    for (const match of file.source.matchAll(IMPORT_PATTERN)) {
      const specifier = match[1] ?? match[2]!;
      if (!specifier.startsWith('.')) continue;
      const target = path.relative(servicesDir, path.resolve(path.dirname(file.path), specifier));
      const targetService = target.split(path.sep)[0];
      if (!target.startsWith('..') && targetService && targetService !== owner && targetService !== 'kit') {
        violations.push({ file: file.path, specifier, importedService: targetService });
      }
    }
  }
  return violations;
}

export function serviceSourceFiles(servicesDir: string): { path: string; source: string }[] {
  const files: { path: string; source: string }[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir)) {
      const full = path.join(dir, entry);
      if (statSync(full).isDirectory()) walk(full);
      else if (full.endsWith('.ts')) files.push({ path: full, source: readFileSync(full, 'utf8') });
    }
  };
  if (existsSync(servicesDir)) walk(servicesDir);
  return files;
}
