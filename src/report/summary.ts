import { ClusterNode, ConnSet, Engine, IpRange, PeerRef, SideFunction, SideResult, parseIp } from '../analysis';
import { compare } from '../k8s/compare';
import { AnswerBook, localPolicy } from './because';
import { mergeRanges, subtractAddresses } from './ranges';

/**
 * Which pairs a report covers, as np-guard's focus options choose them: a pair is in scope when
 * one end is a focus workload (on the focus direction's side) and the other a peer. Without a
 * focus every pair is; without peers every other end is a peer (addresses and nodes included).
 */
export interface Scope {
  /** Focus workloads, by `namespace/name`. */
  readonly focus?: (workload: string) => boolean;
  /** Peers of the focus workloads, by `namespace/name`; addresses and nodes are never named peers. */
  readonly peers?: (workload: string) => boolean;
  /** `egress`: only connections out of focus workloads; `ingress`: only into them. */
  readonly direction?: 'ingress' | 'egress';
}

/** Workloads no answer tells apart: an engine class, split by the scope's roles. */
export interface Unit {
  readonly index: number;
  readonly cls: number;
  readonly namespace: string;
  /** `namespace/name`, sorted. */
  readonly workloads: readonly string[];
  readonly focus: boolean;
  readonly peer: boolean;
}

/** Every pair of distinct workloads from `from` to `to` (unit indices, ascending), except the pairs of `except`. */
export interface PodBlock {
  readonly from: readonly number[];
  readonly to: readonly number[];
  readonly except: readonly PodBlock[];
}

/** Pods of `units` and the addresses `ranges`; `toAddresses` says which end is the source. */
export interface AddressBlock {
  readonly units: readonly number[];
  readonly ranges: readonly IpRange[];
  readonly toAddresses: boolean;
}

/** Pods of `units` and the nodes named; `toNodes` says which end is the source. */
export interface NodeBlock {
  readonly units: readonly number[];
  readonly nodes: readonly string[];
  readonly toNodes: boolean;
}

/** How a set of workloads is isolated: the policies (named as {@link localPolicy} does) that isolate each direction. */
export interface IsolationGroup {
  readonly ingress: readonly string[];
  readonly egress: readonly string[];
  readonly units: readonly number[];
}

/** What an input says that policies do not: the ingress controller's routes (np-guard's `{ingress-controller}`). */
export interface ControllerRoutes {
  /** The workload that stands for the controller's pod in the engine; never listed itself. */
  readonly ref: string;
  /** TCP ports that Ingress and Route objects send to each workload (`namespace/name`). */
  readonly routes: ReadonlyMap<string, readonly number[]>;
}

/** The allowed connections of a cluster grouped by answer, at the level of engine classes. */
export interface Summary {
  readonly units: readonly Unit[];
  readonly book: AnswerBook;
  /** Per answer id, in the order answers were found. */
  readonly pods: ReadonlyMap<number, PodBlock[]>;
  readonly addresses: ReadonlyMap<number, AddressBlock[]>;
  readonly nodes: ReadonlyMap<number, NodeBlock[]>;
  /** Per answer id: the units the ingress controller reaches with it. */
  readonly controller: ReadonlyMap<number, number[]>;
  readonly isolation: readonly IsolationGroup[];
  /** Workloads in scope per namespace, and in the whole analysis per namespace (to tell `ns/*`). */
  readonly namespaceSizes: ReadonlyMap<string, number>;
}

/** Options of {@link summarize}. */
export interface SummaryOptions {
  readonly scope?: Scope;
  /** Nodes with known addresses: listed as nodes, and left out of the address ranges. */
  readonly nodes?: readonly ClusterNode[];
  readonly controller?: ControllerRoutes;
}

const NOT_ENFORCED = 'the dataplane does not enforce NetworkPolicy, so every connection is allowed';


/**
 * Groups every allowed connection of the engine by answer (the connections and, per side, the
 * rules that allowed them, named within their side's namespace).
 *
 * Cost follows the answers and the policies, not the pairs: a pair that no specific rule of
 * either side names gets the answer of its sides' defaults, so pairs of workloads whose default
 * sides read the same form one rectangle without being enumerated; only pairs that some rule names
 * (the side functions' explicit entries) are visited one by one, and where such a pair lies in a
 * rectangle of another answer it is listed as the rectangle's exception.
 */
export function summarize(engine: Engine, options: SummaryOptions = {}): Summary {
  return new Summarizer(engine, options).run();
}

class Summarizer {
  private readonly conn;
  private readonly book: AnswerBook;
  private readonly units: Unit[] = [];
  private readonly unitsOf: number[][] = [];
  private readonly scope: Scope;
  private readonly exemption?: string;
  private readonly pods = new Map<number, PodBlock[]>();

