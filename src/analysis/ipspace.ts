import { IpAddress, IpBlock, cidrRange, formatIp } from '../k8s/ip';

/** An inclusive range of addresses of one family; values as in {@link IpAddress.value}, widened to bigint. */
export interface IpRange {
  readonly family: 4 | 6;
  readonly lo: bigint;
  readonly hi: bigint;
}

/**
 * Addresses no policy can tell apart: the same members (address sets, e.g. the `ipBlock`s of one
 * rule) contain every address of the class. A class is a union of ranges of one family.
 */
export interface IpClass {
  readonly index: number;
  readonly family: 4 | 6;
  /** Sorted, disjoint. */
  readonly ranges: readonly IpRange[];
  /** Ids of the members containing the class, ascending. */
  readonly members: readonly number[];
}

/**
 * The address space cut at every boundary of the given members into classes. Cost is linear in
 * the number of boundaries (plus sorting), never in the number of addresses: a rule listing 20,000
 * single addresses yields one class for them, not 20,000.
 */
export class IpPartition {
  readonly classes: readonly IpClass[];
  /** Per family: the start of each elementary range, ascending, and the class it belongs to. */
  private readonly starts: Record<4 | 6, bigint[]>;
  private readonly classAt: Record<4 | 6, number[]>;

  /**
   * @param members address sets; `members[i]` gets id `i`. Each is a list of blocks (address in
   *   the CIDR and in none of its exceptions); an empty list is an empty set.
   */
  constructor(members: readonly (readonly IpBlock[])[]) {
    const classes: IpClass[] = [];
    const starts = { 4: [] as bigint[], 6: [] as bigint[] };
    const classAt = { 4: [] as number[], 6: [] as number[] };
    for (const family of [4, 6] as const) {
      const events = new Map<bigint, number[]>();
      const at = (point: bigint): number[] => {
        let list = events.get(point);
        if (!list) events.set(point, list = []);
        return list;
      };
      members.forEach((blocks, id) => {
        for (const range of rangesOf(blocks, family)) {
          at(range.lo).push(id + 1);
          at(range.hi + 1n).push(-(id + 1));
        }
      });
      const end = family === 4 ? 1n << 32n : 1n << 128n;
      at(0n);
      const points = [...events.keys()].filter((p) => p < end).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      const active = new Set<number>();
      // Two independent 32-bit hashes of the active set, updated in O(1) per event; a class is
      // looked up by them and confirmed by comparing the member list once per new signature.
      let h1 = 0;
      let h2 = 0;
      const bySignature = new Map<string, { cls: number; members: number[] }[]>();
      const ranges = new Map<number, IpRange[]>();
      for (let k = 0; k < points.length; k++) {
        for (const e of events.get(points[k]) as number[]) {
          const id = Math.abs(e) - 1;
          if (e > 0) active.add(id);
          else active.delete(id);
          h1 ^= mix(id, 0x9e3779b9);
          h2 ^= mix(id, 0x85ebca6b);
        }
        const lo = points[k];
        const hi = (k + 1 < points.length ? points[k + 1] : end) - 1n;
        const key = `${h1}:${h2}:${active.size}`;
        const candidates = bySignature.get(key) ?? [];
        let found = candidates.find((c) => c.members.length === active.size && c.members.every((m) => active.has(m)));
        if (!found) {
          found = { cls: classes.length, members: [...active].sort((a, b) => a - b) };
          candidates.push(found);
          bySignature.set(key, candidates);
          classes.push({ index: found.cls, family, ranges: [], members: found.members });
          ranges.set(found.cls, []);
        }
        const list = ranges.get(found.cls) as IpRange[];
        const last = list[list.length - 1];
        if (last && last.hi + 1n === lo) list[list.length - 1] = { family, lo: last.lo, hi };
        else list.push({ family, lo, hi });
        starts[family].push(lo);
        classAt[family].push(found.cls);
      }
      for (const [cls, list] of ranges) classes[cls] = { ...classes[cls], ranges: list };
    }
    this.classes = classes;
    this.starts = starts;
    this.classAt = classAt;
  }

  /** The class containing `ip`. */
  classOf(ip: IpAddress): IpClass {
    const value = BigInt(ip.value);
    const starts = this.starts[ip.family];
    let left = 0;
    let right = starts.length - 1;
    while (left < right) {
      const mid = (left + right + 1) >>> 1;
      if (starts[mid] <= value) left = mid;
      else right = mid - 1;
    }
    return this.classes[this.classAt[ip.family][left]];
  }
}

/** A block set as sorted, disjoint, non-adjacent ranges of one family. */
export function rangesOf(blocks: readonly IpBlock[], family: 4 | 6): IpRange[] {
  const raw: [bigint, bigint][] = [];
  for (const block of blocks) {
    if (block.cidr.family !== family) continue;
    const [lo, hi] = cidrRange(block.cidr).map(BigInt) as [bigint, bigint];
    const holes = block.except.filter((e) => e.family === family).map((e) => cidrRange(e).map(BigInt) as [bigint, bigint]).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    let cursor = lo;
    for (const [elo, ehi] of holes) {
      if (ehi < cursor) continue;
      if (elo > cursor) raw.push([cursor, elo - 1n]);
      cursor = ehi + 1n;
    }
    if (cursor <= hi) raw.push([cursor, hi]);
  }
  raw.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const out: IpRange[] = [];
  for (const [lo, hi] of raw) {
    const last = out[out.length - 1];
    if (last && lo <= last.hi + 1n) {
      if (hi > last.hi) out[out.length - 1] = { family, lo: last.lo, hi };
    } else {
      out.push({ family, lo, hi });
    }
  }
  return out;
}

/** `a.b.c.d-e.f.g.h` (np-guard's form), or a single address. */
export function formatRange(range: IpRange): string {
  const lo = formatIp(range.lo, range.family);
  return range.lo === range.hi ? lo : `${lo}-${formatIp(range.hi, range.family)}`;
}

/** The fewest CIDRs covering exactly the range, e.g. `10.0.0.0/8`, `0.0.0.0/5, 8.0.0.0/7`. */
export function rangeCidrs(range: IpRange): string[] {
  const width = range.family === 4 ? 32 : 128;
  const out: string[] = [];
  let lo = range.lo;
  while (lo <= range.hi) {
    let bits = width;
    while (bits > 0) {
      const size = 1n << BigInt(width - bits + 1);
      if (lo % size !== 0n || lo + size - 1n > range.hi) break;
      bits--;
    }
    out.push(`${formatIp(lo, range.family)}/${bits}`);
    lo += 1n << BigInt(width - bits);
  }
  return out;
}

function mix(id: number, seed: number): number {
  let x = Math.imul(id + 1, seed) ^ seed;
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d);
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b);
  return (x ^ (x >>> 16)) | 0;
}
