import { compare } from '../k8s/compare';
import { k8s } from 'cdk8s-plus-27';
import { manifestOf } from './manifest';
import { Labels } from '../k8s/names';
import { mergePorts, Port } from '../values/port';
import { ClusterSettings, Manifest, MANAGED_BY, PeerSpec, PolicySpec, RuleSpec, WORKSPACE_LABEL } from './model';

/**
 * Renders a policy spec to a NetworkPolicy manifest. `policyTypes` is always explicit, peers and
 * ports are de-duplicated, and rules with the same ports are merged into one.
 */
export function renderPolicy(cluster: ClusterSettings, namespace: string, spec: PolicySpec): Manifest {
  const policyTypes: string[] = [];
  if (spec.ingress) policyTypes.push('Ingress');
  if (spec.egress) policyTypes.push('Egress');
  return manifestOf<k8s.KubeNetworkPolicyProps>(k8s.KubeNetworkPolicy.GVK, {
    metadata: { name: spec.name, namespace, labels: { ...MANAGED_BY } },
    spec: {
      podSelector: selector(spec.podSelector),
      policyTypes,
      ingress: spec.ingress && mergeRules(spec.ingress).map((r) => ({ from: peers(cluster, r, spec.name), ports: ports(r) })),
      egress: spec.egress && mergeRules(spec.egress).map((r) => ({ to: peers(cluster, r, spec.name), ports: ports(r) })),
    },
  }) as Manifest;
}

/** The key that identifies a peer, for de-duplication. */
export function peerKey(peer: PeerSpec): string {
  switch (peer.kind) {
    case 'namespace': return `ns:${peer.namespace}:${labelsKey(peer.podSelector)}`;
    case 'workspace': return `ws:${peer.workspace}`;
    case 'own-namespace': return `own:${labelsKey(peer.podSelector)}`;
    case 'ip-block': return `ip:${peer.block.key}`;
    case 'named': return `named:${peer.peer}`;
  }
}

/** Merges rules that have identical port sets and drops duplicate peers; keeps first-seen order. */
export function mergeRules(rules: readonly RuleSpec[]): RuleSpec[] {
  const byPorts = new Map<string, { peers: Map<string, PeerSpec>; ports: Port[] }>();
  for (const rule of rules) {
    const ports = mergePorts(rule.ports);
    const key = ports.map((p) => p.key).sort().join(',');
    const entry = byPorts.get(key) ?? { peers: new Map(), ports };
    for (const p of rule.peers) if (!entry.peers.has(peerKey(p))) entry.peers.set(peerKey(p), p);
    byPorts.set(key, entry);
  }
  return [...byPorts.values()].map((e) => ({ peers: [...e.peers.values()], ports: e.ports }));
}

function peers(cluster: ClusterSettings, rule: RuleSpec, policy: string): k8s.NetworkPolicyPeer[] {
  // An empty peer list means "everyone": refuse to emit it rather than fail open.
  if (rule.peers.length === 0) throw new Error(`internal error: policy ${policy} has a rule without peers`);
  return rule.peers.map((p) => renderPeer(cluster, p));
}

function ports(rule: RuleSpec): k8s.NetworkPolicyPort[] | undefined {
  return rule.ports.length ? rule.ports.map((p) => p.toPolicyPort()) : undefined;
}

function renderPeer(cluster: ClusterSettings, peer: PeerSpec): k8s.NetworkPolicyPeer {
  switch (peer.kind) {
    case 'namespace':
      return {
        namespaceSelector: selector({ [cluster.namespaceLabel]: peer.namespace }),
        podSelector: peer.podSelector && Object.keys(peer.podSelector).length ? selector(peer.podSelector) : undefined,
      };
    case 'workspace':
      return { namespaceSelector: selector({ [WORKSPACE_LABEL]: peer.workspace }) };
    case 'own-namespace':
      return { podSelector: selector(peer.podSelector ?? {}) };
    case 'ip-block':
      return { ipBlock: peer.block.toPolicyIpBlock() };
    case 'named':
      // compileForDataplane resolves named peers before rendering; one left here would be dropped silently.
      throw new Error(`internal error: ${peer.peer} reached NetworkPolicy rendering unresolved`);
  }
}

function selector(labels: Labels): k8s.LabelSelector {
  return Object.keys(labels).length ? { matchLabels: { ...labels } } : {};
}

function labelsKey(labels: Labels | undefined): string {
  return Object.entries(labels ?? {}).sort(([a], [b]) => compare(a, b)).map(([k, v]) => `${k}=${v}`).join(',');
}

/** Identity of a policy's selection and rules (not its name), for finding duplicate entries. */
export function policyKey(spec: PolicySpec): string {
  const rules = (rs: readonly RuleSpec[] | undefined) => rs === undefined ? '-'
    : mergeRules(rs).map((r) => `${r.peers.map(peerKey).sort().join('|')}@${r.ports.map((p) => p.key).sort().join(',')}`).sort().join(';');
  return `${labelsKey(spec.podSelector)}#${rules(spec.ingress)}#${rules(spec.egress)}`;
}
