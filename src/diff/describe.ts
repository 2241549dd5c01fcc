import { ConnSet, IpRange, PROTOCOLS, Universe, rangeCidrs } from '../analysis';
import { compare } from '../k8s/compare';
import { Ends } from './changes';
import { OTHER_NAMESPACE } from './standins';

/** How many names a description lists before it counts the rest. */
const LIST_LIMIT = 8;

/**
 * Words for the endpoints of changes: pods by namespace ("all pods in namespace web", "pods with
 * role=db in namespace shop"), addresses by CIDR ("CIDR 10.0.0.0/8", "the internet (IPv4)").
 */
export class Describer {
  private readonly classesByNamespace = new Map<string, number[]>();
  private readonly rangeCache = new Map<string, IpRange[]>();

  constructor(
    private readonly universe: Universe,
    /** The groups of the change set, by index. */
    private readonly groups: readonly (readonly number[])[],
    /** How a class reads within its namespace, e.g. `pods with role=db`, `workload api`. */
    private readonly classWords: (cls: number) => string,
    /** Named ports by `protocol/number`, to print their names. */
    private readonly portNames: ReadonlyMap<string, string> = new Map(),
  ) {
    universe.classes.forEach((c) => {
      const list = this.classesByNamespace.get(c.namespace);
      if (list) list.push(c.index);
      else this.classesByNamespace.set(c.namespace, [c.index]);
    });
  }

  /** The pod classes an end stands for (none for address ends). */
  classes(ends: Ends): number[] {
    if (ends.kind === 'classes') return [...ends.classes];
    if (ends.kind === 'group') {
      const except = new Set(ends.except);
      return this.groups[ends.group].filter((c) => !except.has(c));
    }
    return [];
  }

  /** The address ranges an end stands for, sorted (remembered: many changes share their ends). */
  ranges(ends: Ends): IpRange[] {
    if (ends.kind !== 'addresses' && ends.kind !== 'otherAddresses') return [];
    const key = JSON.stringify(ends);
    let ranges = this.rangeCache.get(key);
    if (!ranges) this.rangeCache.set(key, ranges = this.computeRanges(ends));
    return ranges;
  }

  private computeRanges(ends: Ends): IpRange[] {
    const partition = this.universe.partition;
    if (ends.kind === 'addresses') return mergeRanges(ends.addresses.flatMap((z) => partition.classes[z].ranges));
    if (ends.kind !== 'otherAddresses') return [];
    // The classes partition the address space: the family, minus the classes left out.
    const full: IpRange = { family: ends.family, lo: 0n, hi: ends.family === 4 ? (1n << 32n) - 1n : (1n << 128n) - 1n };
    const holes = mergeRanges(ends.except.flatMap((z) => partition.classes[z].ranges).filter((r) => r.family === ends.family));
    const out: IpRange[] = [];
    let next = full.lo;
    for (const h of holes) {
      if (h.lo > next) out.push({ family: ends.family, lo: next, hi: h.lo - 1n });
      next = h.hi + 1n;
    }
    if (next <= full.hi) out.push({ family: ends.family, lo: next, hi: full.hi });
    return out;
  }

  /**
   * Pods of some classes in words, namespace by namespace. Classes of `home` read without their
   * namespace ("all pods", "pods with role=db"); a whole namespace reads "all pods in namespace X".
   */
  pods(classes: readonly number[], home?: string, wholeHome = 'all pods'): { text: string; namespaces: string[] } {
    const byNamespace = new Map<string, number[]>();
    for (const c of classes) {
      const ns = this.universe.classes[c].namespace;
      const list = byNamespace.get(ns);
      if (list) list.push(c);
      else byNamespace.set(ns, [c]);
    }
    const whole: string[] = [];
    const partial: string[] = [];
    for (const ns of [...byNamespace.keys()].sort(namespaceOrder)) {
      const mine = byNamespace.get(ns) as number[];
      const all = this.classesByNamespace.get(ns) ?? [];
      if (mine.length === all.length) {
        whole.push(ns);
        continue;
      }
      const words = [...new Set(mine.map((c) => this.classWords(c)))].sort(compare).join(', ');
      partial.push(ns === home && wholeHome === 'all pods' ? words : `${words} in ${ns === home ? 'the project' : where(ns)}`);
    }
    const parts: string[] = [];
    if (home !== undefined && whole.includes(home)) parts.push(wholeHome);
    const others = whole.filter((ns) => ns !== home);
    if (others.length === 1) parts.push(`all pods in ${where(others[0])}`);
    else if (others.length > 1) parts.push(`all pods in ${others.length} namespaces (${list(others.map(shortWhere))})`);
    parts.push(...partial);
    return { text: parts.join('; ') || 'no pod', namespaces: [...byNamespace.keys()].sort(namespaceOrder) };
  }

