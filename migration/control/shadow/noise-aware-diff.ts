import { HEALTH_FIELD_NAMES, SECRET_FIELD_NAMES } from '../../../platform/redaction.ts';
import { explainedByChurn, groupKey, groupSize, groupsOf, movedBy, type AggregateWindow } from './aggregate-diff.ts';

const HIDDEN = new Set<string>([...HEALTH_FIELD_NAMES, ...SECRET_FIELD_NAMES]);

/** A difference time does not explain: a field's value, or a row one side has and the other not. */
export type DifferenceKind = 'value' | 'missing' | 'extra';

export interface ShadowDifference {
  kind: DifferenceKind;
  /** Where, in the answer: `[id=4650].summary`, `records[id=12]`, `[3]`, `(answer)`. */
  path: string;
  /** The Odoo field that differs (`summary`), `(order)` for the order of rows, null for a row or a bare value. */
  field: string | null;
  legacy: unknown;
  service: unknown;
}

/**
 * The differences between the service's answer and legacy's that time does not explain.
 *
 * `before` is a legacy answer read before the service's state, `after` one read after it (the
 * service copy follows legacy's WAL, so its state lies between the two). Where the two legacy
 * answers agree, nothing changed in between and the service must agree too; where they
 * disagree, the value was changing and the service may show either or an intermediate one
 * (Diffy's noise: a difference between two reads of the primary is not the candidate's fault).
 *
 * Lists of records (search_read, read, web_search_read's `records`, name_search's pairs, a
 * search's ids) are aligned by id, not by position: a "newest first" search that saw one more
 * row shifts every position, but each record keeps its id and fields. A row the service shows
 * that neither legacy answer has is extra (unless it was pushed off the end of the page in
 * between); a row both legacy answers have and the service lacks is missing; a row only one
 * legacy answer has came or went in between.
 *
 * read_group's groups are aligned by the rows they stand for (aggregate-diff.ts), a group only
 * one legacy answer has came or went in between. Given `churn` (rows of the service copy that
 * changed between the service's answer and legacy's later one), an aggregate answer's counts
 * are judged by aggregate-diff.ts's rule instead of Diffy's: a count moves both ways in between,
 * so "both legacy answers agree" does not mean it held still.
 *
 * Values of health and secret fields are never copied (platform/redaction.ts): a difference
 * goes to metrics, logs and `ficus migrate status`.
 */
export function unexplainedDifferences(before: unknown, service: unknown, after: unknown, limit = 10, churn?: number): ShadowDifference[] {
  const out: ShadowDifference[] = [];
  compareAnswer(before, service, after, '', out, limit, churn === undefined ? undefined : { churn, moved: 0 });
  return out;
}

/** Deep equality of two decoded answers (floats within 1e-9 relative, as Odoo's own float fields round far coarser). */
export function sameAnswer(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a === 'number' && typeof b === 'number') return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a));
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => sameAnswer(x, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && sameAnswer(a[k], b[k]));
  }
  return false;
}

type Plain = Record<string, unknown>;

