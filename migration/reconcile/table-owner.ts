/** Which side is the system of record for a table: the one a repair copies from. */
export type TableOwner = 'legacy' | 'service';

/**
 * Every table is owned by the legacy monolith until its module is cut over. The migration
 * control plane (phases per module) will replace this function; reconcile only ever asks it.
 */
export function currentOwnerOf(_table: string): TableOwner {
  return 'legacy';
}

export type OwnerLookup = (table: string) => TableOwner | Promise<TableOwner>;