  constructor(private readonly engine: Engine, private readonly options: SummaryOptions) {
    this.conn = engine.connectivity;
    this.book = new AnswerBook(this.conn);
    this.scope = options.scope ?? {};
    this.exemption = engine.dataplane.enforcesNetworkPolicy ? undefined : NOT_ENFORCED;
  }

  run(): Summary {
    this.makeUnits();
    this.podAnswers();
    return {
      units: this.units,
      book: this.book,
      pods: this.pods,
      addresses: this.addressAnswers(),
      nodes: this.nodeAnswers(),
      controller: this.controllerAnswers(),
      isolation: this.isolationGroups(),
      namespaceSizes: this.namespaceSizes(),
    };
  }

  private makeUnits(): void {
    const hidden = this.options.controller?.ref;
    const { focus, peers } = this.scope;
    for (const cls of this.engine.universe.classes) {
      this.unitsOf[cls.index] = [];
      if (!this.conn.present(cls.index)) continue;
      const split = new Map<string, { focus: boolean; peer: boolean; workloads: string[] }>();
      for (const w of cls.workloads) {
        if (w === hidden) continue;
        const f = focus ? focus(w) : true;
        const p = peers ? peers(w) : true;
        const key = `${f}${p}`;
        const entry = split.get(key) ?? { focus: f, peer: p, workloads: [] };
        entry.workloads.push(w);
        split.set(key, entry);
      }
      for (const { focus: f, peer: p, workloads } of [...split.values()].sort((a, b) => compare(a.workloads[0], b.workloads[0]))) {
        const index = this.units.length;
        this.units.push({ index, cls: cls.index, namespace: cls.namespace, workloads, focus: f, peer: p });
        this.unitsOf[cls.index].push(index);
      }
    }
  }

  /** Whether the pair of units is one the report covers. */
  private inScope(u: Unit, v: Unit): boolean {
    if (!this.scope.focus) return true;
    if (this.scope.direction === 'egress') return u.focus && v.peer;
    if (this.scope.direction === 'ingress') return v.focus && u.peer;
    return (u.focus && v.peer) || (v.focus && u.peer);
  }

  /** Whether a pod unit's connections with an address or node are covered; `podIsSource` tells the direction. */
  private addressInScope(u: Unit, podIsSource: boolean): boolean {
    if (!this.scope.focus) return true;
    if (this.scope.peers || !u.focus) return false;
    return this.scope.direction === undefined || this.scope.direction === (podIsSource ? 'egress' : 'ingress');
  }

