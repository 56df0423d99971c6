/**
 * Group expressions as views combine them: odoo/tools/set_expression.py's algebra (a union of
 * intersections of groups or their complements, simplified with the groups' implications and
 * the user types' disjointness), written for Ficus. A view's post-processing uses it to decide
 * which fields a node's expressions need and for whom (ir_ui_view.py NameManager), and which
 * nodes a user sees (`matches`). Its `<=` is Odoo's syntactic test, not a semantic one, so the
 * same fields are found missing as Odoo finds.
 */
type LeafId = number | '*' | { unknown: string };

function idKey(id: LeafId): string {
  return typeof id === 'number' ? `n${String(id).padStart(12, '0')}` : id === '*' ? '*' : `~${id.unknown}`;
}

class Leaf {
  inverse: Leaf | null = null;
  subsets: Set<string>;
  supersets: Set<string>;
  disjoints: Set<string>;
  readonly key: string;
  constructor(
    readonly id: LeafId,
    readonly ref: string,
    readonly negative = false,
  ) {
    this.key = `${idKey(id)}:${negative ? 1 : 0}`;
    this.subsets = new Set([idKey(id)]);
    this.supersets = new Set([idKey(id)]);
    this.disjoints = new Set();
  }
  get idKey(): string {
    return idKey(this.id);
  }
  invert(): Leaf {
    if (!this.inverse) {
      const inverse = new Leaf(this.id, this.ref, !this.negative);
      inverse.inverse = this;
      inverse.subsets = this.subsets;
      inverse.supersets = this.supersets;
      inverse.disjoints = this.disjoints;
      this.inverse = inverse;
    }
    return this.inverse;
  }
  isEmpty(): boolean {
    return this.ref === '*' && this.negative;
  }
  isUniversal(): boolean {
    return this.ref === '*' && !this.negative;
  }
  isDisjoint(other: Leaf): boolean {
    if (this.negative) return other.le(this.invert());
    if (other.negative) return this.le(other.invert());
    return other.disjoints.has(this.idKey);
  }
  matches(groups: ReadonlySet<number>): boolean {
    const member = typeof this.id === 'number' && groups.has(this.id);
    return this.negative ? !member : member;
  }
  le(other: Leaf): boolean {
    if (this.isEmpty() || other.isUniversal()) return true;
    if (this.isUniversal() || other.isEmpty()) return false;
    if (this.negative) return other.negative && other.invert().le(this.invert());
    if (other.negative) return other.disjoints.has(this.idKey);
    return other.subsets.has(this.idKey);
  }
}

const UNIVERSAL_LEAF = new Leaf('*', '*');
const EMPTY_LEAF = UNIVERSAL_LEAF.invert();

function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

class Inter {
  readonly leaves: Leaf[];
  readonly key: string;
  constructor(leaves: Iterable<Leaf> = [], optimal = false) {
    let list = [...leaves];
    if (list.length && !optimal) list = Inter.combine([], list);
    this.leaves = list.sort((a, b) => compareKeys(a.key, b.key));
    this.key = this.leaves.map((l) => l.key).join('&');
  }
  static combine(leaves: Leaf[], toAdd: Iterable<Leaf>): Leaf[] {
    const result = [...leaves];
    for (const add of toAdd) {
      let placed = false;
      for (let i = 0; i < result.length; i++) {
        const leaf = result[i]!;
        if (leaf.isDisjoint(add)) return [EMPTY_LEAF];
        if (leaf.le(add)) {
          placed = true;
          break;
        }
        if (add.le(leaf)) {
          result[i] = add;
          placed = true;
          break;
        }
      }
      if (!placed && !add.isUniversal()) result.push(add);
    }
    return result;
  }
  isEmpty(): boolean {
    return this.leaves.some((l) => l.isEmpty());
  }
  isUniversal(): boolean {
    return !this.leaves.length;
  }
  matches(groups: ReadonlySet<number>): boolean {
    return this.leaves.every((l) => l.matches(groups));
  }
  unionMerge(other: Inter): Inter | null {
    if (this.isUniversal() || other.le(this)) return this;
    if (this.le(other)) return other;
    if (this.leaves.length === other.leaves.length) {
      let opposite: number | null = null;
      for (let i = 0; i < this.leaves.length; i++) {
        const a = this.leaves[i]!;
        const b = other.leaves[i]!;
        if (a.idKey !== b.idKey) return null;
        if (a.negative !== b.negative) {
          if (opposite !== null) return null;
          opposite = i;
        }
      }
      if (opposite !== null) return new Inter(this.leaves.filter((_, i) => i !== opposite), true);
    }
    return null;
  }
  and(other: Inter): Inter {
    if (this.isEmpty() || other.isEmpty()) return EMPTY_INTER;
    if (this.isUniversal()) return other;
    if (other.isUniversal()) return this;
    return new Inter(Inter.combine(this.leaves, other.leaves), true);
  }
  le(other: Inter): boolean {
    return this.key === other.key || other.leaves.every((o) => this.leaves.some((s) => s.le(o)));
  }
}

