import type pg from 'pg';

/**
 * PostgreSQL connection URLs whose host may be a Unix socket directory (`/tmp`), the way pg and
 * libpq read them: `postgres://user:pw@127.0.0.1:5432/db?host=%2Ftmp`. The `host` parameter
 * wins over the URL's authority; the port names the socket file (`/tmp/.s.PGSQL.5432`). A
 * reader that looks only at the authority (Debezium's connector settings, a log line) still
 * finds a TCP address of the same server, so such a URL degrades to TCP rather than breaking.
 */
export interface PostgresConnectionFacts {
  host?: string;
  port?: number | string;
  database?: string;
  user?: string;
  password?: unknown;
}

/** A host that is a socket directory rather than a network address (libpq's rule: an absolute path). */
export function isSocketHost(host: string | undefined | null): host is string {
  return typeof host === 'string' && host.startsWith('/');
}

/** `url` with `?host=<socketDirectory>`: the same server, reached through its Unix socket. */
export function withSocketHost(url: string, socketDirectory: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set('host', socketDirectory);
  return parsed.toString();
}

/** What pg connects to for `url`: the `host` parameter over the authority's host name, as pg-connection-string reads it. */
export function connectionFactsOfUrl(url: string): PostgresConnectionFacts {
  const parsed = new URL(url);
  return {
    host: parsed.searchParams.get('host') ?? (parsed.hostname ? decodeURIComponent(parsed.hostname) : undefined),
    port: parsed.searchParams.get('port') ?? (parsed.port || 5432),
    database: decodeURIComponent(parsed.pathname.slice(1)),
    user: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
  };
}

/** What a pool connects to, whether it was given a URL or separate settings. */
export function poolConnectionFacts(pool: pg.Pool): PostgresConnectionFacts {
  const { connectionString, host, port, database, user, password } = pool.options;
  if (connectionString) return connectionFactsOfUrl(connectionString);
  return { host: host ?? undefined, port: port ?? undefined, database: database ?? undefined, user: user ?? undefined, password };
}

/** A URL for these facts; a socket directory goes into `?host=` (a URL's authority cannot hold a path). */
export function postgresUrl(facts: PostgresConnectionFacts): string {
  const url = new URL('postgres://localhost');
  if (facts.host && !isSocketHost(facts.host)) url.hostname = facts.host;
  url.port = String(facts.port ?? 5432);
  if (facts.user) url.username = encodeURIComponent(facts.user);
  if (typeof facts.password === 'string' && facts.password) url.password = encodeURIComponent(facts.password);
  url.pathname = `/${encodeURIComponent(facts.database ?? '')}`;
  if (isSocketHost(facts.host)) url.searchParams.set('host', facts.host);
  return url.toString();
}

/** The URL a pool connects with: its own connection string, else one built from its settings. */
export function poolUrl(pool: pg.Pool): string {
  return pool.options.connectionString ?? postgresUrl(poolConnectionFacts(pool));
}

/** `url` naming another database of the same server, reached the same way (socket or TCP). */
export function urlOfDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}
