import { Labels } from '../k8s/names';
import { Selector } from '../k8s/selector';
import { compare } from '../k8s/compare';
import { ConnSet } from './conns';
import { DataplaneSemantics } from '../cni/semantics';
import { IpPartition, IpRange, rangesOf } from './ipspace';
import { ContainerPort } from './model';
import { PortSpec } from './ports';
import { Entity, RuleAction, Tier, TierPeer, TierPolicy, TierRule } from './tiers';

type Direction = 'ingress' | 'egress';

/**
 * Pods no policy can tell apart: one namespace, the same labels, container ports and
 * address-block membership. Reachability is computed once per class.
 */
export interface PodClass {
  readonly index: number;
  readonly namespace: string;
  /** Member workloads, `namespace/name`, sorted. */
  readonly workloads: readonly string[];
}

/** What one side (a cluster state) knows of a class's pods. */
export interface PodView {
  readonly namespaceLabels: Labels;
  readonly labels: Labels;
  readonly ports: readonly ContainerPort[] | undefined;
  /** Ids of the partition members (rules with address peers) whose blocks contain the pods' address. */
  readonly ipMembers: readonly number[];
}

/** Points at one rule of one policy. */
export interface RuleRef {
  /** The policy's id: `namespace/name` for a NetworkPolicy, `Kind name` for cluster-scoped ones. */
  readonly policy: string;
  readonly direction: Direction;
  readonly ruleIndex: number;
  /** The rule's action; NetworkPolicy rules only allow. */
  readonly action?: RuleAction;
  /** The rule's name, where its API has one. */
  readonly name?: string;
  /** The tier the policy belongs to, e.g. `admin`, `networkpolicy`, `baseline`. */
  readonly tier?: string;
}

/**
 * One step of a decision: the connections a rule matched (and what it did with them), the
 * connections an isolating tier denied because no rule matched them, or the connections allowed
 * because no tier decided them.
 */
export type Step =
  | { readonly kind: 'rule'; readonly rule: RuleRef; readonly conns: ConnSet }
  | { readonly kind: 'isolated'; readonly tier: string; readonly policies: readonly string[]; readonly conns: ConnSet }
  | { readonly kind: 'default'; readonly conns: ConnSet }
  /** Connections whose enforcement the dataplane leaves unknown (SCTP without support): possibly allowed, never reported denied. */
  | { readonly kind: 'unknown'; readonly conns: ConnSet; readonly why: string };

/** What one side allows to or from one peer, and why (an index into {@link Connectivity.reason}). */
export interface SideResult {
  readonly allowed: ConnSet;
  readonly reason: number;
}

/**
 * One direction of one class as a function of the peer: `def` for every peer no specific rule
 * mentions; other peers are answered on demand (memoised by which rules match them), and listed
 * only when asked ({@link SideFunction.explicit}). Listed entries never equal the default, so two
 * functions are equal exactly when their defaults and listed entries are.
 */
export interface SideFunction {
  readonly def: SideResult;
  /** Per IP family, for the addresses outside the pod network that no address rule mentions. */
  readonly ipDefs: { readonly 4: SideResult; readonly 6: SideResult };
  /** The result for a pod class peer. */
  get(peer: number): SideResult;
  /** The result for an address class peer. */
  getAddress(peer: number): SideResult;
  /** Pod classes whose result differs from `def`, ascending. */
  explicit(): ReadonlyMap<number, SideResult>;
  /** Address classes whose result differs from their family's `ipDefs`, ascending. */
  ipExplicit(): ReadonlyMap<number, SideResult>;
  /**
   * The whole address space (both families) by result: every address is in the ranges of exactly
   * one result, the defaults included (sorted, merged). Cut at the boundaries of this side's own
   * address rules only, so its cost follows them, not the cluster's address classes.
   */
  ipRanges(): ReadonlyMap<SideResult, readonly IpRange[]>;
  /** An upper bound of the size of {@link SideFunction.explicit}, known without computing it. */
  weight(): number;
}

/** A rule, compiled for one side. */
interface RuleInfo {
  readonly ref: RuleRef;
  readonly action: RuleAction;
  /** Numbered ports; named ones resolve on the destination. */
  readonly numeric: ConnSet;
  readonly named: readonly { readonly protocol: ContainerPort['protocol']; readonly name: string }[];
  /** Matches every pod. */
  readonly broadPods: boolean;
  /** Matches every address outside the pod network. */
  readonly broadIps: boolean;
  readonly podPeers: readonly Extract<TierPeer, { kind: 'pods' }>[];
  /** Partition member of the rule's address peers; undefined without them. */
  readonly member?: number;
  /** The addresses of the rule's address peers, sorted and merged. */
  readonly ranges: readonly IpRange[];
  /** Whether the rule selects nodes (host-network sources), given the node's labels. */
  readonly nodeMatch: (labels: Labels) => boolean;
  /** Whether the rule selects a reserved identity of the dataplane (Cilium's `ingress`, ...). */
  readonly entityMatch: (entity: Entity) => boolean;
}

