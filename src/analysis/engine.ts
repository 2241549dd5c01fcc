import { IpAddress, parseIp } from '../k8s/ip';
import { ManifestError } from '../k8s/errors';
import { compare } from '../k8s/compare';
import { ConnSet } from './conns';
import { Connectivity, PeerRef, RuleRef, Step } from './connectivity';
import { DataplaneSemantics, SPEC_SEMANTICS, ServiceHop, ServiceSource } from '../cni/semantics';
import { compileGuardrails } from '../guardrails/compile';
import { Explanation, explainVerdict } from './explain';
import { Cluster, ClusterInputs, ClusterNode, ContainerPort, PROTOCOLS, Protocol, loadCluster } from './model';
import { CompiledPolicy, Direction, compilePolicy, tierPolicyOf } from './policy';
import { Entity, Tier, TierPolicy, withNetworkPolicies } from './tiers';
import { Universe, buildUniverse } from './universe';

export type { RuleRef };

/**
 * Names one end of a connection:
 * - a workload: `'ns/name'` or `{ namespace, name }`;
 * - a node: `{ node: 'name' }`;
 * - an external endpoint: `{ external: 'name' }`;
 * - any address: `{ ip: '203.0.113.7' }` or the bare string `'203.0.113.7'`;
 * - a reserved identity of the dataplane: `{ entity: 'ingress' }` (Cilium's own Ingress / Gateway).
 * An address that belongs to a known workload, node or external endpoint is
 * treated as that endpoint.
 */
export type EndpointRef = string | { readonly namespace: string; readonly name: string } | { readonly ip: string } | { readonly node: string } | { readonly external: string } | { readonly entity: Entity };

/** A connection attempt from `from` to `to`. */
export interface Query {
  readonly from: EndpointRef;
  readonly to: EndpointRef;
  /** A port number, or a container port name resolved on the destination workload. */
  readonly port: number | string;
  /** Defaults to TCP, or to the named port's protocol when `port` is a name. */
  readonly protocol?: Protocol;
  /**
   * The Service the connection goes through, when it does: the destination then sees the sources
   * the dataplane gives that hop (the client, a node, the pod; see `DataplaneSemantics.serviceSources`),
   * and the connection counts as allowed when one of them is admitted (it can occur).
   */
  readonly via?: ServiceHop;
}

/** How one rule that applies to the pod fared against the connection. */
export interface RuleCheck {
  readonly rule: RuleRef;
  readonly peerMatched: boolean;
  readonly portMatched: boolean;
}

/** The verdict of one direction: the source's egress or the destination's ingress. */
export interface SideVerdict {
  /** Display name of the pod whose policies were consulted. */
  readonly endpoint: string;
  /** False for nodes and IPs: policies govern pods only, so that side never restricts. */
  readonly isPod: boolean;
  /** Some policy isolates the pod for this direction (NetworkPolicy, or an API that isolates too). */
  readonly isolated: boolean;
  readonly allowed: boolean;
  /** Allow rules that match the connection in the tier that decided it, in evaluation order. */
  readonly allowedBy: readonly RuleRef[];
  /** Ids of the policies that isolate the pod for this direction, sorted. */
  readonly isolatingPolicies: readonly string[];
  /** Every rule of every policy that selects the pod for this direction, with what matched. */
  readonly checks: readonly RuleCheck[];
  /**
   * The step that settled the connection: a rule (allow, deny or the last pass), an isolating
   * tier that no rule matched, or the default allow. Undefined for non-pods.
   */
  readonly decidedBy?: Step;
}

/** Why a connection is allowed regardless of policy. */
export type Exemption = 'same-pod' | 'own-node' | 'not-enforced';

export interface Verdict {
  readonly from: string;
  readonly to: string;
  readonly port: number;
  readonly protocol: Protocol;
  /** True when exempt, or when both the egress and the ingress side allow. */
  readonly allowed: boolean;
  readonly exemption?: Exemption;
  readonly egress: SideVerdict;
  readonly ingress: SideVerdict;
}

/** Options of an {@link Engine}. */
export interface EngineOptions {
  /** How the dataplane enforces policy. @default the NetworkPolicy specification */
  readonly dataplane?: DataplaneSemantics;
}

