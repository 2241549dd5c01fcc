import { Labels } from '../k8s/names';
import { IpBlock } from '../values/ip-block';
import { NamedPeer, PeerSpec, RuleSpec } from '../values/peer-spec';
import { Port } from '../values/port';
import { DataplaneEntity } from './semantics';
import { ProfileTable } from './profiles';

/** What compiling a named peer needs of a cluster: its CNI profile and the addresses it was given. */
export interface NamedPeerContext {
  readonly name: string;
  readonly dataplane: ProfileTable;
  readonly nodeCidrs: readonly IpBlock[];
  readonly tunnelCidrs: readonly IpBlock[];
  readonly apiServerEndpoints: readonly IpBlock[];
  readonly dns: { readonly nodeLocalIp?: string };
}

/** A policy as netiso declares it, possibly with named peers (see `PolicySpec` in `render/model`). */
export interface DeclaredPolicy {
  readonly name: string;
  readonly podSelector: Labels;
  readonly ingress?: readonly RuleSpec[];
  readonly egress?: readonly RuleSpec[];
}

/** One rule of a dataplane policy object: reserved identities on ports (empty = every port). */
export interface EntityRuleSpec {
  readonly entities: readonly DataplaneEntity[];
  readonly ports: readonly Port[];
}

/** The part of a declared policy only the dataplane's own policy object can say. */
export interface EntityPolicySpec {
  readonly kind: 'CiliumNetworkPolicy';
  readonly name: string;
  readonly podSelector: Labels;
  readonly ingress?: readonly EntityRuleSpec[];
  readonly egress?: readonly EntityRuleSpec[];
}

/** A declared policy compiled for a dataplane: a NetworkPolicy without named peers, plus what it could not say. */
export interface CompiledPolicies {
  /** Undefined when every rule went to {@link CompiledPolicies.entityPolicy}. */
  readonly networkPolicy?: DeclaredPolicy;
  readonly entityPolicy?: EntityPolicySpec;
}

const DESCRIPTION: Readonly<Record<NamedPeer, string>> = {
  'nodes': 'the nodes',
  'kube-apiserver': 'the API server',
  'node-local-dns': 'NodeLocal DNS',
  'cni-ingress': 'the CNI\'s own Ingress / Gateway proxy',
};

/** Which cluster setting gives a named peer's addresses, for errors. */
const SETTING: Readonly<Record<NamedPeer, string | undefined>> = {
  'nodes': 'nodeCidrs (plus tunnelCidrs when the CNI uses IPIP or VXLAN)',
  'kube-apiserver': 'apiServerEndpoints (the addresses `kubectl get endpointslices -n default -l kubernetes.io/service-name=kubernetes` lists)',
  'node-local-dns': 'dns.nodeLocalDnsIp',
  'cni-ingress': undefined,
};

/** The addresses the cluster gives for a named peer (whether the dataplane matches them or not). */
export function namedPeerCidrs(cluster: NamedPeerContext, peer: NamedPeer): IpBlock[] {
  switch (peer) {
    case 'nodes': return [...cluster.nodeCidrs, ...cluster.tunnelCidrs];
    case 'kube-apiserver': return [...cluster.apiServerEndpoints];
    case 'node-local-dns': {
      const ip = cluster.dns.nodeLocalIp;
      return ip ? [IpBlock.of(`${ip}/${ip.includes(':') ? 128 : 32}`)] : [];
    }
    case 'cni-ingress': return [];
  }
}

/** True when the dataplane matches the named peer at all with what the cluster gives. */
export function matchesNamedPeer(cluster: NamedPeerContext, peer: NamedPeer): boolean {
  const match = cluster.dataplane.peers[peer];
  return match.entities.length > 0 || (match.cidrs && namedPeerCidrs(cluster, peer).length > 0);
}

/**
 * What the cluster lacks to match a named peer on its dataplane, as sentences with the fix; empty
 * when the peer compiles. `needs` says what the peer is for (`an exposure under externalTrafficPolicy
 * 'Cluster'`), for the message.
 */
export function namedPeerProblems(cluster: NamedPeerContext, peer: NamedPeer, needs = `${DESCRIPTION[peer]}`): string[] {
  if (matchesNamedPeer(cluster, peer)) return [];
  const table = cluster.dataplane;
  const match = table.peers[peer];
  const cni = table.semantics.name;
  if (!match.cidrs) {
    const fix = table.fixes[peer];
    return [fix
      ? `${needs} cannot be matched by NetworkPolicy on ${cni}; ${fix}`
      : `${needs} cannot be matched on ${cni}: the CNI has no identity for ${DESCRIPTION[peer]}; choose the cluster's CNI profile (cni: Cni.cilium(...)) or name the pods that carry this traffic instead`];
  }
  return [`${needs} needs the addresses of ${DESCRIPTION[peer]}; set ${SETTING[peer]} on cluster ${cluster.name}`];
}

/**
 * Compiles a declared policy for the cluster's dataplane: named peers become the cluster's CIDRs
 * where the dataplane's ipBlocks match them, and reserved identities in a separate policy object
 * (CiliumNetworkPolicy) where they do not. Nothing else changes, so nothing is allowed beyond the
 * declaration. A direction whose every rule moved to the entity policy is left out of the
 * NetworkPolicy: the entity policy isolates it just the same.
 * @throws Error for a named peer the dataplane cannot match (validation reports it first).
 */
export function compileForDataplane(cluster: NamedPeerContext, spec: DeclaredPolicy): CompiledPolicies {
  const table = cluster.dataplane;
  const directions = (['ingress', 'egress'] as const).map((direction) => {
    const rules = spec[direction];
    if (!rules) return { direction, np: undefined, entity: undefined };
    const np: RuleSpec[] = [];
    const entity: EntityRuleSpec[] = [];
    for (const rule of rules) {
      const peers: PeerSpec[] = [];
      const entities = new Set<DataplaneEntity>();
      for (const peer of rule.peers) {
        if (peer.kind !== 'named') {
          peers.push(peer);
          continue;
        }
        if (!matchesNamedPeer(cluster, peer.peer)) throw new Error(`internal error: policy ${spec.name} names ${DESCRIPTION[peer.peer]}, which ${table.semantics.name} cannot match`);
        const match = table.peers[peer.peer];
        if (match.cidrs) for (const block of namedPeerCidrs(cluster, peer.peer)) peers.push({ kind: 'ip-block', block });
        for (const e of match.entities) entities.add(e);
      }
      if (peers.length) np.push({ peers, ports: rule.ports });
      if (entities.size) entity.push({ entities: [...entities], ports: rule.ports });
    }
    // A declared direction without rules denies everything and stays; one emptied by the move is left out.
    return { direction, np: np.length || rules.length === 0 ? np : undefined, entity: entity.length ? entity : undefined };
  });
  const [ingress, egress] = directions;
  const networkPolicy: DeclaredPolicy | undefined = ingress.np || egress.np
    ? { name: spec.name, podSelector: spec.podSelector, ingress: ingress.np, egress: egress.np }
    : undefined;
  const entityPolicy: EntityPolicySpec | undefined = ingress.entity || egress.entity
    ? { kind: table.policyObject!, name: spec.name, podSelector: spec.podSelector, ingress: ingress.entity, egress: egress.entity }
    : undefined;
  return { networkPolicy, entityPolicy };
}