function isPlainObject(x: unknown): x is Plain {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

const join = (path: string, key: string) => (path ? `${path}.${key}` : key);

function compareAnswer(a: unknown, s: unknown, b: unknown, path: string, out: ShadowDifference[], limit: number, window?: AggregateWindow): void {
  if (out.length >= limit || sameAnswer(s, a) || sameAnswer(s, b)) return;
  const groups = [groupListOf(a), groupListOf(s), groupListOf(b)] as const;
  if (groups[0] && groups[1] && groups[2] && (groups[0].length || groups[1].length || groups[2].length)) return compareGroups(groups[0], groups[1], groups[2], path, out, limit, window);
  const rows = [rowsOf(a), rowsOf(s), rowsOf(b)] as const;
  if (rows[0] && rows[1] && rows[2] && compatible(rows[0], rows[1], rows[2])) return compareRows(rows[0], rows[1], rows[2], path, out, limit);
  if (isPlainObject(a) && isPlainObject(s) && isPlainObject(b)) {
    // web_search_read / web_read_group: { length, records | groups }; the list inside is aligned by id (records) or by what each group holds.
    for (const key of unionKeys(a, s, b)) {
      if (key === 'records' || key === 'groups') compareAnswer(a[key], s[key], b[key], join(path, key), out, limit, window);
      else compareValue(a[key], s[key], b[key], join(path, key), key, out, limit, window);
    }
    return;
  }
  compareValue(a, s, b, path, null, out, limit, window);
}

/** read_group's groups, or no group at all (an empty list, which is no other kind of list either). */
function groupListOf(x: unknown): Plain[] | null {
  return Array.isArray(x) && x.length === 0 ? [] : groupsOf(x);
}

/**
 * Groups aligned by the rows they stand for. A group only one legacy answer has came or went in
 * between; one both have and the service lacks is missing, one the service alone has extra —
 * unless, with the window's churn known, it holds no more rows than changed in between.
 */
function compareGroups(a: Plain[], s: Plain[], b: Plain[], path: string, out: ShadowDifference[], limit: number, window?: AggregateWindow): void {
  const byKey = (groups: Plain[]) => new Map(groups.map((g) => [groupKey(g), g]));
  const [ma, ms, mb] = [byKey(a), byKey(s), byKey(b)];
  const at = (g: Plain) => `${path}[${groupLabel(g)}]`;
  const cameOrWent = (g: Plain) => window !== undefined && groupSize(g) <= window.churn && movedBy(window, groupSize(g));
  for (const [key, gs] of ms) {
    if (out.length >= limit) return;
    const [ga, gb] = [ma.get(key), mb.get(key)];
    // With the window measured, the later answer alone bounds the service's (aggregate-diff.ts).
    if (gb && (ga || window)) {
      for (const field of unionKeys(ga ?? {}, gs, gb)) compareValue(ga?.[field], gs[field], gb[field], `${at(gs)}.${field}`, field, out, limit, window);
    } else if ((window || !ga) && !cameOrWent(gs)) out.push({ kind: 'extra', path: at(gs), field: null, legacy: 'absent', service: 'present' });
  }
  for (const [key, gb] of mb) {
    if (out.length >= limit) return;
    if (!ms.has(key) && (window || ma.has(key)) && !cameOrWent(gb)) out.push({ kind: 'missing', path: at(gb), field: null, legacy: 'present', service: 'absent' });
  }
}

/** `visibility="public"`: a group's values, as a path in a difference. */
function groupLabel(group: Plain): string {
  const values = Object.entries(group).filter(([key, value]) => !key.startsWith('__') && typeof value !== 'number');
  return values.length ? values.map(([key, value]) => `${key}=${JSON.stringify(Array.isArray(value) ? value[0] : value)}`).join(',') : JSON.stringify(group.__domain);
}

/** A list of rows by id: records (objects with an integer id), [id, name] pairs, or bare ids. */
interface Rows {
  kind: 'records' | 'pairs' | 'ids' | 'empty';
  order: number[];
  byId: Map<number, Plain>;
}

function rowsOf(x: unknown): Rows | null {
  if (!Array.isArray(x)) return null;
  if (x.length === 0) return { kind: 'empty', order: [], byId: new Map() };
  const byId = new Map<number, Plain>();
  const order: number[] = [];
  let kind: Rows['kind'];
  if (x.every((r) => isPlainObject(r) && Number.isInteger(r.id))) {
    kind = 'records';
    for (const r of x as Plain[]) order.push(r.id as number), byId.set(r.id as number, r);
  } else if (x.every((r) => Array.isArray(r) && r.length === 2 && Number.isInteger(r[0]) && (typeof r[1] === 'string' || r[1] === false))) {
    kind = 'pairs';
    for (const [id, name] of x as [number, string | false][]) order.push(id), byId.set(id, { id, display_name: name });
  } else if (x.every((r) => Number.isInteger(r))) {
    kind = 'ids';
    for (const id of x as number[]) order.push(id), byId.set(id, { id });
  } else return null;
  return byId.size === order.length ? { kind, order, byId } : null;
}

function compatible(...lists: Rows[]): boolean {
  const kinds = new Set(lists.map((l) => l.kind).filter((k) => k !== 'empty'));
  return kinds.size <= 1;
}

function compareRows(a: Rows, s: Rows, b: Rows, path: string, out: ShadowDifference[], limit: number): void {
  const at = (id: number) => `${path}[id=${id}]`;
  // A page of the newest rows: a row that came after `a` may have been pushed off the end of the
  // page again before `b`. It then sits in the service's page below every row `b` still shows.
  const lastShared = s.order.reduce((last, id, i) => (b.byId.has(id) ? i : last), -1);
  const pushedOff = (i: number) => b.order.length >= s.order.length && i > lastShared;
  s.order.forEach((id, i) => {
    if (out.length < limit && !a.byId.has(id) && !b.byId.has(id) && !pushedOff(i)) out.push({ kind: 'extra', path: at(id), field: null, legacy: 'absent', service: 'present' });
  });
  for (const id of a.order) {
    if (out.length >= limit) return;
    if (b.byId.has(id) && !s.byId.has(id)) out.push({ kind: 'missing', path: at(id), field: null, legacy: 'present', service: 'absent' });
  }
  for (const id of s.order) {
    const ra = a.byId.get(id);
    const rb = b.byId.get(id);
    // A row only one legacy answer has came or went in between, and may have changed meanwhile
    // too; its fields are compared once it is in both (an answer a moment later).
    if (!ra || !rb) continue;
    const rs = s.byId.get(id)!;
    for (const key of unionKeys(ra, rs, rb)) if (key !== 'id') compareValue(ra[key], rs[key], rb[key], `${at(id)}.${key}`, key, out, limit);
  }
  // Order among the rows all three answers hold: where both legacy answers agree, the service must too.
  const common = (list: Rows) => list.order.filter((id) => a.byId.has(id) && s.byId.has(id) && b.byId.has(id));
  const [orderA, orderS, orderB] = [common(a), common(s), common(b)];
  if (out.length < limit && sameAnswer(orderA, orderB) && !sameAnswer(orderS, orderA)) {
    out.push({ kind: 'value', path: `${path}(order)`, field: '(order)', legacy: orderA.slice(0, 20), service: orderS.slice(0, 20) });
  }
}

/** Diffy's rule on one value: it counts only where both legacy answers agree and the service differs from them. */
function compareValue(a: unknown, s: unknown, b: unknown, path: string, field: string | null, out: ShadowDifference[], limit: number, window?: AggregateWindow): void {
  if (out.length >= limit || sameAnswer(s, a) || sameAnswer(s, b)) return;
  if (Array.isArray(a) && Array.isArray(s) && Array.isArray(b)) {
    const n = Math.max(a.length, s.length, b.length);
    for (let i = 0; i < n; i++) compareValue(a[i], s[i], b[i], `${path}[${i}]`, field, out, limit);
    return;
  }
  if (isPlainObject(a) && isPlainObject(s) && isPlainObject(b)) {
    for (const key of unionKeys(a, s, b)) compareValue(a[key], s[key], b[key], join(path, key), field ?? key, out, limit);
    return;
  }
  if (window && typeof s === 'number' && typeof b === 'number') {
    // An aggregate's number: the rows that changed in between bound it, whatever the earlier legacy answer said.
    if (explainedByChurn(b, s, field, window)) return;
  } else if (!sameAnswer(a, b)) return; // it changed between the two legacy answers: time explains it
  const hidden = (field !== null && HIDDEN.has(field)) || HIDDEN.has(path.replace(/^.*[.\]]/, ''));
  out.push({ kind: 'value', path: path || '(answer)', field, legacy: shown(a, hidden), service: shown(s, hidden) });
}

function unionKeys(...objects: Plain[]): string[] {
  return [...new Set(objects.flatMap((o) => Object.keys(o)))].sort();
}

function shown(value: unknown, hidden: boolean): unknown {
  if (value === undefined) return 'absent';
  if (hidden) return '[redacted]';
  if (value && typeof value === 'object') return Array.isArray(value) ? `[array of ${value.length}]` : '[object]';
  return value;
}
