/**
 * One line on stderr naming the databases a command used (passwords hidden), and where the
 * setting came from: the same FICUS_CONFIG file and environment as `ficus start` reads.
 */
export function describeDatabases(databases: Record<string, string>): string {
  const parts = Object.entries(databases).map(([role, url]) => `${role} ${withoutPassword(url)}`);
  const source = process.env.FICUS_CONFIG ? `FICUS_CONFIG=${process.env.FICUS_CONFIG} and the environment` : 'the environment and defaults';
  return `databases (from ${source}): ${parts.join(', ')}\n`;
}

export function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(not a URL)';
  }
}
