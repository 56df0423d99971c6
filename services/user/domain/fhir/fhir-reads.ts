import { sql, type Kysely, type RawBuilder } from 'kysely';
import { problems, type AccessPort } from '../../../kit/index.ts';
import { decideHealthRead, refusalProblem, type HealthReadGrant } from '../health-read-access.ts';
import type { ResourceSearch } from './resource-searches.ts';
import type { FhirResource } from './resources.ts';
import { parsePatientReference, parseResourceId, type SearchRequest } from './search-params.ts';

/** What the edge records of each read (domain/health-read-audit.ts, protocol fhir): never a value or a filter. */
export type FhirReadAuditor = (entry: { outcome: 'granted' | 'refused'; subjectUids: readonly number[]; rowCount?: number }) => Promise<void>;

export interface SearchResult {
  resources: FhirResource[];
  total: number;
}

/**
 * A FHIR search over one M02 model, authorized as the REST health-data endpoint is: each member
 * the search names (subject/patient) must be readable by the caller (health-read-access: the
 * engine's ACL and read rules on the rows' home; members their own, coaches every health record,
 * operators all), and the rows are those of the grants' own conditions, so a search can never
 * reach another member's rows however its parameters combine. Without a subject, the caller's read
 * rules decide (a member gets their own rows, a coach every member's records). `rows` is where
 * M02's rows live now. Every search is audited before its answer leaves, refused ones included.
 */
export async function searchResources(access: AccessPort, rows: Kysely<any>, spec: ResourceSearch, request: SearchRequest, audit: FhirReadAuditor): Promise<SearchResult> {
  const subjectOccurrences = spec.subjectParams.flatMap((name) => request.params.get(name) ?? []).map((values) => values.map(parsePatientReference));
  const requested = [...new Set(subjectOccurrences.flat())];
  const conditions: RawBuilder<boolean>[] = [];
  if (requested.length) {
    const grants = new Map<number, HealthReadGrant>();
    for (const subject of requested) {
      const decision = await decideHealthRead(access, rows, subject, spec.model);
      if (!decision.allowed) {
        await audit({ outcome: 'refused', subjectUids: requested });
        throw refusalProblem(decision);
      }
      grants.set(subject, decision);
    }
    for (const occurrence of subjectOccurrences) {
      const granted = await Promise.all(occurrence.map((subject) => grants.get(subject)!.where(spec.alias)));
      conditions.push(sql<boolean>`(${sql.join(granted, sql` OR `)})`);
    }
  } else {
    if (!(await access.may(spec.model, 'read'))) {
      await audit({ outcome: 'refused', subjectUids: [] });
      await access.check(spec.model, 'read'); // throws the engine's AccessError text as a 403
    }
    conditions.push(await access.rules(spec.model, 'read', spec.alias));
  }
  for (const name of spec.params) {
    for (const values of request.params.get(name) ?? []) conditions.push(spec.condition(name, values));
  }
  const from = sql`${sql.table(spec.table)} AS ${sql.raw(spec.alias)}`;
  const where = sql.join(conditions, sql` AND `);
  // The page carries the total (an uncorrelated subquery, run once): one statement, one snapshot,
  // so `total` counts the very rows the page is cut from. Only an empty page (past the end, _count=0,
  // nothing matches) needs the count on its own.
  const total = sql`(SELECT count(*)::int FROM ${from} WHERE ${where})`;
  const page = request.count === 0
    ? []
    : (await sql<any>`SELECT ${spec.columns}, ${total} AS total FROM ${from} WHERE ${where} ORDER BY ${spec.order} LIMIT ${request.count} OFFSET ${request.offset}`.execute(rows)).rows;
  const matches: number = page.length ? page[0].total : (await sql<{ total: number }>`SELECT ${total} AS total`.execute(rows)).rows[0]!.total;
  const subjects = requested.length ? requested : [...new Set(page.map((row: { user_id: number }) => row.user_id))];
  await audit({ outcome: 'granted', subjectUids: subjects, rowCount: page.length });
  return { resources: page.map((row) => spec.toResource(row)), total: matches };
}

/**
 * A FHIR read (`GET /fhir/<type>/<id>`): the ACL first (403 with the engine's text), then the
 * member the row belongs to must be readable by the caller as in a search; a row the caller may
 * not read is "not found", as for an id that does not exist (FHIR's and the REST routes' rule:
 * its existence is not the caller's to know).
 */
export async function readResource(access: AccessPort, rows: Kysely<any>, spec: ResourceSearch, idText: string, audit: FhirReadAuditor): Promise<FhirResource> {
  const notFound = () => problems.notFound(`${spec.type}/${idText} does not exist`);
  const id = parseResourceId(idText);
  const { rows: owners } = id === undefined
    ? { rows: [] as { user_id: number }[] }
    : await sql<{ user_id: number }>`SELECT user_id FROM ${sql.table(spec.table)} WHERE id = ${id}`.execute(rows);
  const owner = owners[0]?.user_id;
  if (!(await access.may(spec.model, 'read'))) {
    await audit({ outcome: 'refused', subjectUids: owner === undefined ? [] : [owner] });
    await access.check(spec.model, 'read');
  }
  if (owner === undefined) {
    await audit({ outcome: 'granted', subjectUids: [], rowCount: 0 });
    throw notFound();
  }
  const decision = await decideHealthRead(access, rows, owner, spec.model);
  const found = decision.allowed
    ? (await sql<any>`SELECT ${spec.columns} FROM ${sql.table(spec.table)} AS ${sql.raw(spec.alias)} WHERE ${sql.ref(`${spec.alias}.id`)} = ${id} AND ${await decision.where(spec.alias)}`.execute(rows)).rows[0]
    : undefined;
  if (!found) {
    await audit({ outcome: 'refused', subjectUids: [owner] });
    throw notFound();
  }
  await audit({ outcome: 'granted', subjectUids: [owner], rowCount: 1 });
  return spec.toResource(found);
}