type Resolved =
  | { readonly kind: 'pod'; readonly ref: string; readonly cls: number; readonly node?: string; readonly ports: readonly ContainerPort[] | undefined; readonly label: string }
  | { readonly kind: 'ip'; readonly ip: IpAddress; readonly label: string; readonly node?: ClusterNode }
  | { readonly kind: 'entity'; readonly entity: Entity; readonly label: string };

/** Raised for policies the engine cannot analyse exactly; it refuses to answer rather than fail open. */
export class PolicyCompileError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`${problems.length} polic${problems.length === 1 ? 'y' : 'ies'} cannot be analysed:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'PolicyCompileError';
  }
}

/**
 * Answers "may A connect to B?" as the cluster enforces it: NetworkPolicies and, when given,
 * policies of other APIs in their tiers (see `tiers.ts`), on the chosen dataplane. Policies are
 * compiled once; single connections ({@link Engine.evaluate}) and whole connection sets per pair
 * ({@link Engine.connections}, {@link Engine.connectivity}) come from the same computation.
 *
 * Semantics beyond the policy objects: a pod may always reach itself; a node may always reach pods
 * scheduled on it; nodes, external endpoints and bare addresses are never subject to policies, and
 * are matched by address peers (and by the node peers of the APIs that have them). Whether the
 * destination actually listens on the port is not checked.
 */
export class Engine {
  /**
   * Builds an engine from Kubernetes objects (Namespaces, NetworkPolicies, every pod-template
   * owner and Pod, Services, the guardrail APIs: ClusterNetworkPolicy, AdminNetworkPolicy,
   * Calico and Cilium policies; `*List` kinds are flattened) plus inputs the manifests do not
   * carry. See {@link loadCluster} for the normalisation rules.
   * @throws ManifestReadError or ManifestError for a malformed object, PolicyCompileError for a
   *   guardrail that cannot be analysed exactly.
   */
  static fromManifests(manifests: readonly unknown[], inputs: ClusterInputs = {}, options: EngineOptions = {}): Engine {
    return new Engine(loadCluster(manifests, inputs), options);
  }

  /** The NetworkPolicies, compiled, sorted by `ns/name`. */
  readonly policies: readonly CompiledPolicy[];
  /** Every tier, NetworkPolicy included, in evaluation order. */
  readonly tiers: readonly Tier[];
  readonly dataplane: DataplaneSemantics;
  /** The classes, address partition and connectivity of this cluster. */
  readonly universe: Universe;
  private readonly byId = new Map<string, CompiledPolicy>();
  private readonly tierPolicies = new Map<string, TierPolicy>();
  private readonly pods = new Map<string, Extract<Resolved, { kind: 'pod' }>>();
  private readonly byIp = new Map<string, Resolved>();
  private readonly nodes = new Map<string, ClusterNode>();
  private readonly externals = new Map<string, IpAddress>();

  /**
   * Compiles every policy of an already normalised cluster; most callers want
   * {@link Engine.fromManifests}.
   * @throws ManifestError for a malformed or duplicate policy, or a bad address.
   */
  constructor(readonly cluster: Cluster, options: EngineOptions = {}) {
    this.dataplane = options.dataplane ?? SPEC_SEMANTICS;
    const compiled = cluster.policies.map(compilePolicy).sort((a, b) => compare(a.id, b.id));
    for (const p of compiled) {
      if (this.byId.has(p.id)) throw new ManifestError(`NetworkPolicy ${p.id}`, 'metadata.name', 'is declared twice');
      this.byId.set(p.id, p);
    }
    this.policies = compiled;
    const guardrails = compileGuardrails(cluster.guardrails);
    if (guardrails.problems.length) throw new PolicyCompileError(guardrails.problems);
    this.tiers = withNetworkPolicies(compiled.filter((p) => enforced(p, this.dataplane)).map(tierPolicyOf), guardrails.tiers);
    for (const tier of this.tiers) for (const p of tier.policies) this.tierPolicies.set(p.id, p);

    for (const w of cluster.workloads) if (w.ip !== undefined) requireIp(w.ip, `workload ${w.namespace}/${w.name}`);
    this.universe = buildUniverse([{
      tiers: this.tiers,
      namespaces: new Map([...cluster.namespaces.values()].map((ns) => [ns.name, ns.labels])),
      workloads: cluster.workloads,
      dataplane: this.dataplane,
    }]);
    for (const w of cluster.workloads) {
      const ref = `${w.namespace}/${w.name}`;
      const pod = { kind: 'pod' as const, ref, cls: this.universe.classOf.get(ref) as number, ports: w.ports, label: ref, ...(w.node ? { node: w.node } : {}) };
      this.pods.set(ref, pod);
      if (w.ip !== undefined) this.byIp.set((parseIp(w.ip) as IpAddress).text, pod);
    }
    for (const node of cluster.nodes) {
      const ip = requireIp(node.ip, `node ${node.name}`);
      this.nodes.set(node.name, node);
      this.byIp.set(ip.text, { kind: 'ip', ip, node, label: `node ${node.name} (${ip.text})` });
    }
    for (const ext of cluster.externals) {
      const ip = requireIp(ext.ip, `external ${ext.name}`);
      this.externals.set(ext.name, ip);
      this.byIp.set(ip.text, { kind: 'ip', ip, label: `external ${ext.name} (${ip.text})` });
    }
  }

  /** The connectivity of this cluster: side functions per class, connections per pair. */
  get connectivity(): Connectivity {
    return this.universe.states[0];
  }

  /** The compiled NetworkPolicy `ns/name`, if any. */
  policy(id: string): CompiledPolicy | undefined {
    return this.byId.get(id);
  }

  /** The policy of any API with this id (`ns/name` for NetworkPolicies), as the tiers hold it. */
  tierPolicy(id: string): TierPolicy | undefined {
    return this.tierPolicies.get(id);
  }

  /**
   * Every connection `from` may open to `to`: the protocols and ports both sides allow.
   * @throws Error for an unknown endpoint.
   */
  connections(from: EndpointRef, to: EndpointRef): ConnSet {
    const a = this.resolve(from);
    const b = this.resolve(to);
    if (this.exemption(a, b)) return ConnSet.ALL;
    const egress = a.kind === 'pod' ? this.connectivity.resultFor(a.cls, 'egress', this.peerOf(b)).allowed : ConnSet.ALL;
    const ingress = b.kind === 'pod' ? this.connectivity.resultFor(b.cls, 'ingress', this.peerOf(a)).allowed : ConnSet.ALL;
    return egress.intersect(ingress);
  }

  /**
   * Decides one connection. Through a Service (`via`), the destination's ingress is decided for
   * each source the dataplane may present; the first that is admitted is returned (else the last).
   * @throws Error for an unknown endpoint or an unresolvable port name.
   */
  evaluate(query: Query): Verdict {
    const from = this.resolve(query.from);
    const to = this.resolve(query.to);
    const { port, protocol } = resolvePort(query, to);
    const seen = query.via ? this.sourcesThrough(query.via, from, to) : [from];
    let verdict: Verdict | undefined;
    for (const source of seen) {
      verdict = this.decide(from, source, to, port, protocol);
      if (verdict.allowed) break;
    }
    return verdict as Verdict;
  }

  /** The sources `to` may see for a connection from `from` through a Service hop; nodes other than `to`'s own. */
  private sourcesThrough(via: ServiceHop, from: Resolved, to: Resolved): Resolved[] {
    const kinds: readonly ServiceSource[] = via.kind === 'ClusterIP' ? this.dataplane.serviceSources.clusterIp : this.dataplane.serviceSources.external[via.externalTrafficPolicy];
    const out: Resolved[] = [];
    for (const kind of kinds) {
      if (kind === 'pod' || kind === 'client') out.push(from);
      else {
        // The node the destination runs on may be the one that SNATs: policies always let it in.
        if (to.kind === 'pod') out.push({ kind: 'ip', ip: parseIp('0.0.0.0') as IpAddress, label: `the node of ${to.label}`, node: { name: to.node ?? OWN_NODE, ip: '0.0.0.0' } });
        for (const node of this.nodes.values()) {
          if (to.kind === 'pod' && to.node === node.name) continue;
          out.push(this.resolveIp(parseIp(node.ip) as IpAddress));
        }
      }
    }
    return out.length ? out : [from];
  }

  /** One connection with its egress decided from `from` and its ingress from `seenFrom`. */
  private decide(from: Resolved, seenFrom: Resolved, to: Resolved, port: number, protocol: Protocol): Verdict {
    const egress = this.side('egress', from, to, port, protocol);
    const ingress = this.side('ingress', to, seenFrom, port, protocol);
    const exemption = this.exemption(seenFrom, to) ?? (from === seenFrom ? undefined : this.exemption(from, to));
    return {
      from: from.label,
      to: to.label,
      port,
      protocol,
      allowed: exemption !== undefined || (egress.allowed && ingress.allowed),
      ...(exemption ? { exemption } : {}),
      egress,
      ingress,
    };
  }

  /**
   * Ids of the policies that isolate an endpoint for each direction, sorted; both empty for
   * nodes, external endpoints and IPs, which policies never select.
   * @throws Error for an unknown endpoint.
   */
  isolation(ref: EndpointRef): { readonly ingress: readonly string[]; readonly egress: readonly string[] } {
    const subject = this.resolve(ref);
    if (subject.kind !== 'pod') return { ingress: [], egress: [] };
    const isolating = (direction: Direction) => this.connectivity.selecting(subject.cls, direction).filter((s) => s.isolates).map((s) => s.policy).sort(compare);
    return { ingress: isolating('ingress'), egress: isolating('egress') };
  }

  /** {@link evaluate} plus a structured and plain-words account of the verdict. */
  explain(query: Query): Explanation {
    return explainVerdict(this.evaluate(query), (id) => this.tierPolicies.get(id));
  }

  private exemption(from: Resolved, to: Resolved): Exemption | undefined {
    if (!this.dataplane.enforcesNetworkPolicy && (from.kind === 'pod' || to.kind === 'pod')) return 'not-enforced';
    if (from.kind === 'pod' && to.kind === 'pod' && from.ref === to.ref) return 'same-pod';
    if (from.kind === 'ip' && from.node && to.kind === 'pod' && (to.node === from.node.name || from.node.name === OWN_NODE)) return 'own-node';
    return undefined;
  }

  private peerOf(endpoint: Resolved): PeerRef {
    if (endpoint.kind === 'pod') return { kind: 'pod', cls: endpoint.cls };
    if (endpoint.kind === 'entity') return { kind: 'entity', entity: endpoint.entity };
    const ipClass = this.universe.partition.classOf(endpoint.ip).index;
    return endpoint.node ? { kind: 'node', ipClass, labels: endpoint.node.labels ?? {} } : { kind: 'address', ipClass };
  }

  private side(direction: Direction, subject: Resolved, peer: Resolved, port: number, protocol: Protocol): SideVerdict {
    if (subject.kind !== 'pod') {
      return { endpoint: subject.label, isPod: false, isolated: false, allowed: true, allowedBy: [], isolatingPolicies: [], checks: [] };
    }
    const connectivity = this.connectivity;
    const peerRef = this.peerOf(peer);
    const result = connectivity.resultFor(subject.cls, direction, peerRef);
    const steps = connectivity.reason(result.reason).filter((s) => s.conns.has(protocol, port));
    const decidedBy = steps[steps.length - 1];
    const checks = connectivity.trace(subject.cls, direction, peerRef).map((t) => ({ rule: t.rule, peerMatched: t.peerMatched, portMatched: t.conns.has(protocol, port) }));
    const allowed = result.allowed.has(protocol, port);
    const decidingTier = decidedBy?.kind === 'rule' ? decidedBy.rule.tier : undefined;
    const allowedBy = allowed && decidingTier !== undefined
      ? checks.filter((c) => c.peerMatched && c.portMatched && c.rule.tier === decidingTier && c.rule.action === 'allow').map((c) => c.rule)
      : [];
    const isolatingPolicies = connectivity.selecting(subject.cls, direction).filter((s) => s.isolates).map((s) => s.policy).sort(compare);
    return {
      endpoint: subject.label,
      isPod: true,
      isolated: isolatingPolicies.length > 0,
      allowed,
      allowedBy,
      isolatingPolicies,
      checks,
      ...(decidedBy ? { decidedBy } : {}),
    };
  }

  private resolve(ref: EndpointRef): Resolved {
    if (typeof ref === 'string') {
      const ip = parseIp(ref);
      if (ip) return this.resolveIp(ip);
      const slash = ref.indexOf('/');
      if (slash < 0) throw new Error(`endpoint ${JSON.stringify(ref)} is neither "namespace/name" nor an IP address`);
      return this.resolveWorkload(ref.slice(0, slash), ref.slice(slash + 1));
    }
    if (typeof ref !== 'object' || ref === null) throw new Error('endpoint must be a string or an object');
    if ('namespace' in ref) return this.resolveWorkload(ref.namespace, ref.name);
    if ('entity' in ref) return { kind: 'entity', entity: ref.entity, label: `entity ${ref.entity}` };
    if ('node' in ref) {
      const node = this.nodes.get(ref.node);
      if (!node) throw new Error(`unknown node ${JSON.stringify(ref.node)}`);
      return this.resolveIp(parseIp(node.ip) as IpAddress);
    }
    if ('external' in ref) {
      const ip = this.externals.get(ref.external);
      if (!ip) throw new Error(`unknown external endpoint ${JSON.stringify(ref.external)}`);
      return this.resolveIp(ip);
    }
    const ip = parseIp(ref.ip);
    if (!ip) throw new Error(`endpoint ip ${JSON.stringify(ref.ip)} is not an IP address`);
    return this.resolveIp(ip);
  }

  private resolveWorkload(namespace: string, name: string): Resolved {
    const ref = `${namespace}/${name}`;
    const pod = this.pods.get(ref);
    if (!pod) throw new Error(`unknown workload ${ref}`);
    return pod;
  }

  private resolveIp(ip: IpAddress): Resolved {
    return this.byIp.get(ip.text) ?? { kind: 'ip', ip, label: ip.text };
  }
}

/** Stands for the destination's own node when the engine does not know which it is. */
const OWN_NODE = '(the destination\'s node)';

/** Whether the dataplane applies the policy at all (Cilium 1.15 drops a policy with a port range). */
function enforced(policy: CompiledPolicy, dataplane: DataplaneSemantics): boolean {
  if (dataplane.endPort !== 'policy-ignored') return true;
  return ![...(policy.ingress ?? []), ...(policy.egress ?? [])].some((r) => r.ports.specs.some((s) => s.endPort !== undefined && s.port !== undefined && s.endPort > s.port));
}

function requireIp(text: string, subject: string): IpAddress {
  const ip = parseIp(text);
  if (!ip) throw new ManifestError(subject, 'ip', `${JSON.stringify(text)} is not an IP address`);
  return ip;
}

function checkPort(port: number): void {
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`port must be an integer between 1 and 65535, got ${port}`);
}

function checkProtocol(protocol: Protocol): void {
  if (!PROTOCOLS.includes(protocol)) throw new Error(`protocol must be one of ${PROTOCOLS.join(', ')}, got ${JSON.stringify(protocol)}`);
}

function resolvePort(query: Query, to: Resolved): { port: number; protocol: Protocol } {
  if (query.protocol !== undefined) checkProtocol(query.protocol);
  if (typeof query.port === 'number') {
    checkPort(query.port);
    return { port: query.port, protocol: query.protocol ?? 'TCP' };
  }
  const name = query.port;
  const candidates = (to.kind === 'pod' ? to.ports ?? [] : []).filter((p) => p.name === name && (query.protocol === undefined || (p.protocol ?? 'TCP') === query.protocol));
  if (candidates.length === 0) throw new Error(`${to.label} has no container port named ${JSON.stringify(name)}${query.protocol ? ` for ${query.protocol}` : ''}`);
  return { port: candidates[0].containerPort, protocol: candidates[0].protocol ?? 'TCP' };
}