/** A peer of one explained connection. */
export type PeerRef =
  | { readonly kind: 'pod'; readonly cls: number }
  | { readonly kind: 'address'; readonly ipClass: number }
  | { readonly kind: 'node'; readonly ipClass: number; readonly labels: Labels }
  | { readonly kind: 'entity'; readonly entity: Entity };

/** A rule that applies to a pod, as an explanation shows it. */
export interface RuleTrace {
  readonly rule: RuleRef;
  readonly peerMatched: boolean;
  /** The connections the rule names for this peer (named ports resolved on the destination). */
  readonly conns: ConnSet;
}

/** The rules that apply to a pod for one direction, grouped by tier. */
interface Program {
  readonly key: string;
  readonly tiers: readonly { readonly tier: Tier; readonly isolating: readonly string[]; readonly rules: readonly RuleInfo[] }[];
}

/** Everything one side's connectivity is computed from. */
export interface ConnectivityInput {
  /** Sorted by `order`; policies within a tier are ordered here by priority, then id. */
  readonly tiers: readonly Tier[];
  readonly classes: readonly PodClass[];
  /** Per class; undefined where the class does not exist on this side. */
  readonly views: readonly (PodView | undefined)[];
  /** Namespace labels on this side, for namespace selectors. */
  readonly namespaces: ReadonlyMap<string, Labels>;
  readonly partition: IpPartition;
  /** The partition member of each rule with address peers. */
  readonly memberOf: ReadonlyMap<TierRule, number>;
  readonly dataplane: DataplaneSemantics;
}

/**
 * Exact connectivity of one cluster state: for every class and direction a {@link SideFunction},
 * and for every pair the connections both sides allow. Side functions are computed on first use
 * and shared between classes with the same applicable policies, so cost follows the policies'
 * size and the answers, not the number of pairs.
 */
export class Connectivity {
  private readonly reasons: Step[][] = [[]];
  private readonly reasonIds = new Map<string, number>([['', 0]]);
  private readonly relativeKeys = new Map<number, string>();
  private readonly programs = new Map<string, Program>();
  private readonly sideCache = new Map<string, SideFunction>();
  private readonly egressSides: (SideFunction | undefined)[];
  private readonly ingressSides: (SideFunction | undefined)[];
  private readonly ruleInfos = new Map<TierRule, RuleInfo>();
  private readonly peerClasses = new Map<string, Int32Array>();
  private readonly ruleClasses = new Map<RuleInfo, Set<number>>();
  private readonly classesByNamespace = new Map<string, number[]>();
  private readonly namespacesByLabel = new Map<string, string[]>();
  private readonly classesByMember = new Map<number, number[]>();
  private readonly ipClassesByMember = new Map<number, number[]>();
  private readonly classesByPortName = new Map<string, number[]>();
  /** Per class and direction: the (tier, policy) pairs that select it, resolved on first use. */
  private readonly policiesByNamespace = new Map<string, { tier: Tier; policy: TierPolicy }[]>();
  private readonly clusterPolicies: { tier: Tier; policy: TierPolicy }[] = [];
  private readonly clusterPoliciesByNamespace = new Map<string, { tier: Tier; policy: TierPolicy }[]>();
  private readonly naming: Partial<Record<Direction, { byPeer: Map<number, TierPolicy[]>; byPortName: Map<string, TierPolicy[]> }>> = {};
  private readonly selected = new Map<string, number[]>();
  private open?: SideFunction;
  private readonly memberSets: (Set<number> | undefined)[] = [];
  private readonly shapes = new Map<number, { readonly allBut?: 4 | 6; readonly classes: ReadonlySet<number> }>();
  private readonly familyClasses = new Map<4 | 6, number[]>();

  constructor(readonly input: ConnectivityInput) {
    const n = input.classes.length;
    this.egressSides = new Array(n);
    this.ingressSides = new Array(n);
    input.classes.forEach((c, i) => {
      const view = input.views[i];
      if (!view) return;
      push(this.classesByNamespace, c.namespace, i);
      for (const m of view.ipMembers) push(this.classesByMember, m, i);
      for (const p of view.ports ?? []) if (p.name) push(this.classesByPortName, `${p.protocol ?? 'TCP'}/${p.name}`, i);
    });
    for (const [name, labels] of input.namespaces) {
      for (const [k, v] of Object.entries(labels)) push(this.namespacesByLabel, `${k}=${v}`, name);
    }
    for (const cls of input.partition.classes) for (const m of cls.members) push(this.ipClassesByMember, m, cls.index);
    for (const tier of input.tiers) {
      for (const policy of tier.policies) {
        if ('namespace' in policy.subject) push(this.policiesByNamespace, policy.subject.namespace, { tier, policy });
        else this.clusterPolicies.push({ tier, policy });
      }
    }
  }

  /** The classes this side was computed for. */
  get classes(): readonly PodClass[] { return this.input.classes; }

  /** Whether the class exists on this side. */
  present(c: number): boolean { return this.input.views[c] !== undefined; }

  /** The steps behind a {@link SideResult.reason}. */
  reason(id: number): readonly Step[] { return this.reasons[id]; }