  private podAnswers(): void {
    const conn = this.conn;
    const classes = this.engine.universe.classes.filter((c) => this.unitsOf[c.index].length > 0).map((c) => c.index);
    // Classes whose default sides read the same (relatively) answer the same to every pair no rule names.
    const eGroup = new Int32Array(this.engine.universe.classes.length).fill(-1);
    const iGroup = new Int32Array(this.engine.universe.classes.length).fill(-1);
    const eReps: SideResult[] = [];
    const iReps: SideResult[] = [];
    const eMembers: number[][] = [];
    const iMembers: number[][] = [];
    const groupOf = (def: SideResult, reps: SideResult[], members: number[][], keys: Map<string, number>, c: number): number => {
      const key = `${def.allowed.id}:${this.book.reasons.of(def, ConnSet.ALL).id}`;
      let g = keys.get(key);
      if (g === undefined) {
        keys.set(key, g = reps.length);
        reps.push(def);
        members.push([]);
      }
      members[g].push(c);
      return g;
    };
    const eKeys = new Map<string, number>();
    const iKeys = new Map<string, number>();
    for (const c of classes) {
      eGroup[c] = groupOf(conn.egress(c).def, eReps, eMembers, eKeys, c);
      iGroup[c] = groupOf(conn.ingress(c).def, iReps, iMembers, iKeys, c);
    }
    const defaults = new Map<number, number>();
    const defaultAnswer = (eg: number, ig: number): number => {
      const key = eg * iReps.length + ig;
      let a = defaults.get(key);
      if (a === undefined) defaults.set(key, a = this.book.answer('pod', 'pod', eReps[eg], iReps[ig], { exemption: this.exemption }));
      return a;
    };

    // Pairs some rule names: their own answers, and the exceptions of the default rectangles they lie in.
    const explicitPairs = new Map<number, [number, number][]>();
    const exceptions = new Map<number, [number, number][]>();
    const visit = (s: number, d: number, e: SideResult, i: SideResult): void => {
      const answer = this.book.answer('pod', 'pod', e, i, { exemption: this.exemption });
      const eg = eGroup[s];
      const ig = iGroup[d];
      const fallback = defaultAnswer(eg, ig);
      if (answer === fallback) return;
      for (const u of this.unitsOf[s]) {
        for (const v of this.unitsOf[d]) {
          if (!this.realPair(u, v)) continue;
          if (answer >= 0) push(explicitPairs, answer, [u, v]);
          if (fallback >= 0) push(exceptions, eg * iReps.length + ig, [u, v]);
        }
      }
    };
    for (const s of classes) {
      const egress = conn.egress(s);
      for (const [d, e] of egress.explicit()) if (this.unitsOf[d].length) visit(s, d, e, at(conn.ingress(d), s));
    }
    for (const d of classes) {
      const ingress = conn.ingress(d);
      for (const [s, i] of ingress.explicit()) {
        if (!this.unitsOf[s].length) continue;
        const egress = conn.egress(s);
        if (!egress.explicit().has(d)) visit(s, d, egress.def, i);
      }
    }

    for (let eg = 0; eg < eReps.length; eg++) {
      if (eReps[eg].allowed.isEmpty && this.exemption === undefined) continue;
      for (let ig = 0; ig < iReps.length; ig++) {
        const answer = defaultAnswer(eg, ig);
        if (answer < 0) continue;
        const from = eMembers[eg].flatMap((c) => this.unitsOf[c]);
        const to = iMembers[ig].flatMap((c) => this.unitsOf[c]);
        const except = this.rectangles(exceptions.get(eg * iReps.length + ig) ?? []);
        const blocks = this.scoped(from, to);
        if (blocks.length === 1 && blocks[0].from.length === from.length && blocks[0].to.length === to.length) {
          push(this.pods, answer, this.trim({ ...blocks[0], except }));
          continue;
        }
        for (const block of blocks) push(this.pods, answer, this.trim({ ...block, except: except.map((x) => clip(x, block)).filter((x) => x.from.length && x.to.length) }));
      }
    }
    for (const [answer, pairs] of explicitPairs) for (const block of this.rectangles(pairs)) push(this.pods, answer, block);
    for (const blocks of this.pods.values()) blocks.sort(blockOrder);
  }

  /**
   * The block without the sources whose every pair is an exception, and the destinations likewise:
   * an exception covering whole rows or columns reads better as a smaller block.
   */
  private trim(block: PodBlock): PodBlock {
    // A unit of one workload is never paired with itself: its own cell needs no exception.
    const lone = (u: number) => this.units[u].workloads.length === 1;
    let { from, to } = block;
    const covered = (unit: number, others: readonly number[], listed: ReadonlySet<number>) => others.every((o) => listed.has(o) || (o === unit && lone(unit)));
    for (const x of block.except) {
      const xTo = new Set(x.to);
      const xFrom = new Set(x.from);
      const rows = new Set(x.from.filter((u) => covered(u, to, xTo)));
      const cols = new Set(x.to.filter((v) => covered(v, from, xFrom)));
      from = from.filter((u) => !rows.has(u));
      to = to.filter((v) => !cols.has(v));
    }
    const kept = { from, to, except: [] };
    const except = block.except.map((x) => clip(x, kept)).filter((x) => x.from.length && x.to.length);
    return { from, to, except };
  }

  /** Whether a unit pair stands for at least one pair of distinct workloads in scope. */
  private realPair(u: number, v: number): boolean {
    if (u === v && this.units[u].workloads.length < 2) return false;
    return this.inScope(this.units[u], this.units[v]);
  }

  /** The in-scope part of `from × to` as blocks without exceptions. */
  private scoped(from: readonly number[], to: readonly number[]): PodBlock[] {
    if (!this.scope.focus) return [{ from, to, except: [] }];
    const roles = (list: readonly number[]) => {
      const out = new Map<string, number[]>();
      for (const u of list) push(out, `${this.units[u].focus}${this.units[u].peer}`, u);
      return out;
    };
    const sources = roles(from);
    const destinations = roles(to);
    const byFrom = new Map<string, { from: number[]; to: number[] }>();
    for (const s of sources.values()) {
      const to2 = [...destinations.values()].filter((d) => this.inScope(this.units[s[0]], this.units[d[0]])).flat().sort((a, b) => a - b);
      if (!to2.length) continue;
      const key = to2.join(',');
      const entry = byFrom.get(key);
      if (entry) entry.from.push(...s);
      else byFrom.set(key, { from: [...s], to: to2 });
    }
    return [...byFrom.values()].map(({ from: f, to: t }) => ({ from: f.sort((a, b) => a - b), to: t, except: [] }));
  }