const EMPTY_INTER = new Inter([EMPTY_LEAF]);
const UNIVERSAL_INTER = new Inter();

export class GroupSet {
  readonly inters: Inter[];
  readonly key: string;
  constructor(inters: Iterable<Inter> = [], optimal = false) {
    let list = [...inters];
    if (list.length && !optimal) list = GroupSet.combine([], list);
    this.inters = list.sort((a, b) => compareKeys(a.key, b.key));
    this.key = this.inters.map((i) => `(${i.key})`).join('|');
  }
  private static combine(inters: Inter[], toAdd: Iterable<Inter>): Inter[] {
    const result = [...inters];
    const todo = [...toAdd];
    while (todo.length) {
      const add = todo.pop()!;
      if (add.isUniversal()) return [UNIVERSAL_INTER];
      if (add.isEmpty()) continue;
      let merged = false;
      for (let i = 0; i < result.length; i++) {
        const m = result[i]!.unionMerge(add);
        if (m) {
          result.splice(i, 1);
          todo.push(m);
          merged = true;
          break;
        }
      }
      if (!merged) result.push(add);
    }
    return result;
  }
  isEmpty(): boolean {
    return !this.inters.length;
  }
  isUniversal(): boolean {
    return this.inters.some((i) => i.isUniversal());
  }
  equals(other: GroupSet): boolean {
    return this.key === other.key;
  }
  matches(groups: ReadonlySet<number>): boolean {
    if (this.isEmpty() || !groups.size) return false;
    if (this.isUniversal()) return true;
    return this.inters.some((i) => i.matches(groups));
  }
  and(other: GroupSet): GroupSet {
    if (this.isUniversal()) return other;
    if (other.isUniversal()) return this;
    if (this.isEmpty() || other.isEmpty()) return EMPTY_SET;
    if (this.equals(other)) return this;
    const inters: Inter[] = [];
    for (const a of this.inters) for (const b of other.inters) inters.push(a.and(b));
    return new GroupSet(inters);
  }
  or(other: GroupSet): GroupSet {
    if (this.isEmpty()) return other;
    if (other.isEmpty()) return this;
    if (this.isUniversal() || other.isUniversal()) return UNIVERSAL_SET;
    if (this.equals(other)) return this;
    return new GroupSet(GroupSet.combine(this.inters, other.inters), true);
  }
  invert(): GroupSet {
    if (this.isEmpty()) return UNIVERSAL_SET;
    if (this.isUniversal()) return EMPTY_SET;
    const inverses = this.inters.map((inter) => new GroupSet(inter.leaves.map((leaf) => new Inter([leaf.invert()]))));
    let result = inverses[0]!;
    for (const inverse of inverses.slice(1)) result = result.and(inverse);
    return result;
  }
  le(other: GroupSet): boolean {
    if (this.key === other.key) return true;
    if (this.isUniversal() || other.isEmpty()) return false;
    if (other.isUniversal() || this.isEmpty()) return true;
    return this.inters.every((s) => other.inters.some((o) => s.le(o)));
  }
  /** `invert_intersect(factor)`: `result & factor == self`, or null when it cannot be factored. */
  invertIntersect(factor: GroupSet): GroupSet | null {
    if (factor.equals(this)) return UNIVERSAL_SET;
    const rfactor = factor.invert();
    if (rfactor.isEmpty() || rfactor.isUniversal()) return null;
    const rself = this.invert();
    const factorKeys = new Set(rfactor.inters.map((i) => i.key));
    const inters = rself.inters.filter((i) => !factorKeys.has(i.key));
    if (rself.inters.length - inters.length !== rfactor.inters.length) return null;
    return new GroupSet(inters).invert();
  }
}