  /**
   * A key of a reason with NetworkPolicies named within their namespace (`netiso-isolation`, not
   * `web/netiso-isolation`): equal for the same reason in different namespaces, so that answers
   * that read alike can be grouped across projects.
   */
  relativeReason(id: number): string {
    let key = this.relativeKeys.get(id);
    if (key === undefined) {
      const local = (policy: string) => (policy.includes(' ') ? policy : policy.slice(policy.indexOf('/') + 1));
      key = this.reasons[id].map((s) => (s.kind === 'rule'
        ? `r:${local(s.rule.policy)}:${s.rule.direction}:${s.rule.ruleIndex}:${s.conns.id}`
        : s.kind === 'isolated' ? `i:${s.tier}:${s.policies.map(local).join(',')}:${s.conns.id}` : `${s.kind[0]}:${s.conns.id}`)).join('|');
      this.relativeKeys.set(id, key);
    }
    return key;
  }

  /** The egress side of class `c`: what its pods may connect to. */
  egress(c: number): SideFunction {
    return this.egressSides[c] ??= this.side(c, 'egress');
  }

  /** The ingress side of class `c`: who may connect to its pods. */
  ingress(c: number): SideFunction {
    return this.ingressSides[c] ??= this.side(c, 'ingress');
  }

  /** Connections pods of `from` may open to pods of `to` (pods of one class to each other when equal). */
  between(from: number, to: number): ConnSet {
    if (!this.present(from) || !this.present(to)) return ConnSet.NONE;
    return this.egress(from).get(to).allowed.intersect(this.ingress(to).get(from).allowed);
  }

  /**
   * Every pair of classes with at least one allowed connection (a class with itself included,
   * which stands for its distinct workloads), by source then destination. Cost is proportional to
   * the pairs produced plus the policies' size: destinations are the ones open to every pod, the
   * ones whose ingress names the source, and the ones the source's egress names.
   */
  *pairs(): Generator<{ readonly from: number; readonly to: number; readonly conns: ConnSet }> {
    const n = this.input.classes.length;
    const present: number[] = [];
    for (let c = 0; c < n; c++) if (this.present(c)) present.push(c);
    // Sources whose egress is open by default may reach any destination whose ingress admits them.
    // Either invert every ingress side's listed peers (cost: their size) or test each such source
    // against every destination (cost: sources x destinations); take the cheaper.
    const openSources = present.filter((c) => !this.egress(c).def.allowed.isEmpty);
    let naming: number[][] | undefined;
    let open: number[] = [];
    if (openSources.length > 0) {
      const inversionCost = present.reduce((sum, d) => sum + this.ingress(d).weight(), 0);
      if (inversionCost <= openSources.length * present.length) {
        naming = Array.from({ length: n }, () => []);
        open = present.filter((d) => !this.ingress(d).def.allowed.isEmpty);
        for (const d of present) for (const src of this.ingress(d).explicit().keys()) naming[src].push(d);
      }
    }
    const seen = new Int32Array(n).fill(-1);
    for (const s of present) {
      const egress = this.egress(s);
      let candidates: Iterable<number> = egress.explicit().keys();
      if (!egress.def.allowed.isEmpty) candidates = naming ? [...candidates, ...naming[s], ...open] : present;
      const targets: number[] = [];
      for (const d of candidates) {
        if (seen[d] === s) continue;
        seen[d] = s;
        targets.push(d);
      }
      targets.sort((a, b) => a - b);
      for (const d of targets) {
        const conns = egress.get(d).allowed.intersect(this.ingress(d).get(s).allowed);
        if (!conns.isEmpty) yield { from: s, to: d, conns };
      }
    }
  }

  /** Connections pods of `from` may open to addresses of address class `to` (which no policy restricts on their side). */
  toAddress(from: number, to: number): ConnSet {
    if (!this.present(from)) return ConnSet.NONE;
    return this.egress(from).getAddress(to).allowed;
  }

  /** Connections addresses of `from` may open to pods of `to`. */
  fromAddress(from: number, to: number): ConnSet {
    if (!this.present(to)) return ConnSet.NONE;
    return this.ingress(to).getAddress(from).allowed;
  }

  /** The policies that select class `c` for `direction`, in evaluation order, and whether each isolates it. */
  selecting(c: number, direction: Direction): { readonly tier: string; readonly policy: string; readonly isolates: boolean }[] {
    const view = this.input.views[c];
    if (!view) return [];
    return this.selectingPolicies(c, view, direction).map(({ tier, policy }) => ({ tier: tier.name, policy: policy.id, isolates: policy.isolates[direction] }));
  }

  /** What class `c`'s `direction` side allows to or from one peer, and why. */
  resultFor(c: number, direction: Direction, peer: PeerRef): SideResult {
    const side = direction === 'egress' ? this.egress(c) : this.ingress(c);
    if (peer.kind === 'pod') return side.get(peer.cls);
    if (peer.kind === 'address') return side.getAddress(peer.ipClass);
    const view = this.input.views[c];
    if (!view || !this.input.dataplane.enforcesNetworkPolicy) return side.def;
    const program = this.program(c, view, direction);
    const toSubject = (r: RuleInfo) => (direction === 'ingress' ? connsOn(r, view) : r.numeric);
    if (peer.kind === 'entity') return this.fold(program, (r) => r.entityMatch(peer.entity), toSubject);
    const members = this.membersOf(peer.ipClass);
    return this.fold(program, (r) => this.matchesNode(r, members, peer.labels), (r) => (direction === 'ingress' ? connsOn(r, view) : r.numeric));
  }

