/**
 * FHIR R4 search parameters (https://hl7.org/fhir/R4/search.html) as the view understands them:
 * a parameter repeated is AND, a comma inside one value is OR, `\,` `\|` `\$` `\\` escape.
 * Parsing knows nothing about tables; the resources' searches turn the result into SQL.
 */

/** A refusal of the search itself, in FHIR's issue codes (400 either way). */
export class FhirSearchError extends Error {
  constructor(
    readonly issue: 'invalid' | 'not-supported',
    message: string,
  ) {
    super(message);
    this.name = 'FhirSearchError';
  }
}

/** The query string as express hands it (node's querystring: a repeated name is an array). */
export type RawQuery = Record<string, unknown>;

export interface SearchRequest {
  /** Understood parameters, by name: one entry per occurrence (AND), each the list of its comma-separated values (OR). */
  readonly params: ReadonlyMap<string, readonly (readonly string[])[]>;
  readonly count: number;
  readonly offset: number;
  /** Parameters the search ignored (FHIR's default lenient handling); they are absent from the self link. */
  readonly ignored: readonly string[];
}

export const DEFAULT_PAGE_SIZE = 50;
/** A bigger _count is answered with this many (FHIR lets a server return fewer than asked). */
export const MAX_PAGE_SIZE = 200;
/** The reference parameters that designate the member (Patient) in every resource of the view. */
const PATIENT_REFERENCES = new Set(['subject', 'patient']);
/** Result parameters the view always honours the same way (JSON is its only format): not "unknown". */
const FORMAT_PARAMS = new Set(['_format', '_pretty']);

/**
 * Splits the query into the parameters `supported` names, paging, and what is ignored. With
 * `strict` (the client sent `Prefer: handling=strict`) an unknown parameter is refused instead.
 * No modifier but a member reference's type (`subject:Patient`) is supported: FHIR says to refuse
 * the others (`code:text`, `date:missing`…).
 */
export function parseSearch(query: RawQuery, supported: ReadonlySet<string>, options: { strict: boolean }): SearchRequest {
  const params = new Map<string, string[][]>();
  const ignored: string[] = [];
  let count = DEFAULT_PAGE_SIZE;
  let offset = 0;
  let summaryCount = false;
  for (const [key, raw] of Object.entries(query)) {
    const occurrences = (Array.isArray(raw) ? raw : [raw]).map((v) => {
      if (typeof v !== 'string') throw new FhirSearchError('invalid', `parameter ${key} must be text`);
      return v;
    });
    // _summary=count: the total only (the one summary the view has; others are not understood).
    if (key === '_summary' && occurrences.length === 1 && occurrences[0] === 'count') {
      summaryCount = true;
      continue;
    }
    if (key === '_count' || key === '_offset') {
      if (occurrences.length !== 1 || !/^\d{1,9}$/.test(occurrences[0]!)) throw new FhirSearchError('invalid', `${key} must be one whole number ≥ 0`);
      const n = Number(occurrences[0]);
      if (key === '_count') count = Math.min(n, MAX_PAGE_SIZE);
      else offset = n;
      continue;
    }
    const [name, modifier] = key.split(':', 2) as [string, string | undefined];
    if (!supported.has(name)) {
      if (FORMAT_PARAMS.has(key)) continue;
      if (options.strict) throw new FhirSearchError('not-supported', `search parameter ${key} is not supported`);
      ignored.push(key);
      continue;
    }
    // FHIR: a modifier the server does not support is an error whatever the handling. A reference
    // to a member may name its type (`subject:Patient=6`): the same search.
    if (modifier !== undefined && !(modifier === 'Patient' && PATIENT_REFERENCES.has(name))) {
      throw new FhirSearchError('not-supported', `the modifier :${modifier} of ${name} is not supported`);
    }
    const list = params.get(name) ?? [];
    for (const occurrence of occurrences) {
      const values = splitValues(occurrence);
      if (values.some((v) => v === '')) throw new FhirSearchError('invalid', `parameter ${key} has an empty value`);
      list.push(values);
    }
    params.set(name, list);
  }
  return { params, count: summaryCount ? 0 : count, offset, ignored };
}

/** One occurrence's comma-separated values, with FHIR's escapes undone. */
export function splitValues(text: string): string[] {
  const values: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '\\' && i + 1 < text.length && ',|$\\'.includes(text[i + 1]!)) {
      current += text[++i];
    } else if (ch === ',') {
      values.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  values.push(current);
  return values;
}

/** A token: `system|code`, `code` (any system), `|code` (no system), `system|` (any code of the system). */
export interface Token {
  /** undefined: any system; null: no system. */
  system: string | null | undefined;
  /** undefined: any code. */
  code: string | undefined;
}

export function parseToken(value: string): Token {
  // The first unescaped bar separates; splitValues already unescaped, so split on the first bar.
  const bar = value.indexOf('|');
  if (bar < 0) return { system: undefined, code: value };
  const system = value.slice(0, bar);
  const code = value.slice(bar + 1);
  if (!system && !code) throw new FhirSearchError('invalid', 'a token needs a system or a code');
  return { system: system || null, code: code || undefined };
}

export function tokenMatches(token: Token, coding: { system: string; code: string }): boolean {
  if (token.system === null) return false; // every coding the view writes has a system
  if (token.system !== undefined && token.system !== coding.system) return false;
  return token.code === undefined || token.code === coding.code;
}

/**
 * A reference to a member: `Patient/6`, `6`, or an absolute URL ending in `/Patient/6`. Another
 * resource type is refused (a subject here is always a Patient).
 */
export function parsePatientReference(value: string): number {
  const match = /^(?:(?:https?:\/\/[^\s]+\/)?Patient\/)?(\d{1,10})$/.exec(value);
  const id = match ? Number(match[1]) : Number.NaN;
  if (!Number.isSafeInteger(id) || id < 1 || id > 2_147_483_647) {
    throw new FhirSearchError('invalid', `${value} is not a Patient reference (Patient/<id> or <id>)`);
  }
  return id;
}

/** A resource id (`_id`): the view's ids are the rows' integer ids; anything else matches nothing. */
export function parseResourceId(value: string): number | undefined {
  if (!/^\d{1,10}$/.test(value)) return undefined;
  const id = Number(value);
  return id >= 1 && id <= 2_147_483_647 ? id : undefined;
}