const EMPTY_SET = new GroupSet();
const UNIVERSAL_SET = new GroupSet([UNIVERSAL_INTER]);

export interface GroupDefinitionRow {
  id: number;
  /** The group's xml id (`module.name`), or null. */
  ref: string | null;
  implied: number[];
  /** base.module_category_user_type members are pairwise disjoint. */
  userType: boolean;
}

/** res.users `_get_group_definitions()`: every group, its implied groups (group_no_one left out) and the user types' disjointness. */
export class GroupDefinitions {
  private readonly leaves = new Map<string, Leaf>();
  readonly empty = EMPTY_SET;
  readonly universe = UNIVERSAL_SET;

  constructor(rows: readonly GroupDefinitionRow[], groupNoOneId: number | null) {
    for (const row of rows) {
      const leaf = new Leaf(row.id, row.ref ?? String(row.id));
      this.leaves.set(`id:${row.id}`, leaf);
      this.leaves.set(`ref:${leaf.ref}`, leaf);
    }
    const byId = (id: number) => this.leaves.get(`id:${id}`)!;
    const subsets = new Map<string, Set<string>>();
    const supersets = new Map<string, Set<string>>();
    for (const row of rows) {
      subsets.set(byId(row.id).idKey, byId(row.id).subsets);
      supersets.set(byId(row.id).idKey, byId(row.id).supersets);
    }
    for (const row of rows) {
      const leafKey = byId(row.id).idKey;
      for (const greater of row.implied) {
        if (greater === groupNoOneId || !this.leaves.has(`id:${greater}`)) continue;
        const smaller = subsets.get(leafKey)!;
        const greaterIds = supersets.get(byId(greater).idKey)!;
        for (const s of smaller) for (const g of greaterIds) supersets.get(s)!.add(g);
        for (const g of greaterIds) for (const s of smaller) subsets.get(g)!.add(s);
      }
    }
    const userTypes = rows.filter((r) => r.userType).map((r) => r.id);
    for (const id of userTypes) {
      for (const other of userTypes) {
        if (other === id) continue;
        for (const left of subsets.get(byId(id).idKey)!) {
          for (const right of subsets.get(byId(other).idKey)!) {
            this.leafByKey(left)?.disjoints.add(right);
            this.leafByKey(right)?.disjoints.add(left);
          }
        }
      }
    }
  }

  private leafByKey(key: string): Leaf | undefined {
    return key.startsWith('n') ? this.leaves.get(`id:${Number(key.slice(1))}`) : undefined;
  }

  private leaf(ref: string): Leaf {
    if (ref === '*') return UNIVERSAL_LEAF;
    return this.leaves.get(`ref:${ref}`) ?? new Leaf({ unknown: ref }, ref);
  }

  /** `parse("a,b,!c")`: the union of the positive groups, each intersected with every negated one. */
  parse(refs: string): GroupSet {
    const positives: Leaf[] = [];
    const negatives: Leaf[] = [];
    for (const ref of refs.split(',')) {
      if (ref.startsWith('!')) negatives.push(this.leaf(ref.slice(1)).invert());
      else positives.push(this.leaf(ref));
    }
    if (positives.length) return new GroupSet(positives.map((leaf) => new Inter([leaf, ...negatives])));
    return new GroupSet([new Inter(negatives)]);
  }

  fromIds(ids: Iterable<number>): GroupSet {
    return new GroupSet([...ids].filter((id) => this.leaves.has(`id:${id}`)).map((id) => new Inter([this.leaves.get(`id:${id}`)!])));
  }
}