  /** Every rule that applies to class `c` for `direction`, with whether it selects `peer`: an explanation's detail. */
  trace(c: number, direction: Direction, peer: PeerRef): RuleTrace[] {
    const view = this.input.views[c];
    if (!view) return [];
    const dest = direction === 'ingress' ? view : peer.kind === 'pod' ? this.input.views[peer.cls] : undefined;
    return this.program(c, view, direction).tiers.flatMap((t) => t.rules).map((r) => {
      let peerMatched: boolean;
      if (peer.kind === 'pod') peerMatched = r.broadPods || this.classesOfRule(r).has(peer.cls);
      else if (peer.kind === 'address') peerMatched = r.broadIps || (r.member !== undefined && this.membersOf(peer.ipClass).has(r.member));
      else if (peer.kind === 'entity') peerMatched = r.entityMatch(peer.entity);
      else peerMatched = this.matchesNode(r, this.membersOf(peer.ipClass), peer.labels);
      return { rule: r.ref, peerMatched, conns: connsOn(r, dest) };
    });
  }

  private matchesNode(rule: RuleInfo, members: ReadonlySet<number>, labels: Labels): boolean {
    if (rule.nodeMatch(labels)) return true;
    return this.input.dataplane.ipBlockMatchesNodeIps && rule.member !== undefined && members.has(rule.member);
  }

  /**
   * The address classes of a partition member: listed, or, when the member covers more than half
   * of one family's classes (and nothing of the other), as that family minus the listed ones.
   */
  private memberShape(m: number): { readonly allBut?: 4 | 6; readonly classes: ReadonlySet<number> } {
    let shape = this.shapes.get(m);
    if (shape) return shape;
    const mine = this.ipClassesByMember.get(m) ?? [];
    const families = new Set(mine.map((z) => this.input.partition.classes[z].family));
    const family = families.size === 1 ? [...families][0] : undefined;
    const ofFamily = family === undefined ? [] : this.classesOfFamily(family);
    if (family !== undefined && mine.length * 2 > ofFamily.length) {
      const inside = new Set(mine);
      shape = { allBut: family, classes: new Set(ofFamily.filter((z) => !inside.has(z))) };
    } else {
      shape = { classes: new Set(mine) };
    }
    this.shapes.set(m, shape);
    return shape;
  }

  private classesOfFamily(family: 4 | 6): number[] {
    let list = this.familyClasses.get(family);
    if (!list) this.familyClasses.set(family, list = this.input.partition.classes.filter((c) => c.family === family).map((c) => c.index));
    return list;
  }

  /** The members containing address class `z`, as a set: a class inside a popular CIDR has thousands. */
  private membersOf(z: number): ReadonlySet<number> {
    return this.memberSets[z] ??= new Set(this.input.partition.classes[z].members);
  }

  private side(c: number, direction: Direction): SideFunction {
    const view = this.input.views[c];
    if (!view || !this.input.dataplane.enforcesNetworkPolicy) return this.openSide();
    const program = this.program(c, view, direction);
    if (program.tiers.length === 0) return this.openSide();
    // Egress answers do not depend on the source beyond its policies; ingress answers resolve
    // named ports on the destination itself, so its ports are part of the key.
    const key = direction === 'egress' ? `e|${program.key}` : `i|${program.key}|${portsKey(view.ports)}`;
    let side = this.sideCache.get(key);
    if (!side) this.sideCache.set(key, side = this.computeSide(program, direction, view));
    return side;
  }

  private openSide(): SideFunction {
    const all = { allowed: ConnSet.ALL, reason: this.internReason([{ kind: 'default', conns: ConnSet.ALL }]) };
    const none = new Map<number, SideResult>();
    const everywhere = new Map<SideResult, IpRange[]>([[all, [{ family: 4, lo: 0n, hi: (1n << 32n) - 1n }, { family: 6, lo: 0n, hi: (1n << 128n) - 1n }]]]);
    return this.open ??= { def: all, ipDefs: { 4: all, 6: all }, get: () => all, getAddress: () => all, explicit: () => none, ipExplicit: () => none, ipRanges: () => everywhere, weight: () => 0 };
  }

  private program(c: number, view: PodView, direction: Direction): Program {
    const selecting = this.selectingPolicies(c, view, direction);
    const key = selecting.map((e) => `${e.tier.name}:${e.policy.id}`).join('\n');
    let program = this.programs.get(`${direction}|${key}`);
    if (program) return program;
    const tiers: { tier: Tier; isolating: string[]; rules: RuleInfo[] }[] = [];
    for (const { tier, policy } of selecting) {
      let last = tiers[tiers.length - 1];
      if (!last || last.tier !== tier) tiers.push(last = { tier, isolating: [], rules: [] });
      if (policy.isolates[direction]) last.isolating.push(policy.id);
      for (const rule of policy[direction] ?? []) last.rules.push(this.ruleInfo(rule, policy, tier, direction));
    }
    program = { key, tiers };
    this.programs.set(`${direction}|${key}`, program);
    return program;
  }

