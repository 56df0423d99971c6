/**
 * The order CPython iterates `set(ints)` in (Objects/setobject.c, 3.7+): an open-addressing
 * table of 8 slots, grown ×4 once three fifths are filled, each int in slot `hash & mask` (an
 * int's hash is itself) or, when taken, the next of 9 linear probes, then a perturbed jump.
 * Odoo loops over such sets when it creates rows (mail.followers `_add_followers`), so the
 * order decides which row gets which id.
 */
const MIN_SIZE = 8;
const LINEAR_PROBES = 9;
const PERTURB_SHIFT = 5;

export function pythonSetOrder(values: readonly number[]): number[] {
  let table: Array<number | undefined> = new Array(MIN_SIZE);
  let used = 0;
  const insertClean = (slots: Array<number | undefined>, value: number) => {
    const mask = slots.length - 1;
    // Python hashes -1 as -2; ids are positive, kept general for negative ints anyway.
    let perturb = BigInt.asUintN(64, BigInt(value === -1 ? -2 : value));
    let i = Number(perturb & BigInt(mask));
    for (;;) {
      const probes = i + LINEAR_PROBES <= mask ? LINEAR_PROBES : 0;
      for (let j = 0; j <= probes; j++) {
        if (slots[i + j] === undefined) {
          slots[i + j] = value;
          return;
        }
      }
      perturb >>= BigInt(PERTURB_SHIFT);
      i = Number((BigInt(i) * 5n + 1n + perturb) & BigInt(mask));
    }
  };
  for (const value of values) {
    if (table.includes(value)) continue;
    insertClean(table, value);
    used++;
    const mask = table.length - 1;
    if (used * 5 >= mask * 3) {
      const minUsed = used > 50000 ? used * 2 : used * 4;
      let size = MIN_SIZE;
      while (size <= minUsed) size <<= 1;
      const grown: Array<number | undefined> = new Array(size);
      for (const old of table) if (old !== undefined) insertClean(grown, old);
      table = grown;
    }
  }
  return table.filter((v): v is number => v !== undefined);
}
