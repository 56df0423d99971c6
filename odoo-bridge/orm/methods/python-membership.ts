/** What Python's `x in container` answers for a JSON value given where Odoo expects a list. */
export interface PythonContainer {
  has(item: string): boolean;
}

/**
 * `item in value` as Python evaluates it on what a client sent: a list's (or set's) members, a
 * dict's keys, a string's substrings; any other value contains nothing (Python would raise
 * TypeError for a number, which no caller here reaches with a truthy non-container).
 */
export function pythonContainer(value: unknown): PythonContainer {
  if (typeof value === 'string') return { has: (item) => value.includes(item) };
  if (Array.isArray(value)) {
    const members = new Set(value.map((member) => (typeof member === 'string' ? member : JSON.stringify(member))));
    return { has: (item) => members.has(item) };
  }
  if (value !== null && typeof value === 'object') return { has: (item) => Object.hasOwn(value, item) };
  return { has: () => false };
}
