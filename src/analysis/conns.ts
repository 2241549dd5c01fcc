import { PROTOCOLS, Protocol } from '../k8s/protocol';

const MAX_PORT = 65535;

/** Port intervals of one protocol: flattened `[lo0, hi0, lo1, hi1, …]`, sorted, disjoint, non-adjacent. */
type Intervals = readonly number[];

/**
 * A set of connections: per protocol, the destination ports allowed. Sets are interned, so equal
 * sets are the same object (`a === b`) and carry a small integer `id`; operations are memoised by id,
 * which keeps all-pairs computations cheap: a cluster has few distinct sets.
 *
 * Printed as np-guard does: `All Connections`, `No Connections`, or per protocol in alphabetical
 * order, e.g. `TCP 80,8000-8080,UDP 53`.
 */
export class ConnSet {
  private static readonly byKey = new Map<string, ConnSet>();
  private static readonly all: ConnSet[] = [];
  private static readonly memo = new Map<number, ConnSet>();

  /** No connection at all. */
  public static readonly NONE: ConnSet = ConnSet.intern([[], [], []]);
  /** Every port of TCP, UDP and SCTP. */
  public static readonly ALL: ConnSet = ConnSet.intern([[1, MAX_PORT], [1, MAX_PORT], [1, MAX_PORT]]);

  /** Ports `from`..`to` (inclusive) of one protocol; every port when both are omitted. */
  public static ports(protocol: Protocol, from = 1, to = from === 1 ? MAX_PORT : from): ConnSet {
    if (!Number.isInteger(from) || !Number.isInteger(to) || from < 1 || to > MAX_PORT || from > to) {
      throw new Error(`port range ${from}-${to} is not within 1-${MAX_PORT}`);
    }
    const parts: Intervals[] = [[], [], []];
    parts[PROTOCOLS.indexOf(protocol)] = [from, to];
    return ConnSet.intern(parts);
  }

  /** Every port of one protocol. */
  public static protocol(protocol: Protocol): ConnSet {
    return ConnSet.ports(protocol, 1, MAX_PORT);
  }

  /** The set with this {@link ConnSet.id}. */
  public static byId(id: number): ConnSet {
    const set = ConnSet.all[id];
    if (!set) throw new Error(`no connection set with id ${id}`);
    return set;
  }

  /** Union of many sets. */
  public static unionAll(sets: Iterable<ConnSet>): ConnSet {
    let out = ConnSet.NONE;
    for (const s of sets) out = out.union(s);
    return out;
  }

  private static intern(parts: readonly Intervals[]): ConnSet {
    const key = parts.map((p) => p.join(',')).join('|');
    let set = ConnSet.byKey.get(key);
    if (!set) {
      set = new ConnSet(ConnSet.all.length, parts, key);
      ConnSet.all.push(set);
      ConnSet.byKey.set(key, set);
    }
    return set;
  }

  private constructor(
    /** Small integer, unique per distinct set (for hashing and memo keys). */
    public readonly id: number,
    private readonly parts: readonly Intervals[],
    /** Canonical text of the intervals; equal sets have equal keys. */
    public readonly key: string,
  ) {}

  public get isEmpty(): boolean { return this === ConnSet.NONE; }
  public get isAll(): boolean { return this === ConnSet.ALL; }

  /** The port intervals of one protocol, as `[lo, hi]` pairs. */
  public intervals(protocol: Protocol): [number, number][] {
    const flat = this.parts[PROTOCOLS.indexOf(protocol)];
    const out: [number, number][] = [];
    for (let i = 0; i < flat.length; i += 2) out.push([flat[i], flat[i + 1]]);
    return out;
  }

  /** Whether the set holds this port of this protocol. */
  public has(protocol: Protocol, port: number): boolean {
    const flat = this.parts[PROTOCOLS.indexOf(protocol)];
    for (let i = 0; i < flat.length; i += 2) {
      if (port < flat[i]) return false;
      if (port <= flat[i + 1]) return true;
    }
    return false;
  }