  /**
   * Pairs as few rectangles as grouping gives: sources with the same destinations form one,
   * then rectangles with the same sources merge. A unit of one workload is its own destination
   * whenever it reaches others of its namespace: a workload and itself is never a pair, so this
   * changes nothing but lets a namespace whose workloads all reach each other read as one block.
   */
  private rectangles(pairs: readonly [number, number][]): PodBlock[] {
    const byFrom = new Map<number, Set<number>>();
    for (const [u, v] of pairs) {
      let set = byFrom.get(u);
      if (!set) byFrom.set(u, set = new Set());
      set.add(v);
    }
    const byTo = new Map<string, { from: number[]; to: number[] }>();
    for (const [u, set] of byFrom) {
      const unit = this.units[u];
      if (unit.workloads.length === 1 && !set.has(u) && [...set].some((v) => this.units[v].namespace === unit.namespace)) set.add(u);
      const to = [...set].sort((a, b) => a - b);
      const key = to.join(',');
      const entry = byTo.get(key);
      if (entry) entry.from.push(u);
      else byTo.set(key, { from: [u], to });
    }
    const bySources = new Map<string, { from: number[]; to: number[] }>();
    for (const { from, to } of byTo.values()) {
      from.sort((a, b) => a - b);
      const key = from.join(',');
      const entry = bySources.get(key);
      if (entry) entry.to = [...new Set([...entry.to, ...to])].sort((a, b) => a - b);
      else bySources.set(key, { from, to });
    }
    // A lone source of one workload needs no place among its own destinations.
    return [...bySources.values()].map(({ from, to }) => ({ from, to: from.length === 1 && this.units[from[0]].workloads.length === 1 ? to.filter((v) => v !== from[0]) : to, except: [] }));
  }

  private addressAnswers(): Map<number, AddressBlock[]> {
    const conn = this.conn;
    const nodeIps = (this.options.nodes ?? []).map((n) => parseIp(n.ip)).filter((ip) => ip !== undefined);
    const rangeSets: IpRange[][] = [];
    const rangeKeys = new Map<string, number>();
    const rangeSet = (merged: IpRange[]): number => {
      const ranges = subtractAddresses(merged, nodeIps);
      const key = ranges.map((r) => `${r.family}:${r.lo}-${r.hi}`).join(',');
      let id = rangeKeys.get(key);
      if (id === undefined) {
        rangeKeys.set(key, id = rangeSets.length);
        rangeSets.push(ranges);
      }
      return id;
    };
    // Per side function: (answer, range set) pairs, shared by the classes that share the function.
    // Both directions of an open pod are the same function, so the memo is per direction.
    const perSide = [new Map<SideFunction, [number, number][]>(), new Map<SideFunction, [number, number][]>()];
    const answersOf = (side: SideFunction, toAddresses: boolean): [number, number][] => {
      const memo = perSide[toAddresses ? 0 : 1];
      let out = memo.get(side);
      if (out) return out;
      // Results are compared by answer: addresses named by different rules may still read the same.
      const byAnswer = new Map<number, IpRange[]>();
      for (const [r, ranges] of side.ipRanges()) {
        const a = toAddresses
          ? this.book.answer('pod', 'address', r, undefined, { exemption: this.exemption })
          : this.book.answer('address', 'pod', undefined, r, { exemption: this.exemption });
        if (a >= 0) byAnswer.set(a, byAnswer.has(a) ? mergeRanges([...byAnswer.get(a) as IpRange[], ...ranges]) : [...ranges]);
      }
      out = [...byAnswer].map(([a, ranges]): [number, number] => [a, rangeSet(ranges)]);
      memo.set(side, out);
      return out;
    };
    const blocks = new Map<string, { answer: number; ranges: number; units: number[]; toAddresses: boolean }>();
    for (const unit of this.units) {
      for (const toAddresses of [true, false]) {
        if (!this.addressInScope(unit, toAddresses)) continue;
        const side = toAddresses ? conn.egress(unit.cls) : conn.ingress(unit.cls);
        for (const [answer, ranges] of answersOf(side, toAddresses)) {
          if (rangeSets[ranges].length === 0) continue;
          const key = `${answer}:${ranges}`;
          const entry = blocks.get(key);
          if (entry) entry.units.push(unit.index);
          else blocks.set(key, { answer, ranges, units: [unit.index], toAddresses });
        }
      }
    }
    const out = new Map<number, AddressBlock[]>();
    for (const b of blocks.values()) push(out, b.answer, { units: b.units, ranges: rangeSets[b.ranges], toAddresses: b.toAddresses });
    return out;
  }