  /** Addresses in words: `the internet (IPv4)`, `any IPv6 address`, `CIDR 10.0.0.0/8, 192.168.1.1/32`. */
  addresses(ranges: readonly IpRange[]): string {
    const parts: string[] = [];
    const merged = mergeRanges(ranges);
    for (const family of [4, 6] as const) {
      const mine = merged.filter((r) => r.family === family);
      if (mine.length === 0) continue;
      const full = family === 4 ? (1n << 32n) - 1n : (1n << 128n) - 1n;
      if (mine.length === 1 && mine[0].lo === 0n && mine[0].hi === full) {
        parts.push(`any IPv${family} address`);
        continue;
      }
      // "Everything but a few blocks" reads better as such than as the dozens of CIDRs it takes.
      const holes: IpRange[] = [];
      let next = 0n;
      for (const r of mine) {
        if (r.lo > next) holes.push({ family, lo: next, hi: r.lo - 1n });
        next = r.hi + 1n;
      }
      if (next <= full) holes.push({ family, lo: next, hi: full });
      const cidrs = mine.flatMap(rangeCidrs);
      const holeCidrs = holes.flatMap(rangeCidrs);
      parts.push(holeCidrs.length < cidrs.length ? `any IPv${family} address except CIDR ${list(holeCidrs)}` : `CIDR ${list(cidrs)}`);
    }
    return parts.join('; ');
  }

  /** Connections in words, named ports by name: `TCP 80, 443`, `TCP port "redis"`, `all ports`. */
  conns(set: ConnSet): string {
    if (set.isAll) return 'all ports';
    const parts: string[] = [];
    for (const protocol of PROTOCOLS) {
      const ranges = set.intervals(protocol);
      if (ranges.length === 0) continue;
      if (ranges.length === 1 && ranges[0][0] === 1 && ranges[0][1] === 65535) {
        parts.push(`any ${protocol} port`);
        continue;
      }
      const words = ranges.map(([lo, hi]) => {
        if (lo === hi) {
          const name = this.portNames.get(`${protocol}/${lo}`);
          return name !== undefined ? `port "${name}"` : `${lo}`;
        }
        return `${lo}-${hi}`;
      });
      parts.push(`${protocol} ${words.join(', ')}`);
    }
    return parts.join(', ');
  }
}

/** `a, b, c` or `a, b, … (12 more)`. */
export function list(items: readonly string[]): string {
  if (items.length <= LIST_LIMIT) return items.join(', ');
  return `${items.slice(0, LIST_LIMIT).join(', ')}, … (${items.length - LIST_LIMIT} more)`;
}

/** `namespace web`, `any other namespace`, `any other namespace with team=a`. */
export function where(ns: string): string {
  if (ns === OTHER_NAMESPACE) return 'any other namespace';
  if (ns.startsWith('(other: ')) return `any other namespace with ${ns.slice('(other: '.length, -1)}`;
  return `namespace ${ns}`;
}

function shortWhere(ns: string): string {
  return ns.startsWith('(other') ? where(ns) : ns;
}

/** Real namespaces first, by name; the stand-ins for unknown ones last. */
export function namespaceOrder(a: string, b: string): number {
  return Number(a.startsWith('(')) - Number(b.startsWith('(')) || compare(a, b);
}

/** Sorted, merged ranges. */
export function mergeRanges(ranges: readonly IpRange[]): IpRange[] {
  const sorted = [...ranges].sort((a, b) => a.family - b.family || (a.lo < b.lo ? -1 : a.lo > b.lo ? 1 : 0));
  const out: IpRange[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && last.family === r.family && r.lo <= last.hi + 1n) {
      if (r.hi > last.hi) out[out.length - 1] = { family: r.family, lo: last.lo, hi: r.hi };
    } else {
      out.push(r);
    }
  }
  return out;
}