  private selectingPolicies(c: number, view: PodView, direction: Direction): { tier: Tier; policy: TierPolicy }[] {
    const namespace = this.input.classes[c].namespace;
    const selecting: { tier: Tier; policy: TierPolicy }[] = [];
    for (const entry of this.policiesByNamespace.get(namespace) ?? []) {
      if (entry.policy[direction] && entry.policy.subject.pods.matches(view.labels)) selecting.push(entry);
    }
    for (const entry of this.clusterPoliciesOf(namespace, view.namespaceLabels)) {
      if (entry.policy[direction] && entry.policy.subject.pods.matches(view.labels)) selecting.push(entry);
    }
    selecting.sort((a, b) => a.tier.order - b.tier.order || a.policy.priority - b.policy.priority || compare(a.policy.id, b.policy.id));
    return selecting;
  }

  /** Cluster-scoped policies whose namespace selector matches the namespace (labels are the same for all its classes). */
  private clusterPoliciesOf(namespace: string, labels: Labels): readonly { tier: Tier; policy: TierPolicy }[] {
    let list = this.clusterPoliciesByNamespace.get(namespace);
    if (!list) {
      list = this.clusterPolicies.filter((e) => (e.policy.subject as { namespaces: Selector }).namespaces.matches(labels));
      this.clusterPoliciesByNamespace.set(namespace, list);
    }
    return list;
  }

  /**
   * Classes whose `direction` side names `peer` through a specific rule (not one that matches
   * every pod): a superset of the classes whose side function lists `peer` in `explicit()`,
   * found without computing those side functions. A diff looks at these pairs one by one.
   */
  namingClasses(peer: number, direction: Direction): number[] {
    const index = this.naming[direction] ??= this.buildNaming(direction);
    const out = new Set<number>();
    for (const policy of index.byPeer.get(peer) ?? []) for (const c of this.selectedBy(policy, direction)) out.add(c);
    // Broad egress rules with named ports resolve them on each destination: they name every class with that port.
    const view = this.input.views[peer];
    if (direction === 'egress' && view) {
      for (const p of view.ports ?? []) if (p.name) for (const policy of index.byPortName.get(`${p.protocol ?? 'TCP'}/${p.name}`) ?? []) for (const c of this.selectedBy(policy, direction)) out.add(c);
    }
    return [...out].sort((a, b) => a - b);
  }

  /**
   * The naming index covers every rule of the cluster, while a diff computes the side functions
   * of only the classes that changed: so it reads the rules' peers directly instead of compiling
   * (and keeping) a {@link RuleInfo} and a class set per rule, which at 5,000 namespaces cost
   * hundreds of megabytes. It finds the same classes as {@link classesOfRule}.
   */
  private buildNaming(direction: Direction): { byPeer: Map<number, TierPolicy[]>; byPortName: Map<string, TierPolicy[]> } {
    const byPeer = new Map<number, TierPolicy[]>();
    const byPortName = new Map<string, TierPolicy[]>();
    for (const tier of this.input.tiers) {
      for (const policy of tier.policies) {
        const seen = new Set<number>();
        const add = (c: number) => {
          if (seen.has(c)) return;
          seen.add(c);
          push(byPeer, c, policy);
        };
        for (const rule of policy[direction] ?? []) {
          const broad = broadPods(rule);
          if (!broad) for (const peer of rule.peers) if (peer.kind === 'pods') for (const c of this.classesOfPeer(peer)) add(c);
          const member = this.input.memberOf.get(rule);
          if (member !== undefined && this.input.dataplane.ipBlockMatchesPodIps) for (const c of this.classesByMember.get(member) ?? []) add(c);
          if (direction === 'egress' && broad && rule.ports !== 'all') {
            for (const spec of rule.ports) if (spec.name !== undefined) push(byPortName, `${spec.protocol ?? 'TCP'}/${spec.name}`, policy);
          }
        }
      }
    }
    return { byPeer, byPortName };
  }

  /** Classes a policy selects for `direction` on this side. */
  private selectedBy(policy: TierPolicy, direction: Direction): number[] {
    const key = `${direction}|${policy.id}`;
    let list = this.selected.get(key);
    if (list) return list;
    const subject = policy.subject;
    const namespaces = 'namespace' in subject ? [subject.namespace] : this.namespacesMatching(subject.namespaces);
    list = [];
    for (const ns of namespaces) {
      for (const c of this.classesByNamespace.get(ns) ?? []) if (subject.pods.matches((this.input.views[c] as PodView).labels)) list.push(c);
    }
    this.selected.set(key, list);
    return list;
  }

