import { ClassIndex, PodRecord, buildClassIndex } from './classes';
import { ManifestError } from '../k8s/errors';
import { Explanation, explainVerdict } from './explain';
import { IpAddress, parseIp } from '../k8s/ip';
import { ReachabilityMatrix, computeMatrix } from './matrix';
import { Cluster, ClusterInputs, ClusterNode, ContainerPort, NamespaceInfo, PROTOCOLS, Protocol, loadCluster } from './model';
import { compare } from '../k8s/compare';
import { PeerSubject, peerListMatches } from './peers';
import { CompiledPolicy, Direction, compilePolicy } from './policy';

/**
 * Names one end of a connection:
 * - a workload: `'ns/name'` or `{ namespace, name }`;
 * - a node: `{ node: 'name' }`;
 * - an external endpoint: `{ external: 'name' }`;
 * - any address: `{ ip: '203.0.113.7' }` or the bare string `'203.0.113.7'`.
 * An address that belongs to a known workload, node or external endpoint is
 * treated as that endpoint.
 */
export type EndpointRef = string | { readonly namespace: string; readonly name: string } | { readonly ip: string } | { readonly node: string } | { readonly external: string };

/** A connection attempt from `from` to `to`. */
export interface Query {
  readonly from: EndpointRef;
  readonly to: EndpointRef;
  /** A port number, or a container port name resolved on the destination workload. */
  readonly port: number | string;
  /** Defaults to TCP, or to the named port's protocol when `port` is a name. */
  readonly protocol?: Protocol;
}

/** Points at one rule: `spec.<direction>[ruleIndex]` of `policy` (`ns/name`). */
export interface RuleRef {
  readonly policy: string;
  readonly direction: Direction;
  readonly ruleIndex: number;
}

/** How one rule of an isolating policy fared against the connection. */
export interface RuleCheck {
  readonly rule: RuleRef;
  readonly peerMatched: boolean;
  readonly portMatched: boolean;
}

/** The verdict of one direction: the source's egress or the destination's ingress. */
export interface SideVerdict {
  /** Display name of the pod whose policies were consulted. */
  readonly endpoint: string;
  /** False for nodes and IPs: NetworkPolicy governs pods only, so that side never restricts. */
  readonly isPod: boolean;
  /** Some policy selects the pod for this direction. */
  readonly isolated: boolean;
  /** Not isolated, or at least one rule allowed the connection. */
  readonly allowed: boolean;
  /** Rules that allowed the connection, in policy then rule order. */
  readonly allowedBy: readonly RuleRef[];
  /** `ns/name` of the policies that isolate the pod for this direction, sorted. */
  readonly isolatingPolicies: readonly string[];
  /** Every rule of the isolating policies, with what matched. */
  readonly checks: readonly RuleCheck[];
}

/** Why a connection is allowed regardless of policy. */
export type Exemption = 'same-pod' | 'own-node';

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

type Resolved =
  | { readonly kind: 'pod'; readonly pod: PodRecord; readonly label: string }
  | { readonly kind: 'ip'; readonly ip: IpAddress; readonly label: string; readonly node?: ClusterNode };

/**
 * Answers "may A connect to B on port P?" as a conforming CNI enforces
 * `networking.k8s.io/v1` NetworkPolicy. Policies are compiled once at
 * construction; queries and matrices reuse them.
 *
 * Semantics beyond the policy objects themselves: a pod may always reach
 * itself; a node may always reach pods scheduled on it; nodes, external
 * endpoints and bare IPs are never subject to policies, and are matched only
 * by ipBlock peers. Whether the destination actually listens on the port is
 * not checked.
 */
export class Engine {
  /**
   * Builds an engine from Kubernetes objects (NetworkPolicy, Namespace,
   * Deployment, StatefulSet, DaemonSet, ReplicaSet, Pod, List) plus inputs the
   * manifests do not carry. See {@link loadCluster} for the normalisation rules.
   * @throws ManifestError for a malformed policy, workload or address.
   */
  static fromManifests(manifests: readonly unknown[], inputs: ClusterInputs = {}): Engine {
    return new Engine(loadCluster(manifests, inputs));
  }

  /** All compiled policies, sorted by `ns/name`. */
  readonly policies: readonly CompiledPolicy[];
  private readonly byId: ReadonlyMap<string, CompiledPolicy>;
  private readonly byNamespace = new Map<string, CompiledPolicy[]>();
  private readonly pods = new Map<string, PodRecord>();
  private readonly byIp = new Map<string, Resolved>();
  private readonly nodes = new Map<string, ClusterNode>();
  private readonly externals = new Map<string, IpAddress>();
  private classes?: ClassIndex;

