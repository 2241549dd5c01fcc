import { ClassIndex, ClassSet, WorkloadClass } from './classes';
import { Protocol } from './model';
import { compare } from '../k8s/compare';
import { CompiledPolicy } from './policy';

/**
 * Pairwise reachability between all workloads for one port and protocol,
 * held at class level as one bitset row per source class.
 *
 * Class-level answers reflect policy only. Workload-level answers also
 * include the loopback exemption: a workload may always reach itself, even
 * when its class may not reach its own class (for example under deny-all).
 */
export class ReachabilityMatrix {
  private readonly words: number;

  /** @internal Built by {@link computeMatrix}. */
  constructor(
    readonly port: number,
    readonly protocol: Protocol,
    readonly classes: readonly WorkloadClass[],
    private readonly classOf: ReadonlyMap<string, number>,
    private readonly rows: Uint32Array,
  ) {
    this.words = (classes.length + 31) >>> 5;
  }

  /** Whether workloads of class `from` may open connections to workloads of class `to`. */
  classAllowed(from: number, to: number): boolean {
    return (this.rows[from * this.words + (to >>> 5)] & (1 << (to & 31))) !== 0;
  }

  /** Allowed destination classes of `from`, ascending. */
  allowedClassesFrom(from: number): number[] {
    const out: number[] = [];
    const base = from * this.words;
    for (let w = 0; w < this.words; w++) {
      let x = this.rows[base + w];
      while (x !== 0) {
        const low = x & -x;
        out.push((w << 5) + 31 - Math.clz32(low));
        x ^= low;
      }
    }
    return out;
  }

  /** Number of allowed (source class, destination class) pairs. */
  classPairCount(): number {
    let total = 0;
    for (const word of this.rows) total += popcount(word);
    return total;
  }

  /** Whether workload `from` (`ns/name`) may reach workload `to`. */
  allows(from: string, to: string): boolean {
    if (from === to) return true;
    return this.classAllowed(this.classIndex(from), this.classIndex(to));
  }

  /** Number of allowed ordered workload pairs, self pairs included. */
  workloadPairCount(): number {
    let total = 0;
    for (const c of this.classes) {
      const size = c.workloads.length;
      for (const d of this.allowedClassesFrom(c.index)) total += size * this.classes[d].workloads.length;
      if (!this.classAllowed(c.index, c.index)) total += size;
    }
    return total;
  }

  /** Every allowed ordered workload pair, self pairs included, sorted by source then destination. */
  *workloadPairs(): Generator<[string, string]> {
    const sources = [...this.classOf.keys()].sort(compare);
    for (const from of sources) {
      const c = this.classOf.get(from) as number;
      const targets = this.allowedClassesFrom(c).flatMap((d) => this.classes[d].workloads);
      if (!this.classAllowed(c, c)) targets.push(from);
      for (const to of targets.sort(compare)) yield [from, to];
    }
  }

  private classIndex(ref: string): number {
    const c = this.classOf.get(ref);
    if (c === undefined) throw new Error(`unknown workload ${ref}`);
    return c;
  }
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
}

/**
 * Computes the matrix with set operations instead of pair checks:
 * 1. for each ingress-isolated destination class D, mark D in the "ingress
 *    allowed to" row of every source class its matching rules' peers select
 *    (a transposed ingress table, so no n² transpose is needed);
 * 2. for each source class S, build its egress-allowed row (all ones when S
 *    is not egress-isolated);
 * 3. AND the egress row with (ingress-open destinations | transposed ingress row).
 * Cost is proportional to the peer-set sizes of matching rules plus n²/32
 * word operations, not to n² selector evaluations.
 */
export function computeMatrix(index: ClassIndex, policies: readonly CompiledPolicy[], port: number, protocol: Protocol): ReachabilityMatrix {
  const { classes, ruleClasses } = index;
  const n = classes.length;
  const words = (n + 31) >>> 5;
  const ingressOpen = new Uint32Array(words);
  const ingressFrom = new Uint32Array(n * words);

  for (let d = 0; d < n; d++) {
    const governing = index.ingressPolicies[d];
    let open = governing.length === 0;
    const dWord = d >>> 5;
    const dBit = 1 << (d & 31);
    for (let i = 0; i < governing.length && !open; i++) {
      for (const rule of policies[governing[i]].ingress ?? []) {
        if (!rule.ports.matches(port, protocol, classes[d].ports)) continue;
        const set = ruleClasses.get(rule) as ClassSet;
        if (set === 'all') {
          open = true;
          break;
        }
        for (let k = 0; k < set.length; k++) ingressFrom[set[k] * words + dWord] |= dBit;
      }
    }
    if (open) ingressOpen[dWord] |= dBit;
  }

  const rows = new Uint32Array(n * words);
  for (let s = 0; s < n; s++) {
    const base = s * words;
    const governing = index.egressPolicies[s];
    if (governing.length === 0) rows.fill(0xffffffff, base, base + words);
    for (const pi of governing) {
      for (const rule of policies[pi].egress ?? []) {
        const set = ruleClasses.get(rule) as ClassSet;
        if (!rule.ports.hasNamed) {
          if (!rule.ports.matches(port, protocol, undefined)) continue;
          if (set === 'all') rows.fill(0xffffffff, base, base + words);
          else for (let k = 0; k < set.length; k++) rows[base + (set[k] >>> 5)] |= 1 << (set[k] & 31);
          continue;
        }
        // Named ports resolve on each destination, so test them class by class.
        const count = set === 'all' ? n : set.length;
        for (let k = 0; k < count; k++) {
          const d = set === 'all' ? k : set[k];
          if (rule.ports.matches(port, protocol, classes[d].ports)) rows[base + (d >>> 5)] |= 1 << (d & 31);
        }
      }
    }
    // Bits past n set by fills are cleared here: neither ingress table has them.
    for (let w = 0; w < words; w++) rows[base + w] &= ingressOpen[w] | ingressFrom[base + w];
  }
  return new ReachabilityMatrix(port, protocol, classes, index.classOf, rows);
}