  private nodeAnswers(): Map<number, NodeBlock[]> {
    const nodes = this.options.nodes ?? [];
    const out = new Map<number, NodeBlock[]>();
    if (nodes.length === 0) return out;
    const partition = this.engine.universe.partition;
    const peers = nodes.map((n): PeerRef => ({ kind: 'node', ipClass: partition.classOf(parseIp(n.ip) as NonNullable<ReturnType<typeof parseIp>>).index, labels: n.labels ?? {} }));
    for (const toNodes of [true, false]) {
      const byAnswer = new Map<number, Map<number, string[]>>();
      for (const unit of this.units) {
        if (!this.addressInScope(unit, toNodes)) continue;
        nodes.forEach((node, k) => {
          const result = this.conn.resultFor(unit.cls, toNodes ? 'egress' : 'ingress', peers[k]);
          const answer = toNodes
            ? this.book.answer('pod', 'node', result, undefined, { exemption: this.exemption })
            : this.book.answer('node', 'pod', undefined, result, { exemption: this.exemption });
          if (answer < 0) return;
          let perUnit = byAnswer.get(answer);
          if (!perUnit) byAnswer.set(answer, perUnit = new Map());
          push(perUnit, unit.index, node.name);
        });
      }
      for (const [answer, perUnit] of byAnswer) {
        const grouped = new Map<string, number[]>();
        for (const [u, names] of perUnit) push(grouped, names.join('\n'), u);
        for (const [names, units] of grouped) push(out, answer, { units, nodes: names.split('\n'), toNodes });
      }
    }
    return out;
  }

  private controllerAnswers(): Map<number, number[]> {
    const out = new Map<number, number[]>();
    const controller = this.options.controller;
    if (!controller) return out;
    const ctrl = this.engine.universe.classOf.get(controller.ref);
    if (ctrl === undefined) return out;
    const unitOf = new Map(this.units.flatMap((u) => u.workloads.map((w) => [w, u] as const)));
    for (const [workload, ports] of controller.routes) {
      const unit = unitOf.get(workload);
      if (!unit || !this.addressInScope(unit, false)) continue;
      const routed = ConnSet.unionAll(ports.map((p) => ConnSet.ports('TCP', p, p)));
      const within = routed.intersect(this.conn.egress(ctrl).get(unit.cls).allowed);
      const answer = this.book.answer('ingress-controller', 'pod', undefined, this.conn.ingress(unit.cls).get(ctrl), { within, exemption: this.exemption });
      if (answer < 0) continue;
      const list = out.get(answer) ?? [];
      if (!list.includes(unit.index)) list.push(unit.index);
      out.set(answer, list);
    }
    return out;
  }

  private isolationGroups(): IsolationGroup[] {
    const groups = new Map<string, IsolationGroup & { units: number[] }>();
    for (const unit of this.units) {
      if (this.scope.focus && !unit.focus) continue;
      const isolating = (direction: 'ingress' | 'egress') => this.conn.selecting(unit.cls, direction).filter((s) => s.isolates).map((s) => localPolicy(s.policy)).sort(compare);
      const ingress = isolating('ingress');
      const egress = isolating('egress');
      const key = `${ingress.join(',')}|${egress.join(',')}`;
      const entry = groups.get(key);
      if (entry) entry.units.push(unit.index);
      else groups.set(key, { ingress, egress, units: [unit.index] });
    }
    return [...groups.values()];
  }

  private namespaceSizes(): Map<string, number> {
    const out = new Map<string, number>();
    const hidden = this.options.controller?.ref;
    for (const w of this.engine.cluster.workloads) {
      const ref = `${w.namespace}/${w.name}`;
      if (ref !== hidden) out.set(w.namespace, (out.get(w.namespace) ?? 0) + 1);
    }
    return out;
  }
}

/**
 * A side function's result for a pod class: its explicit entry, else its default. The same as
 * `side.get(c)` (explicit entries are exactly the results that differ from the default), without
 * recomputing which rules name the class.
 */
export function at(side: SideFunction, c: number): SideResult {
  return side.explicit().get(c) ?? side.def;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** The part of rectangle `a` inside rectangle `b`. */
function clip(a: PodBlock, b: PodBlock): PodBlock {
  const from = new Set(b.from);
  const to = new Set(b.to);
  return { from: a.from.filter((u) => from.has(u)), to: a.to.filter((v) => to.has(v)), except: [] };
}

function blockOrder(a: PodBlock, b: PodBlock): number {
  return a.from[0] - b.from[0] || a.to[0] - b.to[0];
}
