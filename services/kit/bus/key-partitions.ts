/**
 * Splits items into at most `count` non-empty groups by key, every key's items in one group and in
 * their original order: the groups can then be handled concurrently without reordering any key.
 */
export function partitionByKey<T>(items: readonly T[], key: (item: T) => string, count: number): T[][] {
  if (count <= 1 || items.length <= 1) return items.length ? [[...items]] : [];
  const groups: T[][] = Array.from({ length: count }, () => []);
  for (const item of items) groups[fnv1a(key(item)) % count]!.push(item);
  return groups.filter((g) => g.length);
}

/** 32-bit FNV-1a: cheap, and spreads similar keys (`hp.health.record/1`, `/2`, ...) evenly. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