  private ruleInfo(rule: TierRule, policy: TierPolicy, tier: Tier, direction: Direction): RuleInfo {
    let info = this.ruleInfos.get(rule);
    if (info) return info;
    const numericSpecs = rule.ports === 'all' ? undefined : rule.ports.filter((s) => s.name === undefined);
    const named = rule.ports === 'all' ? [] : rule.ports.filter((s) => s.name !== undefined).map((s) => ({ protocol: s.protocol, name: s.name as string }));
    const broad = broadPods(rule);
    const broadIps = rule.peers.some((p) => p.kind === 'all' || (p.kind === 'entity' && (p.entity === 'all' || p.entity === 'world')));
    info = {
      ref: { policy: policy.id, direction, ruleIndex: rule.index, action: rule.action, tier: tier.name, ...(rule.name !== undefined ? { name: rule.name } : {}) },
      action: rule.action,
      numeric: numericSpecs === undefined ? ConnSet.ALL : ConnSet.unionAll(numericSpecs.map((s) => specConns(s, this.input.dataplane))),
      named,
      broadPods: broad,
      broadIps,
      podPeers: broad ? [] : rule.peers.filter((p): p is Extract<TierPeer, { kind: 'pods' }> => p.kind === 'pods'),
      ...(this.input.memberOf.has(rule) ? { member: this.input.memberOf.get(rule) } : {}),
      ranges: [4, 6].flatMap((f) => rangesOf(rule.peers.flatMap((p) => (p.kind === 'ips' ? p.blocks : [])), f as 4 | 6)),
      nodeMatch: nodeMatcher(rule.peers),
      entityMatch: entityMatcher(rule.peers),
    };
    this.ruleInfos.set(rule, info);
    return info;
  }

  private computeSide(program: Program, direction: Direction, view: PodView): SideFunction {
    const rules = program.tiers.flatMap((t) => t.rules);
    const n = this.input.classes.length;
    const destOf = (peer: number): PodView | undefined => (direction === 'ingress' ? view : this.input.views[peer]);
    const def = this.fold(program, (r) => r.broadPods, (r) => connsOn(r, direction === 'ingress' ? view : undefined));
    // Classes matched by the same rules (and, where named ports resolve on them, with the same
    // ports) get the same answer: fold once per such signature, not once per class.
    const specific = rules.filter((r) => !r.broadPods);
    const byDestPorts = direction === 'egress' && rules.some((r) => r.named.length > 0);
    const folds = new Map<string, SideResult>();
    const get = (c: number): SideResult => {
      let signature = '';
      for (let i = 0; i < specific.length; i++) if (this.classesOfRule(specific[i]).has(c)) signature += `${i},`;
      if (byDestPorts) signature += `|${portsKey(this.input.views[c]?.ports)}`;
      else if (signature === '') return def;
      let result = folds.get(signature);
      if (!result) {
        result = this.fold(program, (r) => r.broadPods || this.classesOfRule(r).has(c), (r) => connsOn(r, destOf(c)));
        if (result.allowed === def.allowed && result.reason === def.reason) result = def;
        folds.set(signature, result);
      }
      return result;
    };
    const explicit = lazy(() => {
      const mentioned = new Set<number>();
      for (const rule of rules) {
        for (const c of this.classesOfRule(rule)) mentioned.add(c);
        if (direction === 'egress' && rule.broadPods) {
          for (const { protocol, name } of rule.named) for (const c of this.classesByPortName.get(`${protocol ?? 'TCP'}/${name}`) ?? []) mentioned.add(c);
        }
      }
      const out = new Map<number, SideResult>();
      for (const c of [...mentioned].sort((a, b) => a - b)) {
        const result = get(c);
        if (result !== def) out.set(c, result);
      }
      return out;
    });

    // Named ports resolve on the destination: the subject itself for ingress, never an address for egress.
    const toAddress = (r: RuleInfo): ConnSet => (direction === 'ingress' ? connsOn(r, view) : r.numeric);
    const addressRules = rules.filter((r) => r.member !== undefined);
    // An address rule either lists its classes, or (when it covers most of a family, like
    // 0.0.0.0/0 except private ranges) the few classes of that family it leaves out: the classes
    // it does not mention in either form all get the family's default answer.
    const shapes = new Map(addressRules.map((r) => [r, this.memberShape(r.member as number)] as const));
    const matchesAddress = (r: RuleInfo, z: number): boolean => {
      if (r.broadIps) return true;
      const shape = shapes.get(r);
      if (!shape) return false;
      return shape.allBut !== undefined ? this.input.partition.classes[z].family === shape.allBut && !shape.classes.has(z) : shape.classes.has(z);
    };
    const ipDefs = {
      4: this.fold(program, (r) => r.broadIps || shapes.get(r)?.allBut === 4, toAddress),
      6: this.fold(program, (r) => r.broadIps || shapes.get(r)?.allBut === 6, toAddress),
    };
    const mentioned = new Set<number>();
    for (const shape of shapes.values()) for (const z of shape.classes) mentioned.add(z);
    const addressFolds = new Map<string, SideResult>();
    const getAddress = (z: number): SideResult => {
      const def = ipDefs[this.input.partition.classes[z].family];
      if (!mentioned.has(z)) return def;
      let signature = `${this.input.partition.classes[z].family}|`;
      for (let i = 0; i < addressRules.length; i++) if (matchesAddress(addressRules[i], z)) signature += `${i},`;
      let result = addressFolds.get(signature);
      if (!result) {
        result = this.fold(program, (r) => matchesAddress(r, z), toAddress);
        if (result.allowed === def.allowed && result.reason === def.reason) result = def;
        addressFolds.set(signature, result);
      }
      return result;
    };
    const ipExplicit = lazy(() => {
      const out = new Map<number, SideResult>();
      for (const z of [...mentioned].sort((a, b) => a - b)) {
        const result = getAddress(z);
        if (result !== ipDefs[this.input.partition.classes[z].family]) out.set(z, result);
      }
      return out;
    });
    const weight = lazy(() => rules.reduce((sum, r) => sum + this.classesOfRule(r).size + (direction === 'egress' && r.broadPods ? r.named.length * n : 0), 0));
    // The address space cut at this side's own rules, by result: what a report lists as ranges.
    const ipRanges = lazy(() => {
      const out = new Map<SideResult, IpRange[]>();
      const canonical = new Map<string, SideResult>();
      const folds = new Map<string, SideResult>();
      for (const family of [4, 6] as const) {
        const end = family === 4 ? 1n << 32n : 1n << 128n;
        const points = [...new Set([0n, ...addressRules.flatMap((r) => r.ranges.filter((x) => x.family === family).flatMap((x) => [x.lo, x.hi + 1n]))])]
          .filter((x) => x < end).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
        points.forEach((lo, k) => {
          const hi = (k + 1 < points.length ? points[k + 1] : end) - 1n;
          const inside = (r: RuleInfo) => containsPoint(r.ranges, family, lo);
          let signature = '';
          for (let i = 0; i < addressRules.length; i++) if (inside(addressRules[i])) signature += `${i},`;
          let result = folds.get(signature);
          if (!result) {
            const folded = this.fold(program, (r) => r.broadIps || (r.member !== undefined && inside(r)), toAddress);
            const key = `${folded.allowed.id}:${folded.reason}`;
            result = canonical.get(key) ?? folded;
            canonical.set(key, result);
            folds.set(signature, result);
          }
          let list = out.get(result);
          if (!list) out.set(result, list = []);
          const last = list[list.length - 1];
          if (last && last.family === family && last.hi + 1n === lo) list[list.length - 1] = { family, lo: last.lo, hi };
          else list.push({ family, lo, hi });
        });
      }
      return out;
    });
    return { def, ipDefs, get, getAddress, explicit, ipExplicit, ipRanges, weight };
  }