  /** Protocols with at least one port. */
  public get protocols(): Protocol[] {
    return PROTOCOLS.filter((_, i) => this.parts[i].length > 0);
  }

  public union(other: ConnSet): ConnSet {
    if (this === other || other.isEmpty || this.isAll) return this;
    if (this.isEmpty || other.isAll) return other;
    return this.combine(other, 0, (a, b) => a || b);
  }

  public intersect(other: ConnSet): ConnSet {
    if (this === other || other.isAll || this.isEmpty) return this;
    if (this.isAll || other.isEmpty) return other;
    return this.combine(other, 1, (a, b) => a && b);
  }

  /** The connections of this set that `other` does not hold. */
  public subtract(other: ConnSet): ConnSet {
    if (other.isEmpty || this.isEmpty) return this;
    if (this === other || other.isAll) return ConnSet.NONE;
    return this.combine(other, 2, (a, b) => a && !b);
  }

  /** Whether every connection of `other` is in this set. */
  public contains(other: ConnSet): boolean {
    return other.subtract(this).isEmpty;
  }

  /** `All Connections`, `No Connections`, or e.g. `TCP 80,8000-8080,UDP 53` (protocols in alphabetical order). */
  public toString(): string {
    if (this.isAll) return 'All Connections';
    if (this.isEmpty) return 'No Connections';
    return [...PROTOCOLS].sort().flatMap((p) => {
      const ranges = this.intervals(p);
      if (ranges.length === 0) return [];
      return [`${p} ${ranges.map(([lo, hi]) => (lo === hi ? `${lo}` : `${lo}-${hi}`)).join(',')}`];
    }).join(',');
  }

  /** Plain words: `all ports`, `no port`, `every TCP port`, `TCP 80, 443 and UDP 53`. */
  public describe(): string {
    if (this.isAll) return 'all ports';
    if (this.isEmpty) return 'no port';
    const words = this.protocols.map((p) => {
      const ranges = this.intervals(p);
      if (ranges.length === 1 && ranges[0][0] === 1 && ranges[0][1] === MAX_PORT) return `every ${p} port`;
      return `${p} ${ranges.map(([lo, hi]) => (lo === hi ? `${lo}` : `${lo}-${hi}`)).join(', ')}`;
    });
    return words.length === 1 ? words[0] : `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
  }

  private combine(other: ConnSet, op: number, keep: (a: boolean, b: boolean) => boolean): ConnSet {
    const memoKey = (this.id * 3 + op) * 67_108_864 + other.id;
    const cached = ConnSet.memo.get(memoKey);
    if (cached) return cached;
    const parts = this.parts.map((a, i) => merge(a, other.parts[i], keep));
    const result = ConnSet.intern(parts);
    ConnSet.memo.set(memoKey, result);
    return result;
  }
}

/** Sweeps both interval lists' boundaries and keeps the stretches where `keep` holds. */
function merge(a: Intervals, b: Intervals, keep: (inA: boolean, inB: boolean) => boolean): number[] {
  const cuts = new Set<number>();
  for (const list of [a, b]) for (let i = 0; i < list.length; i += 2) cuts.add(list[i]).add(list[i + 1] + 1);
  const points = [...cuts].sort((x, y) => x - y);
  const out: number[] = [];
  let ia = 0;
  let ib = 0;
  for (let k = 0; k + 1 < points.length; k++) {
    const lo = points[k];
    const hi = points[k + 1] - 1;
    while (ia < a.length && a[ia + 1] < lo) ia += 2;
    while (ib < b.length && b[ib + 1] < lo) ib += 2;
    const inA = ia < a.length && a[ia] <= lo;
    const inB = ib < b.length && b[ib] <= lo;
    if (!keep(inA, inB)) continue;
    if (out.length && out[out.length - 1] === lo - 1) out[out.length - 1] = hi;
    else out.push(lo, hi);
  }
  return out;
}