  /**
   * Compiles every policy of an already normalised cluster; most callers want
   * {@link Engine.fromManifests}.
   * @throws ManifestError for a malformed or duplicate policy, or a bad address.
   */
  constructor(readonly cluster: Cluster) {
    const compiled = cluster.policies.map(compilePolicy).sort((a, b) => compare(a.id, b.id));
    const byId = new Map<string, CompiledPolicy>();
    for (const p of compiled) {
      if (byId.has(p.id)) throw new ManifestError(`NetworkPolicy ${p.id}`, 'metadata.name', 'is declared twice');
      byId.set(p.id, p);
      const list = this.byNamespace.get(p.namespace);
      if (list) list.push(p);
      else this.byNamespace.set(p.namespace, [p]);
    }
    this.policies = compiled;
    this.byId = byId;

    for (const w of cluster.workloads) {
      const ref = `${w.namespace}/${w.name}`;
      const ip = w.ip === undefined ? undefined : requireIp(w.ip, `workload ${ref}`);
      const pod: PodRecord = {
        ref,
        namespace: w.namespace,
        namespaceLabels: (cluster.namespaces.get(w.namespace) as NamespaceInfo).labels,
        labels: w.labels,
        ports: w.ports,
        ...(ip ? { ip } : {}),
        ...(w.node ? { node: w.node } : {}),
      };
      this.pods.set(ref, pod);
      if (ip) this.byIp.set(ip.text, { kind: 'pod', pod, label: ref });
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

  /** The compiled policy `ns/name`, if any. */
  policy(id: string): CompiledPolicy | undefined {
    return this.byId.get(id);
  }

  /** Decides one connection. @throws Error for an unknown endpoint or an unresolvable port name. */
  evaluate(query: Query): Verdict {
    const from = this.resolve(query.from);
    const to = this.resolve(query.to);
    const { port, protocol } = resolvePort(query, to);
    const destPorts = to.kind === 'pod' ? to.pod.ports : undefined;
    const egress = this.side('egress', from, to, port, protocol, destPorts);
    const ingress = this.side('ingress', to, from, port, protocol, destPorts);
    let exemption: Exemption | undefined;
    if (from.kind === 'pod' && to.kind === 'pod' && from.pod === to.pod) exemption = 'same-pod';
    else if (from.kind === 'ip' && from.node && to.kind === 'pod' && to.pod.node === from.node.name) exemption = 'own-node';
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
   * `ns/name` of the policies that isolate an endpoint for each direction, sorted; both empty for
   * nodes, external endpoints and IPs, which policies never select.
   * @throws Error for an unknown endpoint.
   */
  isolation(ref: EndpointRef): { readonly ingress: readonly string[]; readonly egress: readonly string[] } {
    const subject = this.resolve(ref);
    if (subject.kind !== 'pod') return { ingress: [], egress: [] };
    return { ingress: this.isolating('ingress', subject.pod).map((p) => p.id), egress: this.isolating('egress', subject.pod).map((p) => p.id) };
  }

  /** {@link evaluate} plus a structured and plain-words account of the verdict. */
  explain(query: Query): Explanation {
    return explainVerdict(this.evaluate(query), (id) => this.byId.get(id));
  }

  /**
   * Reachability between every pair of workloads on one port, computed per
   * equivalence class of workloads (see `WorkloadClass`). Nodes, external
   * endpoints and IPs are not part of the matrix; query them with {@link evaluate}.
   */
  matrix(port: number, protocol: Protocol = 'TCP'): ReachabilityMatrix {
    checkPort(port);
    checkProtocol(protocol);
    return computeMatrix(this.classIndex(), this.policies, port, protocol);
  }

  /** The port-independent class precomputation, built on first use. */
  classIndex(): ClassIndex {
    this.classes ??= buildClassIndex(this.policies, [...this.pods.values()], this.cluster.namespaces);
    return this.classes;
  }

  private side(direction: Direction, subject: Resolved, peer: Resolved, port: number, protocol: Protocol, destPorts: readonly ContainerPort[] | undefined): SideVerdict {
    if (subject.kind !== 'pod') {
      return { endpoint: subject.label, isPod: false, isolated: false, allowed: true, allowedBy: [], isolatingPolicies: [], checks: [] };
    }
    const pod = subject.pod;
    const peerSubject: PeerSubject =
      peer.kind === 'pod'
        ? { kind: 'pod', namespace: peer.pod.namespace, namespaceLabels: peer.pod.namespaceLabels, labels: peer.pod.labels, ...(peer.pod.ip ? { ip: peer.pod.ip } : {}) }
        : { kind: 'ip', ip: peer.ip };
    const isolatingPolicies: string[] = [];
    const allowedBy: RuleRef[] = [];
    const checks: RuleCheck[] = [];
    for (const policy of this.isolating(direction, pod)) {
      isolatingPolicies.push(policy.id);
      for (const rule of policy[direction] ?? []) {
        const ref: RuleRef = { policy: policy.id, direction, ruleIndex: rule.index };
        const check = { rule: ref, peerMatched: peerListMatches(rule.peers, peerSubject), portMatched: rule.ports.matches(port, protocol, destPorts) };
        checks.push(check);
        if (check.peerMatched && check.portMatched) allowedBy.push(ref);
      }
    }
    const isolated = isolatingPolicies.length > 0;
    return { endpoint: subject.label, isPod: true, isolated, allowed: !isolated || allowedBy.length > 0, allowedBy, isolatingPolicies, checks };
  }

  /** Policies of the pod's namespace that select it for `direction`, in id order. */
  private isolating(direction: Direction, pod: PodRecord): CompiledPolicy[] {
    return (this.byNamespace.get(pod.namespace) ?? []).filter((policy) => !!policy[direction] && policy.target.matches(pod.labels));
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
    return { kind: 'pod', pod, label: ref };
  }

  private resolveIp(ip: IpAddress): Resolved {
    return this.byIp.get(ip.text) ?? { kind: 'ip', ip, label: ip.text };
  }
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
  const candidates = (to.kind === 'pod' ? to.pod.ports ?? [] : []).filter((p) => p.name === name && (query.protocol === undefined || (p.protocol ?? 'TCP') === query.protocol));
  if (candidates.length === 0) throw new Error(`${to.label} has no container port named ${JSON.stringify(name)}${query.protocol ? ` for ${query.protocol}` : ''}`);
  return { port: candidates[0].containerPort, protocol: candidates[0].protocol ?? 'TCP' };
}