  /** Pod classes a rule's specific peers select (broad rules select every class and return none here). */
  private classesOfRule(rule: RuleInfo): Set<number> {
    let set = this.ruleClasses.get(rule);
    if (set) return set;
    set = new Set<number>();
    for (const peer of rule.podPeers) for (const c of this.classesOfPeer(peer)) set.add(c);
    if (rule.member !== undefined && this.input.dataplane.ipBlockMatchesPodIps) for (const c of this.classesByMember.get(rule.member) ?? []) set.add(c);
    this.ruleClasses.set(rule, set);
    return set;
  }

  private classesOfPeer(peer: Extract<TierPeer, { kind: 'pods' }>): Int32Array {
    let out = this.peerClasses.get(peer.key);
    if (out) return out;
    const namespaces = 'own' in peer.namespaces ? [peer.namespaces.own] : this.namespacesMatching(peer.namespaces);
    const list: number[] = [];
    for (const ns of namespaces) {
      for (const c of this.classesByNamespace.get(ns) ?? []) {
        if (peer.pods.matches((this.input.views[c] as PodView).labels)) list.push(c);
      }
    }
    out = Int32Array.from(list);
    this.peerClasses.set(peer.key, out);
    return out;
  }

  /** Namespaces whose labels match; `matchLabels` terms narrow the candidates through an index. */
  private namespacesMatching(selector: Selector): string[] {
    let pool: readonly string[] | undefined;
    for (const [k, v] of selector.matchLabels) {
      const list = this.namespacesByLabel.get(`${k}=${v}`) ?? [];
      if (!pool || list.length < pool.length) pool = list;
    }
    for (const r of selector.requirements) {
      if (r.operator !== 'In') continue;
      const list = r.values.flatMap((v) => this.namespacesByLabel.get(`${r.key}=${v}`) ?? []);
      if (!pool || list.length < pool.length) pool = list;
    }
    const candidates = pool ?? [...this.input.namespaces.keys()];
    return candidates.filter((ns) => selector.matches(this.input.namespaces.get(ns) ?? {}));
  }

