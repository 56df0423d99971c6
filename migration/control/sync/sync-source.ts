/**
 * The applier's source name of a module's forward or reverse sync: the label of its lag metrics
 * and the `source` of the changes it parked (cdc/apply/parked-changes.ts), which status reads back.
 */
export function syncSource(direction: 'forward' | 'reverse', module: string): string {
  return `${direction === 'forward' ? 'legacy' : 'service'}_${module.toLowerCase()}`;
}