  /** Walks the tiers for the connections `conns(rule)` of the rules that `matches` (see `tiers.ts`). */
  private fold(program: Program, matches: (r: RuleInfo) => boolean, conns: (r: RuleInfo) => ConnSet): SideResult {
    let remaining = ConnSet.ALL;
    let allowed = ConnSet.NONE;
    const steps: Step[] = [];
    for (const { tier, isolating, rules } of program.tiers) {
      let passed = ConnSet.NONE;
      for (const rule of rules) {
        if (!matches(rule)) continue;
        const matched = conns(rule).intersect(remaining);
        if (matched.isEmpty) continue;
        remaining = remaining.subtract(matched);
        if (rule.action === 'allow') allowed = allowed.union(matched);
        else if (rule.action === 'pass') passed = passed.union(matched);
        steps.push({ kind: 'rule', rule: rule.ref, conns: matched });
        if (remaining.isEmpty) break;
      }
      if (isolating.length > 0 && tier.endAction === 'deny') {
        if (!remaining.isEmpty) steps.push({ kind: 'isolated', tier: tier.name, policies: isolating, conns: remaining });
        remaining = passed;
      } else {
        remaining = remaining.union(passed);
      }
      if (remaining.isEmpty) break;
    }
    if (!remaining.isEmpty) {
      allowed = allowed.union(remaining);
      steps.push({ kind: 'default', conns: remaining });
    }
    if (this.input.dataplane.sctp === 'unknown') {
      const unknown = SCTP.subtract(allowed);
      if (!unknown.isEmpty) {
        allowed = allowed.union(unknown);
        steps.push({ kind: 'unknown', conns: unknown, why: `${this.input.dataplane.name} does not say how it enforces SCTP` });
      }
    }
    return { allowed, reason: this.internReason(steps) };
  }

  private internReason(steps: Step[]): number {
    const key = steps.map((s) => (s.kind === 'rule'
      ? `r:${s.rule.policy}:${s.rule.direction}:${s.rule.ruleIndex}:${s.conns.id}`
      : s.kind === 'isolated' ? `i:${s.tier}:${s.policies.join(',')}:${s.conns.id}` : `${s.kind[0]}:${s.conns.id}`)).join('|');
    let id = this.reasonIds.get(key);
    if (id === undefined) {
      id = this.reasons.length;
      this.reasons.push(steps);
      this.reasonIds.set(key, id);
    }
    return id;
  }
}

/** Whether sorted, disjoint `ranges` (both families, IPv4 first) hold the address `point` of `family`: a binary search. */
function containsPoint(ranges: readonly IpRange[], family: 4 | 6, point: bigint): boolean {
  let left = 0;
  let right = ranges.length - 1;
  while (left <= right) {
    const mid = (left + right) >>> 1;
    const r = ranges[mid];
    if (r.family < family || (r.family === family && r.hi < point)) left = mid + 1;
    else if (r.family > family || r.lo > point) right = mid - 1;
    else return true;
  }
  return false;
}

function lazy<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= make());
}

/** The rule's connections towards a destination pod: its numbered ports plus its named ports resolved there. */
function connsOn(rule: RuleInfo, dest: PodView | undefined): ConnSet {
  if (rule.named.length === 0 || !dest) return rule.numeric;
  let out = rule.numeric;
  for (const { protocol, name } of rule.named) {
    for (const p of dest.ports ?? []) {
      if (p.name === name && (p.protocol ?? 'TCP') === protocol) out = out.union(ConnSet.ports(protocol ?? 'TCP', p.containerPort, p.containerPort));
    }
  }
  return out;
}

/** Whether a rule's peers select a node (a host-network source): every peer, the node entities, or a node selector. */
/** Whether a rule matches every pod: a peer that is everyone, or every pod of every namespace. */
function broadPods(rule: TierRule): boolean {
  return rule.peers.some((p) => p.kind === 'all' || (p.kind === 'entity' && (p.entity === 'all' || p.entity === 'cluster'))
    || (p.kind === 'pods' && !('own' in p.namespaces) && p.namespaces.matchesAll && p.pods.matchesAll));
}

function nodeMatcher(peers: readonly TierPeer[]): (labels: Labels) => boolean {
  const always = peers.some((p) => p.kind === 'all' || (p.kind === 'entity' && ['all', 'cluster', 'host', 'remote-node'].includes(p.entity)));
  const selectors = peers.flatMap((p) => (p.kind === 'nodes' ? [p.nodes] : []));
  return (labels) => always || selectors.some((s) => s.matches(labels));
}

/** Whether a rule's peers select a reserved identity: every peer, the identity itself, or `cluster` (every in-cluster identity). */
function entityMatcher(peers: readonly TierPeer[]): (entity: Entity) => boolean {
  const all = peers.some((p) => p.kind === 'all');
  const entities = new Set(peers.flatMap((p) => (p.kind === 'entity' ? [p.entity] : [])));
  return (entity) => all || entities.has('all') || entities.has(entity) || (entity !== 'world' && entities.has('cluster'));
}

const SCTP = ConnSet.protocol('SCTP');

/** Connections of one numbered `ports` entry, as the dataplane enforces it. */
function specConns(spec: PortSpec, dataplane: DataplaneSemantics): ConnSet {
  if (spec.port === undefined) return ConnSet.protocol(spec.protocol);
  // `policy-ignored` never gets here: the engine leaves such policies out.
  const end = dataplane.endPort === 'port-only' ? spec.port : spec.endPort ?? spec.port;
  return ConnSet.ports(spec.protocol, spec.port, end);
}

function portsKey(ports: readonly ContainerPort[] | undefined): string {
  return (ports ?? []).filter((p) => p.name).map((p) => `${p.protocol ?? 'TCP'}/${p.name}/${p.containerPort}`).sort().join(',');
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
